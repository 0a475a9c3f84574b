"""Every bad setting is one line naming it, its value, what is expected and an example, and
exit status 2 — checked on the real command line, in a child process."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.bot_process import bot_env

pytestmark = pytest.mark.e2e


def _closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# (setting, bad value, a piece of the reason). "{port}" is a closed loopback port.
BAD_VALUES = [
    ("DATABASE_URL", "mysql://bot@127.0.0.1/summit", "unknown scheme"),
    ("DATABASE_URL", "not a url at all", "not a database URL"),
    ("DATABASE_URL", "postgresql+psycopg://bot@127.0.0.1:{port}/summit", "cannot connect"),
    ("DATABASE_URL", "sqlite:///{tmp}/missing-folder/bot.sqlite3", "does not exist"),
    ("BOT_NOW", "garbage", "datetime"),
    ("DEFAULT_DIGEST_TIME", "25:99", "time"),
    ("ADMIN_IDS", "alice", "not a numeric user id"),
    ("DEFAULT_TIMEZONE", "Mars/Olympus", "unknown time zone"),
    ("TEMPLATES_DIR", "/nonexistent", "no such folder"),
    ("LOG_LEVEL", "LOUD", "unknown log level"),
    ("FEED_POLL_MINUTES", "-5", "at least 1"),
    ("SPACY_MODEL", "xx_no_such_model_sm", "not installed"),
    ("TELEGRAM_BOT_TOKEN", "not-a-token", "not a bot token"),
    ("TELEGRAM_API_URL", "ftp://127.0.0.1/", "not an http(s) URL"),
    ("WEBHOOK_PORT", "70000", "not a TCP port"),
]


@pytest.mark.parametrize(("name", "value", "reason"), BAD_VALUES)
def test_a_bad_setting_is_one_line_and_status_2(
    name: str, value: str, reason: str, tmp_path: Path
) -> None:
    value = value.format(port=_closed_port(), tmp=tmp_path)
    env = bot_env(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}", **{name: value})
    result = run_cli(["events"], env, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    (line,) = lines
    assert line.startswith(f"summit-bot: {name}="), line
    assert reason in line and "expected " in line and f"e.g. {name}=" in line, line
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "missing-folder").exists()  # no folder is created silently


def test_the_default_data_folder_is_created(tmp_path: Path) -> None:
    env = bot_env(tmp_path, "")
    env.pop("DATABASE_URL")
    result = run_cli(["events", "--as-of", "2025-10-27T06:00:00Z"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "summit-bot.sqlite3").is_file()


def test_extract_needs_no_database(tmp_path: Path) -> None:
    """`extract` reads files only: it neither checks nor creates the database."""
    article = tmp_path / "a.txt"
    article.write_text(" date 2025-03-03 Talks\n\nThe ministers will meet in Oslo on Friday.\n")
    env = bot_env(tmp_path, "sqlite:///nowhere/at/all.sqlite3")
    result = run_cli(["extract", str(article)], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "nowhere").exists()


def test_unreachable_bot_api_is_one_line_per_attempt_then_one_final_line(
    tmp_path: Path,
) -> None:
    env = bot_env(
        tmp_path,
        f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        TELEGRAM_BOT_TOKEN="123456:TEST-token",
        TELEGRAM_API_URL=f"http://127.0.0.1:{_closed_port()}",
        TELEGRAM_START_RETRY_SECONDS="3",
    )
    result = run_cli(["run"], env, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    attempts = [line for line in lines if "cannot reach the Bot API" in line]
    assert 2 <= len(attempts) <= 4, result.stderr  # waits of 1 s and 2 s fit in 3 s
    assert "attempt 1:" in attempts[0] and "retrying in 1 s" in attempts[0]
    assert lines[-1].startswith("summit-bot: TELEGRAM_API_URL=http://127.0.0.1:"), lines[-1]
    assert "no answer after" in lines[-1]
    assert len(lines) == len(attempts) + 1, result.stderr  # nothing else: no traceback
    assert "TEST-token" not in result.stderr


def test_httpx_request_lines_are_debug_only(tmp_path: Path) -> None:
    """An article fetched from a loopback server logs no "HTTP Request" line at INFO."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body><p>Nothing here.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/page.html"
        env = bot_env(tmp_path, f"sqlite:///{tmp_path / 'bot.sqlite3'}", FETCH_ALLOW_PRIVATE="true")
        quiet = run_cli(["ingest", "--quiet", "--published", "2025-03-03", url], env, tmp_path)
        verbose = run_cli(
            ["-v", "ingest", "--quiet", "--published", "2025-03-03", url], env, tmp_path
        )
    finally:
        server.shutdown()
    assert "HTTP Request" not in quiet.stderr, quiet.stderr
    assert "DEBUG httpx: HTTP Request: GET" in verbose.stderr, verbose.stderr


def test_no_model_fallback_line_with_the_default_model(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(" date 2025-03-03 Talks\n\nThe ministers will meet in Oslo on Friday.\n")
    env = {k: v for k, v in bot_env(tmp_path, "sqlite://").items() if k != "SPACY_MODEL"}
    result = run_cli(["extract", str(article)], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr


def test_a_refused_token_is_one_line(tmp_path: Path) -> None:
    from tests.fakes.bot_api import FakeBotAPI

    with FakeBotAPI("123456:the-right-token") as api:
        env = bot_env(
            tmp_path,
            f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            TELEGRAM_BOT_TOKEN="123456:a-wrong-token",
            TELEGRAM_API_URL=api.url,
        )
        result = run_cli(["run"], env, tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("summit-bot: TELEGRAM_BOT_TOKEN=123456:…: refused by the Bot API"), line
    assert "wrong-token" not in result.stderr
