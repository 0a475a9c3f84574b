"""/subscribe and /unsubscribe (idempotent, confirmed in words)."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.services import chats as chat_service
from bot.telegram.common import (
    Context,
    chat_id_of,
    chat_title_of,
    chat_type_of,
    reply,
    require_chat_admin,
    run_in_thread,
    services,
)


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat to digests on its schedule."""
    if not await require_chat_admin(update, context):
        return
    chat, already = await run_in_thread(
        chat_service.subscribe,
        services(context),
        chat_id_of(update),
        chat_type_of(update),
        chat_title_of(update),
    )
    if already:
        text = f"✅ This chat is already subscribed: digests come {chat.schedule_text}."
    else:
        text = (
            f"✅ Subscribed! You'll get a digest {chat.schedule_text}.\n"
            "Change it with /settings, /time 07:30 or /timezone Europe/Berlin."
        )
    await reply(update, context, escape(text))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop this chat's digests."""
    if not await require_chat_admin(update, context):
        return
    was = await run_in_thread(chat_service.unsubscribe, services(context), chat_id_of(update))
    if was:
        text = "👋 Unsubscribed: no more digests here. /subscribe brings them back."
    else:
        text = "This chat is not subscribed, so there is nothing to stop. /subscribe to start."
    await reply(update, context, text)
