"""Feeds from a local server: full text and summaries, conditional GET, failures, back-off."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.ingest.feeds import add_feed, list_feeds, poll_due_feeds, poll_feeds, remove_feed
from bot.ingest.fetch import make_client
from bot.settings import Settings
from bot.store.db import session_scope
from bot.store.models import ArticleRow, FeedEntryFailureRow, FeedRow

from .conftest import FakeExtractor, LocalServer, count, meeting, snapshot

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"""
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
LONG = " ".join(
    ["The prime ministers of Portugal and Ireland will meet in Lisbon on June 20, officials said."]
    + ["Their talks will cover fishing quotas, wind power and the next budget round."] * 15
)
SUMMARY_PAGE = """<html><head><title>Page</title>
<meta property="article:published_time" content="2025-05-30T09:00:00Z"></head><body><article>
<h1>Nordic leaders plan a summit</h1><p>The leaders of the Nordic countries will gather in Turku
on June 25 for their summer summit, the Finnish government said.</p>
<p>The agenda includes defence cooperation and the Arctic.</p></article></body></html>"""


def rss(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Test desk</title>
<item><title>Lisbon talks</title><link>{base}/full</link>
<pubDate>Sat, 31 May 2025 08:00:00 GMT</pubDate><description>Short.</description>
<content:encoded><![CDATA[<p>{LONG}</p><script>evil()</script>]]></content:encoded></item>
<item><title>Nordic summit</title><link>{base}/page</link>
<pubDate>Fri, 30 May 2025 08:00:00 GMT</pubDate><description>Leaders gather.</description></item>
<item><title>Broken link</title><link>{base}/gone</link>
<pubDate>Fri, 30 May 2025 07:00:00 GMT</pubDate><description>Gone.</description></item>
</channel></rss>"""


@pytest.fixture
def extractor() -> FakeExtractor:
    return FakeExtractor(
        {
            "Lisbon talks": [
                meeting(["Luis Montenegro", "Micheal Martin"], "2025-06-20", "Lisbon")
            ],
            "Nordic leaders plan a summit": [
                meeting([], "2025-06-25", "Turku", summit="Nordic summit")
            ],
        }
    )


def _add(factory: sessionmaker[Session], url: str) -> int:
    with session_scope(factory, write=True) as session:
        return add_feed(session, url, NOW)[0].id


def test_poll_stores_entries_and_uses_validators(
    session_factory: sessionmaker[Session],
    server: LocalServer,
    settings: Settings,
    extractor: FakeExtractor,
) -> None:
    feed_url = server.add("/feed.xml", rss(server.url("")), etag='"v1"')
    server.add("/page", SUMMARY_PAGE, headers={"Content-Type": "text/html"})
    _add(session_factory, feed_url)
    with make_client(settings) as client:
        [result] = poll_feeds(session_factory, extractor, NOW, client=client, settings=settings)
    assert result.error is None and result.entries == 3
    assert result.report.new_articles == 2 and result.report.events_created == 2
    assert [f.reason for f in result.report.failures] == ["HTTP 404 Not Found"]
    with session_factory() as session:
        rows = {r.url: r for r in session.query(ArticleRow)}
        full = rows[server.url("/full")]
        assert "evil" not in full.text and full.title == "Lisbon talks"
        assert str(full.published) == "2025-05-31"
        assert str(rows[server.url("/page")].published) == "2025-05-30"
        feed = session.query(FeedRow).one()
        assert (feed.etag, feed.error_count, feed.title) == ('"v1"', 0, "Test desk")
        assert feed.next_poll_at == NOW + dt.timedelta(minutes=30)

    # Second poll: the server answers 304 to the ETag, nothing is fetched again.
    server.requests.clear()
    with make_client(settings) as client:
        [again] = poll_feeds(session_factory, extractor, NOW, client=client, settings=settings)
    assert again.not_modified and again.report.new_articles == 0
    assert [path for path, _ in server.requests] == ["/feed.xml"]
    assert server.requests[0][1].get("If-None-Match") == '"v1"'

    # The feed changes: known entries are skipped without fetching them, and the entry
    # that failed waits for its back-off instead of being fetched on every poll.
    server.add("/feed.xml", rss(server.url("")), etag='"v2"')
    server.requests.clear()
    with make_client(settings) as client:
        [third] = poll_feeds(session_factory, extractor, NOW, client=client, settings=settings)
    assert third.report.new_articles == 0 and third.waiting == 1
    assert [path for path, _ in server.requests] == ["/feed.xml"]
    with session_factory() as session:
        [info] = list_feeds(session)
    assert info.health == "DEGRADED: 1 entry(ies) failing: HTTP 404 Not Found"

    # Its back-off over (an hour after one failure), it is tried again, and waits longer.
    server.add("/feed.xml", rss(server.url("")), etag='"v3"')
    server.requests.clear()
    later = NOW + dt.timedelta(minutes=61)
    with make_client(settings) as client:
        [fourth] = poll_feeds(session_factory, extractor, later, client=client, settings=settings)
    assert [path for path, _ in server.requests] == ["/feed.xml", "/gone"]
    assert fourth.new_failures == [] and len(fourth.report.failures) == 1
    with session_factory() as session:
        row = session.query(FeedEntryFailureRow).one()
        assert (row.failures, row.next_attempt_at) == (2, later + dt.timedelta(hours=2))


@pytest.mark.parametrize(
    ("path", "body", "kwargs", "error"),
    [
        ("/bomb.xml", BILLION_LAUGHS, {}, "refused XML with a DTD or entity declarations"),
        ("/missing.xml", None, {}, "HTTP 404 Not Found"),
        ("/error.xml", b"oops", {"status": 500}, "HTTP 500 Internal Server Error"),
        ("/slow.xml", b"<rss/>", {"delay": 3.0}, "timed out after 2 s"),
        ("/html.xml", b"<html><body><p>hi</p></body></html>", {}, "not an RSS or Atom feed"),
    ],
)
def test_failing_feed_backs_off_and_changes_nothing(
    session_factory: sessionmaker[Session],
    server: LocalServer,
    settings: Settings,
    path: str,
    body: bytes | None,
    kwargs: dict[str, object],
    error: str,
) -> None:
    url = server.url(path) if body is None else server.add(path, body, **kwargs)
    _add(session_factory, url)
    before = snapshot(session_factory)
    with make_client(settings) as client:
        [first] = poll_feeds(
            session_factory, FakeExtractor(), NOW, client=client, settings=settings
        )
        later = NOW + dt.timedelta(hours=2)
        poll_feeds(session_factory, FakeExtractor(), later, client=client, settings=settings)
    assert first.error is not None and first.error.startswith(error)
    assert count(session_factory, ArticleRow) == 0
    after = snapshot(session_factory)
    assert after["articles"] == before["articles"] and after["events"] == before["events"]
    with session_factory() as session:
        [info] = list_feeds(session)
    assert info.error_count == 2 and info.last_error is not None
    assert info.last_error.startswith(error)
    assert info.next_poll_at == later + dt.timedelta(minutes=30 * 4)  # doubled twice
    assert info.last_success is None


def test_poll_due_feeds_polls_only_due_ones(
    session_factory: sessionmaker[Session], server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import get_settings

    monkeypatch.setenv("FETCH_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    due = server.add("/due.xml", "<rss version='2.0'><channel><title>D</title></channel></rss>")
    later = server.add("/later.xml", "<rss version='2.0'><channel><title>L</title></channel></rss>")
    _add(session_factory, due)
    with session_scope(session_factory, write=True) as session:
        add_feed(session, later, NOW + dt.timedelta(hours=1))
    results = poll_due_feeds(session_factory, FakeExtractor(), NOW)
    get_settings.cache_clear()
    assert [r.url for r in results] == [due]
    with session_scope(session_factory, write=True) as session:
        assert remove_feed(session, later) and not remove_feed(session, later)


def test_feeds_commands(
    cli_env: str,
    server: LocalServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")  # the test server is on loopback
    url = server.url("/missing.xml")
    assert main(["feeds", "add", url]) == 1  # checked: a 404 is refused
    assert capsys.readouterr().err.strip() == f"error: {url}: not added: HTTP 404 Not Found"
    assert main(["feeds", "add", "--no-check", url]) == 0
    assert main(["feeds", "add", url]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"added (not checked): {url}",
        f"already subscribed: {url}",
    ]
    assert main(["feeds", "poll"]) == 1
    assert f"error: {url}: HTTP 404 Not Found" in capsys.readouterr().err
    assert main(["feeds", "list"]) == 0
    assert "FAILING x1: HTTP 404 Not Found" in capsys.readouterr().out
    assert main(["feeds", "list", "--json"]) == 0
    [info] = json.loads(capsys.readouterr().out)
    assert (info["url"], info["error_count"]) == (url, 1)
    assert main(["feeds", "remove", url]) == 0
    assert main(["feeds", "remove", url]) == 0  # idempotent, like add
    assert main(["feeds", "add", "file:///etc/passwd"]) == 1


def test_relative_links_resolve_against_the_feed_url(
    session_factory: sessionmaker[Session], server: LocalServer, settings: Settings
) -> None:
    feed = server.add(
        "/news/feed.xml",
        """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><title>Nordic summit</title><link href="story.html"/>
        <updated>2025-05-30T08:00:00Z</updated><summary>Short.</summary></entry></feed>""",
    )
    server.add("/news/story.html", SUMMARY_PAGE, headers={"Content-Type": "text/html"})
    _add(session_factory, feed)
    with make_client(settings) as client:
        [result] = poll_feeds(
            session_factory, FakeExtractor(), NOW, client=client, settings=settings
        )
    assert result.error is None and result.report.new_articles == 1
    with session_factory() as session:
        assert session.query(ArticleRow).one().url == server.url("/news/story.html")
