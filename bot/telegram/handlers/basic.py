"""/start, /help, unknown commands and plain text."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.services import chats as chat_service
from bot.services import overview
from bot.telegram.common import (
    Context,
    args_of,
    chat_id_of,
    chat_title_of,
    chat_type_of,
    reply,
    require_chat_admin,
    run_in_thread,
    services,
    state,
    user_id_of,
)


async def start(update: Update, context: Context) -> None:
    """Welcome the user; the deep link ``/start subscribe`` subscribes at once."""
    svc = services(context)
    chat_id = chat_id_of(update)
    if args_of(context)[:1] == ["subscribe"] and await require_chat_admin(update, context):
        await run_in_thread(
            chat_service.subscribe, svc, chat_id, chat_type_of(update), chat_title_of(update)
        )
    user = update.effective_user
    name = user.first_name if user is not None and chat_type_of(update) == "private" else None
    await reply(update, context, await run_in_thread(overview.start_message, svc, chat_id, name))


async def help_command(update: Update, context: Context) -> None:
    """List the commands this user may use, one line each, from the command table."""
    svc = services(context)
    operator = svc.is_admin(user_id_of(update))
    lines = [
        (c.name, c.help, c.scope.value) for c in state(context).commands.visible(operator=operator)
    ]
    await reply(update, context, await run_in_thread(overview.help_message, svc, lines))


async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command the bot does not know with a pointer to /help."""
    message = update.effective_message
    word = (message.text or "").split()[0] if message is not None and message.text else "/?"
    await reply(
        update,
        context,
        f"🤔 I don't know the command <code>{escape(word[:64])}</code>. "
        "Send /help to see what I can do.",
    )


async def plain_text(update: Update, context: Context) -> None:
    """A private message that is not a command: point to the commands."""
    await reply(update, context, "I answer commands: try /next, /digest or /help.")
