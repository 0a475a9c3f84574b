"""A real `python -m bot ingest` killed halfway (SIGKILL): the store stays consistent and a
rerun completes the batch with no duplicates."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.plural import plural
from bot.store.models import ArticleRow, EventRow, MentionRow

from .conftest import count, write_article

ROOT = Path(__file__).resolve().parents[2]
LEADERS = [
    ("Prime Minister", "Anthony Albanese"),
    ("President", "Emmanuel Macron"),
    ("Chancellor", "Olaf Scholz"),
    ("Prime Minister", "Giorgia Meloni"),
    ("Prime Minister", "Pedro Sanchez"),
    ("Prime Minister", "Narendra Modi"),
]
CITIES = ["Canberra", "Paris", "Berlin", "Rome", "Madrid", "New Delhi", "Vienna", "Oslo"]
FILLER = [
    "Officials said the agenda would include trade, energy and the security of shipping lanes.",
    "Aides on both sides described the preparations as thorough and the mood as constructive.",
    "Analysts expect a joint statement on research funding and on student exchanges.",
    "The two governments have held regular consultations at the level of ministers this year.",
    "Business groups said they hoped the talks would ease rules on investment and visas.",
]


def _generate(folder: Path, n: int) -> None:
    rng = random.Random(7)
    for i in range(n):
        (t1, a), (t2, b) = rng.sample(LEADERS, 2)
        city = rng.choice(CITIES)
        day = 1 + i % 27
        lead = f"{t1} {a} will meet {t2} {b} in {city} on May {day}, their offices said on Monday."
        paragraphs = [lead] + [" ".join(rng.sample(FILLER, 5)) for _ in range(8)]
        paragraphs.append(f"Report number {i} of this generated batch.")
        write_article(
            folder,
            f"gen_{i:03d}.txt",
            "2030-04-01",
            f"{a} and {b} to meet",
            "\n\n".join(paragraphs),
        )


def _consistent(factory: sessionmaker[Session], engine_url: str) -> None:
    with factory() as session:
        orphans = session.scalar(
            select(func.count())
            .select_from(MentionRow)
            .outerjoin(ArticleRow, ArticleRow.id == MentionRow.article_id)
            .outerjoin(EventRow, EventRow.id == MentionRow.event_id)
            .where((ArticleRow.id.is_(None)) | (EventRow.id.is_(None)))
        )
        assert orphans == 0
        empty_events = session.scalar(
            select(func.count()).select_from(EventRow).where(~EventRow.mentions.any())
        )
        assert empty_events == 0
        dup = session.execute(
            select(ArticleRow.content_hash)
            .group_by(ArticleRow.content_hash)
            .having(func.count() > 1)
        ).all()
        assert dup == []
        if engine_url.startswith("sqlite"):
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []


@pytest.mark.slow
def test_sigkill_halfway_then_rerun(
    session_factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    total = 40
    _generate(folder, total)
    env = {**os.environ, "DATABASE_URL": database_url, "NLP_BATCH_SIZE": "4"}
    env.pop("BOT_NOW", None)
    cmd = [sys.executable, "-m", "bot", "ingest", "--quiet", str(folder)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = count(session_factory, ArticleRow)
        if stored >= 8:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    killed_at = count(session_factory, ArticleRow)
    assert 8 <= killed_at < total
    _consistent(session_factory, database_url)

    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{plural(total - killed_at, 'new article')}, {killed_at} duplicates" in rerun.stdout
    assert count(session_factory, ArticleRow) == total
    _consistent(session_factory, database_url)


@pytest.mark.slow
def test_sigkill_inside_a_write_transaction_then_rerun(
    session_factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    """The process kills itself inside the 5th article's write transaction, after its rows
    and events were written and before the commit: exactly the first 4 stay stored."""
    from bot.ingest.service import KILL_IN_TRANSACTION_ENV

    folder = tmp_path / "batch"
    folder.mkdir()
    total = 12
    _generate(folder, total)
    env = {**os.environ, "DATABASE_URL": database_url, "NLP_BATCH_SIZE": "4"}
    env.pop("BOT_NOW", None)
    cmd = [sys.executable, "-m", "bot", "ingest", "--quiet", str(folder)]
    killed = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**env, KILL_IN_TRANSACTION_ENV: "5"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert count(session_factory, ArticleRow) == 4
    with session_factory() as session:  # the killed transaction left no event behind
        mentioned = session.scalar(select(func.count(func.distinct(MentionRow.article_id))))
        assert mentioned is not None and mentioned <= 4
    _consistent(session_factory, database_url)

    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{plural(total - 4, 'new article')}, 4 duplicates" in rerun.stdout
    assert count(session_factory, ArticleRow) == total
    _consistent(session_factory, database_url)
