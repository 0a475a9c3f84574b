"""RSS/Atom feeds: subscription, defensive parsing, conditional polling, back-off on failure.

Each feed and each entry is a failure domain of its own: a feed that cannot be fetched or
parsed records its error and backs off; an entry that fails is counted, recorded in
``feed_entry_failures`` and retried with back-off; the other feeds and entries go on. A poll
takes at most FEED_MAX_ENTRIES new entries per feed and FEED_POLL_BUDGET_SECONDS in all.

``poll_due_feeds`` is the job the Telegram bot schedules every ``FEED_POLL_MINUTES``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.articles import parse_article
from bot.domain import Article
from bot.errors import SummitBotError
from bot.ingest.errors import ArticleError, FeedError, FetchError
from bot.ingest.fetch import Fetched, check_url, fetch, make_client
from bot.ingest.html import html_to_text
from bot.ingest.service import ExtractorLike, Failure, IngestReport, Input, ingest
from bot.ingest.sources import read_url
from bot.settings import Settings, get_settings
from bot.store.db import session_scope
from bot.store.models import ArticleRow, FeedEntryFailureRow, FeedRow

log = logging.getLogger(__name__)

# A feed entry whose own text has fewer words is a summary: the page is fetched instead.
FULL_TEXT_MIN_WORDS = 150
MAX_BACKOFF = dt.timedelta(hours=24)
# Links looked up per query: far below PostgreSQL's 65,535 bound parameters.
LOOKUP_BATCH = 1000
# A failing entry the feed has stopped listing is forgotten after this long untried.
FORGET_FAILED_ENTRY = dt.timedelta(days=7)
MAX_LINK_CHARS = 2048
# A feed's date outside these years is a placeholder or garbage (0000-01-01, 9999-12-01).
PLAUSIBLE_YEARS = (1900, 2999)


def to_utf8(data: bytes, headers: Mapping[str, str] | None = None) -> bytes:
    """The feed re-encoded as UTF-8, its XML declaration saying so.

    expat (under defusedxml) reads only UTF-8, UTF-16, ASCII and Latin-1, and refuses
    multi-byte encodings such as GB2312, Shift_JIS, EUC-KR or Big5 ("multi-byte encodings
    are not supported"). feedparser's own detection (HTTP charset, BOM, XML declaration,
    then fallbacks) decides the encoding, so every encoding feedparser reads is read here.
    """
    from feedparser.encodings import convert_to_utf8

    lowered = {k.lower(): v for k, v in (headers or {}).items() if k.lower() == "content-type"}
    result: dict[str, Any] = {}
    converted = convert_to_utf8(lowered, data, result)
    if not isinstance(converted, bytes) or not result.get("encoding"):
        raise FeedError("unreadable feed: its character encoding is unknown")
    return converted


def parse_feed(
    data: bytes, base_url: str | None = None, headers: Mapping[str, str] | None = None
) -> Any:
    """The feedparser result for a feed document that passed the XML safety check.

    DTDs and entity declarations are refused before feedparser sees the bytes: they serve
    no purpose in a feed and are how entity-expansion ("billion laughs") attacks work.
    """
    import feedparser

    if not data.strip():
        raise FeedError("empty feed document")
    data = to_utf8(data, headers)
    try:
        defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(
            f"refused XML with a DTD or entity declarations ({exc.__class__.__name__})"
        ) from None
    except ParseError as exc:
        raise FeedError(f"malformed XML: {exc}") from None
    # The feed's own URL is the base for relative entry links; the bytes are UTF-8 now.
    response_headers = {"content-type": "application/xml"}
    if base_url:
        response_headers["content-location"] = base_url
    parsed = feedparser.parse(data, response_headers=response_headers)
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    return parsed


def _entry_date(entry: Any) -> dt.date | None:
    """The entry's date; a date that cannot be one (year 0, month 13) counts as none."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: feedparser's own get() maps updated to published with a warning.
        value = dict.get(entry, key) if isinstance(entry, dict) else None
        if value:
            try:
                date = dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except (ValueError, TypeError, AttributeError, OverflowError):
                continue
            if PLAUSIBLE_YEARS[0] <= date.year <= PLAUSIBLE_YEARS[1]:
                return date
    return None


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return html_to_text(best) if best else ""


def entry_link(entry: Any) -> str | None:
    """The entry's http(s) link, or None for an entry that has no usable one."""
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip() or len(link) > MAX_LINK_CHARS:
        return None
    try:
        return check_url(link.strip())
    except FetchError:
        return None


def entry_input(
    entry: Any, get_client: Callable[[], httpx.Client], settings: Settings
) -> Input | None:
    """An input for a feed entry: its own full text, or the linked page when it is a summary."""
    link = entry_link(entry)
    if link is None:
        return None
    published = _entry_date(entry)
    title = " ".join(str(entry.get("title") or "").split())

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
    # The error differs from the one recorded before: worth a log line (repeats are not).
    new_error: bool = False
    not_modified: bool = False
    entries: int = 0
    # Entries without a usable link or that could not be read from the feed at all.
    skipped: int = 0
    # Entries whose page failed before and whose next try has not come yet.
    waiting: int = 0
    # New entries left for the next poll: over FEED_MAX_ENTRIES, or the time budget ran out.
    deferred: int = 0
    # The time budget ran out before this feed's turn: it stays due.
    postponed: bool = False
    # Entries that failed for the first time (later failures of the same entry are quiet).
    new_failures: list[Failure] = field(default_factory=list)

    def notes(self) -> list[str]:
        notes = []
        if self.postponed:
            notes.append("not polled: the poll's time budget ran out; it stays due")
        if self.skipped:
            notes.append(f"{self.skipped} entry(ies) without a usable link skipped")
        if self.waiting:
            notes.append(f"{self.waiting} failing entry(ies) waiting for their next try")
        if self.deferred:
            notes.append(f"{self.deferred} new entry(ies) left for the next poll")
        return notes


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
    # Entries whose page failed and that are retried with back-off, and the latest error.
    failing_entries: int = 0
    entry_error: str | None = None

    @property
    def health(self) -> str:
        """``ok``, ``DEGRADED`` (the feed reads, some entries fail) or ``FAILING``."""
        if self.error_count:
            return f"FAILING x{self.error_count}: {self.last_error}"
        if self.failing_entries:
            return f"DEGRADED: {self.failing_entries} entry(ies) failing: {self.entry_error}"
        return "ok"


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
    query = select(ArticleRow.feed_id, func.count()).group_by(ArticleRow.feed_id)
    counts: dict[int | None, int] = {feed_id: n for feed_id, n in session.execute(query)}
    failing_query = select(FeedEntryFailureRow.feed_id, func.count()).group_by(
        FeedEntryFailureRow.feed_id
    )
    failing: dict[int, int] = {feed_id: n for feed_id, n in session.execute(failing_query)}
    infos = []
    for r in session.scalars(select(FeedRow).order_by(FeedRow.url)):
        entry_error = None
        if failing.get(r.id):
            entry_error = session.scalar(
                select(FeedEntryFailureRow.last_error)
                .where(FeedEntryFailureRow.feed_id == r.id)
                .order_by(FeedEntryFailureRow.last_attempt_at.desc(), FeedEntryFailureRow.id)
                .limit(1)
            )
        infos.append(
            FeedInfo(
                r.url,
                r.title,
                r.error_count,
                r.last_error,
                r.last_success,
                r.last_polled_at,
                r.next_poll_at,
                counts.get(r.id, 0),
                failing.get(r.id, 0),
                entry_error,
            )
        )
    return infos


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
) -> bool:
    """Count the failure and back off; True when the error is not the one recorded before."""
    with session_scope(factory, write=True) as session:
        row = session.get(FeedRow, feed_id)
        if row is None:
            return False
        new = row.last_error != error[:2000]
        row.error_count += 1
        row.last_error = error[:2000]
        row.last_polled_at = now
        row.next_poll_at = now + backoff(row.error_count, interval)
        return new


def _record_success(
    factory: sessionmaker[Session],
    feed_id: int,
    page: Fetched,
    title: str | None,
    now: dt.datetime,
    interval: dt.timedelta,
    keep_validators: bool = True,
) -> None:
    """Record a good poll. Without ``keep_validators`` (entries were left for the next poll)
    the ETag is dropped: a 304 next time would hide those entries."""
    with session_scope(factory, write=True) as session:
        row = session.get(FeedRow, feed_id)
        if row is None:
            return
        headers = {k.lower(): v for k, v in page.headers.items()}
        if not keep_validators:
            row.etag = row.last_modified = None
        elif not page.not_modified:
            row.etag = (headers.get("etag") or "")[:1000] or None
            row.last_modified = (headers.get("last-modified") or "")[:200] or None
        if title:
            row.title = str(title)[:1000]
        row.error_count = 0
        row.last_error = None
        row.last_success = now
        row.last_polled_at = now
        row.next_poll_at = now + interval


def _batches(items: Sequence[str], size: int = LOOKUP_BATCH) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _known_links(factory: sessionmaker[Session], links: Sequence[str]) -> set[str]:
    """The links already stored, looked up in batches (PostgreSQL takes at most 65,535
    bound parameters in one statement)."""
    found: set[str] = set()
    with factory() as session:
        for batch in _batches(links):
            query = select(ArticleRow.url).where(ArticleRow.url.in_(batch))
            found.update(url for url in session.scalars(query) if url)
    return found


def _waiting_links(factory: sessionmaker[Session], feed_id: int, now: dt.datetime) -> set[str]:
    """Entries of the feed that failed and whose next try is still to come."""
    with factory() as session:
        query = select(FeedEntryFailureRow.url).where(
            FeedEntryFailureRow.feed_id == feed_id, FeedEntryFailureRow.next_attempt_at > now
        )
        return set(session.scalars(query))


def _record_entries(
    factory: sessionmaker[Session],
    feed_id: int,
    attempted: list[str],
    failures: list[Failure],
    now: dt.datetime,
    interval: dt.timedelta,
) -> list[Failure]:
    """Back off the entries that failed, forget those that were stored; prune the entries
    the feed no longer lists. Returns the failures that are new (first of their entry)."""
    failed = {f.source: f.reason for f in failures}
    done = [link for link in attempted if link not in failed]
    new: list[Failure] = []
    with session_scope(factory, write=True) as session:
        for batch in _batches(done):
            session.execute(
                delete(FeedEntryFailureRow).where(
                    FeedEntryFailureRow.feed_id == feed_id, FeedEntryFailureRow.url.in_(batch)
                )
            )
        rows: dict[str, FeedEntryFailureRow] = {}
        for batch in _batches(list(failed)):
            query = select(FeedEntryFailureRow).where(
                FeedEntryFailureRow.feed_id == feed_id, FeedEntryFailureRow.url.in_(batch)
            )
            rows.update((row.url, row) for row in session.scalars(query))
        for link, reason in failed.items():
            row = rows.get(link)
            if row is None:
                row = FeedEntryFailureRow(
                    feed_id=feed_id, url=link[:2048], failures=0, first_failed_at=now
                )
                session.add(row)
                new.append(Failure(link, reason))
            row.failures += 1
            row.last_error = reason[:2000]
            row.last_attempt_at = now
            row.next_attempt_at = now + backoff(row.failures, interval)
        session.execute(
            delete(FeedEntryFailureRow).where(
                FeedEntryFailureRow.feed_id == feed_id,
                FeedEntryFailureRow.last_attempt_at < now - FORGET_FAILED_ENTRY,
            )
        )
    return new


def _until(items: Sequence[Input], deadline: float, left: list[int]) -> Iterator[Input]:
    """The inputs until the monotonic ``deadline``; how many were not reached goes in
    ``left[0]``."""
    for i, item in enumerate(items):
        if time.monotonic() > deadline:
            left[0] = len(items) - i
            return
        yield item


def poll_feed(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    feed_id: int,
    now: dt.datetime,
    client: httpx.Client,
    settings: Settings,
    deadline: float | None = None,
) -> FeedPollResult:
    """Poll one feed: conditional GET, parse, ingest the entries not stored yet.

    The feed is a failure domain of its own: whatever goes wrong is recorded on it (with
    back-off) and returned, never raised; each entry is one too (see ``_poll_entries``).
    """
    with session_factory() as session:
        feed = session.get(FeedRow, feed_id)
        if feed is None:
            return FeedPollResult(url=f"feed #{feed_id}", error="feed was removed")
        url, etag, modified = feed.url, feed.etag, feed.last_modified
    interval = dt.timedelta(minutes=settings.feed_poll_minutes)
    result = FeedPollResult(url)
    if deadline is None:
        deadline = time.monotonic() + settings.feed_poll_budget_seconds
    try:
        page = fetch(
            client, url, settings.fetch_max_bytes, settings.fetch_timeout_seconds, etag, modified
        )
        parsed = None if page.not_modified else parse_feed(page.content, page.url, page.headers)
        title = None
        if parsed is None:
            result.not_modified = True
        else:
            title = parsed.feed.get("title")
            _poll_entries(
                session_factory,
                extractor,
                feed_id,
                parsed.entries,
                now,
                client,
                settings,
                deadline,
                result,
            )
    except SummitBotError as exc:
        result.error = str(exc)
    except Exception as exc:  # the failure domain's edge: one feed's bug stops no other feed
        result.error = f"internal error: {type(exc).__name__}: {str(exc)[:300]}"
        log.debug("feed %s failed", url, exc_info=True)
    if result.error is not None:
        try:
            result.new_error = _record_failure(
                session_factory, feed_id, result.error, now, interval
            )
        except SQLAlchemyError:
            log.debug("recording the failure of feed %s failed", url, exc_info=True)
        return result
    # Entries left for the next poll must not hide behind a 304; entries that failed are
    # retried at the first poll that reads the feed after their back-off.
    _record_success(session_factory, feed_id, page, title, now, interval, not result.deferred)
    return result


def _poll_entries(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    feed_id: int,
    raw_entries: Sequence[Any],
    now: dt.datetime,
    client: httpx.Client,
    settings: Settings,
    deadline: float,
    result: FeedPollResult,
) -> None:
    """Ingest the feed's new entries: at most FEED_MAX_ENTRIES, until the deadline, each
    failing entry backed off on its own."""
    interval = dt.timedelta(minutes=settings.feed_poll_minutes)
    entries: dict[str, Input] = {}
    for entry in raw_entries:
        try:
            item = entry_input(entry, lambda: client, settings)
        except Exception:  # an entry feedparser built oddly is one skipped entry
            log.debug("feed entry skipped", exc_info=True)
            item = None
        if item is None:
            result.skipped += 1
        else:
            entries.setdefault(item.label, item)
    result.entries = len(raw_entries)
    links = list(entries)
    known = _known_links(session_factory, links)
    waiting = _waiting_links(session_factory, feed_id, now)
    fresh = [link for link in links if link not in known and link not in waiting]
    result.waiting = sum(1 for link in links if link in waiting and link not in known)
    chosen = fresh[: max(0, settings.feed_max_entries)]
    not_reached = [0]  # entries the deadline left out, counted by _until
    attempted: list[str] = []

    def inputs() -> Iterator[Input]:
        for item in _until([entries[link] for link in chosen], deadline, not_reached):
            attempted.append(item.label)
            yield item

    result.report = ingest(
        session_factory,
        extractor,
        inputs(),
        now=now,
        feed_id=feed_id,
        max_chars=settings.max_article_chars,
    )
    result.deferred = len(fresh) - len(chosen) + not_reached[0]
    result.new_failures = _record_entries(
        session_factory, feed_id, attempted, result.report.failures, now, interval
    )


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
    """Poll every feed (or only those due at ``now``); one feed's failure stops nothing.

    The whole poll has FEED_POLL_BUDGET_SECONDS: the entries and feeds it does not reach
    are left for the next poll (feeds stay due, and the least recently polled go first).
    """
    settings = settings or get_settings()
    now = now or dt.datetime.now(dt.UTC)
    deadline = time.monotonic() + settings.feed_poll_budget_seconds
    own_client = client is None
    http = client or make_client(settings)
    results: list[FeedPollResult] = []
    try:
        for feed_id in _feeds(session_factory, now if only_due else None):
            if time.monotonic() > deadline:
                with session_factory() as session:
                    feed = session.get(FeedRow, feed_id)
                    label = feed.url if feed is not None else f"feed #{feed_id}"
                results.append(FeedPollResult(label, postponed=True))
                continue
            results.append(
                poll_feed(session_factory, extractor, feed_id, now, http, settings, deadline)
            )
        return results
    finally:
        if own_client:
            http.close()


def poll_due_feeds(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    now: dt.datetime | None = None,
    settings: Settings | None = None,
) -> list[FeedPollResult]:
    """The scheduled job: poll the feeds whose ``next_poll_at`` has come.

    Synchronous and blocking (network and NLP): run it in a thread from asyncio code.
    A failure is logged when it is new; the same error again, poll after poll, is not.
    """
    results = poll_feeds(session_factory, extractor, now, only_due=True, settings=settings)
    for result in results:
        if result.error:
            level = logging.WARNING if result.new_error else logging.DEBUG
            log.log(level, "feed %s failed: %s", result.url, result.error)
        for failure in result.new_failures:
            log.warning("feed %s: %s", result.url, failure)
        for note in result.notes():
            log.info("feed %s: %s", result.url, note)
    return results
