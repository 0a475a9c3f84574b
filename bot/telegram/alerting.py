"""The alerts job: each change to a followed meeting goes to the chats that turned alerts on,
at most once.

Each alert is claimed in the database before it is sent (``bot.services.alerts.claim``, unique
per chat, event and sequence) and sent through the digests' own send path
(``Deliverer.send_text``), so the rule of ``bot.telegram.delivery`` holds here too: a send
Telegram provably did not take is retried a few times, then the alert waits (``retry``) for
the next round, which claims it again; one Telegram refuses for good is ``failed``; one that
got no answer is ``unknown`` and never sent again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.services import alerts as alert_service
from bot.services.context import Services
from bot.telegram.delivery import Deliverer, DeliveryError, DeliveryOutcome

log = logging.getLogger(__name__)


@dataclass(slots=True)
class AlertReport:
    sent: int = 0
    skipped: int = 0  # claimed before (by another process, or an earlier round)
    failed: int = 0  # not delivered, unknown ones included
    unknown: int = 0


class AlertSender:
    """Sends the due alerts, one round at a time (``send_due``)."""

    def __init__(self, services: Services, deliverer: Deliverer) -> None:
        self.services = services
        self.deliverer = deliverer
        self._lock = asyncio.Lock()
        self._stopping = False

    def stop(self) -> None:
        """Finish the alert in flight, start no new one."""
        self._stopping = True

    async def send_due(self) -> AlertReport:
        """Claim, send and record every due alert; a round already running is not doubled."""
        report = AlertReport()
        if self._lock.locked():
            return report
        async with self._lock:
            due = await asyncio.to_thread(alert_service.due_alerts, self.services)
            for alert in due:
                if self._stopping:
                    break
                try:
                    await self._send_one(alert, report)
                except Exception:  # one chat's bug must not stop the others (its claim stays)
                    log.exception(
                        "chat %s: alert of event %s failed", alert.chat_id, alert.event.id
                    )
                    report.failed += 1
        if report.sent or report.failed:
            log.info(
                "alerts: %d sent, %d skipped, %d not delivered (%d unknown: not resent)",
                report.sent,
                report.skipped,
                report.failed,
                report.unknown,
            )
        return report

    async def _send_one(self, alert: alert_service.Alert, report: AlertReport) -> None:
        alert_id = await asyncio.to_thread(alert_service.claim, self.services, alert)
        if alert_id is None:
            report.skipped += 1
            return
        try:
            await self.deliverer.send_text(alert.chat_id, alert.message)
        except DeliveryError as exc:
            report.failed += 1
            if exc.outcome is DeliveryOutcome.UNKNOWN:
                report.unknown += 1
                await asyncio.to_thread(alert_service.mark_unknown, self.services, alert_id)
            else:
                retry = exc.outcome is DeliveryOutcome.FAILED  # not taken: a later round
                await asyncio.to_thread(alert_service.mark_failed, self.services, alert_id, retry)
            return
        report.sent += 1
        await asyncio.to_thread(alert_service.mark_sent, self.services, alert_id)
