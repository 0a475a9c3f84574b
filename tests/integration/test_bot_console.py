"""The console chat: typed lines through the real application, replies as plain text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.services.clock import FixedClock
from bot.services.context import services_from_settings
from bot.settings import Settings
from bot.store import upgrade_database
from bot.telegram.console import run_console
from tests.integration.test_bot_services import add_event


async def test_console_chat(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    now = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)
    services = services_from_settings(Settings(database_url=url), clock=FixedClock(now))
    add_event(services, "Donald Trump meets Sanae Takaichi", dt.date(2025, 10, 28), place="Tokyo")
    lines = iter(["/next", "", "/settings", "4", "/stats", "/quit", "/never-read"])
    output: list[str] = []
    settings = Settings(database_url=url, bot_now=now, telegram_bot_token=None)
    status = await run_console(settings, read_line=lambda: next(lines, None), out=output.append)
    text = "\n".join(output)
    assert status == 0
    assert "No TELEGRAM_BOT_TOKEN is set" in text and "@BotFather" in text
    assert "Donald Trump meets Sanae Takaichi" in text and "tomorrow" in text
    assert "[4] Weekly" in text and "Frequency: weekly" in text  # a button pressed by number
    assert "Bot statistics" in text  # the console user is an operator
    assert text.rstrip().endswith("Bye.")
    assert "<b>" not in text  # plain text, not HTML


async def test_console_ends_at_eof(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    services = services_from_settings(Settings(database_url=url))
    add_event(services, "APEC summit", dt.date(2025, 10, 31))
    output: list[str] = []
    settings = Settings(
        database_url=url, bot_now=dt.datetime(2025, 10, 27, tzinfo=dt.UTC), telegram_bot_token=None
    )
    assert await run_console(settings, read_line=lambda: None, out=output.append) == 0


async def test_console_ics_is_saved_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/ics writes to the working folder; /ics FILE or /ics FOLDER where the user says."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    now = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)
    services = services_from_settings(Settings(database_url=url), clock=FixedClock(now))
    add_event(services, "APEC summit", dt.date(2025, 10, 31))
    work, folder = tmp_path / "work", tmp_path / "calendars"
    work.mkdir()
    folder.mkdir()
    monkeypatch.chdir(work)
    lines = iter(
        ["/ics", f"/ics {tmp_path / 'mine.ics'}", f"/ics {folder}", f"/ics {tmp_path}/no/x.ics"]
    )
    output: list[str] = []
    settings = Settings(database_url=url, bot_now=now, telegram_bot_token=None)
    assert await run_console(settings, read_line=lambda: next(lines, None), out=output.append) == 0
    text = "\n".join(output)
    for saved in (
        work / "upcoming-summits.ics",
        tmp_path / "mine.ics",
        folder / "upcoming-summits.ics",
    ):
        assert saved.read_text().startswith("BEGIN:VCALENDAR"), saved
        assert f"saved to {saved} (" in text
    assert f"saved to nowhere: {tmp_path}/no/x.ics: No such file or directory" in text
    assert "1 upcoming meeting —" in text  # one meeting, said in the singular
    assert "It is Mon 27 Oct 2025, 06:00 UTC for the bot" in text  # the bot's date format
