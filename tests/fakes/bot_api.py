"""A fake Telegram Bot API server on 127.0.0.1 that speaks the real wire format.

It answers ``GET``/``POST /bot<token>/<method>`` with form-encoded (values JSON-encoded, as
python-telegram-bot sends them), JSON or multipart bodies, and replies the way Telegram does:
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...,
"parameters": {...}}``. Updates are queued by the test and handed out by ``getUpdates``
(offsets confirm them, ``timeout`` long-polls) or pushed to a webhook set with ``setWebhook``.

Every call is recorded (method, decoded parameters, time, HTTP status) for assertions, and a
test can block a chat, migrate a group, inject a 429 once, set chat member statuses and enforce
Telegram's flood limits (30 messages/s overall, about 1/s per chat with short bursts, 20/min per
group), counting the 429s it answered.

Faults of the network between the bot and Telegram (``Faults``): an answer held back after the
message was posted (the client times out although Telegram has the message), a connection
closed instead of an answer, and storms of 5xx answers for a while or at random.

In-process use (pytest)::

    with FakeBotAPI(token) as api:
        bot = Bot(token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")
        api.push_update(api.text_message(42, "/next"))
        reply = api.wait_for_message(lambda m: m.chat_id == 42, timeout=10)

As a script: ``python -m tests.fakes.bot_api --port 8081 [--limits]``.
"""

from __future__ import annotations

import argparse
import contextlib
import email.parser
import email.policy
import html
import itertools
import json
import math
import random
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DEFAULT_TOKEN = "123456:TEST-fake-token-for-tests-only"
BOT_USER_ID = 123456

# Parameters that are plain strings on the wire; every other form value is JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "inline_message_id",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "emoji",
        "custom_title",
    }
)
# Methods that post a message to a chat: these count against the flood limits.
_SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendlocation",
        "sendpoll",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
    }
)
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
MAX_MESSAGE_LENGTH = 4096
# ``handle`` returns this status to close the connection without an answer.
DROP_CONNECTION = 0
MAX_CAPTION_LENGTH = 1024


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class Call:
    """One request the fake answered."""

    method: str  # as Telegram spells it, e.g. "sendMessage"
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived
    status: int = 0  # the HTTP status answered; 0 while the call is being handled
    response: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None


@dataclass(slots=True)
class SentMessage:
    """A message the bot posted successfully (sendMessage, sendDocument...)."""

    method: str
    chat_id: int
    message_id: int
    text: str  # text or caption exactly as the bot sent it (with its HTML markup)
    params: dict[str, Any]
    message: dict[str, Any]  # the Message object the fake answered (and later edits)
    at: float
    document: UploadedFile | None = None

    @property
    def plain_text(self) -> str:
        """The text as a user sees it: tags removed, entities decoded."""
        return str(self.message.get("text") or self.message.get("caption") or "")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons of the message as it is now (after edits), flattened."""
        markup = self.message.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class ApiError(Exception):
    """An error answer: HTTP status, description and optional ``parameters``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's flood limits, as token buckets (rate and burst size).

    ``global_burst`` has one message of slack over 30 for network jitter: a client pacing at
    exactly 30/s sees its requests arrive a few milliseconds early or late.
    """

    global_per_second: float = 30.0
    global_burst: float = 31.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0


class _Bucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass(slots=True)
class _Failure:
    method: str
    chat_id: int | None
    error: ApiError
    times: int
    penalty: float  # seconds during which further requests in the same scope get 429


@dataclass(slots=True)
class _AnswerFault:
    """After ``method`` was handled (a message posted), hold the answer back ``delay``
    seconds, then send it, or close the connection without one (``drop``)."""

    method: str
    chat_id: int | None
    delay: float
    drop: bool
    times: float  # math.inf: every call (at ``rate``)
    rate: float = 1.0


@dataclass(slots=True)
class _Storm:
    """Answer ``method`` with ``error`` (nothing posted) until ``until``, or at random with
    probability ``rate``."""

    method: str
    error: ApiError
    until: float = math.inf
    rate: float = 1.0


class Faults:
    """The network faults of one fake server. Thread-safe (runs under the server's lock)."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._answers: list[_AnswerFault] = []
        self._storms: list[_Storm] = []
        self.delayed_answers = 0  # answers held back past a client timeout (or meant to be)
        self.dropped_answers = 0
        self.storm_errors = 0

    def hold_answer(
        self, method: str, seconds: float, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        self._answers.append(_AnswerFault(method.lower(), chat_id, seconds, False, times))

    def hold_answers(self, method: str, seconds: float, *, rate: float) -> None:
        """From now on, hold back the answer of a random ``rate`` of the calls."""
        self._answers.append(_AnswerFault(method.lower(), None, seconds, False, math.inf, rate))

    def drop_answer(self, method: str, *, chat_id: int | None = None, times: int = 1) -> None:
        self._answers.append(_AnswerFault(method.lower(), chat_id, 0.0, True, times))

    def storm(
        self,
        method: str,
        seconds: float = math.inf,
        *,
        rate: float = 1.0,
        code: int = 502,
        description: str = "Bad Gateway",
    ) -> None:
        self._storms.append(
            _Storm(method.lower(), ApiError(code, description), time.monotonic() + seconds, rate)
        )

    def calm(self) -> None:
        """End every storm and answer fault."""
        self._answers.clear()
        self._storms.clear()

    def storm_error(self, method: str, now: float) -> ApiError | None:
        """The 5xx to answer instead of handling the call, if a storm is on."""
        for storm in self._storms:
            hit = storm.rate >= 1.0 or self._random.random() < storm.rate
            if storm.method == method and now < storm.until and hit:
                self.storm_errors += 1
                return storm.error
        return None

    def answer_fault(self, method: str, chat_id: int | None) -> _AnswerFault | None:
        """The fault for the answer of a handled call (counted down), if any."""
        for fault in self._answers:
            if fault.method == method and fault.chat_id in (None, chat_id):
                if fault.rate < 1.0 and self._random.random() >= fault.rate:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._answers.remove(fault)
                if fault.drop:
                    self.dropped_answers += 1
                else:
                    self.delayed_answers += 1
                return fault
        return None


@dataclass(slots=True)
class Stats:
    """Counters of what the fake answered."""

    limit_429s: int = 0  # 429s answered because an enforced limit was exceeded
    injected_429s: int = 0  # 429s answered because a test asked for one
    premature_retries: int = 0  # requests that came before an earlier retry_after ran out
    sends_ok: int = 0


# --------------------------------------------------------------------------- object builders


def user(user_id: int, first_name: str = "Test", username: str | None = None) -> dict[str, Any]:
    """A Telegram ``User``."""
    result: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": "en",
    }
    result["username"] = username or f"user{user_id}"
    return result


def private_chat(user_id: int, first_name: str = "Test") -> dict[str, Any]:
    return {
        "id": user_id,
        "type": "private",
        "first_name": first_name,
        "username": f"user{user_id}",
    }


def group_chat(chat_id: int, title: str = "Test group", supergroup: bool = True) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}


def channel_chat(chat_id: int, title: str = "Test channel") -> dict[str, Any]:
    return {"id": chat_id, "type": "channel", "title": title}


def chat_member(member: dict[str, Any], status: str) -> dict[str, Any]:
    """A full ``ChatMember`` object of the given status, every required field filled."""
    if status == "creator":
        return {"status": "creator", "user": member, "is_anonymous": False}
    if status == "administrator":
        rights = dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            ),
            True,
        )
        return {
            "status": "administrator",
            "user": member,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            **rights,
        }
    if status == "restricted":
        permissions = dict.fromkeys(
            (
                "can_send_messages",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_manage_topics",
            ),
            False,
        )
        return {
            "status": "restricted",
            "user": member,
            "is_member": True,
            "until_date": 0,
            **permissions,
        }
    if status == "kicked":
        return {"status": "kicked", "user": member, "until_date": 0}
    if status in ("member", "left"):
        return {"status": status, "user": member}
    raise ValueError(f"unknown chat member status {status!r}")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds to a message that starts with ``/``."""
    if not text.startswith("/"):
        return []
    length = len(text.split(maxsplit=1)[0])
    # Offsets and lengths are in UTF-16 code units.
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(text[:length])}]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_html_to_text(text: str) -> str:
    """Parse ``parse_mode=HTML`` text like Telegram: the visible text, or ApiError(400)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        chunk = text[pos:] if lt < 0 else text[pos:lt]
        out.append(html.unescape(chunk))
        if lt < 0:
            break
        match = _TAG_RE.match(text, lt)
        if match is None:
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset '
                f"{len(text[:lt].encode())}",
            )
        closing, name, _attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in _ALLOWED_TAGS:
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte '
                f"offset {len(text[:lt].encode())}",
            )
        if closing:
            if not stack or stack[-1] != name:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                    f'{len(text[:lt].encode())}, expected "</{stack[-1] if stack else ""}>", '
                    f'found "</{name}>"',
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start "
            f'tag "{stack[-1]}"',
        )
    return "".join(out)


# --------------------------------------------------------------------------- the server


class FakeBotAPI:
    """The fake server and its state. Thread-safe; start with ``start()`` or ``with``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        bot_username: str = "summit_test_bot",
        validate_html: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.limits = limits
        self.validate_html = validate_html
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else BOT_USER_ID,
            "is_bot": True,
            "first_name": "Summit Digest",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.stats = Stats()
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._sent: list[SentMessage] = []
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}
        self._failures: list[_Failure] = []
        self._penalties: dict[int | None, float] = {}
        self._buckets: dict[tuple[str, int], _Bucket] = {}
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._webhook: dict[str, Any] = {}
        self._hooks: list[tuple[str, Callable[[dict[str, Any]], None]]] = []
        self.faults = Faults()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook_thread: threading.Thread | None = None
        self._stopping = False
        self._started = time.monotonic()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeBotAPI:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = _Server((self.host, self.port), handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The Bot API server root: what ``TELEGRAM_API_URL`` should be set to."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What python-telegram-bot's ``base_url`` should be (the token is appended)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ------------------------------------------------------------------ configuration

    def set_limits(self, limits: Limits | None) -> None:
        """Enforce Telegram's flood limits (``Limits()``), or stop enforcing them (None)."""
        with self._cond:
            self.limits = limits
            self._buckets.clear()

    def add_chat(self, chat: dict[str, Any]) -> None:
        with self._cond:
            self._chats[int(chat["id"])] = chat

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every message to the chat fails with 403 (the user blocked the bot)."""
        if description is None:
            description = (
                "Forbidden: bot was blocked by the user"
                if chat_id > 0
                else "Forbidden: bot was kicked from the supergroup chat"
            )
        with self._cond:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.pop(chat_id, None)

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """Messages to ``chat_id`` fail with 400 and ``migrate_to_chat_id``."""
        with self._cond:
            self._migrated[chat_id] = new_chat_id
            old = self._chats.get(chat_id, group_chat(chat_id, supergroup=False))
            self._chats[new_chat_id] = {**old, "id": new_chat_id, "type": "supergroup"}

    def fail_next(
        self,
        method: str = "sendMessage",
        *,
        retry_after: int = 1,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with 429.

        Until ``retry_after`` seconds have passed, further sends in the same scope (that chat,
        or every chat when no chat is given) get 429 again and count as premature retries.
        """
        with self._cond:
            self._failures.append(
                _Failure(
                    method.lower(), chat_id, too_many_requests(retry_after), times, retry_after
                )
            )

    def fail_with(
        self,
        method: str,
        code: int,
        description: str,
        *,
        chat_id: int | None = None,
        times: int = 1,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with any error (500, 502, 400...)."""
        with self._cond:
            self._failures.append(
                _Failure(
                    method.lower(), chat_id, ApiError(code, description, parameters), times, 0.0
                )
            )

    def on_call(self, method: str, hook: Callable[[dict[str, Any]], None]) -> None:
        """Run ``hook(params)`` on the server thread when a call of ``method`` arrives, before
        it is answered (e.g. to kill the bot while Telegram holds its message)."""
        with self._cond:
            self._hooks.append((method.lower(), hook))

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """``getChatMember`` answers this status: creator, administrator, member, left..."""
        chat_member({}, status)  # validates the status
        with self._cond:
            self._members[(chat_id, user_id)] = status

    # ------------------------------------------------------------------ updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update (its ``update_id`` is assigned here) and return the id."""
        with self._cond:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    def text_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        title: str = "Test group",
    ) -> dict[str, Any]:
        """An update with a text message from a user; commands get their entity.

        ``chat_type`` defaults to "private" for positive ids and "supergroup" for negative.
        """
        sender_id = user_id if user_id is not None else chat_id
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        if kind == "private":
            chat = private_chat(chat_id)
        elif kind == "channel":
            chat = channel_chat(chat_id, title)
        else:
            chat = group_chat(chat_id, title, supergroup=kind == "supergroup")
        self.add_chat(chat)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if kind != "channel":
            message["from"] = user(sender_id)
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        return {"channel_post" if kind == "channel" else "message": message}

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> int:
        """Push a text message update (see ``text_message``); returns its update id."""
        return self.push_update(self.text_message(chat_id, text, **kwargs))

    def callback_query(
        self,
        message: SentMessage,
        *,
        data: str | None = None,
        text: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """An update pressing an inline keyboard button of a message the bot sent.

        The button is chosen by its ``callback_data`` or its visible ``text`` (substring).
        """
        buttons = message.buttons()
        chosen: dict[str, Any] | None = None
        for button in buttons:
            if data is not None and button.get("callback_data") == data:
                chosen = button
                break
            if text is not None and text in str(button.get("text", "")):
                chosen = button
                break
        if chosen is None or "callback_data" not in chosen:
            raise LookupError(f"no button {data or text!r} in {buttons!r}")
        sender_id = user_id if user_id is not None else message.chat_id
        with self._cond:
            query_id = str(next(self._callback_ids))
        return {
            "callback_query": {
                "id": query_id,
                "from": user(sender_id),
                "message": message.message,
                "chat_instance": str(abs(message.chat_id)),
                "data": chosen["callback_data"],
            }
        }

    def press_button(self, message: SentMessage, **kwargs: Any) -> int:
        """Push a ``callback_query`` update (see ``callback_query``); returns its update id."""
        return self.push_update(self.callback_query(message, **kwargs))

    def my_chat_member(
        self,
        chat: dict[str, Any],
        *,
        old_status: str = "left",
        new_status: str = "member",
        user_id: int = 1,
    ) -> dict[str, Any]:
        """An update saying the bot's status in ``chat`` changed (added, removed, blocked)."""
        self.add_chat(chat)
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user(user_id),
                "date": int(time.time()),
                "old_chat_member": chat_member(self.bot_user, old_status),
                "new_chat_member": chat_member(self.bot_user, new_status),
            }
        }

    @property
    def pending_updates(self) -> int:
        """Updates not confirmed yet by a later ``getUpdates`` offset (or webhook delivery)."""
        with self._cond:
            return len(self._updates)

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            if method is None:
                return list(self._calls)
            return [call for call in self._calls if call.method.lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot posted successfully, oldest first."""
        with self._cond:
            if chat_id is None:
                return list(self._sent)
            return [message for message in self._sent if message.chat_id == chat_id]

    def clear(self) -> None:
        """Forget recorded calls and messages (not the chats and their settings)."""
        with self._cond:
            self._calls.clear()
            self._sent.clear()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until ``condition()`` (called with the state lock held) is true."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.5))
            return True

    def wait_for_message(
        self,
        predicate: Callable[[SentMessage], bool] = lambda message: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> SentMessage:
        """The first sent message (from index ``after``) matching; TimeoutError otherwise."""
        found: list[SentMessage] = []

        def check() -> bool:
            for message in self._sent[after:]:
                if predicate(message):
                    found.append(message)
                    return True
            return False

        if not self.wait_until(check, timeout):
            raise TimeoutError(
                f"no matching message within {timeout}s; sent: "
                + "; ".join(f"{m.chat_id}: {m.plain_text[:80]!r}" for m in self.sent()[-10:])
            )
        return found[0]

    def wait_for_messages(
        self,
        predicate: Callable[[SentMessage], bool],
        count: int,
        *,
        timeout: float = 10.0,
    ) -> list[SentMessage]:
        """Wait until at least ``count`` sent messages match; TimeoutError otherwise."""

        def matching() -> list[SentMessage]:
            return [message for message in self._sent if predicate(message)]

        if not self.wait_until(lambda: len(matching()) >= count, timeout):
            raise TimeoutError(f"only {len(self.sent())} messages within {timeout}s")
        with self._cond:
            return matching()

    def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> Call:
        """The first answered call of ``method`` (from index ``after`` of ``calls()``)
        matching; TimeoutError otherwise."""
        found: list[Call] = []

        def check() -> bool:
            for call in self._calls[after:]:
                if call.status and call.method.lower() == method.lower() and predicate(call):
                    found.append(call)
                    return True
            return False

        if not self.wait_until(check, timeout):
            raise TimeoutError(f"no matching {method} call within {timeout}s")
        return found[0]

    def next_reply(self, chat_id: int, after: int, *, timeout: float = 10.0) -> SentMessage:
        """The first message to ``chat_id`` among those sent after index ``after``."""
        return self.wait_for_message(lambda m: m.chat_id == chat_id, timeout=timeout, after=after)

    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """The command lists set with ``setMyCommands``, keyed by scope type + language."""
        with self._cond:
            return dict(self._commands)

    def snapshot(self) -> dict[str, Any]:
        """Counters and totals, as the ``/_fake/stats`` control endpoint reports them."""
        with self._cond:
            return {
                "limit_429s": self.stats.limit_429s,
                "injected_429s": self.stats.injected_429s,
                "premature_retries": self.stats.premature_retries,
                "sends_ok": self.stats.sends_ok,
                "calls": len(self._calls),
                "chats_reached": len({message.chat_id for message in self._sent}),
                "max_copies": max(
                    Counter((message.chat_id, message.text) for message in self._sent).values(),
                    default=0,
                ),
                "limits": self.limits is not None,
                "delayed_answers": self.faults.delayed_answers,
                "dropped_answers": self.faults.dropped_answers,
                "storm_errors": self.faults.storm_errors,
            }

    def control(self, action: str, query: str) -> dict[str, Any]:
        """Out-of-band control when the fake runs in another process (``/_fake/<action>``):
        ``stats``; ``limits?on=1`` or ``limits?on=0``; ``clear`` (forget calls, counters);
        ``faults?hold=0.1&seconds=6&errors=0.05`` (hold back the answers of 10% of the sends
        for 6 s after posting them, answer 5% with 502) or ``faults`` (no faults)."""
        options = dict(parse_qsl(query))
        if action == "limits":
            self.set_limits(Limits() if options.get("on", "1") not in ("0", "false") else None)
        elif action == "faults":
            with self._cond:
                self.faults.calm()
                if float(options.get("hold", 0)) > 0:
                    self.faults.hold_answers(
                        "sendMessage",
                        float(options.get("seconds", 6)),
                        rate=float(options["hold"]),
                    )
                if float(options.get("errors", 0)) > 0:
                    self.faults.storm("sendMessage", rate=float(options["errors"]))
        elif action == "clear":
            with self._cond:
                self._calls.clear()
                self._sent.clear()
                self.stats = Stats()
                self.faults = Faults()
        elif action != "stats":
            return {"ok": False, "description": f"unknown control action {action!r}"}
        return {"ok": True, "result": self.snapshot()}

    # ------------------------------------------------------------------ request handling

    def handle(
        self, token: str, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        """Answer one call: (HTTP status, JSON body). Runs on a server thread."""
        arrived = time.monotonic()
        handler = _METHODS.get(method.lower())
        call = Call(
            method=handler[0] if handler else method, params=params, at=arrived, files=files
        )
        with self._cond:  # recorded on arrival: a long poll shows while it waits
            self._calls.append(call)
            self._cond.notify_all()
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            with self._cond:
                hooks = [hook for name, hook in self._hooks if name == method.lower()]
            for hook in hooks:
                hook(params)
            with self._cond:
                stormed = self.faults.storm_error(method.lower(), arrived)
            if stormed is not None:
                raise stormed
            result = handler[1](self, params, files)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.code, exc.payload()
        with self._cond:
            call.status, call.response = status, body
            # Answer faults hit calls that were carried out (Telegram has the message).
            fault = (
                self.faults.answer_fault(method.lower(), _chat_key(params.get("chat_id")))
                if status == 200
                else None
            )
            self._cond.notify_all()
        if fault is not None and fault.drop:
            return DROP_CONNECTION, body
        if fault is not None:
            time.sleep(fault.delay)  # this server thread only; the message is already posted
        return status, body

    def _next_message_id(self, chat_id: int) -> int:
        with self._cond:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise ApiError(400, "Bad Request: chat not found")
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None:
                # Any chat is known: positive ids are users, negative ids are supergroups.
                chat = private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)
                self._chats[chat_id] = chat
            return chat

    def _check_send(self, method: str, chat_id: int) -> None:
        """Blocked/migrated chats, injected failures, penalties and flood limits."""
        now = time.monotonic()
        with self._cond:
            if chat_id in self._migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self._migrated[chat_id]},
                )
            if chat_id in self._blocked:
                raise ApiError(403, self._blocked[chat_id])
            for failure in self._failures:
                if failure.method == method and failure.chat_id in (None, chat_id):
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                    if failure.error.code == 429:
                        self.stats.injected_429s += 1
                        self._penalties[failure.chat_id] = now + failure.penalty
                    raise failure.error
            for scope in (None, chat_id):
                until = self._penalties.get(scope, 0.0)
                if now < until:
                    self.stats.premature_retries += 1
                    raise too_many_requests(max(1, math.ceil(until - now)))
            if self.limits is not None and method in _SEND_METHODS:
                self._take_tokens(chat_id, now)

    def _take_tokens(self, chat_id: int, now: float) -> None:
        limits = self.limits
        assert limits is not None
        buckets = [self._bucket("global", 0, limits.global_per_second, limits.global_burst, now)]
        buckets.append(
            self._bucket("chat", chat_id, limits.chat_per_second, limits.chat_burst, now)
        )
        if chat_id < 0:
            buckets.append(
                self._bucket(
                    "group", chat_id, limits.group_per_minute / 60.0, limits.group_burst, now
                )
            )
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            self.stats.limit_429s += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take()

    def _bucket(self, kind: str, key: int, rate: float, burst: float, now: float) -> _Bucket:
        bucket = self._buckets.get((kind, key))
        if bucket is None:
            bucket = self._buckets[(kind, key)] = _Bucket(rate, burst, now)
        return bucket

    def _store_message(
        self,
        method: str,
        chat: dict[str, Any],
        raw_text: str,
        params: dict[str, Any],
        extra: dict[str, Any],
        document: UploadedFile | None = None,
    ) -> dict[str, Any]:
        chat_id = int(chat["id"])
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")},
            **extra,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        record = SentMessage(
            method=method,
            chat_id=chat_id,
            message_id=message["message_id"],
            text=raw_text,
            params=params,
            message=message,
            at=time.monotonic(),
            document=document,
        )
        with self._cond:
            self._sent.append(record)
            self._messages[(chat_id, record.message_id)] = record
            self.stats.sends_ok += 1
            self._cond.notify_all()
        return message

    def _render(self, text: Any, parse_mode: Any, limit: int, empty: str) -> str:
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, empty)
        plain = (
            telegram_html_to_text(text)
            if self.validate_html and str(parse_mode or "").upper() == "HTML"
            else text
        )
        if not plain.strip():
            raise ApiError(400, empty)
        if _utf16_len(plain) > limit:
            raise ApiError(
                400,
                "Bad Request: message is too long"
                if limit == MAX_MESSAGE_LENGTH
                else "Bad Request: message caption is too long",
            )
        return plain

    # ------------------------------------------------------------------ methods

    def _get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return dict(self.bot_user)

    def _log_out(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = params.get("url")
        if not isinstance(url, str) or not url:
            return self._delete_webhook(params, files)
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        with self._cond:
            self._webhook = {
                "url": url,
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
            if params.get("drop_pending_updates"):
                self._updates.clear()
            if self._webhook_thread is None or not self._webhook_thread.is_alive():
                self._webhook_thread = threading.Thread(target=self._push_webhook, daemon=True)
                self._webhook_thread.start()
            self._cond.notify_all()
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            self._webhook = {}
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._cond.notify_all()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
            return info

    def _get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        offset = _int(params.get("offset"), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        timeout = max(_int(params.get("timeout"), 0), 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            while True:
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    ready = self._updates[:limit]
                elif offset < 0:
                    ready = self._updates[offset:][:limit]
                else:
                    ready = self._updates[:limit]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self._stopping:
                    return [dict(update) for update in ready]
                self._cond.wait(remaining)

    def _push_webhook(self) -> None:
        """Deliver queued updates to the webhook, one at a time, as Telegram does."""
        while True:
            with self._cond:
                while not self._stopping and not (self._webhook and self._updates):
                    self._cond.wait(0.5)
                if self._stopping:
                    return
                update, hook = self._updates[0], dict(self._webhook)
            request = urllib.request.Request(
                hook["url"], data=json.dumps(update).encode(), method="POST"
            )
            request.add_header("Content-Type", "application/json")
            if hook.get("secret_token"):
                request.add_header("X-Telegram-Bot-Api-Secret-Token", hook["secret_token"])
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    delivered = 200 <= response.status < 300
            except (urllib.error.URLError, OSError):
                delivered = False
            with self._cond:
                if delivered and self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                    self._cond.notify_all()
            if not delivered:
                time.sleep(0.5)

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self._commands[_scope_key(params)] = commands
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            return self._commands.get(_scope_key(params), [])

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            self._commands.pop(_scope_key(params), None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = params.get("chat_id")
        button = params.get("menu_button") or {"type": "default"}
        with self._cond:
            self._menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
        return True

    def _get_chat_menu_button(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = params.get("chat_id")
        with self._cond:
            return self._menu_buttons.get(
                chat_id if isinstance(chat_id, int) else None, {"type": "commands"}
            )

    def _send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat(params.get("chat_id"))
        text = params.get("text")
        plain = self._render(
            text, params.get("parse_mode"), MAX_MESSAGE_LENGTH, "Bad Request: message text is empty"
        )
        self._check_send("sendmessage", int(chat["id"]))
        return self._store_message("sendMessage", chat, str(text), params, {"text": plain})

    def _send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat(params.get("chat_id"))
        document = params.get("document")
        upload: UploadedFile | None = None
        if isinstance(document, str) and document.startswith("attach://"):
            upload = files.get(document.removeprefix("attach://"))
        elif "document" in files:
            upload = files["document"]
        if upload is None and not (isinstance(document, str) and document):
            raise ApiError(400, "Bad Request: there is no document in the request")
        extra: dict[str, Any] = {
            "document": {
                "file_id": f"DOC{len(self._sent) + 1}",
                "file_unique_id": f"U{len(self._sent) + 1}",
                "file_name": upload.filename if upload else "file",
                "mime_type": upload.content_type if upload else "application/octet-stream",
                "file_size": len(upload.data) if upload else 0,
            }
        }
        caption = params.get("caption")
        if caption:
            extra["caption"] = self._render(
                caption, params.get("parse_mode"), MAX_CAPTION_LENGTH, "Bad Request: caption"
            )
        self._check_send("senddocument", int(chat["id"]))
        return self._store_message(
            "sendDocument", chat, str(caption or ""), params, extra, document=upload
        )

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if params.get("inline_message_id"):
            return True
        chat = self._chat(params.get("chat_id"))
        message_id = _int(params.get("message_id"), 0)
        with self._cond:
            record = self._messages.get((int(chat["id"]), message_id))
        if record is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = params.get("text")
        plain = self._render(
            text, params.get("parse_mode"), MAX_MESSAGE_LENGTH, "Bad Request: message text is empty"
        )
        markup = params.get("reply_markup")
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        with self._cond:
            if plain == record.message.get("text") and new_markup == record.message.get(
                "reply_markup"
            ):
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            record.message = {**record.message, "text": plain, "edit_date": int(time.time())}
            record.message.pop("reply_markup", None)
            if new_markup is not None:
                record.message["reply_markup"] = new_markup
            record.text = str(text)
            self._cond.notify_all()
            return dict(record.message)

    def _edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat = self._chat(params.get("chat_id"))
        with self._cond:
            record = self._messages.get((int(chat["id"]), _int(params.get("message_id"), 0)))
            if record is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = params.get("reply_markup")
            record.message = {**record.message, "edit_date": int(time.time())}
            record.message.pop("reply_markup", None)
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                record.message["reply_markup"] = markup
            return dict(record.message)

    def _delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    def _get_chat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat(params.get("chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat = self._chat(params.get("chat_id"))
        user_id = _int(params.get("user_id"), 0)
        if user_id <= 0:
            raise ApiError(400, "Bad Request: invalid user_id specified")
        chat_id = int(chat["id"])
        if user_id == self.bot_user["id"]:
            return chat_member(self.bot_user, self._members.get((chat_id, user_id), "member"))
        default = "member"
        with self._cond:
            status = self._members.get((chat_id, user_id), default)
        return chat_member(user(user_id), status)

    def _get_chat_administrators(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat = self._chat(params.get("chat_id"))
        chat_id = int(chat["id"])
        if chat.get("type") == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        with self._cond:
            admins = [
                (user_id, status)
                for (member_chat, user_id), status in self._members.items()
                if member_chat == chat_id and status in ("creator", "administrator")
            ]
        return [
            chat_member(self.bot_user if uid == self.bot_user["id"] else user(uid), status)
            for uid, status in admins
        ]


def _chat_key(value: Any) -> int | None:
    """A ``chat_id`` parameter as the int faults are keyed by (None for anything else)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return default


def _scope_key(params: dict[str, Any]) -> str:
    scope = params.get("scope")
    kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
    chat = f":{scope.get('chat_id')}" if isinstance(scope, dict) and "chat_id" in scope else ""
    return f"{kind}{chat}:{params.get('language_code') or ''}"


_Method = Callable[[FakeBotAPI, dict[str, Any], dict[str, UploadedFile]], Any]
_METHODS: dict[str, tuple[str, _Method]] = {
    name.lower(): (name, function)
    for name, function in {
        "getMe": FakeBotAPI._get_me,
        "logOut": FakeBotAPI._log_out,
        "close": FakeBotAPI._log_out,
        "setWebhook": FakeBotAPI._set_webhook,
        "deleteWebhook": FakeBotAPI._delete_webhook,
        "getWebhookInfo": FakeBotAPI._get_webhook_info,
        "getUpdates": FakeBotAPI._get_updates,
        "setMyCommands": FakeBotAPI._set_my_commands,
        "getMyCommands": FakeBotAPI._get_my_commands,
        "deleteMyCommands": FakeBotAPI._delete_my_commands,
        "setChatMenuButton": FakeBotAPI._set_chat_menu_button,
        "getChatMenuButton": FakeBotAPI._get_chat_menu_button,
        "sendMessage": FakeBotAPI._send_message,
        "sendDocument": FakeBotAPI._send_document,
        "editMessageText": FakeBotAPI._edit_message_text,
        "editMessageReplyMarkup": FakeBotAPI._edit_message_reply_markup,
        "deleteMessage": FakeBotAPI._delete_message,
        "answerCallbackQuery": FakeBotAPI._answer_callback_query,
        "getChat": FakeBotAPI._get_chat,
        "getChatMember": FakeBotAPI._get_chat_member,
        "getChatAdministrators": FakeBotAPI._get_chat_administrators,
    }.items()
}


# --------------------------------------------------------------------------- HTTP layer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog: many clients connect at once


class _Handler(BaseHTTPRequestHandler):
    """Decodes a Bot API request and writes the JSON answer (HTTP/1.1, keep-alive)."""

    api: FakeBotAPI
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed ACK
    server_version = "nginx/1.18.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if parts.path.startswith("/_fake/"):
            self._reply(200, self.api.control(parts.path.removeprefix("/_fake/"), parts.query))
            return
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)/?", parts.path)
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params, files = _decode_body(self.headers.get("Content-Type", ""), body)
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            params.setdefault(key, _decode_value(key, value))
        status, answer = self.api.handle(match.group(1), match.group(2), params, files)
        if status == DROP_CONNECTION:  # a connection lost before the answer
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._reply(status, answer)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if kind == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return decoded, {}
    if kind == "multipart/form-data":
        return _decode_multipart(content_type, body)
    text = body.decode("utf-8")
    return {key: _decode_value(key, value) for key, value in parse_qsl(text)}, {}


def _decode_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if not message.is_multipart():
        raise ValueError("bad multipart body")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = UploadedFile(name, filename, part.get_content_type(), data)
        else:
            params[name] = _decode_value(name, data.decode("utf-8"))
    return params, files


# --------------------------------------------------------------------------- script


def _serve_forever(api: FakeBotAPI) -> None:
    print(f"Fake Bot API on {api.url} (token {api.token}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    args = parser.parse_args(argv)
    api = FakeBotAPI(args.token, host=args.host, port=args.port)
    if args.limits:
        api.set_limits(Limits())
    with api:
        _serve_forever(api)
    return 0


def iter_texts(messages: list[SentMessage]) -> Iterator[str]:
    """The plain texts of messages, for readable assertions."""
    return (message.plain_text for message in messages)


if __name__ == "__main__":
    raise SystemExit(main())
