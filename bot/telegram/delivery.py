"""Digest fan-out within Telegram's limits, with the errors Telegram answers handled.

Limits: about 30 messages/s overall (the ``Pacer`` spaces sends evenly, a little under the
limit, so no one-second window ever holds more than 30), 1 message/s in one chat and 20/min in
one group (parts of one digest are spaced accordingly; other traffic goes through PTB's
``AIORateLimiter``). A ``RetryAfter`` pauses every send for the time Telegram asks, then the
message is retried; ``Forbidden`` deactivates the chat; ``ChatMigrated`` moves the chat to its
new id and retries there; network errors, time-outs and 5xx are retried with exponential
backoff. Every failure is logged with the chat id (never the token).

At most once: each (chat, digest key) is claimed in the database (``pending``, unique key)
right before its first message is sent and marked ``sent`` afterwards; see
``bot.services.digests``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

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
from telegram.warnings import PTBDeprecationWarning

from bot.services import chats as chat_service
from bot.services import digests as digest_service
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.digests import Digest
from bot.services.schedule import Slot

log = logging.getLogger(__name__)

OVERALL_RATE = 29.5  # messages per second, a little under Telegram's 30
PRIVATE_GAP = 1.0  # seconds between two messages to one private chat
GROUP_GAP = 3.0  # seconds between two messages to one group (20 per minute)
MAX_RETRIES = 5
MAX_BACKOFF = 30.0

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


class DeliveryError(Exception):
    """A message could not be delivered; ``deactivated`` when the chat was switched off."""

    def __init__(self, chat_id: int, reason: str, *, deactivated: bool = False) -> None:
        super().__init__(f"chat {chat_id}: {reason}")
        self.chat_id = chat_id
        self.reason = reason
        self.deactivated = deactivated


def _is_unauthorized(error: Forbidden) -> bool:
    """401 (a bad token) also arrives as Forbidden; that is not the chat's fault."""
    return "unauthorized" in error.message.lower()


@dataclass(slots=True)
class BroadcastReport:
    sent: int = 0
    skipped: int = 0  # already claimed (delivered before, or by another process)
    failed: int = 0
    deactivated: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


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
        workers: int = 16,
    ) -> None:
        self.bot = bot
        self.services = services
        self.pacer = pacer or Pacer(sleep=sleep)
        self.max_retries = max_retries
        self.sleep = sleep
        self.workers = workers
        self._stopping = False

    def stop(self) -> None:
        """Finish the messages in flight, start no new chat."""
        self._stopping = True

    async def send_text(
        self, chat_id: int, text: str, *, paced: bool = True
    ) -> tuple[int, Message]:
        """Send one message; returns the chat id it went to (it changes when a group migrated)
        and the message. Raises DeliveryError when it cannot be delivered."""
        attempt = 0
        while True:
            if paced:
                await self.pacer.wait()
            try:
                message = await self.bot.send_message(
                    chat_id, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
                )
                return chat_id, message
            except RetryAfter as exc:
                delay = _seconds(exc)
                log.warning("chat %s: flood control, retrying in %.1f s", chat_id, delay)
                self.pacer.pause(delay)
                attempt += 1
                if attempt > self.max_retries * 4:
                    raise DeliveryError(chat_id, "flood control did not end") from exc
                if not paced:
                    await self.sleep(delay)
            except ChatMigrated as exc:
                new_id = exc.new_chat_id
                log.info("chat %s migrated to %s; moving its subscription", chat_id, new_id)
                await asyncio.to_thread(chat_service.migrate_chat, self.services, chat_id, new_id)
                chat_id = new_id
            except Forbidden as exc:
                if _is_unauthorized(exc):
                    log.error("chat %s: the bot token was refused (401)", chat_id)
                    raise DeliveryError(chat_id, "the bot token was refused") from exc
                log.warning("chat %s: forbidden (%s); deactivating it", chat_id, exc.message)
                await asyncio.to_thread(
                    chat_service.deactivate, self.services, chat_id, exc.message
                )
                raise DeliveryError(chat_id, exc.message, deactivated=True) from exc
            except BadRequest as exc:  # a subclass of NetworkError: retrying will not help
                log.error("chat %s: Telegram refused the message: %s", chat_id, exc.message)
                raise DeliveryError(chat_id, exc.message) from exc
            except (TimedOut, NetworkError) as exc:  # includes 5xx answers
                attempt += 1
                if attempt > self.max_retries:
                    log.error("chat %s: giving up after %d attempts: %s", chat_id, attempt, exc)
                    raise DeliveryError(chat_id, f"network: {exc.message}") from exc
                delay = min(MAX_BACKOFF, 2.0 ** (attempt - 1))
                log.warning(
                    "chat %s: %s (attempt %d), retrying in %.0f s", chat_id, exc, attempt, delay
                )
                await self.sleep(delay)
            except TelegramError as exc:
                log.error("chat %s: Telegram error: %s", chat_id, exc)
                raise DeliveryError(chat_id, str(exc)) from exc

    async def deliver(self, chat: ChatInfo, digest: Digest, key: str) -> str:
        """Deliver one scheduled digest at most once; returns sent/skipped/failed/deactivated."""
        delivery_id = await asyncio.to_thread(
            digest_service.claim, self.services, chat.chat_id, key
        )
        if delivery_id is None:
            return "skipped"
        chat_id = chat.chat_id
        message_ids: list[int] = []
        gap = GROUP_GAP if chat.chat_id < 0 else PRIVATE_GAP
        try:
            for index, text in enumerate(digest.messages):
                if index:
                    await self.sleep(gap)
                # The first part's slot was taken before the claim, so the claim and the
                # request follow each other closely.
                chat_id, message = await self.send_text(chat_id, text, paced=index > 0)
                message_ids.append(message.message_id)
        except DeliveryError as exc:
            await asyncio.to_thread(
                digest_service.mark_failed, self.services, delivery_id, exc.reason, message_ids
            )
            return "deactivated" if exc.deactivated else "failed"
        await asyncio.to_thread(
            digest_service.mark_sent, self.services, delivery_id, digest, message_ids
        )
        return "sent"

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
                    await self.pacer.wait()
                    outcome = await self.deliver(chat, digest, slot.key)
                except Exception:  # one chat's bug must not stop the others
                    log.exception("chat %s: digest %s failed", chat.chat_id, slot.key)
                    outcome = "failed"
                if outcome == "sent":
                    report.sent += 1
                elif outcome == "skipped":
                    report.skipped += 1
                else:
                    report.failed += 1
                    report.deactivated += outcome == "deactivated"
                    report.failures.append(f"{chat.chat_id}: {outcome}")

        await asyncio.gather(*(worker() for _ in range(max(1, min(self.workers, len(due))))))
        report.seconds = time.monotonic() - started
        return report


def _seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (int or timedelta, whichever PTB gives)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)
