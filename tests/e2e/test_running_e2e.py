"""End to end: how ``summit-bot run`` runs — clean stop, webhook mode, membership updates, and
the console chat when no token is set."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.fakes.bot_api import FakeBotAPI, private_chat
from tests.fakes.bot_process import BotHarness, bot_env, chat_subscribed

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

USER = 6101


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigterm_stops_cleanly_and_confirms_the_offset(
    harness: BotHarness, api: FakeBotAPI
) -> None:
    process = harness.start()
    before = len(api.sent())
    last_id = api.send_text(USER, "/next")
    api.next_reply(USER, before, timeout=15)
    assert process.stop() == 0, harness.log()
    final = api.calls("getUpdates")[-1]
    assert final.params.get("timeout") in (0, None), final.params
    assert final.params.get("offset") == last_id + 1, final.params
    assert api.pending_updates == 0


def test_blocked_by_the_user_deactivates(harness: BotHarness, api: FakeBotAPI) -> None:
    harness.start()
    before = len(api.sent())
    api.send_text(USER, "/subscribe")
    api.next_reply(USER, before, timeout=15)
    assert chat_subscribed(harness.database_url, USER) is True
    api.push_update(
        api.my_chat_member(private_chat(USER), old_status="member", new_status="kicked")
    )
    deadline = time.monotonic() + 15
    while chat_subscribed(harness.database_url, USER) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert chat_subscribed(harness.database_url, USER) is False


def test_webhook_mode_checks_the_secret_token(harness: BotHarness, api: FakeBotAPI) -> None:
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram-hook"
    secret = "e2e-secret-token_123"
    harness.start(
        ready_method="setWebhook",
        WEBHOOK_URL=hook,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=secret,
    )
    (set_webhook,) = api.calls("setWebhook")
    assert set_webhook.params["url"] == hook
    assert set_webhook.params["secret_token"] == secret
    assert not api.calls("getUpdates")

    # The fake pushes the update to the webhook with the secret header, as Telegram does.
    before = len(api.sent())
    api.send_text(USER, "/next")
    reply = api.next_reply(USER, before, timeout=20)
    assert re.search(r"Takaichi|Emperor", reply.plain_text, re.I), reply.plain_text

    # A forged update without the secret is refused and never answered.
    forged = api.text_message(USER + 1, "/subscribe")
    request = urllib.request.Request(
        hook,
        data=json.dumps({"update_id": 999_999, **forged}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    time.sleep(1)
    assert api.sent(USER + 1) == []


def test_console_chat_without_a_token(tmp_path: Path) -> None:
    """No TELEGRAM_BOT_TOKEN: the same bot in the terminal, with the bundled sample."""
    env = bot_env(tmp_path, f"sqlite:///{tmp_path / 'console.sqlite3'}")
    env.pop("BOT_NOW")  # an empty database: the clock goes to the sample's date by itself
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="/next\n/help\n/quit\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "TELEGRAM_BOT_TOKEN" in output, output[-3000:]
    assert re.search(r"Takaichi|Emperor", result.stdout, re.I), result.stdout[-3000:]
    assert "/subscribe" in result.stdout
