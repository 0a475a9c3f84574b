"""End to end: the real ``summit-bot run`` process against the fake Bot API, conversations.

The bot runs with ``BOT_NOW=2025-10-27T06:00:00Z`` on a database holding the seed article.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.fakes.bot_api import FakeBotAPI, SentMessage
from tests.fakes.bot_process import ADMIN_ID, BotHarness

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Converse = Callable[..., str]
USER = 4242
EXPECTED_COMMANDS = {
    "start",
    "help",
    "subscribe",
    "unsubscribe",
    "next",
    "upcoming",
    "digest",
    "settings",
    "timezone",
    "time",
    "follow",
    "unfollow",
    "following",
    "ics",
}


def _reply(api: FakeBotAPI, chat_id: int, text: str, **kwargs: object) -> SentMessage:
    before = len(api.sent())
    api.send_text(chat_id, text, **kwargs)
    return api.next_reply(chat_id, before, timeout=15)


def test_start_help_and_command_menu(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    api = harness.api
    call = api.wait_for_call("setMyCommands", timeout=15)
    names = {command["command"] for command in call.params["commands"]}
    assert names >= EXPECTED_COMMANDS, f"missing from the menu: {EXPECTED_COMMANDS - names}"
    assert not names & {"ingest", "feeds", "stats"}  # operators' commands are in their own menu
    operator = api.wait_for_call("setMyCommands", lambda c: "scope" in c.params, timeout=15)
    assert operator.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    assert {c["command"] for c in operator.params["commands"]} == names | {
        "ingest",
        "feeds",
        "stats",
    }
    assert api.calls()[0].method == "getMe"

    start = converse(USER, "/start")
    assert "/subscribe" in start and "/next" in start
    deep_link = converse(USER + 1, "/start subscribe")
    assert re.search(r"subscribed", deep_link, re.I), deep_link
    help_text = converse(USER, "/help")
    for command in EXPECTED_COMMANDS - {"start"}:
        assert f"/{command}" in help_text, f"/help does not mention /{command}"
    # Every reply went out as Telegram HTML that the fake could parse.
    assert all(m.params.get("parse_mode") == "HTML" for m in api.sent())


def test_subscribe_is_idempotent_and_confirmed(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    first = converse(USER, "/subscribe")
    assert re.search(r"subscribed", first, re.I) and not re.search(r"already", first, re.I)
    again = converse(USER, "/subscribe")
    assert re.search(r"already", again, re.I), again
    off = converse(USER, "/unsubscribe")
    assert re.search(r"unsubscribed|no longer|stopped", off, re.I), off
    off_again = converse(USER, "/unsubscribe")
    assert re.search(r"not subscribed|already|wasn't|weren't", off_again, re.I), off_again


def test_next_is_the_earliest_upcoming_meeting(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    reply = converse(USER, "/next")
    upcoming = converse(USER, "/upcoming 3")
    if re.search(r"emperor|naruhito", reply, re.I):
        # The evening appointment with the Emperor (Mon 27 Oct) counts: it comes first.
        assert "Mon 27 Oct" in reply and re.search(r"today", reply, re.I), reply
        assert "Takaichi" in upcoming and "Tue 28 Oct" in upcoming, upcoming
        assert upcoming.index("Mon 27 Oct") < upcoming.index("Tue 28 Oct")
    else:
        assert "Sanae Takaichi" in reply, reply
        assert "Tue 28 Oct" in reply, reply
        assert re.search(r"tomorrow|in 1 day", reply, re.I), reply
    assert "Tokyo" in reply
    # Nothing earlier than the answer of /next in /upcoming.
    first_date = re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}", upcoming)
    assert first_date is not None and first_date.group(0) in reply, (reply, upcoming)


def test_unknown_command_and_bad_arguments_get_help(
    harness: BotHarness, converse: Converse
) -> None:
    harness.start()
    unknown = converse(USER, "/frobnicate")
    assert "/help" in unknown, unknown
    bad_zone = converse(USER, "/timezone Mars/Olympus_Mons")
    assert "Europe/Berlin" in bad_zone, bad_zone
    bad_time = converse(USER, "/time 25:99")
    assert re.search(r"\d{2}:\d{2}", bad_time) and "/time" in bad_time, bad_time
    bad_count = converse(USER, "/upcoming lots")
    assert "/upcoming" in bad_count, bad_count
    # Plain text (no command) in a private chat: a pointer to /help, not silence.
    chat = converse(USER, "hello?")
    assert "/help" in chat, chat


def test_timezone_and_time_commands(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    converse(USER, "/subscribe")
    zone = converse(USER, "/timezone Europe/Berlin")
    assert "Europe/Berlin" in zone, zone
    at = converse(USER, "/time 07:30")
    assert "07:30" in at, at
    settings = converse(USER, "/settings")
    assert "Europe/Berlin" in settings and "07:30" in settings, settings
    # /next now shows dates in Berlin time: still Tue 28 Oct for the Takaichi meeting.
    assert re.search(r"(Mon 27|Tue 28) Oct", converse(USER, "/next"))


def _press(api: FakeBotAPI, panel: SentMessage, data: str, user_id: int = USER) -> tuple[str, str]:
    """Press a button of ``panel``: (the answerCallbackQuery text, the panel's text after)."""
    index = len(api.calls())
    api.press_button(panel, data=data, user_id=user_id)
    answer = api.wait_for_call("answerCallbackQuery", timeout=15, after=index)
    assert answer.ok
    edit = api.wait_for_call("editMessageText", timeout=15, after=index)
    assert edit.ok, edit.response
    return str(answer.params.get("text") or ""), panel.plain_text


def test_settings_keyboard_changes_settings(harness: BotHarness, api: FakeBotAPI) -> None:
    harness.start()
    _reply(api, USER, "/subscribe")
    panel = _reply(api, USER, "/settings")
    labels = [str(button["text"]) for button in panel.buttons()]
    assert any("Daily" in label for label in labels), labels
    assert re.search(r"Frequency: daily", panel.plain_text), panel.plain_text

    note, text = _press(api, panel, "set:freq:weekly")
    assert "weekly" in note.lower() and re.search(r"Frequency: weekly", text), text
    assert any(b["text"] == "✓ Weekly" for b in panel.buttons())

    _press(api, panel, "set:timemenu")
    assert any(b.get("callback_data") == "set:time:07:00" for b in panel.buttons())
    note, text = _press(api, panel, "set:time:07:00")
    assert "Digest time: 07:00" in text, text

    _press(api, panel, "set:tzmenu")
    note, text = _press(api, panel, "set:tz:Asia/Tokyo")
    assert "Time zone: Asia/Tokyo" in text, text

    settings = _reply(api, USER, "/settings").plain_text
    for expected in ("Asia/Tokyo", "07:00", "weekly"):
        assert expected in settings, settings


def test_group_admin_checks(harness: BotHarness, api: FakeBotAPI, converse: Converse) -> None:
    harness.start()
    group, member, admin = -1001234567890, 7001, 7002
    api.set_member_status(group, member, "member")
    api.set_member_status(group, admin, "administrator")

    refused = converse(group, "/subscribe@summit_test_bot", user_id=member, title="Summits")
    assert re.search(r"admin", refused, re.I), refused
    assert not re.search(r"you're subscribed|subscribed ✅|now subscribed", refused, re.I)
    refused_settings = converse(group, "/time 09:00", user_id=member)
    assert re.search(r"admin", refused_settings, re.I), refused_settings

    accepted = converse(group, "/subscribe", user_id=admin)
    assert re.search(r"subscribed", accepted, re.I) and not re.search(r"admin", accepted, re.I)
    # The /settings buttons: a member's press is refused with an alert, nothing changes.
    panel = _reply(api, group, "/settings", user_id=admin)
    index = len(api.calls())
    api.press_button(panel, data="set:freq:weekly", user_id=member)
    alert = api.wait_for_call("answerCallbackQuery", timeout=15, after=index)
    assert alert.params.get("show_alert") is True, alert.params
    assert re.search(r"admin", str(alert.params.get("text")), re.I), alert.params
    assert "weekly" not in _reply(api, group, "/settings", user_id=member).plain_text
    # Reading is for everyone.
    assert re.search(r"Takaichi|Emperor", converse(group, "/next", user_id=member), re.I)
    # The bot asked Telegram who is an admin (and did not trust the member's word).
    assert api.calls("getChatMember") or api.calls("getChatAdministrators")


def test_admin_commands_are_refused_politely(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    refused = converse(USER, "/stats")
    assert re.search(r"admin|sorry|only", refused, re.I), refused
    stats = converse(ADMIN_ID, "/stats")
    assert re.search(r"event", stats, re.I) and re.search(r"subscri", stats, re.I), stats


def test_ics_is_a_calendar_file(harness: BotHarness, api: FakeBotAPI) -> None:
    harness.start()
    before = len(api.sent())
    api.send_text(USER, "/ics")
    document = api.wait_for_message(
        lambda m: m.chat_id == USER and m.method == "sendDocument", timeout=15, after=before
    )
    assert document.document is not None
    assert document.document.filename.endswith(".ics")
    body = document.document.data.decode()
    assert body.startswith("BEGIN:VCALENDAR") and "Takaichi" in body


def test_follow_limits_next(harness: BotHarness, converse: Converse) -> None:
    harness.start()
    followed = converse(USER, "/follow Xi Jinping")
    assert "Xi Jinping" in followed, followed
    assert "Xi Jinping" in converse(USER, "/following")
    reply = converse(USER, "/next")
    assert "Xi Jinping" in reply and "Thu 30 Oct" in reply, reply
    assert "Takaichi" not in reply and "Emperor" not in reply, reply
    converse(USER, "/unfollow Xi Jinping")
    assert re.search(r"Emperor|Takaichi", converse(USER, "/next")), "unfollow did not apply"
    missing = converse(USER, "/follow")
    assert "/follow" in missing, missing  # no name: an example, not silence
