"""Fixtures for the end-to-end tests: the fake Bot API, a seeded database, the bot process.

Every test here starts the real bot (``python -m bot run``) in a child process against
``tests.fakes.bot_api.FakeBotAPI`` on 127.0.0.1, on a copy of a database where the seed
article was ingested once per session (``python -m bot ingest``). They are marked ``e2e``
(and ``slow``): ``pytest -m e2e`` runs them, ``pytest -m "not e2e"`` skips them. On failure
the bot's log is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.bot_process import SEED, BotHarness, bot_env, copy_sqlite, run_cli


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the seed article ingested, made once per session."""
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED}")
    workdir = tmp_path_factory.mktemp("seed")
    path = workdir / "seed.sqlite3"
    env = bot_env(workdir, f"sqlite:///{path}")
    run_cli(["ingest", str(SEED)], env, workdir)
    return path


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def harness(tmp_path: Path, api: FakeBotAPI, seeded_database: Path) -> Iterator[BotHarness]:
    database = tmp_path / "bot.sqlite3"
    copy_sqlite(seeded_database, database)
    bot = BotHarness(tmp_path, f"sqlite:///{database}", api)
    yield bot
    for process in bot.processes:
        process.stop()
    print(f"--- bot log ({tmp_path / 'bot.log'}) ---\n{bot.log()}")


@pytest.fixture
def converse(api: FakeBotAPI) -> Callable[..., str]:
    """Send a text as a user and return the plain text of the bot's first reply."""

    def send(chat_id: int, text: str, *, timeout: float = 15.0, **kwargs: object) -> str:
        before = len(api.sent())
        api.send_text(chat_id, text, **kwargs)
        return api.next_reply(chat_id, before, timeout=timeout).plain_text

    return send
