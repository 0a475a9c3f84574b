"""End to end: ``summit-bot run`` in webhook mode (WEBHOOK_URL set) with the secret token."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.bot_process import BotHarness, BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_mode_checks_the_secret_token(harness: BotHarness, api: FakeBotAPI) -> None:
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = harness.env(
        WEBHOOK_URL=hook,
        WEBHOOK_SECRET="s3cret",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    process = BotProcess(env, harness.workdir, harness.workdir / "bot.log")
    harness.processes.append(process)
    with (harness.workdir / "bot.log").open("ab") as log:
        process.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=harness.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    call = api.wait_for_call("setWebhook", timeout=60)
    assert call.params["url"] == hook and call.params["secret_token"] == "s3cret"
    assert not api.calls("getUpdates")

    before = len(api.sent())
    api.send_text(4242, "/next")  # the fake pushes it to the webhook with the secret
    reply = api.next_reply(4242, before, timeout=30)
    assert "Next meeting" in reply.plain_text

    forged = urllib.request.Request(hook, data=json.dumps({"update_id": 1}).encode(), method="POST")
    forged.add_header("Content-Type", "application/json")
    forged.add_header("X-Telegram-Bot-Api-Secret-Token", "wrong")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=10)
    assert refused.value.code == 403
