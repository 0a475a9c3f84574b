"""Immediate alerts: a chat that turned them on (``/alerts on``) hears of each change to a
meeting of the people, countries and summits it follows as soon as it is recorded.

Each change is one value of the event's ``sequence``. An alert is claimed (a row unique per
chat, event and sequence, committed) before it is sent and marked sent after, as digests are:
each change reaches a chat at most once, even across restarts and several workers.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot.domain.calendar import AlertStatus, EventView
from bot.services import chats as chat_service
from bot.services.changes import describe
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.store import repository
from bot.store.queries import changed_since, matches_follows

log = logging.getLogger(__name__)

# Alerts prepared per round at most (the next round takes the rest).
MAX_ALERTS_PER_ROUND = 500


def parse_switch(args: list[str]) -> bool | None:
    """``/alerts on`` → True, ``off`` → False, nothing → None (show the state)."""
    if not args:
        return None
    word = args[0].casefold()
    if word in ("on", "yes", "1", "true"):
        return True
    if word in ("off", "no", "0", "false"):
        return False
    raise InvalidInputError("Say /alerts on or /alerts off.")


def set_alerts(services: Services, chat_id: int, on: bool, chat_type: str | None = None) -> bool:
    """Turn the chat's alerts on or off; returns whether they were on before.

    Turning them on starts from now: changes recorded earlier are not alerted.
    """
    with services.session(write=True) as session:
        row = chat_service.ensure_chat(session, services, chat_id, chat_type)
        before = row.alerts
        if on and not before:
            row.alerts_since = services.now()
        row.alerts = on
        return before


def alerts_on(services: Services, chat_id: int) -> bool:
    with services.session() as session:
        row = repository.get_chat(session, chat_id)
        return bool(row is not None and row.alerts)


@dataclass(frozen=True, slots=True)
class Alert:
    """One change of one meeting, for one chat."""

    chat_id: int
    event: EventView

    @property
    def message(self) -> str:
        """The alert as Telegram HTML."""
        what = html.escape(describe(_before_last_report(self.event), self.event))
        return f"🔔 <b>Change</b>: {what}"


def _before_last_report(event: EventView) -> EventView | None:
    """The event as it was before the changes of its latest report; None when unknown."""
    if not event.changes:
        return None
    last = event.changes[-1]
    state = event
    for change in reversed(event.changes):
        if (change.reported, change.article_id) != (last.reported, last.article_id):
            break
        state = state.before(change) or state
    return state


def due_alerts(services: Services, limit: int = MAX_ALERTS_PER_ROUND) -> list[Alert]:
    """Changes not yet alerted to the chats that follow the meetings and turned alerts on."""
    today = services.now().astimezone(dt.UTC).date()
    alerts: list[Alert] = []
    with services.session() as session:
        for chat, follows in repository.alert_subscribers(session):
            if not follows or chat.alerts_since is None:
                continue  # alerts are for what a chat follows
            for event in changed_since(session, chat.alerts_since, today):
                if not matches_follows(event, follows):
                    continue
                if repository.alert_claimed(session, chat.chat_id, event.id, event.sequence):
                    continue
                alerts.append(Alert(chat.chat_id, event))
                if len(alerts) >= limit:
                    return alerts
    return alerts


def claim(services: Services, alert: Alert) -> int | None:
    """Claim the alert before sending it (again, when it waits to be retried); None when it
    was already claimed (never send)."""
    key = (alert.chat_id, alert.event.id, alert.event.sequence)
    try:
        with services.session(write=True) as session:
            again = repository.reclaim_alert(session, *key)
            if again is not None:
                return again
            if repository.alert_claimed(session, *key):
                return None
            return repository.claim_alert(session, *key, services.now())
    except IntegrityError:
        return None


def mark_sent(services: Services, alert_id: int) -> None:
    with services.session(write=True) as session:
        repository.finish_alert(session, alert_id, AlertStatus.SENT, services.now())


def mark_failed(services: Services, alert_id: int, retry: bool = False) -> None:
    """Not delivered: with ``retry`` (Telegram provably did not take it) the next round
    claims it again; else it is given up."""
    status = AlertStatus.RETRY if retry else AlertStatus.FAILED
    with services.session(write=True) as session:
        repository.finish_alert(session, alert_id, status, None)


def mark_unknown(services: Services, alert_id: int) -> None:
    """The alert was sent and no answer came: it may have arrived, so it is never resent."""
    with services.session(write=True) as session:
        repository.finish_alert(session, alert_id, AlertStatus.UNKNOWN, None)
