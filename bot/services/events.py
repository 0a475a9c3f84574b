"""Reading the calendar for a chat or for everyone, through the store's one calendar query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.calendar import EventView
from bot.services import chats as chat_service
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.schedule import zone
from bot.store import repository
from bot.store.queries import upcoming

__all__ = ["ChatCalendar", "for_chat", "for_everyone", "upcoming"]


@dataclass(frozen=True, slots=True)
class ChatCalendar:
    """A chat's upcoming events with its follows applied, and the local day they start from."""

    events: list[EventView]
    follows: list[str]
    tz: dt.tzinfo
    today: dt.date
    chat: ChatInfo


def for_chat(
    services: Services,
    chat_id: int,
    *,
    limit: int | None = None,
    include_undated: bool = False,
    include_cancelled: bool = False,
) -> ChatCalendar:
    """The events a chat follows, from today in the chat's time zone."""
    chat = chat_service.get_chat(services, chat_id)
    tz = zone(chat.timezone)
    today = services.now().astimezone(tz).date()
    with services.session() as session:
        followed = repository.followed_names(session, chat_id)
        events = upcoming(
            session,
            today,
            limit=limit,
            follows=followed,
            include_undated=include_undated,
            include_cancelled=include_cancelled,
        )
    return ChatCalendar(events, followed, tz, today, chat)


def for_everyone(
    services: Services,
    *,
    limit: int | None = None,
    follows: tuple[str, ...] = (),
    include_undated: bool = False,
    include_cancelled: bool = False,
    include_past: bool = False,
    tz: dt.tzinfo = dt.UTC,
) -> list[EventView]:
    """Every upcoming event, from today in ``tz``."""
    today = services.now().astimezone(tz).date()
    with services.session() as session:
        return upcoming(
            session,
            today,
            limit=limit,
            follows=follows,
            include_undated=include_undated,
            include_cancelled=include_cancelled,
            include_past=include_past,
        )
