"""Run the real bot (``python -m bot ...``) as a child process against the fake Bot API."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.fakes.bot_api import DEFAULT_TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "corpus" / "000_d2c230fae8be8e2f.txt"
BOT_NOW = "2025-10-27T06:00:00Z"
ADMIN_ID = 900001

# Settings the parent environment must not leak into the child.
_SCRUBBED = (
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "DATABASE_URL",
    "BOT_NOW",
    "ADMIN_IDS",
    "TEMPLATES_DIR",
    "DEFAULT_TIMEZONE",
    "DEFAULT_DIGEST_TIME",
    "PUBLIC_URL",
)


def bot_env(
    workdir: Path, database_url: str, api: FakeBotAPI | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a bot child process: fake API, its own database, fixed start time."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        {
            "DATABASE_URL": database_url,
            "BOT_NOW": BOT_NOW,
            "ADMIN_IDS": str(ADMIN_ID),
            "DEFAULT_TIMEZONE": "UTC",
            "PYTHONUNBUFFERED": "1",
            "HOME": str(workdir),
            # No HTTP unless a test asks (HTTP_PORT=...): parallel bots would share port 8080.
            "HTTP_PORT": "0",
        }
    )
    if api is not None:
        env["TELEGRAM_BOT_TOKEN"] = api.token
        env["TELEGRAM_API_URL"] = api.url
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` to completion; raises with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"summit-bot {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with its WAL/shm side files, if any."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{source}{suffix}")
        if src.exists():
            shutil.copyfile(src, f"{target}{suffix}")


class BotProcess:
    """``summit-bot run`` in a child process; its output goes to ``log_path``."""

    def __init__(self, env: Mapping[str, str], cwd: Path, log_path: Path) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(
        self, api: FakeBotAPI, *, ready_timeout: float = 90.0, ready_method: str = "getUpdates"
    ) -> BotProcess:
        """Start the bot and wait until it calls ``ready_method`` (getUpdates when polling,
        setWebhook in webhook mode); fails with its log if it dies first."""
        polls_before = len(api.calls(ready_method))
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if len(api.calls(ready_method)) > polls_before:
                return self
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the bot exited with {self.process.returncode} before polling:\n{self.log()}"
                )
            time.sleep(0.05)
        raise TimeoutError(
            f"the bot did not call {ready_method} in {ready_timeout}s:\n{self.log()}"
        )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM (PTB stops polling cleanly), then SIGKILL if it does not exit in time."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL: no cleanup, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log(self, tail: int = 6000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except FileNotFoundError:
            return ""


@dataclass
class BotHarness:
    """One test's bot: its folder, database, environment and process(es)."""

    workdir: Path
    database_url: str
    api: FakeBotAPI
    processes: list[BotProcess] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return bot_env(self.workdir, self.database_url, self.api, **extra)

    def start(self, ready_method: str = "getUpdates", **extra: str) -> BotProcess:
        """Start a bot process (``extra`` overrides environment variables, e.g. BOT_NOW)."""
        process = BotProcess(self.env(**extra), self.workdir, self.workdir / "bot.log")
        self.processes.append(process)
        return process.start(self.api, ready_method=ready_method)

    def log(self) -> str:
        return self.processes[-1].log(20000) if self.processes else ""


__all__ = [
    "ADMIN_ID",
    "BOT_NOW",
    "DEFAULT_TOKEN",
    "SEED",
    "BotHarness",
    "BotProcess",
    "bot_env",
    "copy_sqlite",
    "deliveries",
    "run_cli",
]


def subscribe_chats(
    database_url: str,
    chat_ids: Sequence[int],
    *,
    digest_time: str = "06:00",
    subscribed_at: str = "2025-10-27T05:00:00Z",
    timezone: str = "UTC",
) -> None:
    """Subscribe chats through the bot's own services, as if they had sent /subscribe and
    /time at ``subscribed_at`` (so that a slot after that moment is due for them)."""
    import datetime as dt

    from bot.services import chats
    from bot.services.clock import FixedClock
    from bot.services.context import Services
    from bot.services.rendering import Renderer
    from bot.store import make_session_factory, upgrade_database

    upgrade_database(database_url)
    clock = FixedClock(dt.datetime.fromisoformat(subscribed_at.replace("Z", "+00:00")))
    services = Services(make_session_factory(database_url), clock, Renderer())
    try:
        for chat_id in chat_ids:
            chat_type = "private" if chat_id > 0 else "supergroup"
            chats.subscribe(services, chat_id, chat_type)
            chats.set_timezone(services, chat_id, timezone, chat_type)
            chats.set_digest_time(services, chat_id, digest_time, chat_type)
    finally:
        engine = services.sessions.kw.get("bind")
        if engine is not None:
            engine.dispose()


def chat_subscribed(database_url: str, chat_id: int) -> bool | None:
    """Whether the chat is subscribed in the bot's database (None when it is unknown)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT active FROM chats WHERE chat_id = :id"), {"id": chat_id}
            ).first()
    finally:
        engine.dispose()
    return None if row is None else bool(row[0])


def deliveries(database_url: str) -> dict[int, tuple[str, int]]:
    """Each chat's digest delivery rows as (status, attempts), read from the bot's database
    (the tests here send one digest key per chat)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT chat_id, status, attempts FROM digest_deliveries"))
            return {int(chat): (str(status), int(attempts)) for chat, status, attempts in rows}
    finally:
        engine.dispose()
