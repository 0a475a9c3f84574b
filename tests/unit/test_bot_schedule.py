"""Parsing /time, /timezone and frequencies; when digests are due (pure functions)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.chat import Frequency
from bot.services.errors import InvalidInputError
from bot.services.schedule import (
    due_slot,
    latest_slot,
    next_slot,
    parse_digest_time,
    parse_frequency,
    parse_time,
    parse_timezone,
    parse_weekday,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", dt.time(8, 0)),
        ("8:30", dt.time(8, 30)),
        (" 20.15 ", dt.time(20, 15)),
        ("7", dt.time(7, 0)),
        ("7am", dt.time(7, 0)),
        ("7:30 pm", dt.time(19, 30)),
        ("12am", dt.time(0, 0)),
        ("12 p.m.", dt.time(12, 0)),
        ("0:00", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_parse_time(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", (None, dt.time(8, 0))),
        ("fri 17:00", (4, dt.time(17, 0))),
        ("17:00 Friday", (4, dt.time(17, 0))),
        ("Mon, 7am", (0, dt.time(7, 0))),
        ("sunday 9:15", (6, dt.time(9, 15))),
    ],
)
def test_parse_digest_time_with_an_optional_day(
    text: str, expected: tuple[int | None, dt.time]
) -> None:
    assert parse_digest_time(text) == expected


def test_parse_digest_time_refuses_a_day_alone() -> None:
    with pytest.raises(InvalidInputError, match=r"/time \d"):
        parse_digest_time("friday")


@pytest.mark.parametrize("text", ["25:00", "25:99", "8:60", "noon", "", "13pm", "08:00:00x"])
def test_parse_time_refuses_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInputError, match=r"/time \d"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("UTC", "UTC"),
        ("utc+2", "Etc/GMT-2"),
        ("GMT-5", "Etc/GMT+5"),
        ("UTC+0", "UTC"),
    ],
)
def test_parse_timezone(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Olympus_Mons", "", "UTC+20", "Nowhere"])
def test_parse_timezone_refuses_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInputError, match=r"Europe/Berlin|UTC"):
        parse_timezone(text)


def test_parse_frequency() -> None:
    assert parse_frequency("Daily") is Frequency.DAILY
    assert parse_frequency("week") is Frequency.WEEKLY
    assert parse_frequency("never") is Frequency.OFF
    with pytest.raises(InvalidInputError, match="daily, weekly or off"):
        parse_frequency("hourly")


@pytest.mark.parametrize(
    ("text", "expected"), [("0", 0), ("4", 4), ("6", 6), ("fri", 4), ("Sunday", 6), (" tue ", 1)]
)
def test_parse_weekday(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["7", "-1", "", "fr", "someday", "4.0"])
def test_parse_weekday_refuses_what_is_not_a_day(text: str) -> None:
    with pytest.raises(InvalidInputError, match="day of the week"):
        parse_weekday(text)


def test_daily_slots_in_the_chats_time_zone() -> None:
    now = dt.datetime(2025, 10, 27, 6, 30, tzinfo=UTC)  # 07:30 in Berlin (CET since 26 Oct)
    slot = latest_slot(now, "Europe/Berlin", dt.time(7, 0), Frequency.DAILY)
    assert slot is not None
    assert slot.due == dt.datetime(2025, 10, 27, 6, 0, tzinfo=UTC)
    assert slot.key == "daily:2025-10-27"
    upcoming = next_slot(now, "Europe/Berlin", dt.time(7, 0), Frequency.DAILY)
    assert upcoming is not None and upcoming.key == "daily:2025-10-28"


def test_weekly_slot_is_on_its_weekday() -> None:
    now = dt.datetime(2025, 10, 29, 12, 0, tzinfo=UTC)  # a Wednesday
    slot = latest_slot(now, "UTC", dt.time(8, 0), Frequency.WEEKLY, weekday=0)
    assert slot is not None and slot.key == "weekly:2025-10-27"
    assert next_slot(now, "UTC", dt.time(8, 0), Frequency.WEEKLY, 0).key == "weekly:2025-11-03"  # type: ignore[union-attr]


def test_off_has_no_slots() -> None:
    now = dt.datetime(2025, 10, 27, tzinfo=UTC)
    assert latest_slot(now, "UTC", dt.time(8, 0), Frequency.OFF) is None
    assert next_slot(now, "UTC", dt.time(8, 0), Frequency.OFF) is None


def test_due_within_grace_and_after_the_schedule_was_set() -> None:
    grace = dt.timedelta(hours=3)
    at = dt.time(6, 0)
    since = dt.datetime(2025, 10, 27, 5, 0, tzinfo=UTC)
    on_time = dt.datetime(2025, 10, 27, 6, 0, 30, tzinfo=UTC)
    assert due_slot(on_time, "UTC", at, Frequency.DAILY, grace=grace, not_before=since)
    late = dt.datetime(2025, 10, 27, 8, 59, tzinfo=UTC)
    assert due_slot(late, "UTC", at, Frequency.DAILY, grace=grace, not_before=since)
    too_late = dt.datetime(2025, 10, 27, 9, 0, tzinfo=UTC)
    assert due_slot(too_late, "UTC", at, Frequency.DAILY, grace=grace, not_before=since) is None
    # Subscribing at 07:00 does not trigger the 06:00 digest of the same morning.
    later_since = dt.datetime(2025, 10, 27, 7, 0, tzinfo=UTC)
    assert due_slot(late, "UTC", at, Frequency.DAILY, grace=grace, not_before=later_since) is None


def test_slot_in_a_dst_gap_still_exists() -> None:
    # 02:30 does not exist in Berlin on 30 March 2025; the slot still comes once that day.
    now = dt.datetime(2025, 3, 30, 12, 0, tzinfo=UTC)
    slot = latest_slot(now, "Europe/Berlin", dt.time(2, 30), Frequency.DAILY)
    assert slot is not None and slot.key == "daily:2025-03-30"
