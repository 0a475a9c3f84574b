"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, a fake extractor,
a local HTTP server, and article writers. Texts here are written for these tests."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Article, Event, Precision, Status
from bot.settings import Settings
from bot.store import make_session_factory, upgrade_database
from bot.store.db import make_engine
from bot.store.models import ArticleRow, EventRow, FeedRow, MentionRow

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "corpus" / "000_d2c230fae8be8e2f.txt"


def _pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # not reachable: fail, CI starts the server
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        (tmp_path / "data").mkdir()  # the bot refuses a SQLite path in a missing folder
        yield f"sqlite:///{tmp_path / 'data' / 'test.sqlite3'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_database(database_url)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_URL for in-process CLI runs (settings are cached: cleared around the test)."""
    from bot.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("BOT_NOW", raising=False)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def snapshot(factory: sessionmaker[Session]) -> dict[str, Any]:
    """Everything ingestion can change, to show that a bad input changed nothing."""
    with factory() as s:
        return {
            "articles": s.scalars(select(ArticleRow.content_hash).order_by(ArticleRow.id)).all(),
            "events": [
                (e.id, e.title, e.date, e.place, e.status, e.changes, e.updated_at)
                for e in s.scalars(select(EventRow).order_by(EventRow.id))
            ],
            "mentions": s.execute(
                select(MentionRow.event_id, MentionRow.article_id).order_by(MentionRow.id)
            ).all(),
            "feeds": [
                (f.url, f.error_count, f.etag)
                for f in s.scalars(select(FeedRow).order_by(FeedRow.id))
            ],
        }


def count(factory: sessionmaker[Session], model: type[Any]) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- a deterministic stand-in for the extractor -------------------------------------------


@dataclass
class FakeAnalysis:
    article: Article
    events: list[Event] = field(default_factory=list)
    dates: list[Any] = field(default_factory=list)


class FakeExtractor:
    """Returns the events scripted for each article title; records the batches it saw."""

    def __init__(self, script: dict[str, list[Event]] | None = None) -> None:
        self.script = script or {}
        self.seen: list[str] = []

    def analyse(self, articles: Iterable[Article]) -> Iterator[FakeAnalysis]:
        for article in articles:
            self.seen.append(article.title)
            events = [dataclasses.replace(e) for e in self.script.get(article.title, [])]
            yield FakeAnalysis(article, events)


def meeting(
    people: list[str],
    date: str | None,
    place: str | None = None,
    status: Status = Status.SCHEDULED,
    summit: str | None = None,
) -> Event:
    return Event(
        participants=people,
        summit=summit,
        place=place,
        date=dt.date.fromisoformat(date) if date else None,
        precision=Precision.DAY if date else Precision.UNKNOWN,
        status=status,
        evidence=f"{' and '.join(people) or summit} meeting",
    )


def write_article(folder: Path, name: str, published: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f" date {published} {title}\n\n{body.strip()}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def real_extractor() -> Any:
    """The project's extractor, loaded once for the session."""
    from bot.nlp.pipeline import Extractor
    from bot.settings import DEFAULT_SPACY_MODEL

    extractor = Extractor(DEFAULT_SPACY_MODEL, 8)
    extractor.nlp  # noqa: B018 - load now, not inside a timed section
    return extractor


@pytest.fixture
def settings() -> Settings:
    # Fetching from the local test server needs loopback allowed (refused by default).
    return Settings(
        fetch_timeout_seconds=2.0,
        fetch_max_bytes=1024 * 1024,
        feed_poll_minutes=30,
        fetch_allow_private=True,
    )


# --- a local HTTP server ------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None  # answer 304 when If-None-Match matches


class LocalServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path, Route(404, b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                headers = {"Content-Length": str(len(route.body)), **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.host = host  # a loopback address: tests send traffic nowhere else
        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
