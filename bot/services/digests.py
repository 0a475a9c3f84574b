"""Digests: what a chat gets on its schedule, and the at-most-once delivery records.

A delivery is claimed (a ``pending`` row, unique per chat and digest key) and committed
*before* anything is sent, then marked ``sent``, ``failed`` or ``unknown``:

* ``failed`` means Telegram provably did not take the message (see ``bot.telegram.delivery``
  for which errors prove that). The chat is due again at ``next_attempt_at``, which backs off
  from one minute to half an hour, for as long as the slot is within the grace period
  (``MISSED_DIGEST_GRACE_HOURS``). A failure Telegram gives for good (blocked, a refused
  message) has no ``next_attempt_at``.
* ``unknown`` means a request left the process and no answer came: the message may have
  reached the chat, so it is never sent again. A ``pending`` row found at start (a crash
  while sending) becomes ``unknown`` too. Each digest thus reaches a chat at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.domain.calendar import EventView
from bot.domain.delivery import DeliveryStatus
from bot.services import chats as chat_service
from bot.services.changes import since_last_digest
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.events import upcoming
from bot.services.rendering import day_label, group_by_day, make_entry
from bot.services.schedule import Frequency, Slot, due_slot, zone
from bot.store.models import ChatRow, DeliveryRow, DigestItemRow, FollowRow

log = logging.getLogger(__name__)

# A digest stays short: at most this many events (then a pointer to /upcoming).
MAX_DIGEST_EVENTS = 30
# Renderings a broadcast keeps for chats with identical digests; bounded, since chats with
# their own follows or marks each render differently.
MAX_CACHED_RENDERINGS = 1000
# A failed delivery is tried again after 1, 2, 4 ... minutes (the dispatcher ticks once a
# minute), never waiting longer than this between two attempts.
RETRY_FIRST_DELAY = dt.timedelta(minutes=1)
RETRY_LONGEST_DELAY = dt.timedelta(minutes=30)
MAX_ERROR_LENGTH = 1000


@dataclass(slots=True)
class Digest:
    """A rendered digest: its messages and what the chat will have seen once it is sent."""

    chat_id: int
    messages: list[str]
    snapshot: dict[int, str] = field(default_factory=dict)  # event id → fingerprint
    key: str | None = None


class DigestBuilder:
    """Builds the digests of many chats at once (a broadcast).

    Follows and previous digests are loaded in bulk, the calendar is read once per (day,
    horizon, follows), and identical digests are rendered once. Safe to use from several
    threads.
    """

    CHUNK = 500

    def __init__(
        self, services: Services, chats: Sequence[ChatInfo], now: dt.datetime | None = None
    ) -> None:
        self.services = services
        self.now = now or services.now()
        self._lock = threading.Lock()
        self._follows: dict[int, list[str]] = defaultdict(list)
        self._previous: dict[int, dict[int, str]] = defaultdict(dict)
        self._events: dict[tuple[Any, ...], list[EventView]] = {}
        self._rendered: dict[tuple[Any, ...], tuple[list[str], dict[int, str]]] = {}
        ids = [chat.chat_id for chat in chats]
        with services.session() as session:
            for start in range(0, len(ids), self.CHUNK):
                chunk = ids[start : start + self.CHUNK]
                follows = session.execute(
                    select(FollowRow.chat_id, FollowRow.value)
                    .where(FollowRow.chat_id.in_(chunk))
                    .order_by(FollowRow.created_at, FollowRow.id)
                )
                for chat_id, value in follows:
                    self._follows[chat_id].append(value)
                items = session.execute(
                    select(DigestItemRow.chat_id, DigestItemRow.event_id, DigestItemRow.fingerprint)
                    .where(DigestItemRow.chat_id.in_(chunk))
                )  # fmt: skip
                for chat_id, event_id, fingerprint in items:
                    self._previous[chat_id][event_id] = fingerprint

    def build(self, chat: ChatInfo, key: str | None = None) -> Digest:
        """Render the digest ``chat`` gets (marks compare with its previous digest)."""
        with self._lock:
            messages, snapshot = self._render(chat)
        return Digest(chat.chat_id, list(messages), dict(snapshot), key)

    def _render(self, chat: ChatInfo) -> tuple[list[str], dict[int, str]]:
        tz = zone(chat.timezone)
        today = self.now.astimezone(tz).date()
        days = self.services.config.digest_days * (2 if chat.frequency is Frequency.WEEKLY else 1)
        until = today + dt.timedelta(days=days)
        followed = tuple(self._follows.get(chat.chat_id, ()))
        previous = self._previous.get(chat.chat_id, {})
        render_key = (chat.timezone, today, until, followed, frozenset(previous.items()))
        cached = self._rendered.get(render_key)
        if cached is not None:
            return cached
        events_key = (today, until, followed)
        events = self._events.get(events_key)
        if events is None:
            with self.services.session() as session:
                events = upcoming(
                    session,
                    today,
                    until=until,
                    follows=followed,
                    include_cancelled=True,
                    include_undated=True,
                    limit=MAX_DIGEST_EVENTS + 1,
                )
            self._events[events_key] = events
        more = len(events) > MAX_DIGEST_EVENTS
        shown = events[:MAX_DIGEST_EVENTS]
        with self.services.session() as session:  # what happened to what the chat was shown
            changed = since_last_digest(session, previous, shown, today, followed)
        entries = []
        for event in shown:
            mark = None
            if previous:
                if event.id not in previous:
                    mark = "new"
                elif previous[event.id] != event.fingerprint:
                    mark = "changed"
            entries.append(make_entry(event, tz, today, mark))
        messages = self.services.renderer.messages(
            "digest.html.j2",
            period=f"{day_label(today)} – {day_label(until)}",
            days=group_by_day(entries, tz, today),
            follows=list(followed),
            removed=changed,
            more=more,
            chat=chat,
        )
        result = (messages, {event.id: event.fingerprint for event in shown})
        if len(self._rendered) < MAX_CACHED_RENDERINGS:
            self._rendered[render_key] = result
        return result


def build_digest(
    services: Services, chat: ChatInfo, now: dt.datetime | None = None, key: str | None = None
) -> Digest:
    """Render the digest ``chat`` would get at ``now`` (marks compare with its last one)."""
    return DigestBuilder(services, [chat], now).build(chat, key)


def digest_for(services: Services, chat_id: int) -> Digest:
    """The digest a chat would get now (``/digest``, ``summit-bot digest --chat``)."""
    return build_digest(services, chat_service.get_chat(services, chat_id))


def due_chats(services: Services, now: dt.datetime | None = None) -> list[tuple[ChatInfo, Slot]]:
    """Subscribed chats whose digest slot has come and is within the grace period, with no
    delivery record yet or a failed one whose next attempt has come."""
    now = now or services.now()
    grace = services.config.missed_digest_grace
    candidates: list[tuple[ChatInfo, Slot]] = []
    for chat in chat_service.subscribed_chats(services):
        slot = due_slot(
            now,
            chat.timezone,
            chat.digest_time,
            chat.frequency,
            weekday=chat.digest_weekday,
            grace=grace,
            not_before=chat.schedule_since,
        )
        if slot is not None:
            candidates.append((chat, slot))
    if not candidates:
        return []
    keys = {slot.key for _, slot in candidates}
    with services.session() as session:
        rows = session.execute(
            select(DeliveryRow.chat_id, DeliveryRow.digest_key).where(
                DeliveryRow.digest_key.in_(keys), ~_retry_due(now)
            )
        )
        done = {(chat_id, key) for chat_id, key in rows}
    return [(chat, slot) for chat, slot in candidates if (chat.chat_id, slot.key) not in done]


def _retry_due(now: dt.datetime) -> Any:
    """The rows that may be claimed again: failed, with a next attempt that has come."""
    return and_(
        DeliveryRow.status == DeliveryStatus.FAILED,
        DeliveryRow.next_attempt_at.is_not(None),
        DeliveryRow.next_attempt_at <= now,
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a delivery that failed ``attempts`` times waits before the next attempt."""
    return min(RETRY_LONGEST_DELAY, RETRY_FIRST_DELAY * (1 << max(0, min(attempts - 1, 16))))


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to send one digest to one chat now.

    ``sent_message_ids``: the parts an earlier attempt delivered before it failed; the
    attempt goes on from the next part, so no part reaches the chat twice.
    """

    delivery_id: int
    attempt: int
    sent_message_ids: tuple[int, ...] = ()


def claim(services: Services, chat_id: int, key: str) -> Claim | None:
    """Record the intent to deliver (committed before sending): a new ``pending`` row, or a
    failed row whose next attempt has come. None when the digest is not to be sent (sent,
    being sent, unknown, failed for good or not yet due again). Safe between processes: the
    unique key and the conditional update let exactly one of them win."""
    now = services.now()
    with services.session(write=True) as session:
        reclaimed = session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.chat_id == chat_id, DeliveryRow.digest_key == key, _retry_due(now))
            .values(
                status=DeliveryStatus.PENDING,
                attempts=DeliveryRow.attempts + 1,
                next_attempt_at=None,
            )
        )
        if int(getattr(reclaimed, "rowcount", 0) or 0) == 1:
            row = session.scalars(
                select(DeliveryRow).where(
                    DeliveryRow.chat_id == chat_id, DeliveryRow.digest_key == key
                )
            ).one()
            return Claim(row.id, row.attempts, tuple(row.message_ids or ()))
    try:
        with services.session(write=True) as session:
            new = DeliveryRow(
                chat_id=chat_id,
                digest_key=key,
                status=DeliveryStatus.PENDING,
                attempts=1,
                created_at=now,
                message_ids=[],
            )
            session.add(new)
            session.flush()
            return Claim(new.id, 1)
    except IntegrityError:
        return None


def mark_sent(services: Services, delivery_id: int, digest: Digest, message_ids: list[int]) -> None:
    """The digest went out: record it and remember what the chat saw (for the next marks)."""
    now = services.now()
    with services.session(write=True) as session:
        row = session.get(DeliveryRow, delivery_id)
        if row is None:
            return
        row.status = DeliveryStatus.SENT
        row.sent_at = now
        row.error = None
        row.message_ids = message_ids
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
            for event_id, fingerprint in digest.snapshot.items()
        )


def mark_failed(
    services: Services,
    delivery_id: int,
    error: str,
    message_ids: Sequence[int] = (),
    *,
    retry: bool = False,
) -> None:
    """Telegram did not take the digest. ``retry``: try again after a back-off (the
    dispatcher finds it due while the grace period lasts); otherwise it failed for good
    (the chat blocked the bot, the message was refused)."""
    now = services.now()
    with services.session(write=True) as session:
        row = session.get(DeliveryRow, delivery_id)
        if row is None:
            return
        row.status = DeliveryStatus.FAILED
        row.error = error[:MAX_ERROR_LENGTH]
        row.message_ids = list(message_ids)
        row.next_attempt_at = now + retry_delay(row.attempts) if retry else None


def mark_unknown(
    services: Services, delivery_id: int, error: str, message_ids: Sequence[int] = ()
) -> None:
    """A request left the process and no answer came: never sent again (at most once)."""
    with services.session(write=True) as session:
        row = session.get(DeliveryRow, delivery_id)
        if row is None:
            return
        row.status = DeliveryStatus.UNKNOWN
        row.error = error[:MAX_ERROR_LENGTH]
        row.message_ids = list(message_ids)
        row.next_attempt_at = None


def resolve_unknown(services: Services) -> int:
    """At start: deliveries left ``pending`` by a crash are of unknown fate. They are marked
    ``unknown`` and not retried (at most once); returns how many there were."""
    with services.session(write=True) as session:
        result = session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.status == DeliveryStatus.PENDING)
            .values(
                status=DeliveryStatus.UNKNOWN,
                error="interrupted: the bot stopped while sending",
            )
        )
        count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.warning("%d digest deliveries were interrupted by a crash; not resending them", count)
    return count


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Deliveries by status, for /stats; ``retrying``: failed ones with a next attempt."""

    by_status: dict[DeliveryStatus, int]
    retrying: int

    def __getitem__(self, status: DeliveryStatus) -> int:
        return self.by_status.get(status, 0)


def delivery_counts(services: Services, now: dt.datetime | None = None) -> DeliveryCounts:
    """How many deliveries are in each state, and how many failed ones wait for a retry."""
    now = now or services.now()
    with services.session() as session:
        rows = session.execute(
            select(DeliveryRow.status, func.count()).group_by(DeliveryRow.status)
        )
        by_status = {DeliveryStatus(status): int(count) for status, count in rows}
        retrying = session.scalar(
            select(func.count())
            .select_from(DeliveryRow)
            .where(
                DeliveryRow.status == DeliveryStatus.FAILED,
                DeliveryRow.next_attempt_at.is_not(None),
                # the slot came before the first attempt, so its grace period ends sooner
                DeliveryRow.created_at > now - services.config.missed_digest_grace,
            )
        )
    return DeliveryCounts(by_status, int(retrying or 0))


def last_deliveries(services: Services, limit: int = 5) -> list[str]:
    """One line per recent delivery, newest first, for /stats."""
    with services.session() as session:
        rows = session.execute(
            select(DeliveryRow.chat_id, DeliveryRow.digest_key, DeliveryRow.status,
                   DeliveryRow.created_at, ChatRow.title)
            .outerjoin(ChatRow, ChatRow.chat_id == DeliveryRow.chat_id)
            .order_by(DeliveryRow.id.desc())
            .limit(limit)
        )  # fmt: skip
        return [
            f"{created:%Y-%m-%d %H:%M} UTC · {title or chat_id} · {key} · {status}"
            for chat_id, key, status, created, title in rows
        ]
