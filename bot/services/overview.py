"""Messages about the chat itself: /start, /help and /settings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services import chats as chat_service
from bot.services import follows as follow_service
from bot.services.alerts import alerts_on
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.rendering import day_label
from bot.services.schedule import zone


def settings_message(services: Services, chat: ChatInfo) -> str:
    """The /settings text for a chat."""
    now = services.now()
    local_now = now.astimezone(zone(chat.timezone))
    slot = chat.next_digest(now)
    next_digest = None
    if slot is not None:
        local = slot.due.astimezone(zone(chat.timezone))
        next_digest = f"{day_label(local.date())}, {local:%H:%M}"
    return services.renderer.message(
        "settings.html.j2",
        subscribed=chat.subscribed,
        timezone=chat.timezone,
        local_now=f"{local_now:%a %H:%M}",
        digest_time=f"{chat.digest_time:%H:%M}",
        frequency=chat.shown_frequency.value,
        weekday=chat.weekday_name,
        next_digest=next_digest,
        follows=follow_service.follows(services, chat.chat_id),
        alerts=alerts_on(services, chat.chat_id),
    )


def settings_for(services: Services, chat_id: int) -> tuple[ChatInfo, str]:
    chat = chat_service.get_chat(services, chat_id)
    return chat, settings_message(services, chat)


def start_message(services: Services, chat_id: int, name: str | None) -> str:
    chat = chat_service.get_chat(services, chat_id)
    return services.renderer.message(
        "start.html.j2", name=name, subscribed=chat.subscribed, schedule=chat.schedule_text
    )


def help_message(services: Services, commands: Sequence[tuple[str, str, str]]) -> str:
    """/help: ``commands`` are (name, one-line help, scope) rows of the bot's command table."""
    return services.renderer.message("help.html.j2", commands=commands)
