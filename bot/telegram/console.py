"""The console chat: the same bot, handlers and jobs, talking to a terminal instead of Telegram.

``ConsoleRequest`` stands in for PTB's HTTP client: Bot API calls are answered locally and
what the bot sends is printed as plain text. Lines typed at the prompt become ``Update``
objects fed to ``application.process_update``; a number presses a button of the last
inline keyboard.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.services import events as event_service
from bot.services.clock import Clock, OffsetClock, clock_from_setting
from bot.services.context import services_from_settings
from bot.services.ingestion import SAMPLE_ARTICLE, Ingestion
from bot.services.rendering import html_to_text
from bot.services.wording import moment_label
from bot.settings import Settings
from bot.store.db import make_engine
from bot.store.migrate import upgrade_database
from bot.telegram.app import build_application
from bot.telegram.objects import (
    bot_user,
    chat_member,
    command_entities,
    group_chat,
    private_chat,
    user,
)

CONSOLE_CHAT_ID = 1
CONSOLE_USER = user(CONSOLE_CHAT_ID, "You", "console_user")
BOT_USER = bot_user(100, "summit_digest_bot", "Summit Digest Bot")
BANNER = """\
Summit Digest Bot — console chat
No TELEGRAM_BOT_TOKEN is set, so the bot runs here in the terminal: type commands such as
/next, /upcoming, /digest, /settings or /help and read the replies; /quit (or Ctrl-D) ends.
/ics saves the calendar in this folder, /ics FILE or /ics FOLDER where you say.
To connect a real bot: create one with @BotFather in Telegram, then run
    TELEGRAM_BOT_TOKEN=123456:ABC... summit-bot run
"""

Printer = Callable[[str], None]


class ConsoleRequest(BaseRequest):
    """Answers Bot API calls locally and prints the messages the bot sends.

    It shares the Telegram objects it answers with (users, chats, chat members, command
    entities: ``bot.telegram.objects``) with the fake Bot API server of the tests
    (``tests/fakes/bot_api``), so both stand-ins give the bot the same, complete objects.
    It shares nothing else, on purpose: this ships in the package and answers in-process,
    without HTTP, only the few methods the bot calls, printing what it sends; the fake is a
    test server that checks the wire format, flood limits and HTML parse mode the way
    Telegram does, records every call and injects faults, none of which a person at a
    terminal needs (and the package cannot import ``tests``).
    """

    def __init__(self, out: Printer = print, files_dir: Path | None = None) -> None:
        self.out = out
        self.files_dir = files_dir or Path.cwd()  # where sent files land, unless asked
        self.save_next_file_as: Path | None = None  # a file or folder the user named
        self.sent: list[dict[str, Any]] = []
        self.keyboard: list[tuple[str, str]] = []  # (label, callback data) of the last one
        self.keyboard_message: dict[str, Any] | None = None
        # getChatMember answers: (chat id, user id) → status; anyone else is the owner.
        self.member_status: dict[tuple[int, int], str] = {}
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        result = self.answer(name, params, request_data)
        return 200, json.dumps({"ok": True, "result": result}).encode("utf-8")

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", CONSOLE_CHAT_ID))
        message: dict[str, Any] = {
            "message_id": int(params.get("message_id") or next(self._ids)),
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": BOT_USER,
        }
        message.update(extra)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def answer(self, name: str, params: dict[str, Any], data: RequestData | None) -> Any:
        """The Bot API's answer to ``name`` (only what the bot uses)."""
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "editMessageText"):
            self.sent.append({"method": name, **params})
            self._show(
                str(params.get("text", "")),
                params.get("reply_markup"),
                edited=name != "sendMessage",
            )
            return self._message(params, text=params.get("text", ""))
        if name == "editMessageReplyMarkup":
            if not params.get("reply_markup"):
                self.keyboard = []
            return self._message(params, text="")
        if name == "answerCallbackQuery":
            if params.get("text"):
                self.out(f"bot (notice)> {params['text']}")
            return True
        if name == "sendDocument":
            return self._document(params, data)
        if name == "getChatMember":
            key = (int(params.get("chat_id", 0)), int(params.get("user_id", 0)))
            status = self.member_status.get(key, "creator")
            return chat_member({**CONSOLE_USER, "id": key[1]}, status)
        return True  # setMyCommands, deleteWebhook, …

    def _show(self, text: str, markup: Any, *, edited: bool) -> None:
        prefix = "bot (edited)> " if edited else "bot> "
        plain = html_to_text(text).strip()
        self.out(prefix + plain.replace("\n", "\n     "))
        buttons: list[tuple[str, str]] = []
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    buttons.append(
                        (str(button.get("text", "")), str(button.get("callback_data", "")))
                    )
        if buttons:
            self.keyboard = buttons
            labels = "  ".join(f"[{i}] {label}" for i, (label, _) in enumerate(buttons, 1))
            self.out(f"     {labels}\n     (type a number to press a button)")
        elif not edited:
            self.keyboard = []

    def _document(self, params: dict[str, Any], data: RequestData | None) -> dict[str, Any]:
        files = data.multipart_data if data is not None else None
        saved = []
        asked, self.save_next_file_as = self.save_next_file_as, None
        for value in (files or {}).values():
            filename, raw = str(value[0] or "document"), value[1]
            content = raw if isinstance(raw, bytes) else raw.read()
            target = self.files_dir / Path(filename).name
            if asked is not None:
                target = asked / Path(filename).name if asked.is_dir() else asked
            try:
                target.write_bytes(content)
            except OSError as exc:
                saved.append(f"nowhere: {target}: {exc.strerror or exc}")
                continue
            saved.append(f"{target} ({len(content)} bytes)")
        caption = html_to_text(str(params.get("caption", "")))
        self.out(f"bot> 📎 {caption}\n     saved to {', '.join(saved) or 'nowhere'}")
        return self._message(params, document={"file_id": "console", "file_unique_id": "console"})


def _chat(chat_id: int) -> dict[str, Any]:
    """The console user's private chat, or a group when a test posts to a negative id."""
    if chat_id > 0:
        return private_chat(chat_id, CONSOLE_USER["first_name"], CONSOLE_USER["username"])
    return group_chat(chat_id, "Console group", supergroup=False)


class Console:
    """Feeds typed lines to the application as updates."""

    def __init__(self, application: Application, request: ConsoleRequest) -> None:  # type: ignore[type-arg]
        self.application = application
        self.request = request
        self._ids = itertools.count(1)

    def message_update(self, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": 10_000 + next(self._ids),
            "date": int(time.time()),
            "chat": _chat(CONSOLE_CHAT_ID),
            "from": CONSOLE_USER,
            "text": text,
        }
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        update = Update.de_json(
            {"update_id": next(self._ids), "message": message}, self.application.bot
        )
        assert update is not None
        return update

    def callback_update(self, data: str) -> Update:
        message = self.request.keyboard_message or {
            "message_id": 1,
            "date": int(time.time()),
            "chat": _chat(CONSOLE_CHAT_ID),
            "from": BOT_USER,
            "text": "settings",
        }
        payload = {
            "id": str(next(self._ids)),
            "from": CONSOLE_USER,
            "chat_instance": "console",
            "data": data,
            "message": message,
        }
        update = Update.de_json(
            {"update_id": next(self._ids), "callback_query": payload}, self.application.bot
        )
        assert update is not None
        return update

    async def handle_line(self, line: str) -> bool:
        """Process one typed line; False when the user asked to quit."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in ("/quit", "/exit", "quit", "exit"):
            return False
        command, _, argument = text.partition(" ")
        if command == "/ics" and argument.strip() and argument.strip().casefold() != "reset":
            # The console saves the calendar where the user asks (a file or a folder).
            self.request.save_next_file_as = Path(argument.strip()).expanduser()
            text = command
        if text.isdigit() and self.request.keyboard:
            index = int(text) - 1
            if 0 <= index < len(self.request.keyboard):
                await self.application.process_update(
                    self.callback_update(self.request.keyboard[index][1])
                )
                return True
        await self.application.process_update(self.message_update(text))
        return True


def _read_line() -> str | None:
    try:
        sys.stdout.write("you> ")
        sys.stdout.flush()
        line = sys.stdin.readline()
    except (EOFError, KeyboardInterrupt):
        return None
    return line if line else None


def prepare_store(settings: Settings, out: Printer) -> Clock:
    """Migrate, ingest the bundled sample into an empty database, and pick the clock."""
    engine = make_engine(settings.database_url)
    try:
        upgrade_database(engine)
        services = services_from_settings(settings, engine=engine)
        ingestion = Ingestion(services, settings)
        if ingestion.article_count() == 0:
            out(f"The database is empty: reading the sample article ({SAMPLE_ARTICLE.name})…")
            report = ingestion.ingest_file(SAMPLE_ARTICLE)
            out(f"  {report.summary()}")
        if settings.bot_now is not None:
            return clock_from_setting(settings.bot_now)
        now = dt.datetime.now(dt.UTC)
        with services.session() as session:
            has_upcoming = bool(event_service.upcoming(session, now.date(), limit=1))
    finally:
        engine.dispose()
    if has_upcoming:
        return clock_from_setting(None)
    start = dt.datetime.combine(_sample_date(), dt.time(6, 0), tzinfo=dt.UTC)
    out(
        "Nothing is upcoming today, so the clock is set to the sample's date: "
        f"{moment_label(start)}."
    )
    return OffsetClock(start)


def _sample_date() -> dt.date:
    first = SAMPLE_ARTICLE.read_text(encoding="utf-8").split("\n", 1)[0].split()
    return dt.date.fromisoformat(first[1])


async def run_console(
    settings: Settings,
    read_line: Callable[[], str | None] = _read_line,
    out: Printer = print,
) -> int:
    """Run the bot as a console chat until EOF or /quit; returns the exit status."""
    out(BANNER)
    logging.getLogger().setLevel(logging.WARNING)
    clock = await asyncio.to_thread(prepare_store, settings, out)
    settings = settings.model_copy(
        update={"admin_ids": [*settings.admin_ids, CONSOLE_USER["id"]], "telegram_bot_token": None}
    )
    services = services_from_settings(settings, clock=clock)
    request = ConsoleRequest(out)
    application = build_application(
        settings, services=services, request=request, poll_feeds=False, serve_http=False
    )
    console = Console(application, request)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    out(f"Ready. It is {moment_label(clock.now())} for the bot. Try /next")
    try:
        while True:
            line = await asyncio.to_thread(read_line)
            if line is None or not await console.handle_line(line):
                break
    finally:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    out("Bye.")
    return 0
