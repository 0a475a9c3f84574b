"""Clocks, token redaction in logs, and the command list."""

from __future__ import annotations

import datetime as dt
import logging
import time

from bot.services.clock import FixedClock, OffsetClock, SystemClock, clock_from_setting
from bot.telegram.commands import ADMIN_COMMANDS, COMMANDS
from bot.telegram.redaction import RedactingFilter


def test_offset_clock_starts_at_bot_now_and_runs() -> None:
    start = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)
    clock = clock_from_setting(start)
    assert isinstance(clock, OffsetClock)
    first = clock.now()
    assert dt.timedelta(0) <= first - start < dt.timedelta(seconds=1)
    time.sleep(0.01)
    assert clock.now() > first
    assert isinstance(clock_from_setting(None), SystemClock)


def test_fixed_clock_moves_only_by_hand() -> None:
    clock = FixedClock(dt.datetime(2025, 10, 27))  # naive is taken as UTC
    assert clock.now().tzinfo is dt.UTC
    clock.advance(dt.timedelta(minutes=5))
    assert clock.now() == dt.datetime(2025, 10, 27, 0, 5, tzinfo=dt.UTC)


def test_token_is_redacted_from_log_records() -> None:
    token = "123456:ABCdefSECRET"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", (f"https://x/bot{token}/getMe",), None
    )
    assert RedactingFilter([token]).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()


def test_command_names_are_valid_for_telegram() -> None:
    for name, description in COMMANDS + ADMIN_COMMANDS:
        assert name.islower() and 1 <= len(name) <= 32 and 3 <= len(description) <= 256
