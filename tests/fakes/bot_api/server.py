"""``FakeBotAPI``: the fake server a test starts, configures, feeds updates and inspects.

It holds small collaborators, one per job: ``transport`` (HTTP), ``BotMethods`` (what each
Bot API method does, with the chats and messages Telegram keeps), ``UpdateQueue`` (updates
and the webhook), ``SendGate`` (blocked chats, injected failures, flood limits) and ``Faults``
(the network's). They share one lock, the condition ``_cond`` that waits are woken by.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.telegram.objects import bot_user as bot_user_object
from bot.telegram.objects import channel_chat, chat_member, group_chat, private_chat
from tests.fakes.bot_api.faults import Faults
from tests.fakes.bot_api.limits import Limits, SendGate
from tests.fakes.bot_api.methods import BotMethods
from tests.fakes.bot_api.records import (
    ApiError,
    Call,
    SentMessage,
    Stats,
    UploadedFile,
    too_many_requests,
)
from tests.fakes.bot_api.transport import DROP_CONNECTION, make_server
from tests.fakes.bot_api.updates import (
    UpdateQueue,
    callback_query_update,
    chosen_button,
    my_chat_member_update,
    text_message_update,
)

DEFAULT_TOKEN = "123456:TEST-fake-token-for-tests-only"
BOT_USER_ID = 123456


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
        user_id = token.split(":", 1)[0]
        self.bot_user = bot_user_object(
            int(user_id) if user_id.isdigit() else BOT_USER_ID, bot_username, "Summit Digest"
        )
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._callback_ids = itertools.count(1)
        self._hooks: list[tuple[str, Callable[[dict[str, Any]], None]]] = []
        self._gate = SendGate(limits)
        self._updates = UpdateQueue(self._cond)
        self._telegram = BotMethods(
            self._cond, self.bot_user, self._gate, self._updates, validate_html=validate_html
        )
        self.faults = Faults()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeBotAPI:
        self._server = make_server(self, self.host, self.port)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._updates.close()
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

    @property
    def limits(self) -> Limits | None:
        """The flood limits enforced (None: none)."""
        return self._gate.limits

    @property
    def validate_html(self) -> bool:
        return self._telegram.validate_html

    @property
    def stats(self) -> Stats:
        return self._telegram.stats

    def set_limits(self, limits: Limits | None) -> None:
        """Enforce Telegram's flood limits (``Limits()``), or stop enforcing them (None)."""
        with self._cond:
            self._gate.set_limits(limits)

    def add_chat(self, chat: dict[str, Any]) -> None:
        self._telegram.add_chat(chat)

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every message to the chat fails with 403 (the user blocked the bot)."""
        if description is None:
            description = (
                "Forbidden: bot was blocked by the user"
                if chat_id > 0
                else "Forbidden: bot was kicked from the supergroup chat"
            )
        with self._cond:
            self._gate.blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._gate.blocked.pop(chat_id, None)

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """Messages to ``chat_id`` fail with 400 and ``migrate_to_chat_id``."""
        with self._cond:
            self._gate.migrated[chat_id] = new_chat_id
            chats = self._telegram.chats
            old = chats.get(chat_id, group_chat(chat_id, supergroup=False))
            chats[new_chat_id] = {**old, "id": new_chat_id, "type": "supergroup"}

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
            self._gate.fail_next(
                method,
                too_many_requests(retry_after),
                chat_id=chat_id,
                times=times,
                penalty=retry_after,
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
            self._gate.fail_next(
                method,
                ApiError(code, description, parameters),
                chat_id=chat_id,
                times=times,
                penalty=0.0,
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
            self._telegram.members[(chat_id, user_id)] = status

    # ------------------------------------------------------------------ updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update (its ``update_id`` is assigned here) and return the id."""
        return self._updates.push(update)

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
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        if kind == "private":
            chat = private_chat(chat_id)
        elif kind == "channel":
            chat = channel_chat(chat_id, title)
        else:
            chat = group_chat(chat_id, title, supergroup=kind == "supergroup")
        self.add_chat(chat)
        sender_id = user_id if user_id is not None else chat_id
        return text_message_update(chat, self._telegram.next_message_id(chat_id), text, sender_id)

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
        button = chosen_button(message, data=data, text=text)
        sender_id = user_id if user_id is not None else message.chat_id
        with self._cond:
            query_id = str(next(self._callback_ids))
        return callback_query_update(message, button, query_id, sender_id)

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
        return my_chat_member_update(chat, self.bot_user, old_status, new_status, user_id)

    @property
    def pending_updates(self) -> int:
        """Updates not confirmed yet by a later ``getUpdates`` offset (or webhook delivery)."""
        return self._updates.pending

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
                return list(self._telegram.sent)
            return [message for message in self._telegram.sent if message.chat_id == chat_id]

    def clear(self) -> None:
        """Forget recorded calls and messages (not the chats and their settings)."""
        with self._cond:
            self._calls.clear()
            self._telegram.sent.clear()

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
            for message in self._telegram.sent[after:]:
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
            return [message for message in self._telegram.sent if predicate(message)]

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
            return dict(self._telegram.commands)

    def snapshot(self) -> dict[str, Any]:
        """Counters and totals, as the ``/_fake/stats`` control endpoint reports them."""
        with self._cond:
            sent = self._telegram.sent
            return {
                "limit_429s": self.stats.limit_429s,
                "injected_429s": self.stats.injected_429s,
                "premature_retries": self.stats.premature_retries,
                "sends_ok": self.stats.sends_ok,
                "calls": len(self._calls),
                "chats_reached": len({message.chat_id for message in sent}),
                "max_copies": max(
                    Counter((message.chat_id, message.text) for message in sent).values(),
                    default=0,
                ),
                "limits": self._gate.limits is not None,
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
                self._telegram.sent.clear()
                self._telegram.stats = Stats()
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
        handler = self._telegram.find(method)
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
            result = handler[1](self._telegram, params, files)
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


def _chat_key(value: Any) -> int | None:
    """A ``chat_id`` parameter as the int faults are keyed by (None for anything else)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
