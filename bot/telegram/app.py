"""The composition root: ``build_application`` wires settings, services, handlers and jobs."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.errors import SummitBotError
from bot.services import digests as digest_service
from bot.services.clock import Clock, clock_from_setting
from bot.services.context import ServiceConfig, Services
from bot.services.ingestion import Ingestion
from bot.services.rendering import Renderer
from bot.settings import Settings
from bot.store.db import make_engine, make_session_factory
from bot.store.migrate import upgrade_database
from bot.telegram import keyboards
from bot.telegram.commands import COMMANDS
from bot.telegram.common import BotState, Context
from bot.telegram.common import state as state_of
from bot.telegram.delivery import Deliverer, handle_chat_error
from bot.telegram.handlers import admin, basic, events, follows, membership, subscription
from bot.telegram.handlers import settings as prefs
from bot.telegram.pacer import ReplyDropped, SharedPacer
from bot.telegram.scheduler import DigestDispatcher

log = logging.getLogger(__name__)

# Commands work in private chats and groups (messages) and in channels (channel posts);
# edited messages do not run a command twice.
_COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
# A placeholder token for the console chat, which never talks to Telegram.
CONSOLE_TOKEN = "0:console"
JOB_DIGESTS = "digest-dispatcher"
JOB_FEEDS = "feed-poller"


@dataclass(slots=True)
class Runtime:
    """What ``post_init``/``post_shutdown`` need besides the application."""

    settings: Settings
    engine: Engine
    state: BotState
    dispatcher: DigestDispatcher | None = None
    poll_feeds: bool = True


def make_services(
    settings: Settings, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """Services for ``settings``: database sessions, the clock, the templates."""
    engine = engine or make_engine(settings.database_url)
    return Services(
        sessions=make_session_factory(engine),
        clock=clock or clock_from_setting(settings.bot_now),
        renderer=Renderer(settings.templates_dir),
        config=ServiceConfig(
            default_timezone=settings.default_timezone,
            default_digest_time=settings.default_digest_time,
            missed_digest_grace=dt.timedelta(hours=settings.missed_digest_grace_hours),
            admin_ids=frozenset(settings.admin_ids),
        ),
    )


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    request: BaseRequest | None = None,
    poll_feeds: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot: every handler, the error handler, the jobs, the rate limiter.

    ``request`` replaces the HTTP client (the console chat captures requests locally).
    """
    engine = make_engine(settings.database_url)
    services = services or make_services(settings, engine=engine)
    state = BotState(services=services)
    state.ingestion = Ingestion(services, settings)
    runtime = Runtime(settings, engine, state, poll_feeds=poll_feeds)

    root = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token or CONSOLE_TOKEN)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=dt.UTC,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # One pacer for every send, digests included: 30/s, 1/s per chat, 20/min per group;
        # replies first; a RetryAfter pauses every send.
        .rate_limiter(SharedPacer())
        .concurrent_updates(8)
        .post_init(lambda app: _post_init(app, runtime))
        .post_stop(lambda app: _post_stop(app, runtime))
        .post_shutdown(lambda app: _post_shutdown(app, runtime))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["state"] = state
    application.bot_data["runtime"] = runtime

    add = application.add_handler
    add(CommandHandler("start", basic.start, _COMMAND_UPDATES))  # welcome; /start subscribe
    add(CommandHandler("help", basic.help_command, _COMMAND_UPDATES))  # every command
    add(CommandHandler("subscribe", subscription.subscribe, _COMMAND_UPDATES))  # digests on
    add(CommandHandler("unsubscribe", subscription.unsubscribe, _COMMAND_UPDATES))  # off
    add(CommandHandler("next", events.next_meeting, _COMMAND_UPDATES))  # the next meeting
    add(CommandHandler("upcoming", events.upcoming, _COMMAND_UPDATES))  # the next N meetings
    add(CommandHandler("digest", events.digest, _COMMAND_UPDATES))  # the digest now
    add(CommandHandler("ics", events.ics, _COMMAND_UPDATES))  # an .ics calendar file
    add(CommandHandler("settings", prefs.settings_command, _COMMAND_UPDATES))  # keyboard
    add(CommandHandler("timezone", prefs.timezone, _COMMAND_UPDATES))  # /timezone Area/City
    add(CommandHandler("time", prefs.time_command, _COMMAND_UPDATES))  # /time 08:00
    add(CommandHandler("follow", follows.follow, _COMMAND_UPDATES))  # /follow NAME
    add(CommandHandler("unfollow", follows.unfollow, _COMMAND_UPDATES))  # /unfollow NAME
    add(CommandHandler("following", follows.following, _COMMAND_UPDATES))  # the followed names
    add(CommandHandler("ingest", admin.ingest, _COMMAND_UPDATES))  # admins: /ingest URL
    add(CommandHandler("feeds", admin.feeds, _COMMAND_UPDATES))  # admins: feed health
    add(CommandHandler("stats", admin.stats, _COMMAND_UPDATES))  # admins: statistics
    add(CallbackQueryHandler(prefs.settings_callback, pattern=f"^{keyboards.PREFIX}:"))  # keys
    add(ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))  # blocked
    add(MessageHandler(filters.StatusUpdate.MIGRATE, membership.migrated))  # group → supergroup
    add(MessageHandler(filters.COMMAND & _COMMAND_UPDATES, basic.unknown_command))  # unknown
    add(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, basic.plain_text))  # not a command
    application.add_error_handler(on_error)  # logs with traceback, replies politely
    return application


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Domain errors become their message as a reply; anything else is logged and apologised
    for. Tokens never reach the log (the URL is not logged and PTB's messages omit it)."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    chat_id = chat.id if chat is not None else None
    if isinstance(error, ReplyDropped):  # newer replies to the chat were waiting
        log.info("chat %s: %s", chat_id, error)
        return
    if isinstance(error, SummitBotError):
        log.info("chat %s: %s", chat_id, error)
        text = f"⚠️ {_escape(str(error))}"
    elif isinstance(error, ChatMigrated | Forbidden) and chat_id is not None:
        await handle_chat_error(state_of(context).services, chat_id, error)
        return
    else:
        log.error(
            "error handling an update in chat %s: %s",
            chat_id,
            type(error).__name__,
            exc_info=error,
        )
        text = "😔 Sorry, something went wrong on my side. Please try again in a moment."
    if chat_id is None:
        return
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as exc:
        log.warning("chat %s: could not send the error reply: %s", chat_id, exc)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def _post_init(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Migrate the database, set the command menu, start the digest and feed jobs."""
    await asyncio.to_thread(upgrade_database, runtime.engine)
    services = runtime.state.services
    await asyncio.to_thread(digest_service.resolve_unknown, services)
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])

    deliverer = Deliverer(application.bot, services)
    runtime.state.deliverer = deliverer
    dispatcher = DigestDispatcher(services, deliverer)
    runtime.dispatcher = dispatcher
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")

    async def tick(_: Context) -> None:
        await dispatcher.tick()

    async def started(_: Context) -> None:
        log.info("bot started")
        await dispatcher.tick()  # a digest missed while down (within the grace) goes out now

    jobs.run_repeating(
        tick,
        interval=60,
        first=dispatcher.seconds_to_next_minute(),
        name=JOB_DIGESTS,
        job_kwargs={"misfire_grace_time": 30, "coalesce": True},
    )
    jobs.run_once(started, when=0, name="startup")
    if runtime.poll_feeds and runtime.state.ingestion is not None:
        ingestion = runtime.state.ingestion

        async def poll(_: Context) -> None:
            try:
                results = await asyncio.to_thread(ingestion.poll_due_feeds)
            except SummitBotError as exc:
                log.warning("feed polling: %s", exc)
                return
            if results:
                log.info("polled %d feed(s)", len(results))

        minutes = max(1, runtime.settings.feed_poll_minutes)
        jobs.run_repeating(
            poll,
            interval=minutes * 60,
            first=30,
            name=JOB_FEEDS,
            job_kwargs={"misfire_grace_time": minutes * 60, "coalesce": True},
        )


async def _post_stop(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Let a running broadcast finish the messages in flight, then stop it."""
    if runtime.dispatcher is not None:
        await runtime.dispatcher.stop()


async def _post_shutdown(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Close the database connections."""
    runtime.engine.dispose()
    log.info("bot stopped")
