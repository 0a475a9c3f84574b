"""A large synthetic calendar, for the query's tests and benchmarks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert

from bot.store.models import ArticleRow, EventRow, MentionRow

START = dt.date(2020, 1, 1)


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
    events, mentions = [], []
    for i in range(n_events):
        date = None if i % 10 == 0 else start + dt.timedelta(days=(i * 7919) % 3000)
        reported = (date or start + dt.timedelta(days=i % 3000)) - dt.timedelta(days=5)
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
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # fresh statistics for the query planner
        if engine.dialect.name == "postgresql":
            for table in ("articles", "events", "mentions"):  # ids were given explicitly
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
