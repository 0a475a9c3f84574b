"""RSS/Atom feeds: subscription, defensive parsing, conditional polling, back-off on failure.

``poll_due_feeds`` is the job the Telegram bot schedules every ``FEED_POLL_MINUTES``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.articles import parse_article
from bot.domain import Article
from bot.errors import SummitBotError
from bot.ingest.errors import ArticleError, FeedError
from bot.ingest.fetch import Fetched, check_url, fetch, make_client
from bot.ingest.html import html_to_text
from bot.ingest.service import ExtractorLike, IngestReport, Input, ingest
from bot.ingest.sources import read_url
from bot.settings import Settings, get_settings
from bot.store.db import session_scope
from bot.store.models import ArticleRow, FeedRow

log = logging.getLogger(__name__)

# A feed entry whose own text has fewer words is a summary: the page is fetched instead.
FULL_TEXT_MIN_WORDS = 150
MAX_BACKOFF = dt.timedelta(hours=24)


def parse_feed(data: bytes, base_url: str | None = None) -> Any:
    """The feedparser result for a feed document that passed the XML safety check.

    DTDs and entity declarations are refused before feedparser sees the bytes: they serve
    no purpose in a feed and are how entity-expansion ("billion laughs") attacks work.
    """
    import feedparser

    if not data.strip():
        raise FeedError("empty feed document")
    try:
        defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(
            f"refused XML with a DTD or entity declarations ({exc.__class__.__name__})"
        ) from None
    except ParseError as exc:
        raise FeedError(f"malformed XML: {exc}") from None
    # The feed's own URL is the base for relative entry links.
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    return parsed


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
    return None


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return html_to_text(best) if best else ""


def entry_input(
    entry: Any, get_client: Callable[[], httpx.Client], settings: Settings
) -> Input | None:
    """An input for a feed entry: its own full text, or the linked page when it is a summary."""
    link = entry.get("link")
    if not link:
        return None
    published = _entry_date(entry)
    title = " ".join((entry.get("title") or "").split())

    def load() -> Article:
        text = _entry_text(entry)
        if len(text.split()) >= FULL_TEXT_MIN_WORDS:
            if published is None:
                raise ArticleError("feed entry has no publication date")
            article = parse_article(text, link, published, link)
            return Article(link, published, title or article.title, article.body, link)
        return read_url(get_client(), link, settings, published)

    return Input(link, load)


@dataclass(slots=True)
class FeedPollResult:
    url: str
    report: IngestReport = field(default_factory=IngestReport)
    error: str | None = None
    not_modified: bool = False
    entries: int = 0


@dataclass(frozen=True, slots=True)
class FeedInfo:
    url: str
    title: str | None
    error_count: int
    last_error: str | None
    last_success: dt.datetime | None
    last_polled_at: dt.datetime | None
    next_poll_at: dt.datetime | None
    articles: int


def add_feed(session: Session, url: str, now: dt.datetime) -> tuple[FeedRow, bool]:
    """Subscribe to a feed (idempotent); it is due at once. Returns (feed, created)."""
    check_url(url)
    row = session.scalars(select(FeedRow).where(FeedRow.url == url)).first()
    if row is not None:
        return row, False
    row = FeedRow(url=url, error_count=0, next_poll_at=now, created_at=now)
    session.add(row)
    session.flush()
    return row, True


def remove_feed(session: Session, url: str) -> bool:
    """Unsubscribe; the articles it brought stay stored."""
    row = session.scalars(select(FeedRow).where(FeedRow.url == url)).first()
    if row is None:
        return False
    session.delete(row)
    return True


def list_feeds(session: Session) -> list[FeedInfo]:
    from sqlalchemy import func

    query = select(ArticleRow.feed_id, func.count()).group_by(ArticleRow.feed_id)
    counts: dict[int | None, int] = {feed_id: n for feed_id, n in session.execute(query)}
    return [
        FeedInfo(
            r.url,
            r.title,
            r.error_count,
            r.last_error,
            r.last_success,
            r.last_polled_at,
            r.next_poll_at,
            counts.get(r.id, 0),
        )
        for r in session.scalars(select(FeedRow).order_by(FeedRow.url))
    ]


def backoff(error_count: int, interval: dt.timedelta) -> dt.timedelta:
    """Doubling delay after each consecutive failure, at most a day."""
    delay: dt.timedelta = interval * 2 ** min(error_count, 10)
    return min(delay, MAX_BACKOFF)


def _record_failure(
    factory: sessionmaker[Session],
    feed_id: int,
    error: str,
    now: dt.datetime,
    interval: dt.timedelta,
) -> None:
    with session_scope(factory, write=True) as session:
        row = session.get(FeedRow, feed_id)
        if row is None:
            return
        row.error_count += 1
        row.last_error = error[:2000]
        row.last_polled_at = now
        row.next_poll_at = now + backoff(row.error_count, interval)


def _record_success(
    factory: sessionmaker[Session],
    feed_id: int,
    page: Fetched,
    title: str | None,
    now: dt.datetime,
    interval: dt.timedelta,
) -> None:
    with session_scope(factory, write=True) as session:
        row = session.get(FeedRow, feed_id)
        if row is None:
            return
        headers = {k.lower(): v for k, v in page.headers.items()}
        if not page.not_modified:
            row.etag = headers.get("etag")
            row.last_modified = headers.get("last-modified")
        if title:
            row.title = title[:1000]
        row.error_count = 0
        row.last_error = None
        row.last_success = now
        row.last_polled_at = now
        row.next_poll_at = now + interval


def _known_links(factory: sessionmaker[Session], links: list[str]) -> set[str]:
    if not links:
        return set()
    with factory() as session:
        found = session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(links)))
        return {url for url in found if url}


def poll_feed(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    feed_id: int,
    now: dt.datetime,
    client: httpx.Client,
    settings: Settings,
) -> FeedPollResult:
    """Poll one feed: conditional GET, parse, ingest the entries not stored yet."""
    with session_factory() as session:
        feed = session.get(FeedRow, feed_id)
        if feed is None:
            return FeedPollResult(url=f"feed #{feed_id}", error="feed was removed")
        url, etag, modified = feed.url, feed.etag, feed.last_modified
    interval = dt.timedelta(minutes=settings.feed_poll_minutes)
    result = FeedPollResult(url)
    try:
        page = fetch(
            client, url, settings.fetch_max_bytes, settings.fetch_timeout_seconds, etag, modified
        )
        parsed = None if page.not_modified else parse_feed(page.content, page.url)
    except SummitBotError as exc:
        result.error = str(exc)
        _record_failure(session_factory, feed_id, result.error, now, interval)
        return result
    title = None
    if parsed is not None:
        title = parsed.feed.get("title")
        entries = [e for e in parsed.entries if e.get("link")]
        result.entries = len(entries)
        known = _known_links(session_factory, [e["link"] for e in entries])
        inputs = [
            item
            for entry in entries
            if entry["link"] not in known
            and (item := entry_input(entry, lambda: client, settings)) is not None
        ]
        result.report = ingest(session_factory, extractor, inputs, now=now, feed_id=feed_id)
    else:
        result.not_modified = True
    _record_success(session_factory, feed_id, page, title, now, interval)
    return result


def _feeds(session_factory: sessionmaker[Session], now: dt.datetime | None) -> list[int]:
    query = select(FeedRow.id).order_by(FeedRow.next_poll_at, FeedRow.id)
    if now is not None:
        query = query.where(or_(FeedRow.next_poll_at.is_(None), FeedRow.next_poll_at <= now))
    with session_factory() as session:
        return list(session.scalars(query))


def poll_feeds(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    now: dt.datetime | None = None,
    *,
    only_due: bool = False,
    client: httpx.Client | None = None,
    settings: Settings | None = None,
) -> list[FeedPollResult]:
    """Poll every feed (or only those due at ``now``); one feed's failure stops nothing."""
    settings = settings or get_settings()
    now = now or dt.datetime.now(dt.UTC)
    own_client = client is None
    http = client or make_client(settings)
    try:
        return [
            poll_feed(session_factory, extractor, feed_id, now, http, settings)
            for feed_id in _feeds(session_factory, now if only_due else None)
        ]
    finally:
        if own_client:
            http.close()


def poll_due_feeds(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    now: dt.datetime | None = None,
) -> list[FeedPollResult]:
    """The scheduled job: poll the feeds whose ``next_poll_at`` has come.

    Synchronous and blocking (network and NLP): run it in a thread from asyncio code.
    """
    results = poll_feeds(session_factory, extractor, now, only_due=True)
    for result in results:
        if result.error:
            log.warning("feed %s failed: %s", result.url, result.error)
        for failure in result.report.failures:
            log.warning("feed %s: %s", result.url, failure)
    return results
