"""Alembic environment: runs on the engine given by ``bot.store.migrate`` (online only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from bot.store.db import WRITE_OPTION, sqlite_migration_lock
from bot.store.models import Base

# An arbitrary constant: PostgreSQL processes that start together migrate one at a time.
_PG_MIGRATION_LOCK = 0x5355_4D4D


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through bot.store.migrate.upgrade_database()")
    with sqlite_migration_lock(engine), engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # BEGIN IMMEDIATE: the migration holds the write lock from its first statement.
            connection = connection.execution_options(**{WRITE_OPTION: True})
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                connection.commit()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
