"""The /settings keyboards: what each button says and the callback data it sends."""

from __future__ import annotations

import dataclasses
import datetime as dt

from telegram import InlineKeyboardMarkup

from bot.domain.chat import ChatKind, Frequency
from bot.services.chats import ChatInfo
from bot.telegram import keyboards

CHAT = ChatInfo(
    chat_id=42,
    type=ChatKind.PRIVATE,
    title=None,
    timezone="Europe/Berlin",
    digest_time=dt.time(8, 0),
    digest_weekday=4,
    frequency=Frequency.WEEKLY,
    subscribed=True,
    schedule_since=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
)


def buttons(markup: InlineKeyboardMarkup) -> dict[str, str]:
    """callback data → label."""
    return {
        str(button.callback_data): button.text for row in markup.inline_keyboard for button in row
    }


def test_main_menu_leads_to_the_day_picker() -> None:
    menu = buttons(keyboards.main_menu(CHAT))
    assert menu["set:daymenu"] == "📅 Weekly on Fridays"
    assert menu["set:freq:weekly"] == "✓ Weekly" and menu["set:freq:off"] == "Off"


def test_day_picker_marks_the_day_of_weekly_digests() -> None:
    days = buttons(keyboards.day_menu(CHAT))
    assert [data for data in days if data.startswith("set:day:")] == [
        f"set:day:{n}" for n in range(7)
    ]
    assert days["set:day:4"] == "✓ Fri" and days["set:day:0"] == "Mon"
    assert days["set:menu"] == "« Back"
    assert all(len(data.encode()) <= 64 for data in days)  # Telegram's limit


def test_an_unsubscribed_chat_shows_off_and_no_day() -> None:
    unsubscribed = dataclasses.replace(CHAT, subscribed=False)
    menu = buttons(keyboards.main_menu(unsubscribed))
    assert menu["set:freq:off"] == "✓ Off"
    assert menu["set:freq:weekly"] == "Weekly" and menu["set:freq:daily"] == "Daily"
    assert not any(
        label.startswith("✓") for label in buttons(keyboards.day_menu(unsubscribed)).values()
    )


def test_a_daily_chat_has_no_day_marked() -> None:
    daily = dataclasses.replace(CHAT, frequency=Frequency.DAILY)
    assert not any(label.startswith("✓") for label in buttons(keyboards.day_menu(daily)).values())
