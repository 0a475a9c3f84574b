"""Storing analysed articles: one transaction per document, duplicates skipped, a report.

Articles go through the extractor in batches (``nlp.pipe``) while each result is stored in
its own transaction as it comes out: a crash or a bad document loses at most that document,
and never leaves half of one stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.articles import DEFAULT_MAX_CHARS, cap_article, left_out_note
from bot.domain import Article, Event
from bot.errors import SummitBotError
from bot.plural import plural
from bot.store.db import session_scope
from bot.store.repository import add_article, find_duplicate, record_events

log = logging.getLogger(__name__)

# Articles handed to the extractor at a time (a few of its nlp.pipe batches).
CHUNK = 64
# spaCy's memory grows with the text it holds at once: an nlp.pipe batch of several long
# articles would multiply the peak one long article makes. An article longer than a quarter
# of MAX_ARTICLE_CHARS is analysed on its own, so a batch (NLP_BATCH_SIZE, 4 by default)
# never holds more than about MAX_ARTICLE_CHARS.
LONG_ARTICLE_SHARE = 4


class Analysis(Protocol):
    """What the extractor yields per article (``bot.nlp.pipeline.ArticleAnalysis``)."""

    @property
    def article(self) -> Article: ...

    @property
    def events(self) -> list[Event]: ...


class ExtractorLike(Protocol):
    """``bot.nlp.pipeline.Extractor``, or a stand-in in tests."""

    def analyse(self, articles: Iterable[Article]) -> Iterator[Analysis]: ...


@dataclass(frozen=True, slots=True)
class Input:
    """One thing to ingest: a label for messages and how to read it (may raise)."""

    label: str
    load: Callable[[], Article]


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    new_articles: int = 0
    words: int = 0
    duplicates: list[str] = field(default_factory=list)
    events_created: int = 0
    events_updated: int = 0
    failures: list[Failure] = field(default_factory=list)
    # Articles read only in part: (label, characters left out).
    truncated: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def add(self, other: IngestReport) -> None:
        self.new_articles += other.new_articles
        self.words += other.words
        self.duplicates += other.duplicates
        self.events_created += other.events_created
        self.events_updated += other.events_updated
        self.failures += other.failures
        self.truncated += other.truncated

    def summary(self) -> str:
        text = (
            f"{plural(self.new_articles, 'new article')}, "
            f"{plural(len(self.duplicates), 'duplicate')}, "
            f"{plural(self.events_created, 'event')} created, {self.events_updated} updated, "
            f"{plural(len(self.failures), 'failure')}"
        )
        if self.truncated:
            text += f"; {len(self.truncated)} too long, read only in part"
        return text

    def notes(self) -> list[str]:
        """One line per article that was read only in part."""
        return [left_out_note(label, left) for label, left in self.truncated]


# Called after each input is done: (inputs done, inputs in all, label of the input).
Progress = Callable[[int, int, str], None]


def ingest(
    session_factory: sessionmaker[Session],
    extractor: ExtractorLike,
    inputs: Iterable[Input],
    *,
    now: dt.datetime | None = None,
    feed_id: int | None = None,
    total: int | None = None,
    progress: Progress | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> IngestReport:
    """Read, analyse and store ``inputs``; failures are reported, never raised.

    At most ``max_chars`` characters of each article reach the extractor (``cap_article``);
    the report lists the articles that were cut.
    """
    report = IngestReport()
    done = 0
    count = total or 0
    seen_hashes: set[str] = set()
    seen_urls: set[str] = set()

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, count, label)

    def fresh_articles() -> Iterator[Article]:
        for item in inputs:
            try:
                article = item.load()
            except SummitBotError as exc:
                report.failures.append(Failure(item.label, str(exc)))
                tick(item.label)
                continue
            if _seen(article, seen_hashes, seen_urls) or _stored(session_factory, article):
                report.duplicates.append(item.label)
                tick(item.label)
                continue
            article, left_out = cap_article(article, max_chars)
            if left_out:
                log.info(
                    "%s: read the first %d characters, %d left out",
                    item.label,
                    len(article.body),
                    left_out,
                )
                report.truncated.append((item.label, left_out))
            yield article

    # Chunks of a few pipeline batches: nlp.pipe still batches within a chunk, and a
    # document that crashes the extractor costs one chunk a retry, not the whole run.
    for chunk in _chunks(fresh_articles(), CHUNK, max_chars // LONG_ARTICLE_SHARE):
        for article, events in _analyse(extractor, chunk, report):
            _store(session_factory, article, events, now, feed_id, report)
            tick(article.url or article.source)
    return report


def _chunks(articles: Iterator[Article], count: int, long: int) -> Iterator[list[Article]]:
    """Lists of at most ``count`` articles, read lazily; an article of more than ``long``
    characters comes in a list of its own."""
    chunk: list[Article] = []
    for article in articles:
        if len(article.body) > long:
            if chunk:
                yield chunk
                chunk = []
            yield [article]
            continue
        chunk.append(article)
        if len(chunk) >= count:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _analyse(
    extractor: ExtractorLike, chunk: list[Article], report: IngestReport
) -> Iterator[tuple[Article, list[Event]]]:
    done = 0
    try:
        for analysis in extractor.analyse(chunk):
            done += 1
            yield analysis.article, analysis.events
        return
    except Exception:  # spaCy and our components raise assorted types
        log.warning("extraction failed in a batch; retrying its documents one by one")
    for article in chunk[done:]:
        try:
            results = [(a.article, a.events) for a in extractor.analyse([article])]
        except Exception as exc:  # as above: one document, one failure line
            label = article.url or article.source
            report.failures.append(
                Failure(label, f"extraction failed: {type(exc).__name__}: {exc}")
            )
            continue
        yield from results


def _seen(article: Article, hashes: set[str], urls: set[str]) -> bool:
    """The same text or URL earlier in this batch (not yet committed when checked)."""
    if article.content_hash in hashes or (article.url and article.url in urls):
        return True
    hashes.add(article.content_hash)
    if article.url:
        urls.add(article.url)
    return False


def _stored(session_factory: sessionmaker[Session], article: Article) -> bool:
    with session_factory() as session:
        return find_duplicate(session, article.url, article.content_hash) is not None


# Fault injection for the crash tests: with SUMMIT_KILL_IN_TRANSACTION=N, the process kills
# itself (SIGKILL) inside the write transaction of the N-th article it stores, after the
# article and its events were written and before the commit.
KILL_IN_TRANSACTION_ENV = "SUMMIT_KILL_IN_TRANSACTION"
_stores_begun = 0


def _fault_point_in_transaction() -> None:
    global _stores_begun
    target = os.environ.get(KILL_IN_TRANSACTION_ENV)
    if not target:
        return
    _stores_begun += 1
    if _stores_begun == int(target):
        os.kill(os.getpid(), signal.SIGKILL)


def _store(
    session_factory: sessionmaker[Session],
    article: Article,
    events: list[Event],
    now: dt.datetime | None,
    feed_id: int | None,
    report: IngestReport,
) -> None:
    label = article.url or article.source
    when = now or dt.datetime.now(dt.UTC)
    try:
        with session_scope(session_factory, write=True) as session:
            # Checked again under the write lock: another worker may have stored it.
            if find_duplicate(session, article.url, article.content_hash) is not None:
                report.duplicates.append(label)
                return
            row = add_article(session, article, when, feed_id)
            counts = record_events(session, row, events, when)
            _fault_point_in_transaction()
    except IntegrityError:
        report.duplicates.append(label)  # a concurrent worker won the unique constraint
        return
    except SQLAlchemyError as exc:
        log.debug("storing %s failed", label, exc_info=True)
        reason = (str(getattr(exc, "orig", None) or exc).splitlines() or ["unknown"])[0]
        report.failures.append(Failure(label, f"database error: {reason}"))
        return
    report.new_articles += 1
    report.words += article.word_count
    report.events_created += counts.created
    report.events_updated += counts.updated
