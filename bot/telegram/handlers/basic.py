"""/start, /help, unknown commands and plain text."""

from __future__ import annotations

from telegram import Update

from bot.services import chats as chat_service
from bot.services import overview
from bot.telegram.commands import ADMIN_COMMANDS, COMMANDS
from bot.telegram.common import (
    Context,
    args_of,
    call,
    chat_id_of,
    chat_title_of,
    chat_type_of,
    reply,
    require_chat_admin,
    services,
    user_id_of,
)


async def start(update: Update, context: Context) -> None:
    """Welcome the user; the deep link ``/start subscribe`` subscribes at once."""
    svc = services(context)
    chat_id = chat_id_of(update)
    if args_of(context)[:1] == ["subscribe"] and await require_chat_admin(update, context):
        await call(
            chat_service.subscribe, svc, chat_id, chat_type_of(update), chat_title_of(update)
        )
    user = update.effective_user
    name = user.first_name if user is not None and chat_type_of(update) == "private" else None
    await reply(update, context, await call(overview.start_message, svc, chat_id, name))


async def help_command(update: Update, context: Context) -> None:
    """List every command, one line each (admin commands for admins)."""
    svc = services(context)
    is_admin = svc.is_admin(user_id_of(update))
    text = await call(overview.help_message, svc, COMMANDS, ADMIN_COMMANDS, is_admin)
    await reply(update, context, text)


async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command the bot does not know with a pointer to /help."""
    message = update.effective_message
    word = (message.text or "").split()[0] if message is not None and message.text else "/?"
    await reply(
        update,
        context,
        f"🤔 I don't know the command <code>{_escape(word[:64])}</code>. "
        "Send /help to see what I can do.",
    )


async def plain_text(update: Update, context: Context) -> None:
    """A private message that is not a command: point to the commands."""
    await reply(update, context, "I answer commands: try /next, /digest or /help.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
