"""/alerts [on|off]: immediate alerts of changes to the meetings this chat follows."""

from __future__ import annotations

from telegram import Update

from bot.services import alerts as alert_service
from bot.services import follows as follow_service
from bot.telegram.common import (
    Context,
    args_of,
    chat_id_of,
    chat_type_of,
    reply,
    require_chat_admin,
    run_in_thread,
    services,
)

_WHAT = "a followed meeting is postponed, cancelled, moved or changes place"


async def alerts(update: Update, context: Context) -> None:
    """``/alerts`` shows the switch; ``/alerts on|off`` (group administrators) sets it."""
    svc = services(context)
    chat_id = chat_id_of(update)
    switch = alert_service.parse_switch(args_of(context))
    if switch is None:
        on = await run_in_thread(alert_service.alerts_on, svc, chat_id)
        state = "on" if on else "off"
        await reply(
            update,
            context,
            f"🔔 Alerts are <b>{state}</b> here: with them on, you hear at once when {_WHAT}. "
            "/alerts on or /alerts off.",
        )
        return
    if not await require_chat_admin(update, context):
        return
    before = await run_in_thread(
        alert_service.set_alerts, svc, chat_id, switch, chat_type_of(update)
    )
    if not switch:
        text = "🔕 Alerts are off." if before else "Alerts were already off."
        await reply(update, context, text)
        return
    names = await run_in_thread(follow_service.follows, svc, chat_id)
    text = "🔔 Alerts are on" if not before else "🔔 Alerts were already on"
    text += f": you hear at once when {_WHAT}."
    if not names:
        text += " Alerts are for what you follow, and you follow nothing yet: /follow NAME."
    await reply(update, context, text)
