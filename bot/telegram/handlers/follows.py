"""/follow, /unfollow and /following."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.services import follows as follow_service
from bot.telegram.common import (
    Context,
    chat_id_of,
    chat_type_of,
    joined_args,
    reply,
    require_chat_admin,
    run_in_thread,
    services,
)


async def follow(update: Update, context: Context) -> None:
    """Limit digests and /next to events involving a name (``/follow Xi Jinping``)."""
    if not await require_chat_admin(update, context):
        return
    name = follow_service.clean_name(joined_args(context))
    added = await run_in_thread(
        follow_service.follow, services(context), chat_id_of(update), name, chat_type_of(update)
    )
    if added:
        text = (
            f"👀 Following <b>{escape(name)}</b>: digests and /next now show only events "
            "involving what you follow. /following lists them."
        )
    else:
        text = f"You already follow <b>{escape(name)}</b>."
    await reply(update, context, text)


async def unfollow(update: Update, context: Context) -> None:
    """Stop following a name (``/unfollow Xi Jinping``)."""
    if not await require_chat_admin(update, context):
        return
    name = follow_service.clean_name(joined_args(context))
    removed = await run_in_thread(
        follow_service.unfollow, services(context), chat_id_of(update), name
    )
    if removed:
        text = f"Stopped following <b>{escape(name)}</b>."
    else:
        text = f"You don't follow <b>{escape(name)}</b>. /following lists what you follow."
    await reply(update, context, text)


async def following(update: Update, context: Context) -> None:
    """List what this chat follows."""
    names = await run_in_thread(follow_service.follows, services(context), chat_id_of(update))
    if not names:
        text = "You follow nothing, so you see every event. Try /follow Xi Jinping or /follow APEC."
    else:
        lines = "\n".join(f"• {escape(name)}" for name in names)
        text = f"👀 <b>This chat follows</b>\n{lines}\n\n/unfollow NAME to remove one."
    await reply(update, context, text)
