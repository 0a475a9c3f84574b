"""Updates: the queue ``getUpdates`` hands out (offsets confirm, ``timeout`` long-polls) or a
webhook set with ``setWebhook`` receives, and builders of the updates a test sends."""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from bot.telegram.objects import chat_member, command_entities, user
from tests.fakes.bot_api.records import ApiError, SentMessage


class UpdateQueue:
    """Queued updates and the webhook, guarded by the server's condition ``cond``."""

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._updates: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._webhook: dict[str, Any] = {}
        self._webhook_thread: threading.Thread | None = None
        self._closed = False

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its ``update_id`` is assigned here) and return the id."""
        with self._cond:
            update_id = next(self._ids)
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            return update_id

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._updates)

    def close(self) -> None:
        """Wake long polls and stop the webhook pusher (the server stops)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def get(self, offset: int, limit: int, timeout: int) -> list[dict[str, Any]]:
        """``getUpdates``: confirm those before ``offset``, wait up to ``timeout`` s for one."""
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
                if ready or remaining <= 0 or self._closed:
                    return [dict(update) for update in ready]
                self._cond.wait(remaining)

    def set_webhook(self, params: dict[str, Any]) -> None:
        """Start pushing updates to ``params["url"]`` (validated by the caller)."""
        with self._cond:
            self._webhook = {
                "url": params["url"],
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
            if params.get("drop_pending_updates"):
                self._updates.clear()
            if self._webhook_thread is None or not self._webhook_thread.is_alive():
                self._webhook_thread = threading.Thread(target=self._push_webhook, daemon=True)
                self._webhook_thread.start()
            self._cond.notify_all()

    def delete_webhook(self, drop_pending_updates: bool) -> None:
        with self._cond:
            self._webhook = {}
            if drop_pending_updates:
                self._updates.clear()
            self._cond.notify_all()

    def webhook_info(self) -> dict[str, Any]:
        with self._cond:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook.get("allowed_updates"):
                info["allowed_updates"] = self._webhook["allowed_updates"]
            return info

    def _push_webhook(self) -> None:
        """Deliver queued updates to the webhook, one at a time, as Telegram does."""
        while True:
            with self._cond:
                while not self._closed and not (self._webhook and self._updates):
                    self._cond.wait(0.5)
                if self._closed:
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


# --------------------------------------------------------------------------- builders


def text_message_update(
    chat: dict[str, Any], message_id: int, text: str, sender_id: int
) -> dict[str, Any]:
    """An update with a text message in ``chat`` (a channel post in a channel); commands get
    their entity."""
    channel = chat.get("type") == "channel"
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "text": text,
    }
    if not channel:
        message["from"] = user(sender_id)
    entities = command_entities(text)
    if entities:
        message["entities"] = entities
    return {"channel_post" if channel else "message": message}


def chosen_button(message: SentMessage, *, data: str | None, text: str | None) -> dict[str, Any]:
    """The button of ``message`` whose ``callback_data`` is ``data`` or whose visible text
    contains ``text``; LookupError if there is none."""
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
    return chosen


def callback_query_update(
    message: SentMessage, button: dict[str, Any], query_id: str, sender_id: int
) -> dict[str, Any]:
    """An update pressing ``button`` (see ``chosen_button``) of a message the bot sent."""
    return {
        "callback_query": {
            "id": query_id,
            "from": user(sender_id),
            "message": message.message,
            "chat_instance": str(abs(message.chat_id)),
            "data": button["callback_data"],
        }
    }


def my_chat_member_update(
    chat: dict[str, Any], bot: dict[str, Any], old_status: str, new_status: str, user_id: int
) -> dict[str, Any]:
    """An update saying the bot's status in ``chat`` changed (added, removed, blocked)."""
    return {
        "my_chat_member": {
            "chat": chat,
            "from": user(user_id),
            "date": int(time.time()),
            "old_chat_member": chat_member(bot, old_status),
            "new_chat_member": chat_member(bot, new_status),
        }
    }
