"""A chat's settings states, shared by the services, the ORM models and the migrations."""

from __future__ import annotations

from enum import StrEnum


class ChatKind(StrEnum):
    """The kinds of Telegram chat the bot posts to (Telegram's ``Chat.type``)."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"

    @classmethod
    def of(cls, chat_id: int, given: str | None = None) -> ChatKind:
        """The kind Telegram gave, else what the id tells: users' ids are positive."""
        if given:
            return cls(given)
        return cls.PRIVATE if chat_id > 0 else cls.GROUP

    @property
    def is_group(self) -> bool:
        return self in (ChatKind.GROUP, ChatKind.SUPERGROUP)


class Frequency(StrEnum):
    """How often a chat gets its digest."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class FollowKind(StrEnum):
    """What a follow names. Follows added by /follow match any of them (``any``)."""

    PERSON = "person"
    COUNTRY = "country"
    SUMMIT = "summit"
    ANY = "any"
