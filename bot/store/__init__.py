"""Storage: the SQLAlchemy models, engine and session factories, migrations and queries.

Domain dataclasses (``bot.domain``) never see SQLAlchemy; the repository and the calendar
query map rows to them and back.
"""

from bot.store.db import make_engine, make_session_factory, normalise_url, session_scope
from bot.store.migrate import upgrade_database
from bot.store.queries import get_event, upcoming

__all__ = [
    "get_event",
    "make_engine",
    "make_session_factory",
    "normalise_url",
    "session_scope",
    "upcoming",
    "upgrade_database",
]
