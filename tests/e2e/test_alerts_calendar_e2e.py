"""End to end: immediate alerts, /ics (file or webcal:// link, /ics reset) and the bot's own
HTTP side (/healthz, /c/<token>.ics), against the real ``summit-bot run`` process and the fake
Bot API. All traffic stays on 127.0.0.1.

The articles are written here in our own words; the real extractor reads them (``summit-bot
ingest``), so a change is recorded exactly as it would be from a feed.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from tests.fakes.bot_api import FakeBotAPI, SentMessage
from tests.fakes.bot_process import BotHarness, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Converse = Callable[..., str]
PUBLIC_URL = "https://summits.example.org"  # only ever written into replies, never contacted
ANNOUNCED = (
    "2025-10-26 Store and Merz to meet in Oslo",
    "Norwegian Prime Minister Jonas Gahr Store will meet German Chancellor Friedrich Merz in "
    "Oslo on November 10, the government said on Sunday. The two leaders are expected to "
    "discuss energy and defence.",
)
MOVED = (
    "2025-10-27 Store and Merz talks moved",
    "The meeting between Norwegian Prime Minister Jonas Gahr Store and German Chancellor "
    "Friedrich Merz has been moved to November 14 and will take place in Bergen, the "
    "government said on Monday.",
)
CALLED_OFF = (
    "2025-10-27 Store and Merz talks called off",
    "The meeting between Norwegian Prime Minister Jonas Gahr Store and German Chancellor "
    "Friedrich Merz, planned for November 14 in Bergen, has been cancelled, the government "
    "said on Monday evening.",
)


def _ingest(harness: BotHarness, name: str, article: tuple[str, str]) -> None:
    path = harness.workdir / f"{name}.txt"
    path.write_text(f" date {article[0]}\n\n{article[1]}\n", encoding="utf-8")
    result = run_cli(["ingest", str(path)], harness.env(), harness.workdir)
    output = result.stdout + result.stderr
    assert " 0 failures" in output, output


def _is_alert(message: SentMessage) -> bool:
    return message.plain_text.startswith("🔔 Change")


def _alerts_to(api: FakeBotAPI, chat_id: int) -> list[SentMessage]:
    return [m for m in api.sent(chat_id) if _is_alert(m)]


def _alert_rows(database_url: str) -> dict[int, list[str]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT chat_id, status FROM alert_deliveries ORDER BY id"))
            found: dict[int, list[str]] = {}
            for chat_id, status in rows:
                found.setdefault(int(chat_id), []).append(str(status))
            return found
    finally:
        engine.dispose()


def _wait(condition: Callable[[], bool], timeout: float, what: str, harness: BotHarness) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{harness.log()}")


def test_a_change_to_a_followed_meeting_is_alerted_once(
    harness: BotHarness, api: FakeBotAPI, converse: Converse
) -> None:
    """Chats that follow Merz and turned alerts on hear of each change once, across restarts;
    a chat whose alert got no answer (Telegram may have it) is never sent it again; a chat
    without alerts hears nothing."""
    alerted, held, quiet = 7101, 7102, 7103
    _ingest(harness, "announced", ANNOUNCED)
    harness.start()
    for chat in (alerted, held, quiet):
        assert "Friedrich Merz" in converse(chat, "/follow Friedrich Merz")
    assert "Alerts are off" in converse(alerted, "/alerts")
    for chat in (alerted, held):
        assert re.search(r"Alerts are on\b", converse(chat, "/alerts on"))
    assert "already on" in converse(alerted, "/alerts on")
    harness.processes[-1].stop()

    # The meeting moves while the bot is down; the first alert round after start sends it.
    _ingest(harness, "moved", MOVED)
    api.faults.hold_answer("sendMessage", 8.0, chat_id=held)  # past the bot's 5 s timeout
    harness.start()
    (alert,) = api.wait_for_messages(lambda m: m.chat_id == alerted and _is_alert(m), 1, timeout=30)
    assert "Jonas Gahr Store meets Friedrich Merz" in alert.plain_text, alert.plain_text
    assert "moved from Mon 10 Nov 2025 to Fri 14 Nov 2025" in alert.plain_text, alert.plain_text
    expected = {alerted: ["sent"], held: ["unknown"]}
    _wait(lambda: _alert_rows(harness.database_url) == expected, 30, "alert rows", harness)
    assert len(_alerts_to(api, held)) == 1  # Telegram has it, though the bot never heard

    # Called off, while the bot runs: the next round (every minute) sends only that.
    _ingest(harness, "called-off", CALLED_OFF)
    api.wait_for_messages(lambda m: m.chat_id == alerted and _is_alert(m), 2, timeout=75)
    harness.processes[-1].stop()
    harness.start()
    assert "Alerts are on" in converse(alerted, "/alerts")  # the bot is up and answering
    time.sleep(7)  # the first alert round runs 5 s after the start
    texts = [m.plain_text for m in _alerts_to(api, alerted)]
    assert len(texts) == 2 and "cancelled" in texts[1], texts
    assert [len(_alerts_to(api, chat)) for chat in (held, quiet)] == [2, 0]
    rows = _alert_rows(harness.database_url)
    assert rows == {alerted: ["sent", "sent"], held: ["unknown", "sent"]}, rows


def test_alerts_in_a_group_are_switched_by_administrators(
    harness: BotHarness, api: FakeBotAPI, converse: Converse
) -> None:
    group, member, admin = -100777, 801, 802
    api.set_member_status(group, member, "member")
    api.set_member_status(group, admin, "administrator")
    harness.start()
    refused = converse(group, "/alerts on", user_id=member)
    assert "administrators" in refused, refused
    assert "Alerts are off" in converse(group, "/alerts", user_id=member)
    assert "/follow" in converse(group, "/alerts on", user_id=admin)  # follows nothing yet
    assert "Alerts are on" in converse(group, "/alerts", user_id=member)
    assert "/alerts on" in converse(group, "/alerts maybe", user_id=admin)
    assert "Alerts are off" in converse(group, "/alerts off", user_id=admin)


def test_ics_without_public_url_is_a_file(
    harness: BotHarness, api: FakeBotAPI, converse: Converse
) -> None:
    chat = 7201
    harness.start()
    before = len(api.sent())
    api.send_text(chat, "/ics")
    message = api.next_reply(chat, before, timeout=15)
    assert message.method == "sendDocument" and message.document is not None
    assert message.document.filename == "upcoming-summits.ics"
    data = message.document.data.decode()
    assert data.startswith("BEGIN:VCALENDAR") and "Takaichi" in data
    assert "webcal://" not in message.plain_text
    # No public address: a reset still retires the chat's token, and the file follows.
    before = len(api.sent())
    api.send_text(chat, "/ics reset")
    api.wait_for_messages(lambda m: m.chat_id == chat, 3, timeout=15)
    replies = api.sent(chat)[-2:]
    assert "replaced" in replies[0].plain_text and replies[1].method == "sendDocument"
    assert "/ics reset" in converse(chat, "/ics whatever")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:")  # loopback only
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_bot_serves_http_and_ics_offers_the_webcal_link(
    harness: BotHarness, api: FakeBotAPI, converse: Converse
) -> None:
    """With HTTP_PORT and PUBLIC_URL: /healthz reports the jobs' ages, /ics answers with the
    chat's webcal:// link, whose calendar the bot serves; /ics reset retires it."""
    chat = 7301
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    harness.start(HTTP_HOST="127.0.0.1", HTTP_PORT=str(port), PUBLIC_URL=PUBLIC_URL)

    def health() -> dict[str, object]:
        status, body = _get(f"{base}/healthz")
        assert status == 200, body
        result: dict[str, object] = json.loads(body)
        return result

    # The dispatcher ticks once at start, then every minute; each tick is a heartbeat.
    _wait(
        lambda: health()["last_dispatcher_tick_age_seconds"] is not None,
        20,
        "a dispatcher heartbeat",
        harness,
    )
    first = health()
    assert first["status"] == "ok" and first["database"] == "ok", first
    assert 0 <= float(str(first["last_dispatcher_tick_age_seconds"])) < 30, first

    link = converse(chat, "/ics")
    match = re.search(r"webcal://summits\.example\.org/c/([A-Za-z0-9_-]+)\.ics", link)
    assert match, link
    token = match.group(1)
    status, body = _get(f"{base}/c/{token}.ics")
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR") and b"Takaichi" in body
    again = converse(chat, "/ics")
    assert token in again  # the same address until it is reset

    renewed = converse(chat, "/ics reset")
    new = re.search(r"webcal://summits\.example\.org/c/([A-Za-z0-9_-]+)\.ics", renewed)
    assert new and new.group(1) != token, renewed
    assert _get(f"{base}/c/{token}.ics")[0] == 404
    assert _get(f"{base}/c/{new.group(1)}.ics")[0] == 200

    # The feed poller runs 30 s after the start (no feeds: still a heartbeat).
    _wait(
        lambda: health()["last_feed_poll_age_seconds"] is not None,
        60,
        "a feed poller heartbeat",
        harness,
    )

    # Stopped with the bot: the port is free again.
    harness.processes[-1].stop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


def test_a_port_in_use_stops_the_bot_with_one_line(harness: BotHarness) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = int(taken.getsockname()[1])
        env = harness.env(HTTP_HOST="127.0.0.1", HTTP_PORT=str(port))
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=harness.workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("summit-bot:")]
    assert errors == [
        f"summit-bot: HTTP_HOST/HTTP_PORT: cannot listen on 127.0.0.1:{port} "
        "(Address already in use); choose another port, e.g. HTTP_PORT=8081"
    ], result.stderr
    assert "Traceback" not in result.stderr
