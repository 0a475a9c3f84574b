"""/settings with its inline keyboard, /timezone and /time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.services import chats as chat_service
from bot.services import overview
from bot.services.chats import ChatInfo
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.services.schedule import zone
from bot.telegram import keyboards
from bot.telegram.common import (
    Context,
    chat_id_of,
    chat_type_of,
    joined_args,
    may_change_settings,
    reply,
    require_chat_admin,
    run_in_thread,
    services,
)


async def settings_command(update: Update, context: Context) -> None:
    """Show this chat's settings with buttons to change them."""
    chat, text = await run_in_thread(overview.settings_for, services(context), chat_id_of(update))
    await reply(update, context, text, reply_markup=keyboards.main_menu(chat))


async def timezone(update: Update, context: Context) -> None:
    """Set the time zone: ``/timezone Europe/Berlin``."""
    await _show_or_set(
        update,
        context,
        chat_service.set_timezone,
        show=lambda chat: (
            f"🌍 This chat's time zone is <b>{chat.timezone}</b>. "
            "Change it with <code>/timezone Europe/Berlin</code>, or pick one in /settings."
        ),
        done=lambda chat: f"Time zone set to {chat.timezone}",
    )


async def time_command(update: Update, context: Context) -> None:
    """Set the digest time: ``/time 08:00`` (weekly on a day: ``/time fri 17:00``)."""
    await _show_or_set(
        update,
        context,
        chat_service.set_digest_time,
        show=lambda chat: (
            f"⏰ Digests come at <b>{chat.digest_time:%H:%M}</b> ({chat.timezone}). "
            "Change it with <code>/time 07:30</code>."
        ),
        done=lambda chat: f"Digest time set to {chat.digest_time:%H:%M} ({chat.timezone})",
    )


async def _show_or_set(
    update: Update,
    context: Context,
    setter: Callable[[Services, int, str, str | None], ChatInfo],
    *,
    show: Callable[[ChatInfo], str],
    done: Callable[[ChatInfo], str],
) -> None:
    """Without an argument, say the current value; with one, set it (admins in groups)."""
    if not await require_chat_admin(update, context):
        return
    value = joined_args(context)
    if not value:
        chat = await run_in_thread(chat_service.get_chat, services(context), chat_id_of(update))
        await reply(update, context, show(chat))
        return
    chat = await run_in_thread(
        setter, services(context), chat_id_of(update), value, chat_type_of(update)
    )
    await reply(update, context, _confirm(services(context), chat, done(chat)))


def _confirm(svc: Services, chat: ChatInfo, what: str) -> str:
    text = f"✅ {escape(what)}."
    slot = chat.next_digest(svc.now())
    if slot is not None:
        local = slot.due.astimezone(zone(chat.timezone))
        text += f" Next digest: {local:%a %d %b, %H:%M}."
    elif not chat.subscribed:
        text += " /subscribe to get digests."
    return text


async def settings_callback(update: Update, context: Context) -> None:
    """A button of the /settings keyboard was pressed."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split(":", 2)
    action = parts[1] if len(parts) > 1 else ""
    value = parts[2] if len(parts) > 2 else ""
    svc = services(context)
    chat_id = chat_id_of(update)
    # Every button of the panel, closing and paging included, is for whoever may change the
    # settings: in a group, its administrators (anyone in a private chat).
    if not await may_change_settings(update, context):
        await query.answer("Only chat administrators can use the settings panel.", show_alert=True)
        return
    if action == "close":
        await query.answer()
        await _edit(query.edit_message_reply_markup(reply_markup=None))
        return
    note = ""
    try:
        if action == "tz":
            await run_in_thread(
                chat_service.set_timezone, svc, chat_id, value, chat_type_of(update)
            )
            note = f"Time zone: {value}"
        elif action == "time":
            await run_in_thread(
                chat_service.set_digest_time, svc, chat_id, value, chat_type_of(update)
            )
            note = f"Digest time: {value}"
        elif action == "freq":
            await run_in_thread(
                chat_service.set_frequency, svc, chat_id, value, chat_type_of(update)
            )
            note = f"Frequency: {value}"
        elif action == "day":
            chosen = await run_in_thread(
                chat_service.set_weekly_day, svc, chat_id, value, chat_type_of(update)
            )
            note = f"Weekly on {chosen.weekday_name}s"
    except InvalidInputError as exc:
        await query.answer(str(exc)[:200], show_alert=True)
        return
    chat, text = await run_in_thread(overview.settings_for, svc, chat_id)
    markup: InlineKeyboardMarkup
    if action == "tzmenu":
        markup = keyboards.timezone_menu(chat)
    elif action == "timemenu":
        markup = keyboards.time_menu(chat)
    elif action == "daymenu":
        markup = keyboards.day_menu(chat)
    else:
        markup = keyboards.main_menu(chat)
    await query.answer(f"✅ {note}" if note else None)
    await _edit(query.edit_message_text(text, reply_markup=markup))


async def _edit(awaitable: Awaitable[object]) -> None:
    """Edit a message, ignoring "message is not modified"."""
    try:
        await awaitable
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
