"""The calendar page in a real browser: ``summit-bot web`` on the seeded database, driven by
Playwright with Debian's chromium (``.ci/install-chromium`` installs it).

The page must list the seed's meetings in the calendar's order (the one the CLI prints), the
filter must narrow them, its .ics link must download a calendar icalendar can read, and the
browser console must stay free of errors. A phone-sized screenshot is saved beside the test's
files.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar

from tests.fakes.bot_process import bot_env, copy_sqlite, run_cli

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
_SERVING = re.compile(rb"serving the calendar on http://127\.0\.0\.1:(\d+)/")


@pytest.fixture
def web(tmp_path: Path, seeded_database: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """``summit-bot web`` on a copy of the seeded database; yields its address and env."""
    database = tmp_path / "web.sqlite3"
    copy_sqlite(seeded_database, database)
    env = bot_env(tmp_path, f"sqlite:///{database}")
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1", "--port", "0"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        port = None
        while port is None:
            match = _SERVING.search(log_path.read_bytes())
            if match:
                port = int(match.group(1))
            elif process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"summit-bot web did not start:\n{log_path.read_text()}")
            else:
                time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/healthz", timeout=10).json()["database"] == "ok"
        yield base, env
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        print(f"--- summit-bot web log ---\n{log_path.read_text(errors='replace')[-4000:]}")


def test_calendar_page_in_a_browser(web: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: run .ci/install-chromium")
    base, env = web
    cli = run_cli(["events", "--json", "--as-of", env["BOT_NOW"]], env, tmp_path)
    expected = [event["title"] for event in json.loads(cli.stdout)]
    assert len(expected) == 6  # the seed's six upcoming meetings

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport=PHONE, accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(base + "/", wait_until="load")
            titles = page.locator("article.event .title").all_inner_texts()
            assert titles == expected  # the same meetings in the same order as the CLI
            dates = [d for d in page.locator("article.event").evaluate_all(
                "els => els.map(e => e.dataset.date)") if d]  # fmt: skip
            assert dates == sorted(dates) and len(dates) == 4
            page.screenshot(path=str(tmp_path / "calendar-phone.png"), full_page=True)

            page.select_option("#person", "Xi Jinping")
            page.click("#apply")
            page.wait_for_load_state("load")
            narrowed = page.locator("article.event").all_inner_texts()
            assert 0 < len(narrowed) < len(titles)
            assert all("Xi Jinping" in text for text in narrowed), narrowed
            assert "person=Xi+Jinping" in page.url
            page.click("#clear")
            page.wait_for_load_state("load")
            assert page.locator("article.event").count() == len(titles)

            with page.expect_download() as download_info:
                page.click("#ics")
            download = download_info.value
            saved = tmp_path / "downloaded.ics"
            download.save_as(saved)
            calendar = Calendar.from_ical(saved.read_bytes())
            vevents = calendar.walk("VEVENT")
            assert len(vevents) == 4  # the dated meetings; undated ones cannot be placed
            assert len({str(v["UID"]) for v in vevents}) == 4
            assert errors == [], errors
        finally:
            browser.close()
    print(f"screenshot: {tmp_path / 'calendar-phone.png'}")
