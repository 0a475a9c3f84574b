"""The calendar query: speed with 100,000 events stored, and the iCalendar export."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.domain import Status
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.settings import Settings
from bot.store import upcoming_events
from bot.store.models import ArticleRow, EventRow, MentionRow

from .conftest import FakeExtractor, meeting, write_article

START = dt.date(2020, 1, 1)
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def fill(engine: Engine, n_events: int) -> None:
    """``n_events`` events over ~8 years (a tenth undated), each with one mention."""
    stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    n_articles = max(1, n_events // 50)
    articles = [
        {
            "id": i + 1,
            "source": f"synthetic-{i}",
            "url": None,
            "title": f"Synthetic report {i}",
            "published": START + dt.timedelta(days=i % 3000),
            "text": "synthetic",
            "content_hash": f"{i:064d}",
            "word_count": 1,
            "ingested_at": stamp,
        }
        for i in range(n_articles)
    ]
    events, mentions = [], []
    for i in range(n_events):
        date = None if i % 10 == 0 else START + dt.timedelta(days=(i * 7919) % 3000)
        reported = (date or START + dt.timedelta(days=i % 3000)) - dt.timedelta(days=5)
        events.append(
            {
                "id": i + 1,
                "key": f"p:a{i % 997},b{i}",
                "summit_key": None,
                "title": f"Leader {i} meets Leader {i + 1}",
                "participants": [f"Leader {i}", f"Leader {i + 1}"],
                "summit": None,
                "place": "Somewhere",
                "date": date,
                "end_date": None,
                "last_day": date,
                "precision": "day" if date else "unknown",
                "status": "cancelled" if i % 17 == 0 else "scheduled",
                "first_reported": reported,
                "last_reported": reported,
                "changes": [],
                "first_seen": stamp,
                "updated_at": stamp,
            }
        )
        mentions.append(
            {
                "event_id": i + 1,
                "article_id": i % n_articles + 1,
                "published": reported,
                "participants": [],
                "precision": "day",
                "status": "scheduled",
                "evidence": "synthetic",
                "date": date,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(ArticleRow), articles)
        for chunk in range(0, n_events, 20_000):
            conn.execute(insert(EventRow), events[chunk : chunk + 20_000])
            conn.execute(insert(MentionRow), mentions[chunk : chunk + 20_000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            for table in ("articles", "events", "mentions"):  # ids were given explicitly
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )


@pytest.mark.slow
def test_upcoming_is_fast_with_100k_events(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    fill(engine, 100_000)
    timings = []
    for _ in range(5):
        with session_factory() as session:
            started = time.perf_counter()
            events = upcoming_events(session, NOW, limit=50)
            timings.append(time.perf_counter() - started)
    assert len(events) == 50
    dates = [e.event.date for e in events]
    assert None not in dates and dates == sorted(dates) and dates[0] >= NOW.date()
    assert all(e.sources and e.event.status is not Status.CANCELLED for e in events)
    best = min(timings) * 1000
    print(f"upcoming_events with 100,000 events: {best:.1f} ms")
    assert best < 100


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
