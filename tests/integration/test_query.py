"""The calendar query: speed with 100,000 events stored, and the iCalendar export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.domain import Status
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.services.calendar import ics_bytes
from bot.services.clock import FixedClock
from bot.services.context import Services
from bot.services.rendering import Renderer
from bot.settings import Settings
from bot.store import make_engine, make_session_factory, upcoming, upgrade_database
from tests.fakes.calendar import fill_synthetic_calendar

from .conftest import FakeExtractor, meeting, write_article

START = dt.date(2020, 1, 1)
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def test_upcoming_from_a_large_calendar(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    # Its speed with 100,000 events is measured by bench/ingest.py, not asserted here.
    fill_synthetic_calendar(engine, 20_000)
    with session_factory() as session:
        events = upcoming(session, NOW.date(), limit=50)
    assert len(events) == 50
    dates = [e.date for e in events]
    assert None not in dates and dates == sorted(dates) and dates[0] >= NOW.date()
    assert all(e.sources and e.status is not Status.CANCELLED for e in events)


def test_ics_export(
    cli_env: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    title = "Ministers meet"
    path = write_article(tmp_path, "a.txt", "2030-03-01", title, "Two ministers will meet.")
    script = {
        title: [
            meeting(["Ana Lund", "Jorge Vera"], "2030-03-12", "Oslo"),
            meeting(["Ana Lund", "Ivo Horvat"], "2030-03-14", status=Status.POSSIBLE),
            meeting(["Ana Lund", "Mia Berg"], "2030-03-15", status=Status.CANCELLED),
            meeting(["Ana Lund", "Tom Hale"], None),
        ]
    }
    factory = make_session_factory(cli_env)
    upgrade_database(cli_env)
    report = ingest(factory, FakeExtractor(script), [file_input(path, Settings())])
    assert report.events_created == 4
    assert main(["events", "--ics", "--as-of", "2030-03-02T00:00:00Z"]) == 0
    cal = Calendar.from_ical(capsysbinary.readouterr().out)
    vevents = cal.walk("VEVENT")
    assert [(str(v["STATUS"]), v.decoded("DTSTART")) for v in vevents] == [
        ("CONFIRMED", dt.date(2030, 3, 12)),
        ("TENTATIVE", dt.date(2030, 3, 14)),
        ("CANCELLED", dt.date(2030, 3, 15)),
    ]
    assert vevents[0].decoded("DTEND") == dt.date(2030, 3, 13)
    assert str(vevents[0]["LOCATION"]) == "Oslo"
    uids = [str(v["UID"]) for v in vevents]
    assert len(set(uids)) == 3
    assert main(["events", "--ics", "--as-of", "2030-03-02T00:00:00Z"]) == 0
    again = Calendar.from_ical(capsysbinary.readouterr().out)
    assert [str(v["UID"]) for v in again.walk("VEVENT")] == uids  # stable across exports


FIRST = ("2030-03-01", "Ministers to meet", "Two ministers will meet in Oslo.")
MOVED = ("2030-03-05", "Ministers' meeting moved", "The ministers' meeting moved to Bergen.")
CALLED_OFF = ("2030-03-06", "Summit called off", "The summit was called off.")
STORY = {
    FIRST[1]: [
        meeting(["Ana Lund", "Jorge Vera"], "2030-03-12", "Oslo"),
        meeting(["Ana Lund", "Mia Berg"], "2030-03-15", "Rome"),
    ],
    MOVED[1]: [meeting(["Ana Lund", "Jorge Vera"], "2030-03-13", "Bergen")],
    CALLED_OFF[1]: [meeting(["Ana Lund", "Mia Berg"], "2030-03-15", status=Status.CANCELLED)],
}


def _calendar_of(url: str, folder: Path) -> dict[str, Any]:
    """Ingest the story into the database at ``url``; its iCalendar as /ics makes it."""
    upgrade_database(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [write_article(folder, f"{n}.txt", *a) for n, a in enumerate(STORY_ARTICLES)]
        for path in paths:  # one at a time, in publication order, as feeds deliver them
            assert ingest(factory, FakeExtractor(STORY), [file_input(path, Settings())]).ok
        services = Services(factory, FixedClock(dt.datetime(2030, 3, 7, tzinfo=dt.UTC)), Renderer())
        data, _ = ics_bytes(services, 7)
        return {str(v["SUMMARY"]): v for v in Calendar.from_ical(data).walk("VEVENT")}
    finally:
        engine.dispose()


STORY_ARTICLES = (FIRST, MOVED, CALLED_OFF)


def test_ics_identities_survive_a_reingest_into_a_fresh_database(
    database_url: str, tmp_path: Path
) -> None:
    first = _calendar_of(database_url, tmp_path / "a")
    fresh = _calendar_of(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "b")
    assert set(first) == {"Ana Lund meets Jorge Vera", "Ana Lund meets Mia Berg (cancelled)"}
    for title, vevent in first.items():
        assert str(fresh[title]["UID"]) == str(vevent["UID"])  # the same meeting, the same UID
        assert "@" in str(vevent["UID"]) and not str(vevent["UID"]).startswith("summit-event-")
    moved = first["Ana Lund meets Jorge Vera"]
    assert moved.decoded("DTSTART") == dt.date(2030, 3, 13)
    assert str(moved["LOCATION"]) == "Bergen"
    assert int(moved["SEQUENCE"]) == 1  # one recorded change: the move
    assert moved.decoded("LAST-MODIFIED") is not None
    cancelled = first["Ana Lund meets Mia Berg (cancelled)"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1


def test_cli_and_telegram_write_the_same_calendar(
    cli_env: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    by_telegram = _calendar_of(cli_env, tmp_path)
    assert main(["events", "--ics", "--as-of", "2030-03-07T00:00:00Z"]) == 0
    by_cli = Calendar.from_ical(capsysbinary.readouterr().out).walk("VEVENT")
    assert {str(v["SUMMARY"]): str(v["UID"]) for v in by_cli} == {
        title: str(v["UID"]) for title, v in by_telegram.items()
    }
    assert {str(v["STATUS"]) for v in by_cli} == {"CONFIRMED", "CANCELLED"}
