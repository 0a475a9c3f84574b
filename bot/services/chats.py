"""Chats: subscription, schedule settings, deactivation and migration."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.chat import ChatKind, Frequency
from bot.services.context import Services
from bot.services.schedule import (
    WEEKDAYS,
    Slot,
    next_slot,
    parse_digest_time,
    parse_frequency,
    parse_timezone,
    parse_weekday,
)
from bot.store import repository
from bot.store.models import ChatRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """A chat's settings as services hand them out (no ORM object escapes)."""

    chat_id: int
    type: ChatKind
    title: str | None
    timezone: str
    digest_time: dt.time
    digest_weekday: int
    frequency: Frequency
    subscribed: bool
    schedule_since: dt.datetime  # when it subscribed or last changed its schedule
    known: bool = True  # False: never seen, these are the defaults

    @property
    def is_group(self) -> bool:
        return self.type.is_group

    @property
    def schedule_text(self) -> str:
        """``daily at 08:00 (Europe/Berlin)``."""
        if self.frequency is Frequency.OFF:
            return "never (digests are off)"
        when = "daily" if self.frequency is Frequency.DAILY else f"every {self.weekday_name}"
        return f"{when} at {self.digest_time:%H:%M} ({self.timezone})"

    @property
    def shown_frequency(self) -> Frequency:
        """How often digests come: off while the chat is not subscribed."""
        return self.frequency if self.subscribed else Frequency.OFF

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.digest_weekday % 7]

    def next_digest(self, now: dt.datetime) -> Slot | None:
        if not self.subscribed:
            return None
        return next_slot(now, self.timezone, self.digest_time, self.frequency, self.digest_weekday)


def _info(row: ChatRow) -> ChatInfo:
    return ChatInfo(
        chat_id=row.chat_id,
        type=row.type,
        title=row.title,
        timezone=row.timezone,
        digest_time=row.digest_time,
        digest_weekday=row.digest_weekday,
        frequency=row.frequency,
        subscribed=row.active,
        schedule_since=row.updated_at,
    )


def _defaults(services: Services) -> repository.ChatDefaults:
    config = services.config
    return repository.ChatDefaults(
        config.default_timezone, config.default_digest_time, Frequency.DAILY
    )


def ensure_chat(
    session: Session,
    services: Services,
    chat_id: int,
    chat_type: str | None = None,
    title: str | None = None,
) -> ChatRow:
    """The chat's row in this transaction, stored (unsubscribed, defaults) when it is new."""
    return repository.ensure_chat(
        session, chat_id, _defaults(services), services.now(), chat_type, title
    )


def get_chat(services: Services, chat_id: int) -> ChatInfo:
    """A chat's settings; a chat never seen before gets the defaults (nothing is stored)."""
    with services.session() as session:
        row = repository.get_chat(session, chat_id)
        if row is not None:
            return _info(row)
    return ChatInfo(
        chat_id=chat_id,
        type=ChatKind.of(chat_id),
        title=None,
        timezone=services.config.default_timezone,
        digest_time=services.config.default_digest_time,
        digest_weekday=0,
        frequency=Frequency.DAILY,
        subscribed=False,
        schedule_since=services.now(),
        known=False,
    )


def subscribe(
    services: Services, chat_id: int, chat_type: str | None = None, title: str | None = None
) -> tuple[ChatInfo, bool]:
    """Subscribe a chat; returns its settings and whether it was already subscribed."""
    with services.session(write=True) as session:
        row = ensure_chat(session, services, chat_id, chat_type, title)
        already = row.active and row.frequency is not Frequency.OFF
        if not already:
            row.active = True
            if row.frequency is Frequency.OFF:
                row.frequency = Frequency.DAILY
            row.updated_at = services.now()
        return _info(row), already


def unsubscribe(services: Services, chat_id: int) -> bool:
    """Unsubscribe a chat; returns whether it was subscribed (idempotent)."""
    with services.session(write=True) as session:
        row = repository.get_chat(session, chat_id)
        if row is None or not row.active:
            return False
        row.active = False
        row.updated_at = services.now()
        return True


def set_timezone(
    services: Services, chat_id: int, text: str, chat_type: str | None = None
) -> ChatInfo:
    """Set the chat's time zone from what the user typed (raises InvalidInputError)."""
    name = parse_timezone(text)
    return _change(services, chat_id, chat_type, lambda row: setattr(row, "timezone", name))


def set_digest_time(
    services: Services, chat_id: int, text: str, chat_type: str | None = None
) -> ChatInfo:
    """Set the chat's digest time from what the user typed (raises InvalidInputError).

    A day with the time ("fri 17:00") asks for weekly digests on that day.
    """
    weekday, at = parse_digest_time(text)

    def apply(row: ChatRow) -> None:
        row.digest_time = at
        if weekday is not None:
            row.digest_weekday = weekday
            row.frequency = Frequency.WEEKLY

    return _change(services, chat_id, chat_type, apply)


def set_weekly_day(
    services: Services, chat_id: int, text: str, chat_type: str | None = None
) -> ChatInfo:
    """Weekly digests on the day the user picked (raises InvalidInputError); picking a day is
    asking for digests, as choosing a frequency is."""
    weekday = parse_weekday(text)

    def apply(row: ChatRow) -> None:
        row.digest_weekday = weekday
        row.frequency = Frequency.WEEKLY
        row.active = True

    return _change(services, chat_id, chat_type, apply)


def set_frequency(
    services: Services, chat_id: int, text: str, chat_type: str | None = None
) -> ChatInfo:
    """Set how often digests come: daily, weekly or off (raises InvalidInputError)."""
    frequency = parse_frequency(text)

    def apply(row: ChatRow) -> None:
        row.frequency = frequency
        if frequency is not Frequency.OFF:
            row.active = True  # choosing a frequency is asking for digests

    return _change(services, chat_id, chat_type, apply)


def _change(
    services: Services, chat_id: int, chat_type: str | None, apply: Callable[[ChatRow], None]
) -> ChatInfo:
    """Apply a change to the chat's row (made if new) and stamp it, in one write."""
    with services.session(write=True) as session:
        row = ensure_chat(session, services, chat_id, chat_type)
        apply(row)
        row.updated_at = services.now()
        return _info(row)


def deactivate(services: Services, chat_id: int, reason: str) -> bool:
    """The bot cannot write to the chat any more (blocked, removed): stop sending to it."""
    with services.session(write=True) as session:
        row = repository.get_chat(session, chat_id)
        if row is None or not row.active:
            return False
        row.active = False
        row.alerts = False  # nothing reaches it any more
        row.updated_at = services.now()
    log.warning("chat %s deactivated: %s", chat_id, reason)
    return True


def migrate_chat(services: Services, old_id: int, new_id: int) -> None:
    """A group became a supergroup: move its subscription, follows and history to ``new_id``."""
    with services.session(write=True) as session:
        if not repository.move_chat(session, old_id, new_id):
            return
    log.info("chat %s migrated to %s", old_id, new_id)


def subscribed_chats(services: Services) -> list[ChatInfo]:
    """Every subscribed chat whose digests are not off."""
    with services.session() as session:
        return [_info(row) for row in repository.subscribed_chats(session)]
