"""Digest fan-out within Telegram's limits, with the errors Telegram answers handled.

Limits: when the bot's rate limiter is the ``SharedPacer`` (``bot.telegram.pacer``, as in the
running bot), every digest waits there for a slot with the bulk priority, so replies to people
go first and one budget holds for everything the bot sends. With any other bot (a bare
``Bot``), the deliverer paces itself: about 30 messages/s overall (the ``Pacer`` spaces sends
evenly, a little under the limit), 1 message/s in one chat and 20/min in one group (parts of
one digest are spaced accordingly). Every failure is logged with the chat id (never the
token).

**At most once.** Each (chat, digest key) is claimed in the database (``pending``, unique key)
right before its first message is sent; see ``bot.services.digests``. What happens to a send
that does not succeed depends on whether the request can have reached Telegram:

* *Provably not taken*: the connection could not be made (``httpx.ConnectError``,
  ``ConnectTimeout``, ``PoolTimeout``: no byte of the request left), or Telegram answered with
  an error status: ``RetryAfter`` (429), or a 5xx answer. These are retried here, with
  back-off (``RetryAfter``: after the wait Telegram asks for, pausing every send). When the
  retries run out the delivery is ``failed`` and the dispatcher tries it again at a later tick
  while the grace period lasts (``bot.services.digests.retry_delay``).
* *Refused for good*: ``BadRequest`` (the message), ``Forbidden`` (the chat is deactivated;
  a 401 means the token), anything else Telegram answers. Not retried.
* *Unknown*: the request was sent and no answer came: a read or write timeout, a connection
  dropped mid-request or mid-response, an unexpected error in the HTTP client. Telegram may
  have posted the message, so it is **never sent again**: the delivery is marked ``unknown``,
  counted and shown in ``/stats``. A chat may miss that digest; it never gets it twice.

``ChatMigrated`` moves the chat to its new id and retries there (the group refused the
message, so nothing was posted).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import httpx
from telegram import Bot, LinkPreviewOptions, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.services import chats as chat_service
from bot.services import digests as digest_service
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.digests import Digest
from bot.services.schedule import Slot
from bot.telegram.pacer import Priority, SharedPacer, retry_seconds

log = logging.getLogger(__name__)

OVERALL_RATE = 29.5  # messages per second, a little under Telegram's 30
PRIVATE_GAP = 1.0  # seconds between two messages to one private chat
GROUP_GAP = 3.0  # seconds between two messages to one group (20 per minute)
# Retries of a send Telegram provably did not take (connect errors, 5xx), within one tick;
# after them the dispatcher retries the delivery at a later tick.
MAX_RETRIES = 3
MAX_BACKOFF = 30.0
# RetryAfter answers waited out for one message before it counts as failed (and is retried
# at a later tick): Telegram's flood control normally ends after one or two.
MAX_FLOOD_WAITS = 12
# Chats delivered concurrently (the pacer sets the rate). A send that gets no answer holds
# its worker for the read timeout (5 s): at 30/s with 10% of the answers lost, about 15 are
# held at once, so 64 keep the rate up where 16 fell to 0.74 of it (bench/broadcast.py).
DEFAULT_WORKERS = 64
# Errors in the HTTP client that prove no byte of the request left the process.
_NOT_SENT_CAUSES: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Evenly spaced send slots at ``rate`` per second, shared by all senders.

    ``pause`` pushes every later slot back (Telegram's ``RetryAfter`` applies to the bot).
    """

    def __init__(
        self,
        rate: float = OVERALL_RATE,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0

    async def wait(self) -> None:
        """Wait for the next free slot (slots are handed out in call order)."""
        now = self._monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await self._sleep(slot - now)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, self._monotonic() + seconds)


class DeliveryOutcome(StrEnum):
    """What became of one chat's digest in a broadcast."""

    SENT = "sent"
    SKIPPED = "skipped"  # not to be sent now: delivered before, by another process, unknown
    FAILED = "failed"  # Telegram did not take it; retried at a later tick within the grace
    REFUSED = "refused"  # Telegram refused it for good (the message, the token)
    DEACTIVATED = "deactivated"  # the chat blocked the bot or removed it
    UNKNOWN = "unknown"  # sent, but no answer came: never sent again


class DeliveryError(Exception):
    """A message was not delivered; ``outcome`` says whether it may be tried again."""

    def __init__(self, chat_id: int, reason: str, outcome: DeliveryOutcome) -> None:
        super().__init__(f"chat {chat_id}: {reason}")
        self.chat_id = chat_id
        self.reason = reason
        self.outcome = outcome

    @property
    def deactivated(self) -> bool:
        return self.outcome is DeliveryOutcome.DEACTIVATED


def _is_unauthorized(error: Forbidden) -> bool:
    """401 (a bad token) also arrives as Forbidden; that is not the chat's fault."""
    return "unauthorized" in error.message.lower()


def may_have_reached_telegram(error: NetworkError) -> bool:
    """False only when the error proves Telegram did not take the request: the connection
    was never made, or Telegram (or its proxy) answered with an error status. PTB raises an
    answered status as a ``NetworkError`` with no cause (or a JSON parsing error as cause);
    client-side failures carry the ``httpx`` error as cause."""
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT_CAUSES):
        return False
    if isinstance(error, TimedOut):  # a read/write timeout: the request may have arrived
        return True
    return not (cause is None or isinstance(cause, TelegramError))


async def handle_chat_error(
    services: Services, chat_id: int, error: ChatMigrated | Forbidden
) -> int | None:
    """What a chat's own error means for its record, in one place for replies and digests:
    ``ChatMigrated`` moves the chat to its new id (returned); ``Forbidden`` (the bot was
    blocked or removed) deactivates it, except a 401, which is the token's fault."""
    if isinstance(error, ChatMigrated):
        new_id = int(error.new_chat_id)
        log.info("chat %s migrated to %s; moving its subscription", chat_id, new_id)
        await asyncio.to_thread(chat_service.migrate_chat, services, chat_id, new_id)
        return new_id
    if _is_unauthorized(error):
        log.error("chat %s: the bot token was refused (401)", chat_id)
        return None
    log.warning("chat %s: forbidden (%s); deactivating it", chat_id, error.message)
    await asyncio.to_thread(chat_service.deactivate, services, chat_id, error.message)
    return None


@dataclass(slots=True)
class BroadcastReport:
    sent: int = 0
    skipped: int = 0  # already claimed (delivered before, or by another process)
    failed: int = 0  # every delivery that did not go out (including the two below)
    deactivated: int = 0
    unknown: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    def count(self, chat_id: int, outcome: DeliveryOutcome) -> None:
        if outcome is DeliveryOutcome.SENT:
            self.sent += 1
        elif outcome is DeliveryOutcome.SKIPPED:
            self.skipped += 1
        else:
            self.failed += 1
            self.deactivated += outcome is DeliveryOutcome.DEACTIVATED
            self.unknown += outcome is DeliveryOutcome.UNKNOWN
            self.failures.append(f"{chat_id}: {outcome}")


class Deliverer:
    """Sends messages and digests to chats, handling Telegram's answers."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        pacer: Pacer | None = None,
        *,
        max_retries: int = MAX_RETRIES,
        sleep: Sleep = asyncio.sleep,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.bot = bot
        self.services = services
        self.pacer = pacer or Pacer(sleep=sleep)
        self.max_retries = max_retries
        self.sleep = sleep
        self.workers = workers
        self.shared = _shared_pacer(bot)
        self._stopping = False

    def stop(self) -> None:
        """Finish the messages in flight, start no new chat."""
        self._stopping = True

    async def send_text(
        self, chat_id: int, text: str, *, paced: bool = True
    ) -> tuple[int, Message]:
        """Send one message; returns the chat id it went to (it changes when a group migrated)
        and the message. Raises DeliveryError when it was not delivered (see the module's
        docstring for which errors are retried here)."""
        attempt = 0
        flood_waits = 0
        slot_taken = not paced  # by the caller, for the first try only
        while True:
            if paced and self.shared is None:
                await self.pacer.wait()
            taken, slot_taken = slot_taken, False
            try:
                message = await self._send(chat_id, text, slot_taken=taken)
                return chat_id, message
            except RetryAfter as exc:
                delay = retry_seconds(exc)
                log.warning("chat %s: flood control, retrying in %.1f s", chat_id, delay)
                self.pacer.pause(delay)
                flood_waits += 1
                if flood_waits > MAX_FLOOD_WAITS:
                    raise DeliveryError(
                        chat_id, "flood control did not end", DeliveryOutcome.FAILED
                    ) from exc
                if not paced and self.shared is None:
                    await self.sleep(delay)
            except ChatMigrated as exc:
                chat_id = await _new_chat_id(self.services, chat_id, exc)
            except Forbidden as exc:
                await handle_chat_error(self.services, chat_id, exc)
                if _is_unauthorized(exc):
                    raise DeliveryError(
                        chat_id, "the bot token was refused", DeliveryOutcome.REFUSED
                    ) from exc
                raise DeliveryError(chat_id, exc.message, DeliveryOutcome.DEACTIVATED) from exc
            except BadRequest as exc:  # a subclass of NetworkError: retrying will not help
                log.error("chat %s: Telegram refused the message: %s", chat_id, exc.message)
                raise DeliveryError(chat_id, exc.message, DeliveryOutcome.REFUSED) from exc
            except NetworkError as exc:  # TimedOut included
                if may_have_reached_telegram(exc):
                    log.error(
                        "chat %s: no answer to a sent request (%s); not resending it",
                        chat_id,
                        _describe(exc),
                    )
                    raise DeliveryError(
                        chat_id, f"no answer: {_describe(exc)}", DeliveryOutcome.UNKNOWN
                    ) from exc
                attempt += 1
                if attempt > self.max_retries:
                    log.warning(
                        "chat %s: not sent after %d attempts (%s); retrying later",
                        chat_id,
                        attempt,
                        _describe(exc),
                    )
                    raise DeliveryError(
                        chat_id, f"not sent: {_describe(exc)}", DeliveryOutcome.FAILED
                    ) from exc
                delay = min(MAX_BACKOFF, 2.0 ** (attempt - 1))
                log.warning(
                    "chat %s: not sent (%s, attempt %d), retrying in %.0f s",
                    chat_id,
                    _describe(exc),
                    attempt,
                    delay,
                )
                await self.sleep(delay)
            except TelegramError as exc:
                log.error("chat %s: Telegram error: %s", chat_id, exc)
                raise DeliveryError(chat_id, str(exc), DeliveryOutcome.REFUSED) from exc

    async def _send(self, chat_id: int, text: str, *, slot_taken: bool) -> Message:
        preview = LinkPreviewOptions(is_disabled=True)
        if self.shared is None:
            return await self.bot.send_message(chat_id, text, link_preview_options=preview)
        bot = cast("ExtBot[Any]", self.bot)
        return await bot.send_message(
            chat_id,
            text,
            link_preview_options=preview,
            rate_limit_args={"priority": Priority.BULK, "acquired": slot_taken},
        )

    async def _first_slot(self, chat_id: int) -> None:
        """A send slot for a digest's first part, taken before its claim is recorded, so
        that a crash between the two leaves as few ``unknown`` rows as possible."""
        if self.shared is not None:
            await self.shared.acquire(chat_id, Priority.BULK)
        else:
            await self.pacer.wait()

    async def deliver(self, chat: ChatInfo, digest: Digest, key: str) -> DeliveryOutcome:
        """Deliver one scheduled digest at most once (a retry goes on from the first part
        not delivered yet)."""
        claim = await asyncio.to_thread(digest_service.claim, self.services, chat.chat_id, key)
        if claim is None:
            return DeliveryOutcome.SKIPPED
        chat_id = chat.chat_id
        message_ids = list(claim.sent_message_ids)
        gap = GROUP_GAP if chat.chat_id < 0 else PRIVATE_GAP
        try:
            for index in range(len(message_ids), len(digest.messages)):
                if index > len(claim.sent_message_ids) and self.shared is None:
                    await self.sleep(gap)  # the shared pacer keeps the chat's limits itself
                # The first part's slot was taken before the claim, so the claim and the
                # request follow each other closely.
                chat_id, message = await self.send_text(
                    chat_id, digest.messages[index], paced=index > len(claim.sent_message_ids)
                )
                message_ids.append(message.message_id)
        except DeliveryError as exc:
            await asyncio.to_thread(self._record_failure, claim.delivery_id, exc, message_ids)
            return exc.outcome
        await asyncio.to_thread(
            digest_service.mark_sent, self.services, claim.delivery_id, digest, message_ids
        )
        return DeliveryOutcome.SENT

    def _record_failure(self, delivery_id: int, error: DeliveryError, sent: list[int]) -> None:
        if error.outcome is DeliveryOutcome.UNKNOWN:
            digest_service.mark_unknown(self.services, delivery_id, error.reason, sent)
        else:
            digest_service.mark_failed(
                self.services,
                delivery_id,
                error.reason,
                sent,
                retry=error.outcome is DeliveryOutcome.FAILED,
            )

    async def broadcast(self, due: Sequence[tuple[ChatInfo, Slot]]) -> BroadcastReport:
        """Deliver each chat's due digest, ``workers`` chats at a time, paced overall."""
        report = BroadcastReport()
        started = time.monotonic()
        builder = await asyncio.to_thread(
            digest_service.DigestBuilder, self.services, [chat for chat, _ in due]
        )
        queue: asyncio.Queue[tuple[ChatInfo, Slot]] = asyncio.Queue()
        for item in due:
            queue.put_nowait(item)

        async def worker() -> None:
            while not self._stopping:
                try:
                    chat, slot = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    digest = await asyncio.to_thread(builder.build, chat, slot.key)
                    await self._first_slot(chat.chat_id)
                    outcome = await self.deliver(chat, digest, slot.key)
                except Exception:  # one chat's bug must not stop the others
                    log.exception("chat %s: digest %s failed", chat.chat_id, slot.key)
                    outcome = DeliveryOutcome.REFUSED
                report.count(chat.chat_id, outcome)

        await asyncio.gather(*(worker() for _ in range(max(1, min(self.workers, len(due))))))
        report.seconds = time.monotonic() - started
        return report


def _shared_pacer(bot: Bot) -> SharedPacer | None:
    limiter = getattr(bot, "rate_limiter", None)
    return limiter if isinstance(limiter, SharedPacer) else None


async def _new_chat_id(services: Services, chat_id: int, error: ChatMigrated) -> int:
    new_id = await handle_chat_error(services, chat_id, error)
    assert new_id is not None  # a migration always names the new chat
    return new_id


def _describe(error: NetworkError) -> str:
    """The error and its cause (``TimedOut`` alone does not say which timeout it was)."""
    cause = error.__cause__
    if cause is None or isinstance(cause, TelegramError) or type(cause).__name__ in error.message:
        return error.message
    return f"{error.message} ({type(cause).__name__})"
