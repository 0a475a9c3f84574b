"""What every service needs: sessions, the clock, the renderer and a few settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.services.clock import Clock, clock_from_setting
from bot.services.rendering import Renderer
from bot.store.db import make_engine, make_session_factory, session_scope

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """The settings services read (a subset of ``bot.settings.Settings``)."""

    default_timezone: str = "UTC"
    default_digest_time: dt.time = dt.time(8, 0)
    missed_digest_grace: dt.timedelta = dt.timedelta(hours=3)
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    digest_days: int = 14  # how far ahead a daily digest looks (weekly: twice as far)
    public_url: str | None = None  # where people reach the web side (webcal:// links)


@dataclass(slots=True)
class Services:
    """The service layer's shared state; plain Python, no telegram imports."""

    sessions: sessionmaker[Session]
    clock: Clock
    renderer: Renderer
    config: ServiceConfig = field(default_factory=ServiceConfig)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One transaction: committed at the end of the block, rolled back on error.

        ``write=True`` takes SQLite's write lock up front, so a transaction that reads and
        then writes waits for other writers instead of failing with "database is locked".
        """
        with session_scope(self.sessions, write=write) as session:
            yield session

    def now(self) -> dt.datetime:
        return self.clock.now()

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.config.admin_ids


def services_from_settings(
    settings: Settings, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """Services for ``settings``: database sessions, the clock (``BOT_NOW``), the templates."""
    engine = engine or make_engine(settings.database_url)
    return Services(
        sessions=make_session_factory(engine),
        clock=clock or clock_from_setting(settings.bot_now),
        renderer=Renderer(settings.templates_dir),
        config=ServiceConfig(
            default_timezone=settings.default_timezone,
            default_digest_time=settings.default_digest_time,
            missed_digest_grace=dt.timedelta(hours=settings.missed_digest_grace_hours),
            admin_ids=frozenset(settings.admin_ids),
            public_url=settings.public_url,
        ),
    )
