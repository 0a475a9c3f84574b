"""Consolidation rules, without a database."""

from __future__ import annotations

import datetime as dt

from bot.domain import Event, Precision, Status
from bot.store.merge import (
    Report,
    consolidate,
    dedupe_within_article,
    event_key,
    last_day,
    match_score,
    same_person,
    summit_key,
)


def ev(people: list[str], date: str | None, **kw: object) -> Event:
    return Event(
        participants=people,
        date=dt.date.fromisoformat(date) if date else None,
        precision=Precision.DAY if date else Precision.UNKNOWN,
        **kw,  # type: ignore[arg-type]
    )


def test_same_person_by_surname() -> None:
    assert same_person("Xi", "Xi Jinping")
    assert same_person("Donald Trump", "Trump")
    assert same_person("President Macron", "Emmanuel Macron")
    assert same_person("Sánchez", "Pedro Sanchez")
    assert not same_person("Lee Jae Myung", "Moon Jae-in")
    assert not same_person("Donald Trump", "Xi Jinping")


def test_summit_key() -> None:
    assert summit_key("Asia-Pacific Economic Cooperation (APEC) summit") == "apec"
    assert summit_key("the APEC summit") == "apec"
    assert summit_key("G20 summit") == "g20"
    assert summit_key("Commonwealth Heads of Government Meeting (CHOGM)") == "chogm"
    assert summit_key("climate summit") == "climate"
    assert summit_key(None) is None


def test_key_is_order_free() -> None:
    assert event_key(ev(["Xi Jinping", "Donald Trump"], None)) == event_key(
        ev(["Donald Trump", "Xi Jinping"], None)
    )


def test_moved_meeting_matches_but_other_people_do_not() -> None:
    stored = ev(["Donald Trump", "Xi Jinping"], "2030-10-30")
    assert match_score(stored, ev(["Trump", "Xi"], "2030-10-31")) is not None
    assert match_score(stored, ev(["Trump", "Xi"], "2030-10-30")) == 100
    assert match_score(stored, ev(["Donald Trump", "Lee Jae Myung"], "2030-10-30")) is None
    assert match_score(stored, ev(["Trump", "Xi"], "2031-06-01")) is None  # far: another one


def test_subset_of_people_needs_the_same_day() -> None:
    stored = ev(["Donald Trump", "Xi Jinping"], "2030-10-30")
    assert match_score(stored, ev(["Xi Jinping"], "2030-10-30")) == 70
    assert match_score(stored, ev(["Xi Jinping"], "2030-10-31")) is None


def test_summits_merge_by_name_and_window() -> None:
    a = Event(summit="G20 summit", date=dt.date(2030, 11, 1), precision=Precision.DAY)
    b = Event(summit="the G20 summit", date=dt.date(2030, 11, 3), precision=Precision.DAY)
    c = Event(summit="APEC summit", date=dt.date(2030, 11, 1), precision=Precision.DAY)
    assert match_score(a, b) is not None
    assert match_score(a, c) is None
    assert match_score(a, ev(["Xi"], "2030-11-01", summit="G20 summit")) is None


def test_undated_report_after_the_meeting_is_a_new_meeting() -> None:
    stored = ev(["Modi", "Xi"], "2030-10-07")
    later = ev(["Modi", "Xi"], None)
    assert match_score(stored, later, dt.date(2030, 10, 1), dt.date(2030, 10, 3)) == 80
    assert match_score(stored, later, dt.date(2030, 10, 1), dt.date(2030, 11, 8)) is None
    assert (
        match_score(ev(["Modi", "Xi"], None), later, dt.date(2028, 1, 1), dt.date(2030, 1, 1))
        is None
    )


def test_week_precision_covers_a_later_exact_day() -> None:
    week = Event(["Modi", "Xi"], date=dt.date(2030, 10, 7), precision=Precision.WEEK)
    assert last_day(week) == dt.date(2030, 10, 13)
    assert match_score(week, ev(["Modi", "Xi"], "2030-10-11")) == 100


def test_newest_report_wins_whatever_the_order() -> None:
    old = Report(ev(["A Smith", "B Jones"], "2030-05-04", place="Geneva"), dt.date(2030, 4, 1), 1)
    new = Report(ev(["Smith", "Jones"], "2030-05-05"), dt.date(2030, 4, 10), 2)
    cancel = Report(ev(["Smith", "Jones"], None, status=Status.CANCELLED), dt.date(2030, 4, 20), 3)
    for reports in ([old, new, cancel], [cancel, new, old], [new, cancel, old]):
        merged = consolidate(reports)
        assert merged.event.date == dt.date(2030, 5, 5)
        assert merged.event.place == "Geneva"
        assert merged.event.status is Status.CANCELLED
        assert merged.event.participants == ["A Smith", "B Jones"]
        assert [(c["field"], c["reported"]) for c in merged.changes] == [
            ("date", "2030-04-10"),
            ("status", "2030-04-20"),
        ]
        assert (merged.first_reported, merged.last_reported) == (
            dt.date(2030, 4, 1),
            dt.date(2030, 4, 20),
        )


def test_vaguer_date_does_not_undo_a_day() -> None:
    day = Report(ev(["Smith", "Jones"], "2030-05-14"), dt.date(2030, 4, 1), 1)
    month = Event(["Smith", "Jones"], date=dt.date(2030, 5, 1), precision=Precision.MONTH)
    merged = consolidate([day, Report(month, dt.date(2030, 4, 5), 2)])
    assert merged.event.date == dt.date(2030, 5, 14)
    assert merged.changes == []


def test_dedupe_within_article_keeps_distinct_meetings() -> None:
    a = ev(["Trump", "Kim"], None, summit="APEC summit")
    b = ev(["Trump", "Kim"], None, status=Status.POSSIBLE)
    assert dedupe_within_article([a, b, ev(["Kim", "Trump"], None, summit="APEC")]) == [a, b]
