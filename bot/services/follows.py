"""Follows: a chat limits its digests and /next to events involving names it follows."""

from __future__ import annotations

from bot.services import chats as chat_service
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.store import repository

MAX_FOLLOWS = 50
MAX_NAME = 100


def clean_name(text: str) -> str:
    """A followed name as typed, tidied; raises InvalidInputError when it is unusable."""
    name = " ".join(text.split()).strip(" \"'“”‘’")
    if not name:
        raise InvalidInputError(
            "Whom should I follow? Give a leader, a country or a summit: /follow Xi Jinping"
        )
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"That name is too long (at most {MAX_NAME} characters).")
    if len(name) < 2:
        raise InvalidInputError("That name is too short to match anything. Try /follow APEC")
    return name


def follows(services: Services, chat_id: int) -> list[str]:
    """The names a chat follows, in the order it added them."""
    with services.session() as session:
        return repository.followed_names(session, chat_id)


def follow(services: Services, chat_id: int, text: str, chat_type: str | None = None) -> bool:
    """Follow a name; returns False when the chat already followed it."""
    name = clean_name(text)
    with services.session(write=True) as session:
        # A follow belongs to a chat: a chat seen for the first time is stored, unsubscribed.
        chat_service.ensure_chat(session, services, chat_id, chat_type)
        existing = repository.followed_names(session, chat_id)
        if any(value.casefold() == name.casefold() for value in existing):
            return False
        if len(existing) >= MAX_FOLLOWS:
            raise InvalidInputError(
                f"This chat already follows {MAX_FOLLOWS} names; /unfollow some first."
            )
        repository.add_follow(session, chat_id, name, services.now())
        return True


def unfollow(services: Services, chat_id: int, text: str) -> bool:
    """Stop following a name (case-insensitive); returns False when it was not followed."""
    name = clean_name(text)
    with services.session(write=True) as session:
        return repository.remove_follow(session, chat_id, name)
