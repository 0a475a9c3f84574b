"""Writing articles and events: rows <-> domain objects, duplicates, and event merging."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from bot.domain import Article, Event, Precision, Status
from bot.store.merge import (
    Consolidated,
    Report,
    apply_report,
    consolidate,
    dedupe_within_article,
    event_key,
    last_day,
    match_score,
    summit_key,
)
from bot.store.models import ArticleRow, EventRow, MentionRow


def find_duplicate(session: Session, url: str | None, content_hash: str) -> ArticleRow | None:
    """The stored article with this URL or this text, if any."""
    condition = ArticleRow.content_hash == content_hash
    if url:
        condition = or_(condition, ArticleRow.url == url)
    return session.scalars(select(ArticleRow).where(condition).limit(1)).first()


def add_article(
    session: Session, article: Article, now: dt.datetime, feed_id: int | None = None
) -> ArticleRow:
    row = ArticleRow(
        source=article.source[:2048],
        url=article.url,
        title=article.title[:1000],
        published=article.published,
        text=article.body,
        content_hash=article.content_hash,
        word_count=article.word_count,
        feed_id=feed_id,
        ingested_at=now,
    )
    session.add(row)
    session.flush()
    return row


def article_from_row(row: ArticleRow) -> Article:
    return Article(
        source=row.source, published=row.published, title=row.title, body=row.text, url=row.url
    )


def event_from_row(row: EventRow | MentionRow) -> Event:
    evidence = row.evidence if isinstance(row, MentionRow) else ""
    return Event(
        participants=list(row.participants),
        summit=row.summit,
        place=row.place,
        date=row.date,
        end_date=row.end_date,
        precision=Precision(row.precision),
        status=Status(row.status),
        evidence=evidence,
    )


def _mention(event: Event, article: ArticleRow) -> MentionRow:
    return MentionRow(
        article_id=article.id,
        published=article.published,
        participants=list(event.participants),
        summit=event.summit,
        place=event.place,
        date=event.date,
        end_date=event.end_date,
        precision=event.precision.value,
        status=event.status.value,
        evidence=event.evidence,
    )


def _visible(row: EventRow) -> tuple[object, ...]:
    return (
        row.title,
        tuple(row.participants),
        row.summit,
        row.place,
        row.date,
        row.end_date,
        row.precision,
        row.status,
    )


def _write_state(row: EventRow, merged: Consolidated, now: dt.datetime) -> bool:
    """Store the consolidated state on the row; True when what users see changed."""
    before = _visible(row) if row.id is not None else None
    state = merged.event
    row.key = event_key(state)[:500]
    row.summit_key = summit_key(state.summit)
    row.title = state.title[:1000]
    row.participants = list(state.participants)
    row.summit = state.summit
    row.place = state.place
    row.date = state.date
    row.end_date = state.end_date
    row.last_day = last_day(state)
    row.precision = state.precision.value
    row.status = state.status.value
    row.changes = list(merged.changes)
    assert merged.first_reported is not None and merged.last_reported is not None
    row.first_reported = merged.first_reported
    row.last_reported = merged.last_reported
    if before is not None and before != _visible(row):
        row.updated_at = now
        return True
    return False


def _add_report(session: Session, row: EventRow, event: Event, article: ArticleRow) -> Consolidated:
    """Attach the report to a stored event and work out the event's new state."""
    report = Report(event, article.published, article.id)
    if article.published >= row.last_reported:
        # The usual case, news read in order: fold the report into the stored state.
        merged = Consolidated(
            event_from_row(row), list(row.changes), row.first_reported, row.last_reported
        )
        apply_report(merged, report)
        mention = _mention(event, article)
        mention.event_id = row.id
        session.add(mention)
        return merged
    # An older report read late: replay every report in publication order.
    row.mentions.append(_mention(event, article))
    return consolidate(Report(event_from_row(m), m.published, m.article_id) for m in row.mentions)


def _candidates(session: Session, event: Event, exclude: set[int]) -> list[EventRow]:
    conditions = [EventRow.key == event_key(event)[:500]]
    skey = summit_key(event.summit)
    if skey:
        conditions.append(EventRow.summit_key == skey)
    if event.date is not None:
        day = dt.timedelta(days=1)
        conditions.append(EventRow.date.between(event.date - day, event.date + day))
    query = select(EventRow).where(or_(*conditions))
    if exclude:
        query = query.where(EventRow.id.not_in(exclude))
    return list(session.scalars(query))


@dataclass(slots=True)
class EventCounts:
    created: int = 0
    updated: int = 0


def _lock_keys(session: Session, events: Sequence[Event]) -> None:
    """On PostgreSQL, serialise writers that may create or merge the same events.

    Several ingest workers may store reports of one meeting at once; without a lock both
    could create it. SQLite needs none: its writers already take turns (BEGIN IMMEDIATE).
    Locks are taken in sorted order so that two articles cannot deadlock each other.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = {event_key(e) for e in events} | {
        f"s:{k}" for e in events if (k := summit_key(e.summit))
    }
    for key in sorted(keys):
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"),
            {"k": int.from_bytes(digest, "big", signed=True)},
        )


def record_events(
    session: Session, article: ArticleRow, events: Sequence[Event], now: dt.datetime
) -> EventCounts:
    """Attach an article's events to stored events, creating those not seen before."""
    counts = EventCounts()
    touched: set[int] = set()  # an article never folds two of its own meetings into one
    events = dedupe_within_article(events)
    _lock_keys(session, events)
    for event in events:
        best: EventRow | None = None
        best_score = 0
        for row in _candidates(session, event, touched):
            score = match_score(event_from_row(row), event, row.last_reported, article.published)
            if score is not None and (
                score > best_score or (score == best_score and best and row.id < best.id)
            ):
                best, best_score = row, score
        if best is None:
            best = EventRow(first_seen=now, updated_at=now, changes=[])
            best.mentions.append(_mention(event, article))
            _write_state(best, consolidate([Report(event, article.published, article.id)]), now)
            session.add(best)
            counts.created += 1
        elif _write_state(best, _add_report(session, best, event, article), now):
            counts.updated += 1
        session.flush()
        touched.add(best.id)
    return counts
