"""Telegram's side of each Bot API method: the chats, members, messages, commands and menu
buttons it keeps, and what every method the bot calls does with them."""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.telegram.objects import chat_member, group_chat, private_chat, user
from tests.fakes.bot_api.limits import SendGate
from tests.fakes.bot_api.markup import MAX_CAPTION_LENGTH, MAX_MESSAGE_LENGTH, visible_text
from tests.fakes.bot_api.records import ApiError, SentMessage, Stats, UploadedFile
from tests.fakes.bot_api.updates import UpdateQueue

Params = dict[str, Any]
Files = dict[str, UploadedFile]


class BotMethods:
    """The state Telegram keeps for one bot and the methods over it.

    Every attribute is guarded by ``cond``, the server's lock, which the methods take
    themselves (they run on the server's request threads).
    """

    def __init__(
        self,
        cond: threading.Condition,
        bot_user: dict[str, Any],
        gate: SendGate,
        updates: UpdateQueue,
        *,
        validate_html: bool,
    ) -> None:
        self.cond = cond
        self.bot_user = bot_user
        self.gate = gate
        self.updates = updates
        self.validate_html = validate_html
        self.stats = Stats()
        self.sent: list[SentMessage] = []
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) → ChatMember status
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}

    def find(self, method: str) -> tuple[str, Callable[[BotMethods, Params, Files], Any]] | None:
        """The method's name as Telegram spells it and its implementation (any case)."""
        return METHODS.get(method.lower())

    # ------------------------------------------------------------------ state

    def next_message_id(self, chat_id: int) -> int:
        with self.cond:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1))
            return next(counter)

    def add_chat(self, chat: dict[str, Any]) -> None:
        with self.cond:
            self.chats[int(chat["id"])] = chat

    def chat(self, chat_id: Any) -> dict[str, Any]:
        """The chat of a ``chat_id`` parameter; any id is known (users > 0, groups < 0)."""
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise ApiError(400, "Bad Request: chat not found")
        with self.cond:
            chat = self.chats.get(chat_id)
            if chat is None:
                chat = private_chat(chat_id) if chat_id > 0 else group_chat(chat_id)
                self.chats[chat_id] = chat
            return chat

    def _check_send(self, method: str, chat_id: int) -> None:
        with self.cond:
            self.gate.check(method, chat_id, time.monotonic(), self.stats)

    def _render(self, text: Any, parse_mode: Any, limit: int, empty: str) -> str:
        return visible_text(text, parse_mode, limit, empty, validate=self.validate_html)

    def _store_message(
        self,
        method: str,
        chat: dict[str, Any],
        raw_text: str,
        params: Params,
        extra: dict[str, Any],
        document: UploadedFile | None = None,
    ) -> dict[str, Any]:
        chat_id = int(chat["id"])
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
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
        with self.cond:
            self.sent.append(record)
            self.messages[(chat_id, record.message_id)] = record
            self.stats.sends_ok += 1
            self.cond.notify_all()
        return message

    # ------------------------------------------------------------------ bot and updates

    def get_me(self, params: Params, files: Files) -> Any:
        return dict(self.bot_user)

    def log_out(self, params: Params, files: Files) -> Any:
        return True

    def set_webhook(self, params: Params, files: Files) -> Any:
        url = params.get("url")
        if not isinstance(url, str) or not url:
            return self.delete_webhook(params, files)
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.updates.set_webhook(params)
        return True

    def delete_webhook(self, params: Params, files: Files) -> Any:
        self.updates.delete_webhook(bool(params.get("drop_pending_updates")))
        return True

    def get_webhook_info(self, params: Params, files: Files) -> Any:
        return self.updates.webhook_info()

    def get_updates(self, params: Params, files: Files) -> Any:
        return self.updates.get(
            offset=_int(params.get("offset"), 0),
            limit=min(max(_int(params.get("limit"), 100), 1), 100),
            timeout=max(_int(params.get("timeout"), 0), 0),
        )

    # ------------------------------------------------------------------ commands and menu

    def set_my_commands(self, params: Params, files: Files) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self.cond:
            self.commands[_scope_key(params)] = commands
        return True

    def get_my_commands(self, params: Params, files: Files) -> Any:
        with self.cond:
            return self.commands.get(_scope_key(params), [])

    def delete_my_commands(self, params: Params, files: Files) -> Any:
        with self.cond:
            self.commands.pop(_scope_key(params), None)
        return True

    def set_chat_menu_button(self, params: Params, files: Files) -> Any:
        chat_id = params.get("chat_id")
        button = params.get("menu_button") or {"type": "default"}
        with self.cond:
            self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = button
        return True

    def get_chat_menu_button(self, params: Params, files: Files) -> Any:
        chat_id = params.get("chat_id")
        with self.cond:
            return self.menu_buttons.get(
                chat_id if isinstance(chat_id, int) else None, {"type": "commands"}
            )

    # ------------------------------------------------------------------ messages

    def send_message(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
        text = params.get("text")
        plain = self._render(
            text, params.get("parse_mode"), MAX_MESSAGE_LENGTH, "Bad Request: message text is empty"
        )
        self._check_send("sendmessage", int(chat["id"]))
        return self._store_message("sendMessage", chat, str(text), params, {"text": plain})

    def send_document(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
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
                "file_id": f"DOC{len(self.sent) + 1}",
                "file_unique_id": f"U{len(self.sent) + 1}",
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

    def edit_message_text(self, params: Params, files: Files) -> Any:
        if params.get("inline_message_id"):
            return True
        chat = self.chat(params.get("chat_id"))
        message_id = _int(params.get("message_id"), 0)
        with self.cond:
            record = self.messages.get((int(chat["id"]), message_id))
        if record is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = params.get("text")
        plain = self._render(
            text, params.get("parse_mode"), MAX_MESSAGE_LENGTH, "Bad Request: message text is empty"
        )
        markup = params.get("reply_markup")
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        with self.cond:
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
            self.cond.notify_all()
            return dict(record.message)

    def edit_message_reply_markup(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
        with self.cond:
            record = self.messages.get((int(chat["id"]), _int(params.get("message_id"), 0)))
            if record is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = params.get("reply_markup")
            record.message = {**record.message, "edit_date": int(time.time())}
            record.message.pop("reply_markup", None)
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                record.message["reply_markup"] = markup
            return dict(record.message)

    def delete_message(self, params: Params, files: Files) -> Any:
        return True

    def answer_callback_query(self, params: Params, files: Files) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    def get_chat(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
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

    def get_chat_member(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
        user_id = _int(params.get("user_id"), 0)
        if user_id <= 0:
            raise ApiError(400, "Bad Request: invalid user_id specified")
        chat_id = int(chat["id"])
        if user_id == self.bot_user["id"]:
            return chat_member(self.bot_user, self.members.get((chat_id, user_id), "member"))
        default = "member"
        with self.cond:
            status = self.members.get((chat_id, user_id), default)
        return chat_member(user(user_id), status)

    def get_chat_administrators(self, params: Params, files: Files) -> Any:
        chat = self.chat(params.get("chat_id"))
        chat_id = int(chat["id"])
        if chat.get("type") == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        with self.cond:
            admins = [
                (user_id, status)
                for (member_chat, user_id), status in self.members.items()
                if member_chat == chat_id and status in ("creator", "administrator")
            ]
        return [
            chat_member(self.bot_user if uid == self.bot_user["id"] else user(uid), status)
            for uid, status in admins
        ]


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


_Method = Callable[[BotMethods, Params, Files], Any]
METHODS: dict[str, tuple[str, _Method]] = {
    name.lower(): (name, function)
    for name, function in {
        "getMe": BotMethods.get_me,
        "logOut": BotMethods.log_out,
        "close": BotMethods.log_out,
        "setWebhook": BotMethods.set_webhook,
        "deleteWebhook": BotMethods.delete_webhook,
        "getWebhookInfo": BotMethods.get_webhook_info,
        "getUpdates": BotMethods.get_updates,
        "setMyCommands": BotMethods.set_my_commands,
        "getMyCommands": BotMethods.get_my_commands,
        "deleteMyCommands": BotMethods.delete_my_commands,
        "setChatMenuButton": BotMethods.set_chat_menu_button,
        "getChatMenuButton": BotMethods.get_chat_menu_button,
        "sendMessage": BotMethods.send_message,
        "sendDocument": BotMethods.send_document,
        "editMessageText": BotMethods.edit_message_text,
        "editMessageReplyMarkup": BotMethods.edit_message_reply_markup,
        "deleteMessage": BotMethods.delete_message,
        "answerCallbackQuery": BotMethods.answer_callback_query,
        "getChat": BotMethods.get_chat,
        "getChatMember": BotMethods.get_chat_member,
        "getChatAdministrators": BotMethods.get_chat_administrators,
    }.items()
}
