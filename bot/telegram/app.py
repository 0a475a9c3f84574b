"""The composition root: ``build_application`` wires settings, services, handlers and jobs."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
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
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.errors import SummitBotError
from bot.services import digests as digest_service
from bot.services import health
from bot.services.context import Services, services_from_settings
from bot.services.ingestion import Ingestion
from bot.services.wording import plural
from bot.settings import Settings
from bot.store.db import make_engine
from bot.store.migrate import upgrade_database
from bot.telegram import keyboards
from bot.telegram.alerting import AlertSender
from bot.telegram.commands import COMMANDS
from bot.telegram.common import BotState, Context
from bot.telegram.common import state as state_of
from bot.telegram.delivery import Deliverer, handle_chat_error
from bot.telegram.handlers import basic, membership
from bot.telegram.handlers import settings as prefs
from bot.telegram.pacer import ReplyDropped, SharedPacer
from bot.telegram.scheduler import DigestDispatcher
from bot.web.server import WebServer, start_for_bot

log = logging.getLogger(__name__)

# Commands work in private chats and groups (messages) and in channels (channel posts);
# edited messages do not run a command twice.
_COMMAND_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
# A placeholder token for the console chat, which never talks to Telegram.
CONSOLE_TOKEN = "0:console"
JOB_DIGESTS = "digest-dispatcher"
JOB_FEEDS = "feed-poller"
JOB_ALERTS = "alerts"


@dataclass(slots=True)
class Runtime:
    """What ``post_init``/``post_shutdown`` need besides the application."""

    settings: Settings
    engine: Engine
    state: BotState
    dispatcher: DigestDispatcher | None = None
    alerts: AlertSender | None = None
    web: WebServer | None = None
    poll_feeds: bool = True
    serve_http: bool = True  # HTTP_HOST:HTTP_PORT (the console chat serves none)


def build_application(
    settings: Settings,
    *,
    services: Services | None = None,
    request: BaseRequest | None = None,
    poll_feeds: bool = True,
    serve_http: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot: every handler, the error handler, the jobs, the rate limiter, and (with
    ``serve_http``) the web side on HTTP_HOST:HTTP_PORT in the bot's event loop.

    ``request`` replaces the HTTP client (the console chat captures requests locally).
    """
    runtime = _runtime(settings, services, poll_feeds, serve_http)
    builder = _builder(settings, runtime)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data.update(state=runtime.state, runtime=runtime)
    _add_handlers(application)
    return application


def _runtime(
    settings: Settings, services: Services | None, poll_feeds: bool, serve_http: bool
) -> Runtime:
    engine = make_engine(settings.database_url)
    services = services or services_from_settings(settings, engine=engine)
    state = BotState(services=services, commands=COMMANDS)
    state.ingestion = Ingestion(services, settings)
    return Runtime(settings, engine, state, poll_feeds=poll_feeds, serve_http=serve_http)


def _builder(settings: Settings, runtime: Runtime) -> ApplicationBuilder:  # type: ignore[type-arg]
    """PTB's builder: the Bot API server, HTML by default, Telegram's rate limits, the hooks."""
    root = settings.telegram_api_url.rstrip("/")
    return (
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


def _add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """The command table's commands, then the updates that are not commands."""
    for command in COMMANDS.commands:
        application.add_handler(CommandHandler(command.name, command.handler, _COMMAND_UPDATES))
    for handler in (
        # A button of the /settings keyboard.
        CallbackQueryHandler(prefs.settings_callback, pattern=f"^{keyboards.PREFIX}:"),
        # The bot was blocked, removed or added.
        ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        # A group became a supergroup.
        MessageHandler(filters.StatusUpdate.MIGRATE, membership.migrated),
        MessageHandler(filters.COMMAND & _COMMAND_UPDATES, basic.unknown_command),
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, basic.plain_text),
    ):
        application.add_handler(handler)
    application.add_error_handler(on_error)  # logs with traceback, replies politely


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
        text = f"⚠️ {html.escape(str(error))}"
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


async def _post_init(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Migrate the database, serve HTTP, set the command menus, start the digest, alert and
    feed jobs."""
    await asyncio.to_thread(_prepare_database, runtime)
    if runtime.serve_http:
        settings = runtime.settings
        runtime.web = await start_for_bot(
            runtime.state.services, settings.http_host, settings.http_port
        )
    await _set_command_menus(application.bot, runtime.settings)
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    _schedule_digests(jobs, application.bot, runtime)
    _schedule_alerts(jobs, runtime)
    if runtime.poll_feeds and runtime.state.ingestion is not None:
        _schedule_feed_polls(jobs, runtime)


def _prepare_database(runtime: Runtime) -> None:
    """Bring the schema up to date; settle deliveries a crash left half done."""
    upgrade_database(runtime.engine)
    digest_service.resolve_unknown(runtime.state.services)


async def _set_command_menus(bot: Bot, settings: Settings) -> None:
    """Everyone's menu, and each operator's private menu with the operator commands too."""
    await bot.set_my_commands(_menu(operator=False))
    for admin_id in settings.admin_ids:
        try:
            await bot.set_my_commands(_menu(operator=True), scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # e.g. the operator never opened a chat with the bot
            log.info("no operator menu for %s: %s", admin_id, exc)


def _menu(*, operator: bool) -> list[BotCommand]:
    return [BotCommand(c.name, c.help) for c in COMMANDS.visible(operator=operator)]


def _schedule_digests(jobs: JobQueue, bot: Bot, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """The dispatcher: due digests every minute, and once at start for any missed ones."""
    services = runtime.state.services
    deliverer = Deliverer(bot, services)
    runtime.state.deliverer = deliverer
    dispatcher = DigestDispatcher(services, deliverer)
    runtime.dispatcher = dispatcher

    async def tick(_: Context) -> None:
        await dispatcher.tick()
        await _beat(services, health.DISPATCHER)

    async def started(_: Context) -> None:
        log.info("bot started")
        await dispatcher.tick()  # a digest missed while down (within the grace) goes out now
        await _beat(services, health.DISPATCHER)

    jobs.run_repeating(
        tick,
        interval=60,
        first=dispatcher.seconds_to_next_minute(),
        name=JOB_DIGESTS,
        job_kwargs={"misfire_grace_time": 30, "coalesce": True},
    )
    jobs.run_once(started, when=0, name="startup")


def _schedule_alerts(jobs: JobQueue, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Every minute: the alerts of changes to followed meetings, each sent at most once."""
    deliverer = runtime.state.deliverer
    assert deliverer is not None  # made with the dispatcher
    sender = AlertSender(runtime.state.services, deliverer)
    runtime.alerts = sender

    async def send(_: Context) -> None:
        await sender.send_due()

    jobs.run_repeating(
        send,
        interval=60,
        first=5,
        name=JOB_ALERTS,
        job_kwargs={"misfire_grace_time": 30, "coalesce": True},
    )


def _schedule_feed_polls(jobs: JobQueue, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Poll the due feeds every FEED_POLL_MINUTES, in a worker thread."""
    ingestion = runtime.state.ingestion
    assert ingestion is not None
    services = runtime.state.services
    minutes = runtime.settings.feed_poll_minutes

    async def poll(_: Context) -> None:
        try:
            results = await asyncio.to_thread(ingestion.poll_due_feeds)
        except SummitBotError as exc:
            log.warning("feed polling: %s", exc)
            return
        await _beat(services, health.FEED_POLLER)
        if results:
            log.info("polled %s", plural(len(results), "feed"))

    jobs.run_repeating(
        poll,
        interval=minutes * 60,
        first=30,
        name=JOB_FEEDS,
        job_kwargs={"misfire_grace_time": minutes * 60, "coalesce": True},
    )


async def _post_stop(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Let a running broadcast finish the messages in flight, then stop it; stop serving
    HTTP."""
    if runtime.alerts is not None:
        runtime.alerts.stop()
    if runtime.dispatcher is not None:
        await runtime.dispatcher.stop()
    if runtime.web is not None:
        await runtime.web.stop()
        runtime.web = None


async def _beat(services: Services, job: str) -> None:
    """Record that ``job`` ran (``/healthz`` reports its age); a database hiccup is logged,
    and the job goes on."""
    try:
        await asyncio.to_thread(health.beat, services, job)
    except SQLAlchemyError as exc:
        log.warning("could not record the %s heartbeat: %s", job, exc)


async def _post_shutdown(application: Application, runtime: Runtime) -> None:  # type: ignore[type-arg]
    """Close the database connections."""
    runtime.engine.dispose()
    log.info("bot stopped")
