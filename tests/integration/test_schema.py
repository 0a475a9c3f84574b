"""Migrations: the shipped revisions build exactly the models' schema, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from bot.store import upgrade_database
from bot.store.migrate import current_revision
from bot.store.models import Base


def _head() -> str | None:
    """The newest revision shipped (revisions are added by several branches)."""
    from alembic.script import ScriptDirectory

    from bot.store.migrate import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_upgrade_builds_the_models_schema(engine: Engine, database_url: str) -> None:
    assert current_revision(engine) is not None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    upgrade_database(database_url)  # a second run is a no-op
    assert set(inspect(engine).get_table_names()) >= {
        "articles",
        "events",
        "mentions",
        "feeds",
        "chats",
        "follows",
        "digest_deliveries",
        "digest_items",
    }


def test_first_revision_is_0001_initial(engine: Engine) -> None:
    from bot.store.migrate import MIGRATIONS_DIR

    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() is not None


def test_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_db_upgrade_command(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"database at revision {_head()}"] * 2


def test_plain_postgresql_url_is_accepted(database_url: str) -> None:
    if not database_url.startswith("postgresql+psycopg://"):
        return
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    upgrade_database(plain)
    from bot.store.db import make_engine

    engine = make_engine(plain)
    try:
        assert engine.dialect.driver == "psycopg"
        assert current_revision(engine) == _head()
    finally:
        engine.dispose()
