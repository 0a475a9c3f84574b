"""Clocks, token redaction in logs, and the command list."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time

from bot.services.clock import FixedClock, OffsetClock, SystemClock, clock_from_setting
from bot.telegram.commands import COMMANDS, Scope
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
    names = [command.name for command in COMMANDS.commands]
    assert len(names) == len(set(names))
    for command in COMMANDS.commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name)
        assert 3 <= len(command.help) <= 256


def test_operators_see_their_commands_and_others_do_not() -> None:
    everyone = {c.name for c in COMMANDS.visible(operator=False)}
    operator = {c.name for c in COMMANDS.visible(operator=True)}
    assert {"ingest", "feeds", "stats"} == operator - everyone
    assert {c.scope for c in COMMANDS.commands} == set(Scope)
