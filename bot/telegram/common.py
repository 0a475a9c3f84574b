"""Helpers every handler uses: the services, replies, and the group-administrator check."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from telegram import (
    ChatMember,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services.context import Services

if TYPE_CHECKING:
    from bot.services.ingestion import Ingestion
    from bot.telegram.commands import CommandTable
    from bot.telegram.delivery import Deliverer

P = ParamSpec("P")
T = TypeVar("T")

Context = ContextTypes.DEFAULT_TYPE
ADMIN_CACHE_SECONDS = 60.0
# The administrator cache is dropped whole when it grows past this many (chat, user) pairs.
ADMIN_CACHE_MAX_ENTRIES = 10_000
_ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


@dataclass(slots=True)
class BotState:
    """What handlers share, kept in ``application.bot_data["state"]``."""

    services: Services
    commands: CommandTable  # the command table, for /help
    deliverer: Deliverer | None = None
    ingestion: Ingestion | None = None
    admin_cache: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)


def state(context: Context) -> BotState:
    value = context.bot_data["state"]
    assert isinstance(value, BotState)
    return value


def services(context: Context) -> Services:
    return state(context).services


async def run_in_thread(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking service call (database, network) in a worker thread, off the loop."""
    return await asyncio.to_thread(func, *args, **kwargs)


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise LookupError("update without a chat")
    return chat.id


def chat_type_of(update: Update) -> str:
    chat = update.effective_chat
    return chat.type if chat is not None else ChatType.PRIVATE


def chat_title_of(update: Update) -> str | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return chat.title or chat.effective_name


def user_id_of(update: Update) -> int | None:
    user = update.effective_user
    return user.id if user is not None else None


async def reply(
    update: Update,
    context: Context,
    text: str,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Answer in the chat the update came from (HTML, no link previews)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(
        chat.id,
        text,
        reply_markup=reply_markup,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def reply_all(update: Update, context: Context, texts: Sequence[str]) -> None:
    for text in texts:
        await reply(update, context, text)


async def may_change_settings(update: Update, context: Context) -> bool:
    """In private chats and channels anyone who can post; in groups only administrators.

    The answer of ``getChatMember`` is cached for a minute per (chat, user).
    """
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        # Anonymous administrators post as the group itself.
        return message.sender_chat.id == chat.id
    user_id = user_id_of(update)
    if user_id is None:
        return False
    cache = state(context).admin_cache
    key = (chat.id, user_id)
    hit = cache.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    try:
        member = await context.bot.get_chat_member(chat.id, user_id)
    except TelegramError:
        return False
    allowed = member.status in _ADMIN_STATUSES
    cache[key] = (now + ADMIN_CACHE_SECONDS, allowed)
    if len(cache) > ADMIN_CACHE_MAX_ENTRIES:
        cache.clear()
    return allowed


async def require_chat_admin(update: Update, context: Context) -> bool:
    """True when the sender may change this chat's settings; else a polite refusal."""
    if await may_change_settings(update, context):
        return True
    await reply(
        update,
        context,
        "🔒 In groups only chat administrators can change the subscription and settings. "
        "Everyone can use /next, /upcoming and /digest.",
    )
    return False


async def require_bot_admin(update: Update, context: Context) -> bool:
    """True for users in ADMIN_IDS; else a polite refusal."""
    if services(context).is_admin(user_id_of(update)):
        return True
    await reply(
        update,
        context,
        "🔒 Sorry, that command is for the bot's operators. /help lists what you can do.",
    )
    return False


def args_of(context: Context) -> list[str]:
    return list(context.args or [])


def joined_args(context: Context) -> str:
    return " ".join(args_of(context)).strip()
