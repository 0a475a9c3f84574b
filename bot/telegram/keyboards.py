"""Inline keyboards of /settings; callback data is ``set:<what>[:<value>]`` (< 64 bytes)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.chat import Frequency
from bot.services.chats import ChatInfo
from bot.services.schedule import WEEKDAYS

PREFIX = "set"
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
)
TIMES = ("06:00", "07:00", "08:00", "09:00", "12:00", "18:00", "20:00", "22:00")


def _button(text: str, *data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=":".join((PREFIX, *data)))


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def main_menu(chat: ChatInfo) -> InlineKeyboardMarkup:
    def freq(label: str, value: Frequency) -> InlineKeyboardButton:
        mark = "✓ " if chat.subscribed and chat.frequency is value else ""
        return _button(mark + label, "freq", value.value)

    return InlineKeyboardMarkup(
        [
            [
                _button(f"🌍 {chat.timezone}", "tzmenu"),
                _button(f"⏰ {chat.digest_time:%H:%M}", "timemenu"),
            ],
            [
                freq("Daily", Frequency.DAILY),
                freq("Weekly", Frequency.WEEKLY),
                _button(("✓ " if not chat.subscribed or chat.frequency is Frequency.OFF else "")
                        + "Off", "freq", Frequency.OFF.value),
            ],
            [_button(f"📅 Weekly on {chat.weekday_name}s", "daymenu")],
            [_button("✖ Close", "close")],
        ]
    )  # fmt: skip


def timezone_menu(chat: ChatInfo) -> InlineKeyboardMarkup:
    buttons = [
        _button(("✓ " if zone == chat.timezone else "") + zone.split("/")[-1].replace("_", " "),
                "tz", zone)
        for zone in ZONES
    ]  # fmt: skip
    return InlineKeyboardMarkup([*_rows(buttons, 3), [_button("« Back", "menu")]])


def time_menu(chat: ChatInfo) -> InlineKeyboardMarkup:
    current = f"{chat.digest_time:%H:%M}"
    buttons = [_button(("✓ " if t == current else "") + t, "time", t) for t in TIMES]
    return InlineKeyboardMarkup([*_rows(buttons, 4), [_button("« Back", "menu")]])


def day_menu(chat: ChatInfo) -> InlineKeyboardMarkup:
    """The day of weekly digests; picking one asks for weekly digests on that day."""
    weekly = chat.shown_frequency is Frequency.WEEKLY
    buttons = [
        _button(("✓ " if weekly and number == chat.digest_weekday else "") + name[:3],
                "day", str(number))
        for number, name in enumerate(WEEKDAYS)
    ]  # fmt: skip
    return InlineKeyboardMarkup([*_rows(buttons, 4), [_button("« Back", "menu")]])
