"""Operator commands (ADMIN_IDS only): /ingest URL, /feeds, /stats."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.services import stats as stats_service
from bot.services.errors import InvalidInputError
from bot.telegram.common import (
    Context,
    args_of,
    reply,
    reply_all,
    require_bot_admin,
    run_in_thread,
    services,
    state,
)


async def ingest(update: Update, context: Context) -> None:
    """Fetch, analyse and store an article URL: ``/ingest https://…``."""
    if not await require_bot_admin(update, context):
        return
    args = args_of(context)
    if len(args) != 1:
        raise InvalidInputError("Give one article URL: /ingest https://example.com/news/summit")
    ingestion = state(context).ingestion
    if ingestion is None:
        await reply(update, context, "Ingestion is not available in this process.")
        return
    await reply(update, context, f"⏳ Reading {escape(args[0])} …")
    report = await run_in_thread(ingestion.ingest_url, args[0])
    lines = [f"📥 {escape(report.summary())}"]
    if report.failures:
        # One reply for every failure: its reason (refused, timed out…) is in the log only.
        lines.append("⚠️ Could not fetch or read that page; the reason is in the bot's log.")
    await reply(update, context, "\n".join(lines))


async def feeds(update: Update, context: Context) -> None:
    """List the polled feeds with their health (as many messages as it takes)."""
    if not await require_bot_admin(update, context):
        return
    svc = services(context)
    lines = await run_in_thread(stats_service.feed_lines, svc)
    if not lines:
        await reply(
            update, context, "No feeds yet. Add one with <code>summit-bot feeds add URL</code>."
        )
        return
    await reply_all(update, context, svc.renderer.messages("feeds.html.j2", feeds=lines))


async def stats(update: Update, context: Context) -> None:
    """Subscribers, events, feed health, delivery counts and the last deliveries."""
    if not await require_bot_admin(update, context):
        return
    svc = services(context)
    collected = await run_in_thread(stats_service.collect, svc)
    await reply_all(update, context, svc.renderer.messages("stats.html.j2", stats=collected))
