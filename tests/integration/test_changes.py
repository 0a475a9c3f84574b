"""The digest's changes section: what happened to meetings a chat was shown, said once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Status
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.services.changes import since_last_digest
from bot.settings import Settings
from bot.store import upcoming

from .conftest import FakeExtractor, meeting, write_article

TODAY = dt.date(2030, 3, 2)
HORIZON = dt.date(2030, 3, 16)
ANNOUNCED = ("2030-03-01", "Talks announced", "Three meetings are announced.")
NEWS = ("2030-03-03", "Plans change", "One moved, one was called off, one was put off.")
SCRIPT = {
    ANNOUNCED[1]: [
        meeting(["Ana Lund", "Jorge Vera"], "2030-03-10", "Oslo"),
        meeting(["Ana Lund", "Mia Berg"], "2030-03-11", "Rome"),
        meeting(["Ana Lund", "Ivo Horvat"], "2030-03-12", "Zagreb"),
        meeting(["Ana Lund", "Tom Hale"], "2030-03-13", "Dublin"),
    ],
    NEWS[1]: [
        meeting(["Ana Lund", "Jorge Vera"], "2030-03-14", "Bergen"),
        meeting(["Ana Lund", "Mia Berg"], "2030-03-11", status=Status.CANCELLED),
        meeting(["Ana Lund", "Ivo Horvat"], "2030-03-12", status=Status.POSTPONED),
        meeting(["Ana Lund", "Tom Hale"], "2030-04-05", "Dublin"),  # beyond the horizon
    ],
}


def _digest(session: Session) -> list:  # type: ignore[type-arg]
    return upcoming(session, TODAY, until=HORIZON, include_cancelled=True, include_undated=True)


def test_changes_since_the_last_digest_are_said_once(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    extractor = FakeExtractor(SCRIPT)
    for name, article in (("a.txt", ANNOUNCED), ("b.txt", NEWS)):
        path = write_article(tmp_path, name, *article)
        if article is NEWS:
            with session_factory() as session:
                seen = {event.id: event.fingerprint for event in _digest(session)}
            assert len(seen) == 4
        assert ingest(session_factory, extractor, [file_input(path, Settings())]).ok

    with session_factory() as session:
        shown = _digest(session)
        lines = since_last_digest(session, seen, shown, TODAY)
        assert sorted(lines) == [
            "Ana Lund meets Ivo Horvat: postponed (was Tue 12 Mar 2030)",
            "Ana Lund meets Jorge Vera: moved from Sun 10 Mar 2030 to Thu 14 Mar 2030; "
            "now in Bergen (was Oslo)",
            "Ana Lund meets Mia Berg: cancelled",
            "Ana Lund meets Tom Hale: moved from Wed 13 Mar 2030 to Fri 5 Apr 2030",
        ]
        assert "Tom Hale" not in " ".join(e.title for e in shown)  # left the digest's period
        # Only for what the chat follows.
        assert since_last_digest(session, seen, shown, TODAY, ["Mia Berg"]) == [
            "Ana Lund meets Mia Berg: cancelled"
        ]
        # Once: the next digest compares with what this one showed.
        now_seen = {event.id: event.fingerprint for event in shown}
        assert since_last_digest(session, now_seen, shown, TODAY) == []
        # A meeting that is simply over is not news.
        assert since_last_digest(session, seen, [], dt.date(2030, 6, 1)) == []
