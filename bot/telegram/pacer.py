"""One pacer for every call the bot makes that counts against Telegram's flood limits.

Replies, digests, alerts, documents and edits all wait here for a send slot (it is the
application's PTB rate limiter, so no call can bypass it). A slot is granted when it keeps:

* at most ``overall`` calls in any sliding window of ``window`` seconds (30 in one second,
  checked against the actual grant times, not a token bucket that lets a burst through);
* one message a second in one chat, and at most ``group`` messages a minute in one group.

Waiting calls are served by priority, then in arrival order: a reply to a person goes before
the digests of a running broadcast (the broadcast yields the next free slot to it). Broadcast
messages are also spaced evenly (``window / overall`` apart) rather than let through 30 at a
time when a window frees: a burst would put many claimed digests in flight at once, and each
of them is lost (``unknown``) if the bot dies then. A chat
whose own limit is not yet free does not hold up the others. A ``RetryAfter`` that still
comes (another process using the token, say) pauses every slot for the time Telegram asks,
then the call is retried. Under a flood of commands, at most ``MAX_PENDING_REPLIES`` replies
wait per chat: the oldest is dropped (``ReplyDropped``) rather than piled up.

Grant times bound arrival times from below, and a request reaches Telegram a few
milliseconds after its grant, so the windows carry a small ``MARGIN`` for that jitter.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

MARGIN = 0.01  # seconds added to each window for network jitter
MAX_PENDING_REPLIES = 3  # replies waiting for one chat; older ones are dropped
MAX_RETRIES = 3  # RetryAfter answers waited out for one call before it is raised
# Calls that post or change a message (rate-limited per chat as well as overall).
_MESSAGE_PREFIXES = ("send", "copy", "forward", "edit")
# Calls that count overall but belong to no chat's message budget.
_OVERALL_ONLY = frozenset({"answercallbackquery"})


class Priority(IntEnum):
    REPLY = 0  # an answer to a person
    BULK = 1  # a broadcast's digests


@dataclass(frozen=True, slots=True)
class FloodLimits:
    overall: int = 30
    window: float = 1.0 + MARGIN
    chat_gap: float = 1.0 + MARGIN
    group: int = 20
    group_window: float = 60.0 + MARGIN


class ReplyDropped(TelegramError):
    """A reply waited behind newer replies to the same chat and was dropped."""


@dataclass(order=True, slots=True)
class _Waiter:
    priority: Priority
    seq: int
    chat: int | str | None = field(compare=False)
    future: asyncio.Future[None] = field(compare=False)


class SharedPacer(BaseRateLimiter[dict[str, Any]]):
    """PTB's rate limiter for the whole bot: sliding windows, priorities, 429 pauses.

    ``rate_limit_args`` of a call: ``{"priority": Priority.BULK}`` for broadcast messages
    (the default is a reply); ``{"acquired": True}`` when the caller took the slot already
    with ``acquire`` (the deliverer does, right before it records a claim).
    """

    def __init__(
        self,
        limits: FloodLimits | None = None,
        *,
        max_retries: int = MAX_RETRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits or FloodLimits()
        self.max_retries = max_retries
        self._monotonic = monotonic
        self._overall: deque[float] = deque(maxlen=self.limits.overall)
        self._chat_last: dict[int | str, float] = {}
        self._group_recent: dict[int | str, deque[float]] = {}
        self._paused_until = 0.0
        self._last_bulk = -1e18
        self._bulk_gap = self.limits.window / self.limits.overall
        self._waiters: list[_Waiter] = []
        self._seq = itertools.count()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.granted = 0
        self.dropped = 0
        self.pauses = 0

    async def initialize(self) -> None:
        pass  # the dispatching task starts with the first call, on the running loop

    async def shutdown(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for waiter in self._waiters:
            if not waiter.future.done():
                waiter.future.cancel()
        self._waiters.clear()

    # ------------------------------------------------------------------ slots

    async def acquire(self, chat: int | str | None, priority: Priority = Priority.REPLY) -> None:
        """Wait for a send slot for a message to ``chat`` (None: counted overall only)."""
        loop = asyncio.get_running_loop()
        waiter = _Waiter(priority, next(self._seq), chat, loop.create_future())
        if priority is Priority.REPLY and chat is not None:
            self._drop_old_replies(chat)
        self._waiters.append(waiter)
        self._ensure_running()
        await waiter.future

    def pause(self, seconds: float) -> None:
        """No slot for ``seconds`` (Telegram's ``RetryAfter`` applies to the whole bot)."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
        self._poke()

    def _drop_old_replies(self, chat: int | str) -> None:
        waiting = [
            w
            for w in self._waiters
            if w.chat == chat and w.priority is Priority.REPLY and not w.future.done()
        ]
        for old in waiting[: max(0, len(waiting) - MAX_PENDING_REPLIES + 1)]:
            self._waiters.remove(old)
            old.future.set_exception(ReplyDropped(f"chat {chat}: newer replies are waiting"))
            self.dropped += 1

    def _ensure_running(self) -> None:
        if self._wake is None:
            self._wake = asyncio.Event()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._dispatch(), name="send-pacer")
        self._wake.set()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _dispatch(self) -> None:
        assert self._wake is not None
        while True:
            self._waiters = [w for w in self._waiters if not w.future.done()]
            if not self._waiters:
                self._wake.clear()
                await self._wake.wait()
                continue
            now = self._monotonic()
            ready = max(self._paused_until, self._overall_ready(now))
            if ready > now:
                await self._sleep(ready - now)
                continue
            earliest = float("inf")
            for waiter in sorted(self._waiters):
                at = self._chat_ready(waiter.chat, now)
                if waiter.priority is Priority.BULK:
                    at = max(at, self._last_bulk + self._bulk_gap)
                if at <= now:
                    self._grant(waiter, now)
                    break
                earliest = min(earliest, at)
            else:
                await self._sleep(earliest - now)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake for a new call or a pause (either may change what comes next)."""
        assert self._wake is not None
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, seconds))

    def _overall_ready(self, now: float) -> float:
        full = len(self._overall) == self.limits.overall
        return self._overall[0] + self.limits.window if full else now

    def _chat_ready(self, chat: int | str | None, now: float) -> float:
        if chat is None:
            return now
        ready = self._chat_last.get(chat, -1e18) + self.limits.chat_gap
        recent = self._group_recent.get(chat)
        if recent is not None and len(recent) == self.limits.group:
            ready = max(ready, recent[0] + self.limits.group_window)
        return ready

    def _grant(self, waiter: _Waiter, now: float) -> None:
        self._waiters.remove(waiter)
        self._overall.append(now)
        if waiter.priority is Priority.BULK:
            # The slot as planned when the loop woke a little late, so that wake-up delays do
            # not add up over a long broadcast (the window still caps any catching up).
            planned = self._last_bulk + self._bulk_gap
            self._last_bulk = planned if now - self._bulk_gap / 2 <= planned <= now else now
        chat = waiter.chat
        if chat is not None:
            self._chat_last[chat] = now
            if _is_group(chat):
                self._group_recent.setdefault(chat, deque(maxlen=self.limits.group)).append(now)
        self.granted += 1
        if self.granted % 1000 == 0:
            self._forget_idle_chats(now)
        waiter.future.set_result(None)

    def _forget_idle_chats(self, now: float) -> None:
        """Chats with no message in the last minute have no limit left to keep."""
        horizon = now - self.limits.group_window
        self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}
        self._group_recent = {c: d for c, d in self._group_recent.items() if d[-1] > horizon}

    # ------------------------------------------------------------------ PTB's interface

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        name = endpoint.lower()
        counted = name in _OVERALL_ONLY or name.startswith(_MESSAGE_PREFIXES)
        chat = _chat_of(data) if name.startswith(_MESSAGE_PREFIXES) else None
        options = rate_limit_args or {}
        priority = Priority(options.get("priority", Priority.REPLY))
        acquired = bool(options.get("acquired"))
        retries = 0
        while True:
            if counted and not acquired:
                await self.acquire(chat, priority)
            acquired = False
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_seconds(exc)
                log.warning("%s: flood control, pausing every send for %.1f s", endpoint, delay)
                self.pause(delay)
                retries += 1
                if retries > self.max_retries:
                    raise


def _is_group(chat: int | str) -> bool:
    return isinstance(chat, str) or chat < 0


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if isinstance(chat, bool):
        return None
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str):
        return int(chat) if chat.lstrip("-").isdigit() else chat
    return None


def retry_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (int or timedelta, whichever PTB gives)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)
