"""Digest scheduling: one dispatcher job a minute asks the database which chats are due.

Why one minutely dispatcher rather than one ``run_daily`` job per chat:

* schedules live in the database (time zone, digest time, frequency); the dispatcher reads
  them on every tick, so a ``/time`` change, a new subscriber or another process's change
  needs no job bookkeeping, and "rebuilding the jobs at start" is simply starting the tick;
* due-ness is computed with the bot's clock (``BOT_NOW`` runs an offset clock), which
  APScheduler's wall-clock triggers cannot follow;
* a digest missed while the bot was down is just a slot that is due and less than
  ``MISSED_DIGEST_GRACE_HOURS`` late: the first tick at start sends it, once;
* a delivery that failed (Telegram provably did not take it) is due again at its
  ``next_attempt_at``, with back-off, until it is sent or the grace period ends;
* 10,000 chats are one query, not 10,000 APScheduler jobs.

Ticks are aligned to the start of each minute of the bot's clock. A broadcast runs as one
background task; ticks that come while it runs find the lock held and wait for the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.plural import plural
from bot.services import digests as digest_service
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.schedule import Slot
from bot.telegram.delivery import Deliverer

log = logging.getLogger(__name__)


class DigestDispatcher:
    """Finds due digests and hands them to the deliverer, one broadcast at a time."""

    def __init__(self, services: Services, deliverer: Deliverer) -> None:
        self.services = services
        self.deliverer = deliverer
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def seconds_to_next_minute(self) -> float:
        now = self.services.now()
        return 60.0 - (now.second + now.microsecond / 1e6) + 0.5

    async def tick(self) -> None:
        """Start delivering whatever is due now (returns at once when a broadcast runs)."""
        if self._lock.locked():
            return
        due = await asyncio.to_thread(digest_service.due_chats, self.services)
        if not due or self._lock.locked():
            return
        self._task = asyncio.create_task(self._run(due), name="digest-broadcast")

    async def _run(self, due: list[tuple[ChatInfo, Slot]]) -> None:
        async with self._lock:
            log.info("sending %s", plural(len(due), "digest"))
            try:
                report = await self.deliverer.broadcast(due)
            except Exception:
                log.exception("the digest broadcast failed")
                return
            log.info(
                "digests: %d sent, %d skipped, %d not delivered (%d chats deactivated, "
                "%d unknown: not resent) in %.1f s",
                report.sent,
                report.skipped,
                report.failed,
                report.deactivated,
                report.unknown,
                report.seconds,
            )

    async def wait_idle(self) -> None:
        """Wait for the running broadcast, if any (tests, console)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def stop(self, timeout: float = 5.0) -> None:
        """Let messages in flight finish for up to ``timeout`` s, then cancel the broadcast."""
        self.deliverer.stop()
        task = self._task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
