"""Several processes migrating one fresh SQLite file at once: all succeed, one migrates."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
# Each child waits for the start file, so that they all migrate at the same moment.
CHILD = """
import os, sys, time
deadline = time.monotonic() + 60
while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
    time.sleep(0.001)
from bot.store.migrate import upgrade_database
upgrade_database(sys.argv[1])
"""


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_upgrades_of_a_fresh_sqlite_file(tmp_path: Path, attempt: int) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'fresh.sqlite3'}"
    start = tmp_path / "start"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(start)],
            cwd=ROOT,
            env={**os.environ},
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(2.0)  # let the interpreters import; then all start together
    start.touch()
    errors = []
    for child in children:
        _, err = child.communicate(timeout=120)
        if child.returncode != 0:
            errors.append(err.strip().splitlines()[-1] if err.strip() else child.returncode)
    assert errors == []
    engine = make_engine(url)
    try:
        assert "feed_entry_failures" in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()
