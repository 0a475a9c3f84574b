"""End to end: in a group, only administrators may press the buttons of a /settings panel,
closing and paging included; a member's press is refused with an alert and changes nothing."""

from __future__ import annotations

import re
import time

import pytest

from tests.fakes.bot_api import FakeBotAPI, SentMessage
from tests.fakes.bot_process import BotHarness

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

GROUP, MEMBER, ADMIN = -1001234500001, 7101, 7102


def _panel(api: FakeBotAPI) -> SentMessage:
    before = len(api.sent())
    api.send_text(GROUP, "/settings", user_id=ADMIN, title="Summits")
    return api.next_reply(GROUP, before, timeout=15)


def _press(api: FakeBotAPI, panel: SentMessage, data: str, user_id: int) -> dict[str, object]:
    index = len(api.calls())
    api.press_button(panel, data=data, user_id=user_id)
    return api.wait_for_call("answerCallbackQuery", timeout=15, after=index).params


def test_only_administrators_use_the_group_settings_panel(
    harness: BotHarness, api: FakeBotAPI
) -> None:
    harness.start()
    api.set_member_status(GROUP, MEMBER, "member")
    api.set_member_status(GROUP, ADMIN, "administrator")
    panel = _panel(api)
    buttons = [str(b.get("callback_data")) for b in panel.buttons()]
    assert "set:close" in buttons and "set:tzmenu" in buttons, buttons

    assert "set:daymenu" in buttons, buttons
    for data in (
        "set:close",
        "set:tzmenu",
        "set:timemenu",
        "set:freq:weekly",
        "set:daymenu",
    ):
        before = len(api.calls())
        answer = _press(api, panel, data, MEMBER)
        assert answer.get("show_alert") is True, (data, answer)
        assert re.search(r"administrators", str(answer.get("text"))), answer
        time.sleep(0.3)  # an edit would come right after the answer
        edits = [
            call
            for call in api.calls()[before:]
            if call.method in ("editMessageReplyMarkup", "editMessageText")
        ]
        assert edits == [], f"a member's {data} changed the panel"
    assert panel.buttons(), "the panel lost its keyboard"

    # The administrator picks the day of weekly digests, then closes the panel.
    index = len(api.calls())
    answer = _press(api, panel, "set:daymenu", ADMIN)
    assert not answer.get("show_alert"), answer
    days = api.wait_for_call("editMessageText", timeout=15, after=index)
    assert days.ok and "set:day:4" in [str(b.get("callback_data")) for b in panel.buttons()]
    refused = _press(api, panel, "set:day:4", MEMBER)  # a member cannot pick the day either
    assert refused.get("show_alert") is True, refused
    assert "set:day:4" in [str(b.get("callback_data")) for b in panel.buttons()]
    index = len(api.calls())
    answer = _press(api, panel, "set:day:4", ADMIN)
    assert "Fridays" in str(answer.get("text")), answer
    picked = api.wait_for_call("editMessageText", timeout=15, after=index)
    assert picked.ok and re.search(r"Frequency: weekly \(on Fridays\)", panel.plain_text)

    # The administrator closes it.
    index = len(api.calls())
    answer = _press(api, panel, "set:close", ADMIN)
    assert not answer.get("show_alert")
    closed = api.wait_for_call("editMessageReplyMarkup", timeout=15, after=index)
    assert closed.ok and panel.buttons() == []
