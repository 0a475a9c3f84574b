"""/next, /upcoming, /digest and /ics."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.services import calendar, digests, meetings
from bot.services.wording import plural
from bot.telegram.common import (
    Context,
    args_of,
    chat_id_of,
    reply,
    reply_all,
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
    """Send the upcoming (followed) meetings as an .ics calendar file."""
    data, count = await run_in_thread(calendar.ics_bytes, services(context), chat_id_of(update))
    if not count:
        await reply(update, context, "Nothing upcoming to put in a calendar right now.")
        return
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        InputFile(data, filename="upcoming-summits.ics"),
        caption=f"🗓 {plural(count, 'upcoming meeting')} — open the file to "
        "add them to your calendar.",
    )
