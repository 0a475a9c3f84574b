"""One poll with hostile feeds next to a good one: the good feed's articles are stored, each
hostile feed or entry records its own error, and nothing reaches an internal address.

The test's "internet" is 127.0.0.1 (allowed with FETCH_ALLOW_NETWORKS); the "internal
network" is a server on 127.0.0.2 that must never get a request. Traffic stays on loopback.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest.feeds import add_feed, list_feeds, poll_due_feeds, poll_feeds
from bot.ingest.fetch import make_client
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.models import ArticleRow, FeedEntryFailureRow

from .conftest import FakeExtractor, LocalServer, meeting

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
# Written for this test; long enough (150+ words) to be taken as the entry's full text.
FULL = " ".join(
    ["The presidents of Chile and Uruguay will meet in Montevideo on June 12, aides said."]
    + ["They plan to sign an accord on river ports, rail freight and shared power lines."] * 14
)


def _item(title: str, link: str, date: str = "Sat, 31 May 2025 08:00:00 GMT") -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>Short.</description><content:encoded><![CDATA[<p>{title}. {FULL}</p>]]>"
        "</content:encoded></item>"
    )


def _summary_item(title: str, link: str) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Sat, 31 May 2025 08:00:00 GMT</pubDate><description>Short.</description></item>"
    )


def _rss(items: str, encoding: str = "utf-8", title: str = "Desk") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title>{items}</channel></rss>"
    ).encode(encoding)


@pytest.fixture
def secret() -> Iterator[LocalServer]:
    srv = LocalServer("127.0.0.2")
    srv.add("/secret", b"<html><body><p>internal</p></body></html>")
    srv.add("/feed.xml", _rss(_item("Internal", "http://127.0.0.2/x")))
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _add(factory: sessionmaker[Session], url: str, at: dt.datetime = NOW) -> None:
    with session_scope(factory, write=True) as session:
        add_feed(session, url, at)


@pytest.mark.slow
def test_hostile_feeds_next_to_a_good_one(
    session_factory: sessionmaker[Session],
    database_url: str,
    server: LocalServer,
    secret: LocalServer,
) -> None:
    big = 70_000 if database_url.startswith("postgresql") else 3_000
    settings = Settings(
        fetch_allow_networks="127.0.0.1/32",
        fetch_timeout_seconds=5.0,
        fetch_max_bytes=16 * 1024 * 1024,
        feed_max_entries=20,
    )
    port = secret.httpd.server_address[1]
    good_items = _item("Good one", server.url("/good/1")) + _summary_item(
        "Good page", server.url("/good/page")
    )
    server.add(
        "/good/page",
        """<html><head><title>Ports deal</title><meta property="article:published_time"
        content="2025-05-30T09:00:00Z"></head><body><article><h1>Ports deal</h1><p>The
        presidents of Chile and Uruguay will sign a ports deal in Montevideo on June 12,
        the foreign ministry said on Friday.</p></article></body></html>""",
        headers={"Content-Type": "text/html"},
    )
    server.add("/to-secret", status=302, headers={"Location": secret.url("/secret")})
    feeds = {
        "year0": _rss(
            _item("Year zero", server.url("/y/0"), "0000-01-01T00:00:00Z")
            + _item("Dated fine", server.url("/y/1"))
        ),
        "gb2312": _rss(_item("峰会将在蒙得维的亚举行", server.url("/cn/1")), "gb2312", "新闻"),
        "big": _rss(
            "".join(_summary_item(f"Entry {i}", server.url(f"/big/{i}")) for i in range(big))
        ),
        "internal": _rss(
            _summary_item("Secret", secret.url("/secret"))
            + _summary_item("Secret v6", f"http://[::1]:{port}/secret")
            + _summary_item("Secret hex", f"http://0x7f000002:{port}/secret")
        ),
        "redirect": _rss(_summary_item("Redirected", server.url("/to-secret"))),
        "malformed": b"<rss><channel><item>",
    }
    for name, body in feeds.items():
        _add(session_factory, server.add(f"/{name}.xml", body))
    _add(session_factory, secret.url("/feed.xml"))  # the feed itself is internal
    good_feed = server.add("/good.xml", _rss(good_items))
    _add(session_factory, good_feed, NOW + dt.timedelta(seconds=1))  # polled last

    extractor = FakeExtractor({"Good one": [meeting(["Gabriel Boric", "Yamandu Orsi"], None)]})
    with make_client(settings) as client:
        results = poll_feeds(session_factory, extractor, NOW, client=client, settings=settings)
    by_url = {r.url.rsplit("/", 1)[-1]: r for r in results}
    assert len(results) == 8

    # The good feed, polled after all the others, stored both articles.
    good = by_url["good.xml"]
    assert good.error is None and good.report.new_articles == 2
    with session_factory() as session:
        urls = set(session.scalars(select(ArticleRow.url)))
    assert {server.url("/good/1"), server.url("/good/page")} <= urls

    # Year 0: that entry failed alone, the other entry of the feed was stored.
    year0 = by_url["year0.xml"]
    assert year0.error is None and year0.report.new_articles == 1
    assert [f.reason for f in year0.new_failures] == ["feed entry has no publication date"]

    # GB2312: decoded and stored.
    cn = by_url["gb2312.xml"]
    assert cn.error is None and cn.report.new_articles == 1

    # The big feed: every link looked up (in batches), 20 taken, the rest left for later.
    many = by_url["big.xml"]
    assert many.error is None and many.entries == big
    assert many.deferred == big - 20 and len(many.report.failures) == 20  # pages are 404

    # Internal links, directly or by redirect: refused per entry, nothing reached 127.0.0.2.
    internal = by_url.get("feed.xml")
    assert internal is not None and internal.error is not None
    assert internal.error.startswith("refused: 127.0.0.2")
    refusals = [f.reason for f in by_url["internal.xml"].report.failures]
    assert len(refusals) == 3 and all(r.startswith("refused: ") for r in refusals)
    [redirected] = by_url["redirect.xml"].report.failures
    assert redirected.reason == "refused: 127.0.0.2 is not a public address"
    assert secret.requests == []

    assert by_url["malformed.xml"].error is not None
    assert by_url["malformed.xml"].error.startswith("malformed XML")

    # What `feeds list` shows: failing feeds FAILING, feeds with failing entries DEGRADED.
    with session_factory() as session:
        health = {info.url.rsplit("/", 1)[-1]: info.health for info in list_feeds(session)}
        failing_entries = session.query(FeedEntryFailureRow).count()
    assert health["good.xml"] == health["gb2312.xml"] == "ok"
    assert health["feed.xml"].startswith("FAILING x1: refused")
    assert health["malformed.xml"].startswith("FAILING x1: malformed XML")
    assert health["year0.xml"].startswith("DEGRADED: 1 entry(ies) failing")
    assert health["internal.xml"].startswith("DEGRADED: 3 entry(ies) failing: refused")
    assert failing_entries == 1 + 20 + 3 + 1


@pytest.mark.postgres
def test_errors_do_not_carry_the_query_parameters() -> None:
    """A query past PostgreSQL's 65,535 parameters fails without listing them."""
    from bot.store import make_session_factory, upgrade_database

    from .conftest import _pg_schema_url

    for url in _pg_schema_url():
        upgrade_database(url)
        factory = make_session_factory(url)
        links = [f"http://127.0.0.1/never-stored/{i}" for i in range(70_000)]
        with factory() as session, pytest.raises(SQLAlchemyError) as caught:
            list(session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(links))))
        assert "never-stored" not in str(caught.value)
        factory.kw["bind"].dispose()


def test_the_same_feed_error_is_logged_once(
    session_factory: sessionmaker[Session],
    server: LocalServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(fetch_allow_private=True, fetch_timeout_seconds=2.0)
    _add(session_factory, server.url("/missing.xml"))
    with caplog.at_level(logging.DEBUG, logger="bot.ingest.feeds"):
        for hours in (0, 2, 5, 10):
            poll_due_feeds(
                session_factory, FakeExtractor(), NOW + dt.timedelta(hours=hours), settings
            )
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    repeats = [r for r in caplog.records if r.levelno == logging.DEBUG and "404" in r.message]
    assert [r.getMessage() for r in warnings] == [
        f"feed {server.url('/missing.xml')} failed: HTTP 404 Not Found"
    ]
    assert len(repeats) == 3


def test_a_slow_feed_cannot_hold_the_poll_past_its_budget(
    session_factory: sessionmaker[Session], server: LocalServer
) -> None:
    """Entries whose pages time out use up the poll's budget: the rest of them and the next
    feed are left for the next poll instead of holding the ingestion lock."""
    settings = Settings(
        fetch_allow_private=True, fetch_timeout_seconds=0.5, feed_poll_budget_seconds=1.2
    )
    items = "".join(_summary_item(f"Slow {i}", server.url(f"/slow/{i}")) for i in range(30))
    for i in range(30):
        server.add(f"/slow/{i}", b"late", delay=1.0)
    _add(session_factory, server.add("/slow.xml", _rss(items)))
    _add(session_factory, server.add("/next.xml", _rss("")), NOW + dt.timedelta(seconds=1))
    with make_client(settings) as client:
        slow, following = poll_feeds(
            session_factory, FakeExtractor(), NOW, client=client, settings=settings
        )
    tried = len(slow.report.failures)
    assert 1 <= tried < 30 and slow.deferred == 30 - tried
    assert following.postponed and following.url.endswith("/next.xml")
    with session_factory() as session:
        nxt = next(f for f in list_feeds(session) if f.url.endswith("/next.xml"))
        assert nxt.last_polled_at is None and nxt.next_poll_at == NOW + dt.timedelta(seconds=1)


def test_entries_over_the_cap_are_taken_at_the_next_poll(
    session_factory: sessionmaker[Session], server: LocalServer
) -> None:
    settings = Settings(fetch_allow_private=True, fetch_timeout_seconds=2.0, feed_max_entries=3)
    items = "".join(_item(f"Story {i}", server.url(f"/s/{i}")) for i in range(7))
    _add(session_factory, server.add("/capped.xml", _rss(items), etag='"same"'))
    counts = []
    with make_client(settings) as client:
        for _ in range(4):
            [result] = poll_feeds(
                session_factory, FakeExtractor(), NOW, client=client, settings=settings
            )
            counts.append((result.report.new_articles, result.deferred, result.not_modified))
    # The ETag is kept only once nothing is left: then the feed answers 304.
    assert counts == [(3, 4, False), (3, 1, False), (1, 0, False), (0, 0, True)]
