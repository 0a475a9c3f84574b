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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.domain.calendar import EventView
from bot.domain.chat import Frequency
from bot.domain.delivery import Claim, DeliveryStatus
from bot.services import chats as chat_service
from bot.services.changes import since_last_digest
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.events import upcoming
from bot.services.rendering import day_label, group_by_day, make_entry
from bot.services.schedule import Slot, due_slot, zone
from bot.store import repository

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
        self._follows: dict[int, list[str]] = {}
        self._previous: dict[int, dict[int, str]] = {}
        self._events: dict[tuple[Any, ...], list[EventView]] = {}
        self._rendered: dict[tuple[Any, ...], tuple[list[str], dict[int, str]]] = {}
        ids = [chat.chat_id for chat in chats]
        with services.session() as session:
            for start in range(0, len(ids), self.CHUNK):
                chunk = ids[start : start + self.CHUNK]
                self._follows.update(repository.follows_of_chats(session, chunk))
                self._previous.update(repository.last_digest_items(session, chunk))

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
        done = repository.unclaimable_deliveries(session, keys, now)
    return [(chat, slot) for chat, slot in candidates if (chat.chat_id, slot.key) not in done]


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a delivery that failed ``attempts`` times waits before the next attempt."""
    return min(RETRY_LONGEST_DELAY, RETRY_FIRST_DELAY * (1 << max(0, min(attempts - 1, 16))))


def claim(services: Services, chat_id: int, key: str) -> Claim | None:
    """Record the intent to deliver (committed before sending): a new ``pending`` row, or a
    failed row whose next attempt has come. None when the digest is not to be sent (sent,
    being sent, unknown, failed for good or not yet due again). Safe between processes: the
    unique key and the conditional update let exactly one of them win."""
    now = services.now()
    with services.session(write=True) as session:
        claimed = repository.reclaim_failed_delivery(session, chat_id, key, now)
    if claimed is not None:
        return claimed
    try:
        with services.session(write=True) as session:
            return repository.add_pending_delivery(session, chat_id, key, now)
    except IntegrityError:
        return None


def mark_sent(services: Services, delivery_id: int, digest: Digest, message_ids: list[int]) -> None:
    """The digest went out: record it and remember what the chat saw (for the next marks)."""
    with services.session(write=True) as session:
        repository.record_delivery_sent(
            session, delivery_id, message_ids, digest.snapshot, services.now()
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
        attempts = repository.delivery_attempts(session, delivery_id)
        if attempts is None:
            return
        next_attempt = now + retry_delay(attempts) if retry else None
        repository.record_delivery_not_sent(
            session,
            delivery_id,
            DeliveryStatus.FAILED,
            error[:MAX_ERROR_LENGTH],
            message_ids,
            next_attempt,
        )


def mark_unknown(
    services: Services, delivery_id: int, error: str, message_ids: Sequence[int] = ()
) -> None:
    """A request left the process and no answer came: never sent again (at most once)."""
    with services.session(write=True) as session:
        repository.record_delivery_not_sent(
            session,
            delivery_id,
            DeliveryStatus.UNKNOWN,
            error[:MAX_ERROR_LENGTH],
            message_ids,
            None,
        )


def resolve_unknown(services: Services) -> int:
    """At start: deliveries left ``pending`` by a crash are of unknown fate. They are marked
    ``unknown`` and not retried (at most once); returns how many there were."""
    with services.session(write=True) as session:
        count = repository.mark_pending_deliveries_unknown(
            session, "interrupted: the bot stopped while sending"
        )
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
        by_status = repository.deliveries_by_status(session)
        # the slot came before the first attempt, so its grace period ends sooner
        retrying = repository.retrying_deliveries(
            session, now - services.config.missed_digest_grace
        )
    return DeliveryCounts(by_status, retrying)


def last_deliveries(services: Services, limit: int = 5) -> list[str]:
    """One line per recent delivery, newest first, for /stats."""
    with services.session() as session:
        deliveries = repository.recent_deliveries(session, limit)
    return [
        f"{d.created_at:%Y-%m-%d %H:%M} UTC · {d.chat_title or d.chat_id} · {d.digest_key}"
        f" · {d.status}"
        for d in deliveries
    ]
