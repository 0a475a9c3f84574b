"""Telegram Bot API objects as JSON dicts, the way Telegram sends them.

Two stand-ins for Telegram build these: the console chat (``console.ConsoleRequest``, shipped)
and the fake Bot API server of the tests (``tests/fakes/bot_api``). They live here, in the
package, so that both answer with the same objects, every field python-telegram-bot requires
filled: the tests cannot be imported from the package, the package can from the tests.
"""

from __future__ import annotations

from typing import Any

# The rights of an administrator in ``chat_member``: all granted but promoting others.
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
# The permissions of a restricted member in ``chat_member``: all withdrawn.
_RESTRICTED_PERMISSIONS = (
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
    "can_edit_tag",
    "can_react_to_messages",
)


def utf16_len(text: str) -> int:
    """The length Telegram counts (entity offsets, message limits): UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def user(user_id: int, first_name: str = "Test", username: str | None = None) -> dict[str, Any]:
    """A Telegram ``User`` (a person, not a bot)."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": "en",
        "username": username or f"user{user_id}",
    }


def bot_user(user_id: int, username: str, first_name: str) -> dict[str, Any]:
    """The ``User`` that ``getMe`` answers for a bot."""
    return {
        "id": user_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat(
    user_id: int, first_name: str = "Test", username: str | None = None
) -> dict[str, Any]:
    return {
        "id": user_id,
        "type": "private",
        "first_name": first_name,
        "username": username or f"user{user_id}",
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
        return {
            "status": "administrator",
            "user": member,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            **dict.fromkeys(_ADMIN_RIGHTS, True),
        }
    if status == "restricted":
        return {
            "status": "restricted",
            "user": member,
            "is_member": True,
            "until_date": 0,
            **dict.fromkeys(_RESTRICTED_PERMISSIONS, False),
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
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
