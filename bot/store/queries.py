"""The calendar query: every reader (CLI, Telegram, iCalendar, web page) lists events here.

The rules, in one place:
- an event is listed while its last day (``last_day``: end date, or the end of its week or
  month) is today or later, "today" being the reader's local date;
- its status must be one of ``LISTED_STATUSES`` (cancelled ones only when asked for: the
  iCalendar export includes them, so that calendars which imported them update);
- dated events come first, by first day then id; events with no known date come after them
  (when asked for), most recently reported first, and only while their latest report is at
  most ``UNDATED_DAYS`` old: an undated meeting from an old article is not upcoming for ever.

Rows become ``EventView`` in ``event_view`` alone. A status or precision outside its enum
raises when the row is loaded (``bot.store.models``): one policy for bad rows, everywhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.calendar import LISTED_STATUSES, Change, EventView, SourceLink
from bot.nlp.people import mentions_person
from bot.store.models import ArticleRow, EventRow, MentionRow

# An event with no known date stays listed while its latest report is at most this old.
UNDATED_DAYS = 60
# Longest span of one event (a month-precision date): an event that started this long ago may
# still run; it bounds the range scan of the (date, id) index.
MAX_SPAN_DAYS = 62
# Rows read at a time while follows filter them.
PAGE_SIZE = 200
# Undated events listed at most.
MAX_UNDATED = 500


def event_view(row: EventRow, sources: Sequence[SourceLink] = ()) -> EventView:
    """The one mapper from an event row to what readers see."""
    return EventView(
        id=row.id,
        title=row.title,
        date=row.date,
        end_date=row.end_date,
        precision=row.precision,
        status=row.status,
        place=row.place,
        participants=tuple(row.participants or ()),
        summit=row.summit,
        sources=tuple(sources),
        last_day=row.last_day,
        uid=row.uid or f"summit-event-{row.id}@summit-digest-bot",
        sequence=row.sequence or 0,
        changes=tuple(Change.from_json(c) for c in row.changes or ()),
        first_reported=row.first_reported,
        last_reported=row.last_reported,
        first_seen=row.first_seen,
        updated_at=row.updated_at,
    )


def matches_follows(event: EventView, follows: Iterable[str]) -> bool:
    """Whether the event involves any followed name (leader, country, summit, place).

    One identity per person: "Erdoğan" finds "Recep Tayyip Erdogan", "MBS" Mohammed bin Salman;
    other names match the folded words of the event.
    """
    names = list(follows)
    if not names:
        return True
    texts = [t for t in (event.title, event.place, event.summit, *event.participants) if t]
    return any(mentions_person(text, name) for name in names for text in texts)


def _sources(session: Session, event_ids: Sequence[int]) -> dict[int, list[SourceLink]]:
    """Each event's reports, newest first."""
    links: dict[int, list[SourceLink]] = defaultdict(list)
    if not event_ids:
        return links
    rows = session.execute(
        select(MentionRow.event_id, MentionRow.evidence, ArticleRow.id, ArticleRow.title,
               ArticleRow.url, ArticleRow.source, ArticleRow.published)
        .join(ArticleRow, ArticleRow.id == MentionRow.article_id)
        .where(MentionRow.event_id.in_(event_ids))
        .order_by(MentionRow.event_id, ArticleRow.published.desc(), ArticleRow.id.desc())
    )  # fmt: skip
    for event_id, evidence, article_id, title, url, source, published in rows:
        link = url or (source if str(source).startswith(("http://", "https://")) else None)
        links[event_id].append(
            SourceLink(
                title=title or source,
                url=link,
                published=published,
                article_id=article_id,
                source=source,
                evidence=evidence,
            )
        )
    return links


def _dated(
    session: Session,
    today: dt.date | None,
    until: dt.date | None,
    include_cancelled: bool,
    page_size: int,
) -> Iterator[EventRow]:
    """Dated events not over on ``today`` (all when None), in date order, a page at a time."""
    last: tuple[dt.date, int] | None = None
    while True:
        query = select(EventRow).where(EventRow.date.is_not(None))
        if today is not None:
            query = query.where(
                EventRow.date >= today - dt.timedelta(days=MAX_SPAN_DAYS),
                EventRow.last_day >= today,
            )
        if not include_cancelled:
            query = query.where(EventRow.status.in_(LISTED_STATUSES))
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
        page_size = PAGE_SIZE
        tail = page[-1]
        assert tail.date is not None
        last = (tail.date, tail.id)


def _undated(
    session: Session, today: dt.date | None, include_cancelled: bool
) -> Iterator[EventRow]:
    query = select(EventRow).where(EventRow.date.is_(None))
    if today is not None:
        query = query.where(EventRow.last_reported >= today - dt.timedelta(days=UNDATED_DAYS))
    if not include_cancelled:
        query = query.where(EventRow.status.in_(LISTED_STATUSES))
    query = query.order_by(EventRow.last_reported.desc(), EventRow.id).limit(MAX_UNDATED)
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
    include_past: bool = False,
) -> list[EventView]:
    """The calendar from ``today`` (the reader's local date), filtered by followed names.

    ``until`` stops at events starting after that day; ``include_past`` lists every stored
    event, past ones and old undated ones too (``today`` then only names the moment).
    """
    chosen: list[EventRow] = []
    # Without follows to filter by, the first page needs no more rows than asked for.
    first_page = min(limit, PAGE_SIZE) if limit and not follows else PAGE_SIZE
    since = None if include_past else today
    rows: Iterator[EventRow] = _dated(session, since, until, include_cancelled, first_page)
    if include_undated:
        rows = itertools.chain(rows, _undated(session, since, include_cancelled))
    for row in rows:
        if follows and not matches_follows(event_view(row), follows):
            continue
        chosen.append(row)
        if limit is not None and len(chosen) >= limit:
            break
    links = _sources(session, [row.id for row in chosen])
    return [event_view(row, links.get(row.id, ())) for row in chosen]


def get_event(session: Session, event_id: int) -> EventView | None:
    row = session.get(EventRow, event_id)
    if row is None:
        return None
    return event_view(row, _sources(session, [row.id]).get(row.id, ()))


def events_by_ids(session: Session, event_ids: Sequence[int]) -> list[EventView]:
    """The events with these ids (those that exist), with their sources."""
    if not event_ids:
        return []
    rows = list(session.scalars(select(EventRow).where(EventRow.id.in_(event_ids))))
    links = _sources(session, [row.id for row in rows])
    return [event_view(row, links.get(row.id, ())) for row in rows]


def changed_since(session: Session, since: dt.datetime, today: dt.date) -> list[EventView]:
    """Events not over on ``today`` whose state changed (as readers see it) after ``since``."""
    query = (
        select(EventRow)
        .where(
            EventRow.sequence > 0,
            EventRow.updated_at > since,
            (EventRow.last_day >= today) | EventRow.last_day.is_(None),
        )
        .order_by(EventRow.updated_at, EventRow.id)
    )
    rows = list(session.scalars(query))
    links = _sources(session, [row.id for row in rows])
    return [event_view(row, links.get(row.id, ())) for row in rows]


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EventRow)) or 0
