"""The fake Bot API driven by a real python-telegram-bot ``Bot``: proves the wire format."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberAdministrator,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter

from tests.fakes.bot_api import (
    DEFAULT_TOKEN,
    FakeBotAPI,
    Limits,
    group_chat,
    telegram_html_to_text,
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as b:
        yield b


async def test_get_me_and_commands(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "summit_test_bot"
    assert await bot.set_my_commands([BotCommand("next", "The next meeting")])
    commands = await bot.get_my_commands()
    assert [c.command for c in commands] == ["next"]
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    methods = [c.method for c in api.calls()]
    assert methods[0] == "getMe" and "setMyCommands" in methods


async def test_updates_offsets_and_long_poll(api: FakeBotAPI, bot: Bot) -> None:
    first = api.send_text(42, "/next")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first]
    message = updates[0].message
    assert message is not None and message.text == "/next"
    assert message.chat.type == "private" and message.from_user is not None
    assert message.entities[0].type == "bot_command"
    # Not confirmed yet: the same update again; confirmed by the offset: gone.
    assert len(await bot.get_updates(timeout=0)) == 1
    assert await bot.get_updates(offset=first + 1, timeout=0) == ()
    assert api.pending_updates == 0

    async def later() -> None:
        await asyncio.sleep(0.3)
        api.send_text(-100, "/subscribe@summit_test_bot", user_id=7)

    started = time.monotonic()
    task = asyncio.create_task(later())
    updates = await bot.get_updates(offset=first + 1, timeout=5)
    await task
    assert 0.2 < time.monotonic() - started < 3
    group_message = updates[0].message
    assert group_message is not None and group_message.chat.type == "supergroup"
    assert group_message.from_user is not None and group_message.from_user.id == 7


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_send_edit_and_callback(api: FakeBotAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Daily", callback_data="freq:daily")]])
    sent = await bot.send_message(
        42, "<b>Settings</b> &amp; more", parse_mode=ParseMode.HTML, reply_markup=markup
    )
    assert sent.text == "Settings & more" and sent.message_id == 1
    record = api.wait_for_message(lambda m: m.chat_id == 42, timeout=2)
    assert record.text == "<b>Settings</b> &amp; more"
    assert record.params["parse_mode"] == "HTML" and record.params["chat_id"] == 42

    api.press_button(record, text="Daily", user_id=42)
    (update,) = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None and query.data == "freq:daily"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Saved")

    edited = await bot.edit_message_text("Saved", chat_id=42, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.text == "Saved"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Saved", chat_id=42, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=99)


async def test_html_is_checked_like_telegram(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "<div>x</div>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1, "x" * 4097)
    assert (await bot.send_message(1, "1 < 2")).text == "1 < 2"
    assert telegram_html_to_text('<a href="https://x.org/?a=1&amp;b=2">l</a> &lt;') == "l <"


async def test_send_document_multipart(api: FakeBotAPI, bot: Bot) -> None:
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = await bot.send_document(
        5, ics, filename="summits.ics", caption="<i>2</i> events", parse_mode=ParseMode.HTML
    )
    assert message.document is not None and message.document.file_name == "summits.ics"
    record = api.sent(5)[0]
    assert record.document is not None and record.document.data == ics
    assert record.plain_text == "2 events"


async def test_errors_blocked_migrated_and_retry_after(api: FakeBotAPI, bot: Bot) -> None:
    api.block_chat(10)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(10, "hi")
    api.migrate_chat(-20, -1000000000020)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-20, "hi")
    assert migrated.value.new_chat_id == -1000000000020
    api.fail_next("sendMessage", retry_after=1, chat_id=30)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(30, "hi")
    assert retry.value.retry_after == 1  # an int now; a timedelta with PTB_TIMEDELTA=1
    with pytest.raises(RetryAfter):  # too early: still limited
        await bot.send_message(30, "hi")
    await asyncio.sleep(1.05)
    assert (await bot.send_message(30, "hi")).text == "hi"
    assert api.stats.injected_429s == 1 and api.stats.premature_retries == 1
    assert [m.chat_id for m in api.sent()] == [30]


async def test_chat_members(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(group_chat(-50, "Summits"))
    api.set_member_status(-50, 7, "administrator")
    admin = await bot.get_chat_member(-50, 7)
    assert isinstance(admin, ChatMemberAdministrator)
    member = await bot.get_chat_member(-50, 8)
    assert isinstance(member, ChatMemberMember)
    admins = await bot.get_chat_administrators(-50)
    assert [a.user.id for a in admins] == [7]
    chat = await bot.get_chat(-50)
    assert chat.title == "Summits" and chat.type == "supergroup"


async def test_flood_limits_enforced(api: FakeBotAPI, bot: Bot) -> None:
    # Slow refill rates keep the test independent of how fast requests arrive.
    api.set_limits(Limits(global_per_second=0.5, global_burst=10, chat_per_second=0.1))
    results = await asyncio.gather(
        *(bot.send_message(1000 + i, "x") for i in range(20)), return_exceptions=True
    )
    limited = [r for r in results if isinstance(r, RetryAfter)]
    assert 8 <= len(limited) <= 10 and api.stats.limit_429s == len(limited)
    assert all(r.retry_after in (1, 2, 1.0, 2.0) for r in limited)

    api.set_limits(Limits(chat_per_second=0.1, chat_burst=3))
    burst = await asyncio.gather(
        *(bot.send_message(77, "x") for _ in range(5)), return_exceptions=True
    )
    assert sum(isinstance(r, RetryAfter) for r in burst) == 2  # a burst of 3 per chat

    api.set_limits(Limits(group_per_minute=2, group_burst=2))
    group = await asyncio.gather(
        *(bot.send_message(-78, "x") for _ in range(4)), return_exceptions=True
    )
    assert sum(isinstance(r, RetryAfter) for r in group) >= 2  # 2 per minute in a group


def _raw(
    api: FakeBotAPI, path: str, body: bytes, content_type: str
) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(f"{api.url}{path}", data=body, method="POST")
    request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_raw_wire_format(api: FakeBotAPI) -> None:
    status, body = _raw(
        api,
        f"/bot{DEFAULT_TOKEN}/sendMessage",
        b'{"chat_id": 3, "text": "123"}',
        "application/json",
    )
    assert status == 200 and body["ok"] is True
    assert api.sent(3)[0].plain_text == "123"
    status, body = _raw(
        api,
        f"/bot{DEFAULT_TOKEN}/sendmessage",
        b"chat_id=3&text=true",
        "application/x-www-form-urlencoded",
    )
    assert status == 200 and api.sent(3)[1].plain_text == "true"
    status, body = _raw(api, f"/bot{DEFAULT_TOKEN}/noSuchMethod", b"", "application/json")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = _raw(api, "/bot1:wrong/getMe", b"", "application/json")
    assert status == 401 and body["description"] == "Unauthorized"


async def test_my_chat_member_update(api: FakeBotAPI, bot: Bot) -> None:
    api.push_update(api.my_chat_member(group_chat(-60), old_status="member", new_status="kicked"))
    (update,) = await bot.get_updates(timeout=0)
    change = update.my_chat_member
    assert change is not None and change.chat.id == -60
    assert change.old_chat_member.status == "member"
    assert change.new_chat_member.status == "kicked"
    assert change.new_chat_member.user.id == api.bot_user["id"]


async def test_webhook_push_with_secret(api: FakeBotAPI, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), json.loads(body)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        assert await bot.set_webhook(url, secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == url
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        api.send_text(42, "/next")
        assert api.wait_until(lambda: api.pending_updates == 0, timeout=5)
        assert received[0][0] == "s3cret"
        assert received[0][1]["message"]["text"] == "/next"  # type: ignore[index]
        assert await bot.delete_webhook()
    finally:
        server.shutdown()
        server.server_close()
