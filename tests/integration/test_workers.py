"""`summit-bot ingest --workers 2`: extraction in two processes, the same store as with one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store import make_session_factory
from bot.store.models import ArticleRow, EventRow

from .test_kill import ROOT, _consistent, _generate


def _ingest(folder: Path, url: str, workers: int) -> str:
    env = {**os.environ, "DATABASE_URL": url, "NLP_BATCH_SIZE": "4"}
    env.pop("BOT_NOW", None)
    cmd = [sys.executable, "-m", "bot", "ingest", "--quiet", "--workers", str(workers)]
    run = subprocess.run(
        [*cmd, str(folder)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def _store(url: str) -> tuple[list[str], list[tuple[object, ...]]]:
    factory = make_session_factory(url)
    with factory() as session:
        articles = list(session.scalars(select(ArticleRow.source).order_by(ArticleRow.id)))
        events = [
            (e.title, e.date, e.place, e.status)
            for e in session.scalars(select(EventRow).order_by(EventRow.id))
        ]
    _consistent(factory, url)
    return articles, events


@pytest.mark.slow
def test_two_workers_store_what_one_stores(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    _generate(folder, 24)
    one, two = f"sqlite:///{tmp_path / 'one.sqlite3'}", f"sqlite:///{tmp_path / 'two.sqlite3'}"
    out_one, out_two = _ingest(folder, one, 1), _ingest(folder, two, 2)
    assert "24 new articles" in out_one and "24 new articles" in out_two
    stored_one, stored_two = _store(one), _store(two)
    assert stored_one == stored_two  # same articles in the same order, the same events
    assert stored_one[1]
