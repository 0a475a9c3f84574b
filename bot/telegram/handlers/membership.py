"""The bot's own membership: blocked, removed, added to a group; group migrations."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.services import chats as chat_service
from bot.telegram.common import Context, run_in_thread, services

_GONE = (ChatMember.BANNED, ChatMember.LEFT)


async def my_chat_member(update: Update, context: Context) -> None:
    """Deactivate a chat that blocked or removed the bot."""
    change = update.my_chat_member
    if change is None:
        return
    if change.new_chat_member.status in _GONE:
        await run_in_thread(
            chat_service.deactivate,
            services(context),
            change.chat.id,
            f"the bot's status became {change.new_chat_member.status}",
        )


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: move its subscription to the new chat id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await run_in_thread(
        chat_service.migrate_chat, services(context), message.chat.id, message.migrate_to_chat_id
    )
