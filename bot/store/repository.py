"""The store's repository: the one place services' reads and writes touch the session.

Articles and events (rows <-> domain objects, duplicates, event merging and identity), chats,
follows, digest deliveries, alerts, heartbeats and the counts of /stats and /metrics. The
calendar's read query is ``bot.store.queries``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from bot.domain import Article, Event
from bot.domain.calendar import AlertStatus, event_identity
from bot.domain.chat import ChatKind, FollowKind, Frequency
from bot.domain.delivery import Claim, DeliveryStatus
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
from bot.store.models import (
    AlertRow,
    ArticleRow,
    ChatRow,
    DeliveryRow,
    DigestItemRow,
    EventRow,
    FeedRow,
    FollowRow,
    HeartbeatRow,
    MentionRow,
)
from bot.store.queries import count_events


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
        precision=row.precision,
        status=row.status,
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
        precision=event.precision,
        status=event.status,
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
    row.precision = state.precision
    row.status = state.status
    row.changes = list(merged.changes)
    assert merged.first_reported is not None and merged.last_reported is not None
    row.first_reported = merged.first_reported
    row.last_reported = merged.last_reported
    if before is not None and before != _visible(row):
        row.updated_at = now
        row.sequence = (row.sequence or 0) + 1
        return True
    return False


def _assign_identity(session: Session, row: EventRow, first: Event, published: dt.date) -> None:
    """Give the event the UID made of its first report; another meeting's UID is never reused."""
    skey = summit_key(first.summit)
    salts = ["", first.date.isoformat() if first.date else "-", *(str(n) for n in range(2, 50))]
    for salt in salts:
        uid = event_identity(first.participants, skey, published, salt)
        clash = select(EventRow.id).where(EventRow.uid == uid)
        if row.id is not None:
            clash = clash.where(EventRow.id != row.id)
        if session.scalars(clash.limit(1)).first() is None:
            row.uid = uid
            return
    raise RuntimeError(f"no free identity for event {row.id}")  # 50 identical first reports


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
            best = EventRow(first_seen=now, updated_at=now, changes=[], sequence=0)
            best.mentions.append(_mention(event, article))
            _write_state(best, consolidate([Report(event, article.published, article.id)]), now)
            _assign_identity(session, best, event, article.published)
            session.add(best)
            counts.created += 1
        else:
            first_reported = best.first_reported
            if _write_state(best, _add_report(session, best, event, article), now):
                counts.updated += 1
            if best.first_reported < first_reported or best.uid is None:
                # An older report read late: the identity is that of the earliest report.
                earliest = min(best.mentions, key=lambda m: (m.published, m.article_id))
                _assign_identity(session, best, event_from_row(earliest), earliest.published)
        session.flush()
        touched.add(best.id)
    return counts


# --------------------------------------------------------------------------- chats


@dataclass(frozen=True, slots=True)
class ChatDefaults:
    """The settings a chat seen for the first time starts with."""

    timezone: str
    digest_time: dt.time
    frequency: Frequency


def get_chat(session: Session, chat_id: int) -> ChatRow | None:
    return session.get(ChatRow, chat_id)


def ensure_chat(
    session: Session,
    chat_id: int,
    defaults: ChatDefaults,
    now: dt.datetime,
    chat_type: str | None = None,
    title: str | None = None,
) -> ChatRow:
    """The chat's row, made (unsubscribed, with ``defaults``) when the chat is new.

    A known chat's type and title are brought up to date when given.
    """
    row = session.get(ChatRow, chat_id)
    if row is None:
        row = ChatRow(
            chat_id=chat_id,
            type=ChatKind.of(chat_id, chat_type),
            title=title,
            timezone=defaults.timezone,
            digest_time=defaults.digest_time,
            digest_weekday=0,
            frequency=defaults.frequency,
            active=False,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row
    if chat_type and row.type != chat_type:
        row.type = ChatKind(chat_type)
    if title is not None and row.title != title:
        row.title = title
    return row


def subscribed_chats(session: Session) -> list[ChatRow]:
    """Subscribed chats whose digests are not off, by id."""
    query = (
        select(ChatRow)
        .where(ChatRow.active.is_(True), ChatRow.frequency != Frequency.OFF)
        .order_by(ChatRow.chat_id)
    )
    return list(session.scalars(query))


def move_chat(session: Session, old_id: int, new_id: int) -> bool:
    """A group became a supergroup: its row and every row that names it move to ``new_id``.

    Returns False when ``old_id`` is unknown.
    """
    old = session.get(ChatRow, old_id)
    if old is None:
        return False
    existing = session.get(ChatRow, new_id)
    if existing is None:
        # Insert the new row, move the children, drop the old row (portable; no PK update).
        # Every setting moves, including columns added later; the token is unique, so it
        # moves once the old row is gone.
        settings = {
            column.key: getattr(old, column.key)
            for column in ChatRow.__mapper__.column_attrs
            if column.key not in ("chat_id", "type", "calendar_token")
        }
        session.add(
            ChatRow(chat_id=new_id, type=ChatKind.SUPERGROUP, calendar_token=None, **settings)
        )
        session.flush()
        for model in (FollowRow, DeliveryRow, DigestItemRow, AlertRow):
            session.execute(update(model).where(model.chat_id == old_id).values(chat_id=new_id))
        token = old.calendar_token
        session.execute(delete(ChatRow).where(ChatRow.chat_id == old_id))
        session.flush()
        if token is not None:  # the calendar address people subscribed to keeps working
            session.execute(
                update(ChatRow).where(ChatRow.chat_id == new_id).values(calendar_token=token)
            )
        return True
    existing.active = existing.active or old.active
    session.execute(delete(ChatRow).where(ChatRow.chat_id == old_id))
    return True


def chat_by_calendar_token(session: Session, token: str) -> ChatRow | None:
    return session.scalars(select(ChatRow).where(ChatRow.calendar_token == token)).first()


# --------------------------------------------------------------------------- follows


def followed_names(session: Session, chat_id: int) -> list[str]:
    """The names a chat follows, in the order it added them."""
    query = (
        select(FollowRow.value)
        .where(FollowRow.chat_id == chat_id)
        .order_by(FollowRow.created_at, FollowRow.id)
    )
    return list(session.scalars(query))


def add_follow(session: Session, chat_id: int, name: str, now: dt.datetime) -> None:
    session.add(FollowRow(chat_id=chat_id, kind=FollowKind.ANY, value=name, created_at=now))


def remove_follow(session: Session, chat_id: int, name: str) -> bool:
    """Delete the chat's follow of ``name`` (case-insensitive); False when there was none."""
    result = session.execute(
        delete(FollowRow).where(
            FollowRow.chat_id == chat_id, func.lower(FollowRow.value) == name.lower()
        )
    )
    return bool(getattr(result, "rowcount", 0))


# --------------------------------------------------------------------------- alerts


def alert_subscribers(session: Session) -> list[tuple[ChatRow, list[str]]]:
    """Chats that turned alerts on, with the names each follows."""
    chats = list(
        session.scalars(select(ChatRow).where(ChatRow.alerts.is_(True)).order_by(ChatRow.chat_id))
    )
    return [(chat, followed_names(session, chat.chat_id)) for chat in chats]


def alert_claimed(session: Session, chat_id: int, event_id: int, sequence: int) -> bool:
    """True when the alert was claimed and is not waiting to be retried."""
    query = select(AlertRow.id).where(
        AlertRow.chat_id == chat_id,
        AlertRow.event_id == event_id,
        AlertRow.sequence == sequence,
        AlertRow.status != AlertStatus.RETRY,
    )
    return session.scalars(query.limit(1)).first() is not None


def reclaim_alert(session: Session, chat_id: int, event_id: int, sequence: int) -> int | None:
    """Claim again an alert waiting to be retried; None when there is none (or another
    process claimed it first: the update is conditional on the status)."""
    query = select(AlertRow.id).where(
        AlertRow.chat_id == chat_id,
        AlertRow.event_id == event_id,
        AlertRow.sequence == sequence,
        AlertRow.status == AlertStatus.RETRY,
    )
    alert_id = session.scalars(query.limit(1)).first()
    if alert_id is None:
        return None
    claimed = session.execute(
        update(AlertRow)
        .where(AlertRow.id == alert_id, AlertRow.status == AlertStatus.RETRY)
        .values(status=AlertStatus.PENDING)
    )
    return alert_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def claim_alert(
    session: Session, chat_id: int, event_id: int, sequence: int, now: dt.datetime
) -> int:
    """Write the alert's claim (raises IntegrityError when it was claimed already)."""
    row = AlertRow(
        chat_id=chat_id,
        event_id=event_id,
        sequence=sequence,
        status=AlertStatus.PENDING,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def finish_alert(
    session: Session, alert_id: int, status: AlertStatus, at: dt.datetime | None
) -> None:
    row = session.get(AlertRow, alert_id)
    if row is not None:
        row.status = status
        row.sent_at = at


# --------------------------------------------------------------------------- heartbeats


def beat(session: Session, name: str, at: dt.datetime) -> None:
    """Record that the job ``name`` ran at ``at``."""
    row = session.get(HeartbeatRow, name)
    if row is None:
        session.add(HeartbeatRow(name=name, at=at))
    else:
        row.at = at


def heartbeats(session: Session) -> dict[str, dt.datetime]:
    return {row.name: row.at for row in session.scalars(select(HeartbeatRow))}


def last_feed_poll(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.max(FeedRow.last_polled_at)))


def ping(session: Session) -> None:
    """Raises when the database cannot answer."""
    session.execute(text("SELECT 1"))


# --------------------------------------------------------------------------- metrics


def feed_health(session: Session) -> tuple[int, int, int]:
    """Feeds, feeds whose last poll failed, and their consecutive failures summed."""
    query = select(
        func.count(FeedRow.id),
        func.count(FeedRow.id).filter(FeedRow.error_count > 0),
        func.coalesce(func.sum(FeedRow.error_count), 0),
    )
    feeds, failing, errors = session.execute(query).one()
    return int(feeds), int(failing), int(errors)


# --------------------------------------------------------------------------- digests
#
# Deliveries are claimed (a ``pending`` row, unique per chat and digest key) and committed
# before anything is sent; see ``bot.services.digests``. The unique key and the conditional
# updates below are what let exactly one process win a claim.


def follows_of_chats(session: Session, chat_ids: Sequence[int]) -> dict[int, list[str]]:
    """The names each of ``chat_ids`` follows, in the order it added them."""
    query = (
        select(FollowRow.chat_id, FollowRow.value)
        .where(FollowRow.chat_id.in_(chat_ids))
        .order_by(FollowRow.created_at, FollowRow.id)
    )
    follows: dict[int, list[str]] = {}
    for chat_id, value in session.execute(query):
        follows.setdefault(chat_id, []).append(value)
    return follows


def last_digest_items(session: Session, chat_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """What each chat's previous digest showed: event id → fingerprint, per chat."""
    query = select(DigestItemRow.chat_id, DigestItemRow.event_id, DigestItemRow.fingerprint).where(
        DigestItemRow.chat_id.in_(chat_ids)
    )
    items: dict[int, dict[int, str]] = {}
    for chat_id, event_id, fingerprint in session.execute(query):
        items.setdefault(chat_id, {})[event_id] = fingerprint
    return items


def _retry_due(now: dt.datetime) -> Any:
    """The deliveries that may be claimed again: failed, with a next attempt that has come."""
    return and_(
        DeliveryRow.status == DeliveryStatus.FAILED,
        DeliveryRow.next_attempt_at.is_not(None),
        DeliveryRow.next_attempt_at <= now,
    )


def unclaimable_deliveries(
    session: Session, digest_keys: set[str], now: dt.datetime
) -> set[tuple[int, str]]:
    """(chat, digest key) pairs among ``digest_keys`` that have a delivery row which may not
    be claimed now (every row but a failed one whose next attempt has come)."""
    query = select(DeliveryRow.chat_id, DeliveryRow.digest_key).where(
        DeliveryRow.digest_key.in_(digest_keys), ~_retry_due(now)
    )
    return {(chat_id, key) for chat_id, key in session.execute(query)}


def reclaim_failed_delivery(
    session: Session, chat_id: int, digest_key: str, now: dt.datetime
) -> Claim | None:
    """Claim again a failed delivery whose next attempt has come (back to ``pending``, one
    more attempt). None when there is none or another process won: the update is
    conditional on the row still being due."""
    reclaimed = session.execute(
        update(DeliveryRow)
        .where(
            DeliveryRow.chat_id == chat_id,
            DeliveryRow.digest_key == digest_key,
            _retry_due(now),
        )
        .values(
            status=DeliveryStatus.PENDING,
            attempts=DeliveryRow.attempts + 1,
            next_attempt_at=None,
        )
    )
    if int(getattr(reclaimed, "rowcount", 0) or 0) != 1:
        return None
    row = session.scalars(
        select(DeliveryRow).where(
            DeliveryRow.chat_id == chat_id, DeliveryRow.digest_key == digest_key
        )
    ).one()
    return Claim(row.id, row.attempts, tuple(row.message_ids or ()))


def add_pending_delivery(
    session: Session, chat_id: int, digest_key: str, now: dt.datetime
) -> Claim:
    """Write a new ``pending`` delivery (first attempt). Raises IntegrityError when the chat
    already has a row for ``digest_key``: the unique key lets one claimant win."""
    row = DeliveryRow(
        chat_id=chat_id,
        digest_key=digest_key,
        status=DeliveryStatus.PENDING,
        attempts=1,
        created_at=now,
        message_ids=[],
    )
    session.add(row)
    session.flush()
    return Claim(row.id, 1)


def record_delivery_sent(
    session: Session,
    delivery_id: int,
    message_ids: Sequence[int],
    shown: dict[int, str],
    now: dt.datetime,
) -> None:
    """Mark the delivery sent and make ``shown`` (event id → fingerprint) the chat's previous
    digest, for the next digest's marks."""
    row = session.get(DeliveryRow, delivery_id)
    if row is None:
        return
    row.status = DeliveryStatus.SENT
    row.sent_at = now
    row.error = None
    row.message_ids = list(message_ids)
    chat_id = row.chat_id  # the chat may have migrated while sending
    session.execute(delete(DigestItemRow).where(DigestItemRow.chat_id == chat_id))
    session.add_all(
        DigestItemRow(
            chat_id=chat_id,
            event_id=event_id,
            fingerprint=fingerprint,
            digest_key=row.digest_key,
            sent_at=now,
        )
        for event_id, fingerprint in shown.items()
    )


def record_delivery_not_sent(
    session: Session,
    delivery_id: int,
    status: DeliveryStatus,
    error: str,
    message_ids: Sequence[int],
    next_attempt_at: dt.datetime | None,
) -> None:
    """Mark the delivery ``failed`` or ``unknown``, with the error, the parts that did go
    out, and when to try again (None: never)."""
    row = session.get(DeliveryRow, delivery_id)
    if row is None:
        return
    row.status = status
    row.error = error
    row.message_ids = list(message_ids)
    row.next_attempt_at = next_attempt_at


def delivery_attempts(session: Session, delivery_id: int) -> int | None:
    """How many attempts the delivery has had; None when there is no such delivery."""
    return session.scalar(select(DeliveryRow.attempts).where(DeliveryRow.id == delivery_id))


def mark_pending_deliveries_unknown(session: Session, error: str) -> int:
    """Every ``pending`` delivery becomes ``unknown`` (a crash left them); how many."""
    result = session.execute(
        update(DeliveryRow)
        .where(DeliveryRow.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.UNKNOWN, error=error)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def deliveries_by_status(session: Session) -> dict[DeliveryStatus, int]:
    """How many deliveries are in each state."""
    query = select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
    return {DeliveryStatus(status): int(count) for status, count in session.execute(query)}


def retrying_deliveries(session: Session, created_after: dt.datetime) -> int:
    """Failed deliveries that will be tried again, among those created after ``created_after``
    (a slot's grace period runs from its first attempt)."""
    query = (
        select(func.count())
        .select_from(DeliveryRow)
        .where(
            DeliveryRow.status == DeliveryStatus.FAILED,
            DeliveryRow.next_attempt_at.is_not(None),
            DeliveryRow.created_at > created_after,
        )
    )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    chat_id: int
    chat_title: str | None
    digest_key: str
    status: DeliveryStatus
    created_at: dt.datetime


def recent_deliveries(session: Session, limit: int) -> list[DeliverySummary]:
    """The newest ``limit`` deliveries, newest first, with their chat's title."""
    query = (
        select(
            DeliveryRow.chat_id,
            ChatRow.title,
            DeliveryRow.digest_key,
            DeliveryRow.status,
            DeliveryRow.created_at,
        )
        .outerjoin(ChatRow, ChatRow.chat_id == DeliveryRow.chat_id)
        .order_by(DeliveryRow.id.desc())
        .limit(limit)
    )
    return [DeliverySummary(*row) for row in session.execute(query)]


# --------------------------------------------------------------------------- stats


@dataclass(frozen=True, slots=True)
class StoreCounts:
    chats: int
    subscribed: int
    events: int
    articles: int


def store_counts(session: Session) -> StoreCounts:
    """Chats (and how many are subscribed), events and articles stored."""

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return StoreCounts(
        chats=count(select(func.count()).select_from(ChatRow)),
        subscribed=count(select(func.count()).select_from(ChatRow).where(ChatRow.active.is_(True))),
        events=count_events(session),
        articles=count_articles(session),
    )


def count_articles(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ArticleRow)) or 0)
