"""The Telegram objects both stand-ins answer with (``bot.telegram.objects``) are ones
python-telegram-bot reads as Telegram's: every required field is there."""

from __future__ import annotations

import pytest
from telegram import (
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberRestricted,
    Message,
    User,
)

from bot.telegram.objects import (
    bot_user,
    chat_member,
    command_entities,
    private_chat,
    user,
    utf16_len,
)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("creator", ChatMemberOwner),
        ("administrator", ChatMemberAdministrator),
        ("member", ChatMemberMember),
        ("restricted", ChatMemberRestricted),
        ("left", ChatMemberLeft),
        ("kicked", ChatMemberBanned),
    ],
)
def test_chat_member_of_every_status(status: str, kind: type[ChatMember]) -> None:
    member = ChatMember.de_json(chat_member(user(7), status), None)
    assert isinstance(member, kind)
    assert member.user.id == 7


def test_unknown_member_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown chat member status"):
        chat_member(user(7), "owner")


def test_bot_user_reads_as_a_bot() -> None:
    me = User.de_json(bot_user(100, "summit_digest_bot", "Summit"), None)
    assert me is not None and me.is_bot and me.username == "summit_digest_bot"


def test_command_entity_counts_utf16_code_units() -> None:
    text = "/next😀 tomorrow"  # the emoji is two UTF-16 code units
    (entity,) = command_entities(text)
    assert entity["length"] == utf16_len("/next😀") == 7
    assert command_entities("next") == []
    message = Message.de_json(
        {
            "message_id": 1,
            "date": 0,
            "chat": private_chat(5),
            "from": user(5),
            "text": text,
            "entities": [entity],
        },
        None,
    )
    assert message is not None
    assert message.parse_entities() == {message.entities[0]: "/next😀"}
