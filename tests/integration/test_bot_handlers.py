"""The real handlers in the real App, with Bot API calls answered in-process."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.domain.chat import Frequency
from bot.services import chats
from bot.services.clock import FixedClock
from bot.services.context import services_from_settings
from bot.services.rendering import html_to_text
from bot.settings import Settings
from bot.store import upgrade_database
from bot.telegram.app import build_application
from bot.telegram.console import ConsoleRequest
from tests.integration.test_bot_services import add_event

App = Application[Any, Any, Any, Any, Any, Any]
ADMIN = 900
NOW = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)
_ids = itertools.count(1)


class Chat:
    """Sends updates as one user in one chat and reads the bot's replies."""

    def __init__(self, app: App, request: ConsoleRequest, chat_id: int, user_id: int) -> None:
        self.app, self.request = app, request
        self.chat_id, self.user_id = chat_id, user_id

    def _chat(self) -> dict[str, Any]:
        if self.chat_id > 0:
            return {"id": self.chat_id, "type": "private", "first_name": "Ann"}
        return {"id": self.chat_id, "type": "supergroup", "title": "Summits"}

    async def say(self, text: str) -> list[dict[str, Any]]:
        before = len(self.request.sent)
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": {"id": self.user_id, "is_bot": False, "first_name": "Ann"},
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        update = Update.de_json({"update_id": next(_ids), "message": message}, self.app.bot)
        assert update is not None
        await self.app.process_update(update)
        return self.request.sent[before:]

    async def text(self, text: str) -> str:
        replies = await self.say(text)
        assert replies, f"no reply to {text!r}"
        return "\n".join(html_to_text(str(r["text"])) for r in replies)

    async def press(self, data: str) -> list[dict[str, Any]]:
        before = len(self.request.sent)
        payload = {
            "id": str(next(_ids)),
            "from": {"id": self.user_id, "is_bot": False, "first_name": "Ann"},
            "chat_instance": "x",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": self._chat(),
                "text": "settings",
            },
        }
        update = Update.de_json({"update_id": next(_ids), "callback_query": payload}, self.app.bot)
        assert update is not None
        await self.app.process_update(update)
        return self.request.sent[before:]


def callbacks(message: dict[str, Any]) -> list[str]:
    rows = message["reply_markup"]["inline_keyboard"]
    return [str(button["callback_data"]) for row in rows for button in row]


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[App, ConsoleRequest]]:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    settings = Settings(database_url=url, admin_ids=[ADMIN], telegram_bot_token=None)
    services = services_from_settings(settings, clock=FixedClock(NOW))
    add_event(
        services,
        "Donald Trump meets Sanae Takaichi",
        dt.date(2025, 10, 28),
        participants=("Donald Trump", "Sanae Takaichi"),
        place="Tokyo",
    )
    add_event(services, "Donald Trump meets Xi Jinping", dt.date(2025, 10, 30), place="Busan")
    request = ConsoleRequest(out=lambda _: None, files_dir=tmp_path)
    app = build_application(settings, services=services, request=request, poll_feeds=False)
    await app.initialize()
    yield app, request
    await app.shutdown()


async def test_private_conversation(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    ann = Chat(app, request, 42, 42)
    assert "/subscribe" in await ann.text("/start")
    assert "Subscribed" in await ann.text("/subscribe")
    assert "already subscribed" in await ann.text("/subscribe")
    reply = await ann.text("/next")
    assert "Sanae Takaichi" in reply and "Tue 28 Oct 2025" in reply and "tomorrow" in reply
    assert "Xi Jinping" in await ann.text("/upcoming 2")
    assert "Summit digest" in await ann.text("/digest")
    assert "Europe/Berlin" in await ann.text("/timezone Europe/Berlin")
    assert "07:30" in await ann.text("/time 7:30")
    assert "/time 08:00" in await ann.text("/time 25:99")
    assert "Europe/Berlin" in await ann.text("/timezone Mars/Olympus")
    assert "/upcoming" in await ann.text("/upcoming lots")
    assert "out of range" in await ann.text("/upcoming 500")
    assert "out of range" in await ann.text("/upcoming 0")
    assert "/help" in await ann.text("/frobnicate")
    assert "/help" in await ann.text("hello?")
    assert "Following Xi Jinping" in await ann.text("/follow Xi Jinping")
    assert "Xi Jinping" in await ann.text("/next")
    assert "Xi Jinping" in await ann.text("/following")
    assert "Stopped following" in await ann.text("/unfollow Xi Jinping")
    assert "Unsubscribed" in await ann.text("/unsubscribe")
    assert "not subscribed" in await ann.text("/unsubscribe")
    help_text = await ann.text("/help")
    assert "/ics" in help_text and "/stats" not in help_text
    # Every message went out as HTML without link previews.
    assert all(m["parse_mode"] == "HTML" for m in request.sent)


async def test_settings_keyboard(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    ann = Chat(app, request, 42, 42)
    panel = await ann.say("/settings")
    buttons = [
        b["callback_data"] for row in panel[0]["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert "set:freq:weekly" in buttons and "set:tzmenu" in buttons
    edited = await ann.press("set:freq:weekly")
    assert "Frequency: weekly" in html_to_text(edited[-1]["text"])
    edited = await ann.press("set:tzmenu")
    zones = [
        b["callback_data"] for row in edited[-1]["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert "set:tz:Asia/Tokyo" in zones
    edited = await ann.press("set:tz:Asia/Tokyo")
    assert "Time zone: Asia/Tokyo" in html_to_text(edited[-1]["text"])
    edited = await ann.press("set:time:07:00")
    assert "Digest time: 07:00" in html_to_text(edited[-1]["text"])


async def test_settings_day_picker_for_weekly_digests(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    ann = Chat(app, request, 43, 43)
    panel = await ann.say("/settings")
    assert "Frequency: off" in html_to_text(panel[0]["text"])  # not subscribed yet: not "daily"
    assert "set:daymenu" in callbacks(panel[0])
    days = await ann.press("set:daymenu")
    assert [d for d in callbacks(days[-1]) if d.startswith("set:day:")] == [
        f"set:day:{n}" for n in range(7)
    ]
    picked = await ann.press("set:day:4")
    text = html_to_text(picked[-1]["text"])
    assert "Frequency: weekly (on Fridays)" in text and "Subscribed" in text
    labels = [b["text"] for row in picked[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert "✓ Weekly" in labels and "📅 Weekly on Fridays" in labels  # back on the main menu
    services = app.bot_data["state"].services
    chat = chats.get_chat(services, 43)
    assert (chat.frequency, chat.digest_weekday, chat.subscribed) == (Frequency.WEEKLY, 4, True)
    assert await ann.press("set:day:9") == []  # refused with an alert, nothing edited
    assert chats.get_chat(services, 43).digest_weekday == 4
    await ann.say("/unsubscribe")
    panel = await ann.say("/settings")
    assert "Frequency: off" in html_to_text(panel[0]["text"])


def group_member_and_admin(app: App, request: ConsoleRequest, group: int) -> tuple[Chat, Chat]:
    """A member (user 7) and an administrator (user 8) of ``group``."""
    request.member_status[(group, 7)] = "member"
    request.member_status[(group, 8)] = "administrator"
    return Chat(app, request, group, 7), Chat(app, request, group, 8)


async def test_only_group_administrators_pick_the_day(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    group = -100124
    member, admin = group_member_and_admin(app, request, group)
    services = app.bot_data["state"].services
    assert await member.press("set:daymenu") == []
    assert await member.press("set:day:2") == []
    assert not chats.get_chat(services, group).known
    edited = await admin.press("set:day:2")
    assert "Frequency: weekly (on Wednesdays)" in html_to_text(edited[-1]["text"])
    assert chats.get_chat(services, group).digest_weekday == 2


async def test_group_needs_an_administrator(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    group = -100123
    member, admin = group_member_and_admin(app, request, group)
    assert "administrators" in await member.text("/subscribe")
    assert "administrators" in await member.text("/time 09:00")
    assert "Sanae Takaichi" in await member.text("/next")
    assert "Subscribed" in await admin.text("/subscribe")
    services = app.bot_data["state"].services
    assert chats.get_chat(services, group).subscribed


async def test_admin_commands(bot: tuple[App, ConsoleRequest]) -> None:
    app, request = bot
    assert "operators" in await Chat(app, request, 42, 42).text("/stats")
    stats = await Chat(app, request, ADMIN, ADMIN).text("/stats")
    assert "Events: 2 upcoming" in stats
    assert "No feeds yet" in await Chat(app, request, ADMIN, ADMIN).text("/feeds")
    assert "http" in await Chat(app, request, ADMIN, ADMIN).text("/ingest not-a-url")
    operator_help = await Chat(app, request, ADMIN, ADMIN).text("/help")
    assert "Operators" in operator_help and "/stats" in operator_help


async def test_ics_document(bot: tuple[App, ConsoleRequest], tmp_path: Path) -> None:
    app, request = bot
    await Chat(app, request, 42, 42).say("/ics")
    body = (tmp_path / "upcoming-summits.ics").read_text()
    assert body.startswith("BEGIN:VCALENDAR") and "Sanae Takaichi" in body


async def test_unexpected_errors_are_logged_and_apologised_for(
    bot: tuple[App, ConsoleRequest],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, request = bot

    def broken(*_: object) -> str:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("bot.services.meetings.next_meeting", broken)
    reply = await Chat(app, request, 42, 42).text("/next")
    assert "Sorry, something went wrong" in reply and "fire" not in reply
    record = next(r for r in caplog.records if r.name == "bot.telegram.app")
    assert record.exc_info is not None and "chat 42" in record.getMessage()
