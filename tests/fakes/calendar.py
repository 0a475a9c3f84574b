"""Synthetic calendars: the one builder of event rows for the query's tests and benchmarks.

``synthetic_events`` and ``synthetic_mentions`` give rows for ``insert(EventRow)`` and
``insert(MentionRow)`` (bulk inserts, far faster than ingesting articles); the caller says who
meets, on which day and with what status, by functions of the event's index.
``fill_synthetic_calendar`` is the large calendar the query's test reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, insert

from bot.domain import Precision, Status
from bot.domain.calendar import event_identity
from bot.store.models import ArticleRow, EventRow, MentionRow

START = dt.date(2020, 1, 1)


def synthetic_events(
    count: int,
    start: dt.date,
    *,
    people: Callable[[int], Sequence[str]],
    day_of: Callable[[int], int | None],
    status_of: Callable[[int], Status] = lambda i: Status.SCHEDULED,
    place_of: Callable[[int], str | None] = lambda i: "Somewhere",
    reported: dt.date | None = None,
    stamp: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    first_id: int | None = None,
    key_prefix: str = "synthetic",
) -> list[dict[str, Any]]:
    """``count`` event rows: event ``i`` is on ``start + day_of(i)`` days (None: undated).

    ``first_id`` gives explicit ids (the table must then be empty of them). Each row has its
    own identity (UID), as the repository would give it.
    """
    rows: list[dict[str, Any]] = []
    for i in range(count):
        offset = day_of(i)
        date = None if offset is None else start + dt.timedelta(days=offset)
        names = list(people(i))
        report_day = reported or start
        row: dict[str, Any] = {
            "key": f"{key_prefix}:{i}",
            "summit_key": None,
            "title": f"{names[0]} meets {' and '.join(names[1:])}" if names else "Meeting",
            "participants": names,
            "summit": None,
            "place": place_of(i),
            "date": date,
            "end_date": None,
            "last_day": date,
            "precision": Precision.DAY if date else Precision.UNKNOWN,
            "status": status_of(i),
            "first_reported": report_day,
            "last_reported": report_day,
            "changes": [],
            "first_seen": stamp,
            "updated_at": stamp,
            "sequence": 0,
            "uid": event_identity(names, None, report_day, f"{key_prefix}:{i}"),
        }
        if first_id is not None:
            row["id"] = first_id + i
        rows.append(row)
    return rows


def synthetic_mentions(
    events: Sequence[dict[str, Any]], first_event_id: int, article_of: Callable[[int], int]
) -> list[dict[str, Any]]:
    """One mention per event row (events inserted in order from ``first_event_id``)."""
    return [
        {
            "event_id": first_event_id + i,
            "article_id": article_of(i),
            "published": event["last_reported"],
            "participants": event["participants"],
            "summit": None,
            "place": event["place"],
            "date": event["date"],
            "end_date": None,
            "precision": event["precision"],
            "status": event["status"],
            "evidence": "synthetic",
        }
        for i, event in enumerate(events)
    ]


def fill_synthetic_calendar(engine: Engine, n_events: int, start: dt.date = START) -> None:
    """``n_events`` events over ~8 years from ``start`` (a tenth undated), one mention each.

    For measuring the calendar query at scale: ids are given, so the tables must be empty.
    """
    stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    n_articles = max(1, n_events // 50)
    articles = [
        {
            "id": i + 1,
            "source": f"synthetic-{i}",
            "url": None,
            "title": f"Synthetic report {i}",
            "published": start + dt.timedelta(days=i % 3000),
            "text": "synthetic",
            "content_hash": f"{i:064d}",
            "word_count": 1,
            "ingested_at": stamp,
        }
        for i in range(n_articles)
    ]
    events = synthetic_events(
        n_events,
        start,
        people=lambda i: (f"Leader {i}", f"Leader {i + 1}"),
        day_of=lambda i: None if i % 10 == 0 else (i * 7919) % 3000,
        status_of=lambda i: Status.CANCELLED if i % 17 == 0 else Status.SCHEDULED,
        stamp=stamp,
        first_id=1,
    )
    for i, event in enumerate(events):  # reported five days before its day
        event["key"] = f"p:a{i % 997},b{i}"
        reported = (event["date"] or start + dt.timedelta(days=i % 3000)) - dt.timedelta(days=5)
        event["first_reported"] = event["last_reported"] = reported
    mentions = synthetic_mentions(events, 1, lambda i: i % n_articles + 1)
    with engine.begin() as conn:
        conn.execute(insert(ArticleRow), articles)
        for chunk in range(0, n_events, 20_000):
            conn.execute(insert(EventRow), events[chunk : chunk + 20_000])
            conn.execute(insert(MentionRow), mentions[chunk : chunk + 20_000])
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # fresh statistics for the query planner
        if engine.dialect.name == "postgresql":
            for table in ("articles", "events", "mentions"):  # ids were given explicitly
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
