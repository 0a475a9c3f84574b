"""The console chat with the wired commands: /alerts, /ics reset, and no HTTP served."""

from __future__ import annotations

import datetime as dt
import re
import socket
from pathlib import Path

import pytest

from bot.services.clock import FixedClock
from bot.services.context import services_from_settings
from bot.settings import Settings
from bot.store import upgrade_database
from bot.telegram.console import run_console
from tests.integration.test_bot_services import add_event

NOW = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)


async def _console(tmp_path: Path, lines: list[str], **settings: object) -> str:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    services = services_from_settings(Settings(database_url=url), clock=FixedClock(NOW))
    add_event(services, "APEC summit", dt.date(2025, 10, 31))
    typed = iter(lines)
    output: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        # The console serves no HTTP: a port in use must not stop it.
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        config = Settings(
            database_url=url,
            bot_now=NOW,
            telegram_bot_token=None,
            http_host="127.0.0.1",
            http_port=int(taken.getsockname()[1]),
            **settings,
        )
        status = await run_console(config, read_line=lambda: next(typed, None), out=output.append)
    assert status == 0
    return "\n".join(output)


async def test_console_ics_reset_with_a_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = await _console(
        tmp_path, ["/ics", "/ics reset", "/alerts", "/alerts on"], public_url="https://x.example"
    )
    links = re.findall(r"webcal://x\.example/c/([A-Za-z0-9_-]+)\.ics", text)
    assert len(set(links)) == 2, text  # /ics reset gave a new address
    assert "A new address: the old link no longer works" in text
    assert not (tmp_path / "reset").exists()  # "reset" is not a file name here
    assert "Alerts are off" in text and "Alerts are on" in text


async def test_console_ics_reset_without_a_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = await _console(tmp_path, ["/ics reset"])
    assert "calendar address was replaced" in text
    assert (tmp_path / "upcoming-summits.ics").read_text().startswith("BEGIN:VCALENDAR")
