"""Is the bot alive: the database answers, feeds are polled and digests dispatched (/healthz).

Recurring jobs record a heartbeat in the database, so that ``summit-bot web`` running apart
from the bot still sees them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.services.context import Services
from bot.store import repository

log = logging.getLogger(__name__)

DISPATCHER = "dispatcher"
FEED_POLLER = "feed-poller"


def beat(services: Services, name: str) -> None:
    """Record that the job ``name`` ran now."""
    with services.session(write=True) as session:
        repository.beat(session, name, services.now())


@dataclass(frozen=True, slots=True)
class Health:
    database_ok: bool
    last_feed_poll_age: float | None = None  # seconds; None when never
    last_dispatcher_tick_age: float | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.database_ok else "error",
            "database": "ok" if self.database_ok else (self.error or "unreachable"),
            "last_feed_poll_age_seconds": self.last_feed_poll_age,
            "last_dispatcher_tick_age_seconds": self.last_dispatcher_tick_age,
        }


def check(services: Services) -> Health:
    now = services.now()
    try:
        with services.session() as session:
            repository.ping(session)
            beats = repository.heartbeats(session)
            polled = repository.last_feed_poll(session)
    except SQLAlchemyError as exc:
        log.warning("health check: the database does not answer: %s", exc)
        return Health(False, error=type(exc).__name__)
    polled = max(filter(None, [polled, beats.get(FEED_POLLER)]), default=None)
    tick = beats.get(DISPATCHER)
    return Health(
        True,
        round((now - polled).total_seconds(), 1) if polled else None,
        round((now - tick).total_seconds(), 1) if tick else None,
    )
