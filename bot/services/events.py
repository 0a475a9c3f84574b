"""Reading the calendar: upcoming events with their sources, as EventViews."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import Precision, Status
from bot.services.views import EventView, SourceLink
from bot.store.models import ArticleRow, EventRow, MentionRow

# Multi-day events that started up to this long ago can still be running.
_LOOKBACK = dt.timedelta(days=62)
# An event with no known date stays listed while its latest report is at most this old.
UNDATED_DAYS = 60
_PAGE = 200
_UPCOMING = (Status.SCHEDULED.value, Status.POSSIBLE.value, Status.POSTPONED.value)


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.SCHEDULED


def _precision(value: str) -> Precision:
    try:
        return Precision(value)
    except ValueError:
        return Precision.DAY


def _sources(session: Session, event_ids: Sequence[int]) -> dict[int, list[SourceLink]]:
    links: dict[int, list[SourceLink]] = defaultdict(list)
    if not event_ids:
        return links
    rows = session.execute(
        select(MentionRow.event_id, ArticleRow.title, ArticleRow.url, ArticleRow.source,
               ArticleRow.published)
        .join(ArticleRow, ArticleRow.id == MentionRow.article_id)
        .where(MentionRow.event_id.in_(event_ids))
        .order_by(MentionRow.event_id, ArticleRow.published.desc(), ArticleRow.id.desc())
    )  # fmt: skip
    for event_id, title, url, source, published in rows:
        link = url or (source if str(source).startswith(("http://", "https://")) else None)
        links[event_id].append(SourceLink(title=title or source, url=link, published=published))
    return links


def to_view(row: EventRow, sources: Sequence[SourceLink] = ()) -> EventView:
    return EventView(
        id=row.id,
        title=row.title,
        date=row.date,
        end_date=row.end_date,
        precision=_precision(row.precision),
        status=_status(row.status),
        place=row.place,
        participants=tuple(row.participants or ()),
        summit=row.summit,
        sources=tuple(sources),
    )


def _rows(
    session: Session,
    today: dt.date,
    until: dt.date | None,
    include_cancelled: bool,
    page_size: int = _PAGE,
) -> Iterator[EventRow]:
    """Dated events whose last day is today or later, in date order, a page at a time."""
    last: tuple[dt.date, int] | None = None
    while True:
        query = select(EventRow).where(
            EventRow.date.is_not(None),
            EventRow.date >= today - _LOOKBACK,
            func.coalesce(EventRow.last_day, EventRow.end_date, EventRow.date) >= today,
        )
        if not include_cancelled:
            query = query.where(EventRow.status.in_(_UPCOMING))
        if until is not None:
            query = query.where(EventRow.date <= until)
        if last is not None:
            query = query.where(
                (EventRow.date > last[0]) | ((EventRow.date == last[0]) & (EventRow.id > last[1]))
            )
        page = list(session.scalars(query.order_by(EventRow.date, EventRow.id).limit(page_size)))
        yield from page
        if len(page) < page_size:
            return
        page_size = _PAGE
        tail = page[-1]
        assert tail.date is not None
        last = (tail.date, tail.id)


def _undated(session: Session, today: dt.date, include_cancelled: bool) -> Iterator[EventRow]:
    query = select(EventRow).where(
        EventRow.date.is_(None),
        EventRow.last_reported >= today - dt.timedelta(days=UNDATED_DAYS),
    )
    if not include_cancelled:
        query = query.where(EventRow.status.in_(_UPCOMING))
    query = query.order_by(EventRow.last_reported.desc(), EventRow.id).limit(500)
    yield from session.scalars(query)


def upcoming(
    session: Session,
    today: dt.date,
    *,
    limit: int | None = None,
    until: dt.date | None = None,
    follows: Sequence[str] = (),
    include_cancelled: bool = False,
    include_undated: bool = False,
) -> list[EventView]:
    """Upcoming events from ``today`` (the chat's local date), filtered by followed names.

    Dated events come first in date order; ``include_undated`` adds recently reported events
    whose date is not known yet after them.
    """
    chosen: list[EventRow] = []
    # Without follows to filter by, the first page needs no more rows than asked for.
    first_page = min(limit, _PAGE) if limit and not follows else _PAGE
    rows: Iterator[EventRow] = _rows(session, today, until, include_cancelled, first_page)
    if include_undated:
        rows = itertools.chain(rows, _undated(session, today, include_cancelled))
    for row in rows:
        if follows and not to_view(row).matches(list(follows)):
            continue
        chosen.append(row)
        if limit is not None and len(chosen) >= limit:
            break
    links = _sources(session, [row.id for row in chosen])
    return [to_view(row, links.get(row.id, ())) for row in chosen]
