"""The calendar query: speed with 100,000 events stored, and the iCalendar export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.domain import Status
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.settings import Settings
from bot.store import upcoming
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
    from bot.store.db import make_session_factory

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
    from bot.store import upgrade_database

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
