"""`summit-bot run` (the bot: polling, webhook, or a console chat) and `summit-bot digest`."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from bot.cli.status import ExitStatus
from bot.errors import SummitBotError
from bot.settings import SettingProblem, Settings, SettingsError, get_settings

log = logging.getLogger("bot.telegram")
# The update types the bot handles (commands, buttons, being blocked or removed).
ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"]
# Waits between attempts to reach the Bot API at start: 1 s, 2 s, 4 s … at most 30 s.
RETRY_FIRST_WAIT_S = 1.0
RETRY_MAX_WAIT_S = 30.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = subparsers.add_parser(
        "run",
        help="run the Telegram bot (a console chat when TELEGRAM_BOT_TOKEN is not set)",
        description=(
            "Run the bot: long polling by default, a webhook server when WEBHOOK_URL is set, "
            "and a chat in this terminal when no TELEGRAM_BOT_TOKEN is set."
        ),
    )
    run.set_defaults(handler=cmd_run)
    digest = subparsers.add_parser(
        "digest", help="print the digest a chat would get now", description="For operators."
    )
    digest.add_argument("--chat", type=int, required=True, metavar="ID", help="Telegram chat id")
    digest.add_argument("--html", action="store_true", help="the Telegram HTML as sent")
    digest.set_defaults(handler=cmd_digest)


def protect_token(settings: Settings) -> None:
    """Keep the token out of logs: redact it everywhere, tracebacks included
    (``bot.telegram.redaction``)."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # "job added" lines
    if settings.telegram_bot_token:
        from bot.telegram import redaction

        redaction.install([settings.telegram_bot_token])


async def wait_for_bot_api(
    settings: Settings, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> None:
    """Call getMe until the Bot API answers: one log line per failed attempt, waits doubling
    up to ``RETRY_MAX_WAIT_S``, for at most TELEGRAM_START_RETRY_SECONDS; then one
    ``SettingsError`` line. A refused token is final at once."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError

    token = settings.telegram_bot_token or ""
    root = settings.telegram_api_url.rstrip("/")
    deadline = time.monotonic() + settings.telegram_start_retry_seconds
    wait = RETRY_FIRST_WAIT_S
    for attempt in itertools.count(1):
        bot = Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")
        try:
            async with bot:  # initialize() calls getMe
                return
        except InvalidToken:
            raise SettingsError(
                [SettingProblem("telegram_bot_token", token, f"refused by the Bot API at {root}")]
            ) from None
        except NetworkError as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                reason = (
                    f"no answer after {attempt} attempt{'s' if attempt != 1 else ''} "
                    f"in {settings.telegram_start_retry_seconds:g} s ({exc.message})"
                )
                problem = SettingProblem(
                    "telegram_api_url",
                    settings.telegram_api_url,
                    reason,
                    expected="the URL of a Bot API server that answers",
                )
                raise SettingsError([problem]) from None
            wait = min(wait, left)
            log.warning(
                "cannot reach the Bot API at %s (attempt %d: %s); retrying in %.0f s",
                root,
                attempt,
                exc.message,
                wait,
            )
            await sleep(wait)
            wait = min(wait * 2, RETRY_MAX_WAIT_S)


def cmd_run(args: argparse.Namespace) -> int:
    settings = get_settings()
    protect_token(settings)
    if not settings.telegram_bot_token:
        from bot.telegram.console import run_console

        return asyncio.run(run_console(settings))

    from telegram.error import InvalidToken, NetworkError

    from bot.telegram.app import build_application

    asyncio.run(wait_for_bot_api(settings))
    application = build_application(settings)
    try:
        if settings.webhook_url:
            path = urlsplit(settings.webhook_url).path.lstrip("/")
            secret = settings.webhook_secret or secrets.token_urlsafe(32)
            listen, port = settings.webhook_listen, settings.webhook_port
            log.info("starting in webhook mode on %s:%d", listen, port)
            application.run_webhook(
                listen=listen,
                port=port,
                url_path=path,
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            log.info("starting with long polling on %s", settings.telegram_api_url)
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        raise SettingsError(
            [SettingProblem("telegram_bot_token", settings.telegram_bot_token, "refused")]
        ) from None
    except NetworkError as exc:
        raise SummitBotError(
            f"lost the Bot API at {settings.telegram_api_url}: {exc.message}"
        ) from None
    return ExitStatus.DONE


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.services.context import services_from_settings
    from bot.services.digests import digest_for
    from bot.services.rendering import html_to_text
    from bot.store.migrate import upgrade_database

    settings = get_settings()
    upgrade_database(settings.database_url)
    services = services_from_settings(settings)
    from bot.services.chats import get_chat

    chat = get_chat(services, args.chat)
    if not chat.known:
        print(f"(chat {args.chat} is not known: the digest with default settings)", file=sys.stderr)
    digest = digest_for(services, args.chat)
    for index, text in enumerate(digest.messages, 1):
        if len(digest.messages) > 1:
            print(f"--- message {index} of {len(digest.messages)} ---")
        print(text if args.html else html_to_text(text))
    sys.stdout.flush()
    return 0
