"""Alembic configured from code, so migrations run from an installed package without an ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from bot.store.db import make_engine, normalise_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config whose env.py runs on ``engine`` (passed in ``attributes``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade_database(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision``; a no-op when it is already there."""
    if isinstance(url_or_engine, str):
        engine = make_engine(normalise_url(url_or_engine))
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            engine.dispose()
    else:
        command.upgrade(alembic_config(url_or_engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
