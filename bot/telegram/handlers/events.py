"""/next, /upcoming, /digest and /ics."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.services import calendar, digests, meetings
from bot.services.errors import InvalidInputError
from bot.services.wording import plural
from bot.telegram.common import (
    Context,
    args_of,
    chat_id_of,
    reply,
    reply_all,
    require_chat_admin,
    run_in_thread,
    services,
)


async def next_meeting(update: Update, context: Context) -> None:
    """Reply with the next upcoming meeting."""
    text = await run_in_thread(meetings.next_meeting, services(context), chat_id_of(update))
    await reply(update, context, text)


async def upcoming(update: Update, context: Context) -> None:
    """Reply with the next N meetings (``/upcoming 10``)."""
    count = meetings.parse_count(args_of(context))
    texts = await run_in_thread(
        meetings.upcoming_messages, services(context), chat_id_of(update), count
    )
    await reply_all(update, context, texts)


async def digest(update: Update, context: Context) -> None:
    """Reply with the digest this chat would get now."""
    result = await run_in_thread(digests.digest_for, services(context), chat_id_of(update))
    await reply_all(update, context, result.messages)


async def ics(update: Update, context: Context) -> None:
    """The chat's calendar: a webcal:// subscription link when ``PUBLIC_URL`` is set, else an
    .ics file of the upcoming (followed) meetings. ``/ics reset`` replaces the chat's
    calendar address (administrators in groups), so the old link stops working."""
    args = args_of(context)
    reset = [arg.casefold() for arg in args[:1]] == ["reset"]
    if args and not reset:
        raise InvalidInputError("Send /ics for the calendar, or /ics reset for a new address.")
    if reset and not await require_chat_admin(update, context):
        return
    offer = await run_in_thread(calendar.ics_offer, services(context), chat_id_of(update), reset)
    if offer.link is not None:
        note = "🔑 A new address: the old link no longer works.\n\n" if reset else ""
        await reply(update, context, note + offer.link_message)
        return
    if reset:
        await reply(update, context, "🔑 This chat's calendar address was replaced.")
    if not offer.count or offer.data is None:
        await reply(update, context, "Nothing upcoming to put in a calendar right now.")
        return
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        InputFile(offer.data, filename="upcoming-summits.ics"),
        caption=f"🗓 {plural(offer.count, 'upcoming meeting')} — open the file to "
        "add them to your calendar.",
    )
