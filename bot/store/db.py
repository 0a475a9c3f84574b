"""Engines and sessions from a ``DATABASE_URL``: SQLite (the default) or PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

try:
    import fcntl
except ImportError:  # not POSIX: SQLite's own busy timeout is all there is
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

# Seconds a SQLite writer waits for another process's lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 30
WRITE_OPTION = "summit_write"


def normalise_url(url: str) -> str:
    """Pick the psycopg 3 driver for plain ``postgresql://`` (and ``postgres://``) URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_sqlite_begin) instead of the driver.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        # In WAL mode NORMAL is still crash-safe for the database; it only may lose the
        # last commits on power loss, and it makes one commit per document affordable.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock up front: a deferred transaction that reads and then
    # writes fails at once with "database is locked" when another process wrote meanwhile,
    # while BEGIN IMMEDIATE waits for the busy timeout instead.
    immediate = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets its folder created, WAL mode and foreign keys.

    Bound parameters stay out of error messages (``hide_parameters``): a failed query over
    thousands of feed links must not copy them all into the log.
    """
    url = normalise_url(url)
    kwargs.setdefault("hide_parameters", True)
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_S})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine_or_url: Engine | str) -> sessionmaker[Session]:
    """A session factory; objects stay readable after commit (``expire_on_commit=False``)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session], write: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises.

    ``write=True`` takes SQLite's write lock at the start (other processes may be writing).
    """
    with factory() as session, session.begin():
        if write:
            session.connection(execution_options={WRITE_OPTION: True})
        yield session


@contextmanager
def sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Only one process at a time migrates a SQLite file, as PostgreSQL's advisory lock does.

    Two processes that start on a fresh file would otherwise both create the tables and one
    fails with "database is locked". The lock is ``flock`` on a file beside the database
    (released by the kernel if the process dies); in-memory databases need none.
    """
    path = _sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
