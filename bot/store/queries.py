"""Reading the calendar: upcoming events with their sources, fast with many events stored.

Order: dated events by first day (then id); events with no known date come after them, most
recently reported first, and only while their latest report is at most ``UNDATED_DAYS`` old
(an undated meeting from an old article is not "upcoming" for ever). An event stays upcoming
until its last day has passed (multi-day summits and week/month dates included). Cancelled
events are left out unless asked for (the iCalendar export includes them so calendars that
imported them update).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from bot.domain import Event, Status
from bot.store.models import ArticleRow, EventRow, MentionRow
from bot.store.repository import event_from_row

UNDATED_DAYS = 60
_Q = TypeVar("_Q", bound=Select[Any])
# Longest span of one event (a month-precision date); bounds the index range scan.
MAX_SPAN_DAYS = 62


@dataclass(frozen=True, slots=True)
class EventSource:
    """An article that reported an event, and the sentence that did."""

    article_id: int
    title: str
    url: str | None
    source: str
    published: dt.date
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published.isoformat(),
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A consolidated event as stored: the domain ``Event`` plus identity, history, sources."""

    id: int
    event: Event
    title: str
    first_seen: dt.datetime
    updated_at: dt.datetime
    first_reported: dt.date
    last_reported: dt.date
    last_day: dt.date | None
    changes: list[dict[str, Any]] = field(default_factory=list)
    sources: list[EventSource] = field(default_factory=list)

    @property
    def uid(self) -> str:
        """A stable identifier (iCalendar UID, callback data) for this event."""
        return f"summit-event-{self.id}@summit-digest-bot"

    def to_json(self) -> dict[str, Any]:
        data = self.event.to_json()
        data.update(
            id=self.id,
            title=self.title,
            first_seen=self.first_seen.isoformat(),
            updated_at=self.updated_at.isoformat(),
            changes=list(self.changes),
            sources=[s.to_json() for s in self.sources],
        )
        return data


def _with_sources(query: _Q) -> _Q:
    return query.options(
        selectinload(EventRow.mentions)
        .selectinload(MentionRow.article)
        .load_only(
            ArticleRow.id, ArticleRow.title, ArticleRow.url, ArticleRow.source, ArticleRow.published
        )
    )


def to_stored(row: EventRow) -> StoredEvent:
    mentions = sorted(row.mentions, key=lambda m: (m.published, m.article_id))
    event = event_from_row(row)
    if mentions:
        event.evidence = mentions[-1].evidence
    return StoredEvent(
        id=row.id,
        event=event,
        title=row.title,
        first_seen=row.first_seen,
        updated_at=row.updated_at,
        first_reported=row.first_reported,
        last_reported=row.last_reported,
        last_day=row.last_day,
        changes=list(row.changes),
        sources=[
            EventSource(
                m.article_id,
                m.article.title,
                m.article.url,
                m.article.source,
                m.published,
                m.evidence,
            )
            for m in mentions
        ],
    )


def default_now() -> dt.datetime:
    """``BOT_NOW`` when set (demos, tests), else the current time; always aware UTC."""
    from bot.settings import get_settings

    now = get_settings().bot_now
    return now if now is not None else dt.datetime.now(dt.UTC)


def upcoming_events(
    session: Session,
    as_of: dt.datetime | None = None,
    limit: int | None = 50,
    include_past: bool = False,
    include_cancelled: bool = False,
) -> list[StoredEvent]:
    """Events not yet over at ``as_of`` (default: BOT_NOW or now), dated ones first.

    ``include_past`` lists every stored event, past ones and old undated ones too.
    """
    as_of = as_of or default_now()
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=dt.UTC)
    today = as_of.astimezone(dt.UTC).date()

    dated = select(EventRow).where(EventRow.date.is_not(None))
    undated = select(EventRow).where(EventRow.date.is_(None))
    if not include_past:
        dated = dated.where(
            EventRow.date >= today - dt.timedelta(days=MAX_SPAN_DAYS), EventRow.last_day >= today
        )
        undated = undated.where(EventRow.last_reported >= today - dt.timedelta(days=UNDATED_DAYS))
    if not include_cancelled:
        dated = dated.where(EventRow.status != Status.CANCELLED.value)
        undated = undated.where(EventRow.status != Status.CANCELLED.value)
    dated = dated.order_by(EventRow.date, EventRow.id)
    undated = undated.order_by(EventRow.last_reported.desc(), EventRow.id)
    if limit is not None:
        dated = dated.limit(limit)
    rows = list(session.scalars(_with_sources(dated)))
    if limit is None or len(rows) < limit:
        if limit is not None:
            undated = undated.limit(limit - len(rows))
        rows.extend(session.scalars(_with_sources(undated)))
    return [to_stored(row) for row in rows]


def get_event(session: Session, event_id: int) -> StoredEvent | None:
    row = session.scalars(_with_sources(select(EventRow).where(EventRow.id == event_id))).first()
    return to_stored(row) if row else None
