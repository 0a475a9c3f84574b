"""Two writers storing reports of the same meeting at once make one event, not two."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import IngestReport, ingest
from bot.ingest.sources import file_input
from bot.settings import Settings
from bot.store.models import ArticleRow, EventRow, MentionRow

from .conftest import FakeExtractor, count, meeting, write_article


def test_parallel_writers_share_one_event(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    n = 6
    script = {
        f"Report {i}": [meeting(["Ana Lund", "Jorge Vera"], "2030-06-03", "Oslo")] for i in range(n)
    }
    paths = [
        write_article(
            tmp_path, f"r{i}.txt", "2030-05-01", f"Report {i}", f"Version {i}: they meet."
        )
        for i in range(n)
    ]
    barrier = threading.Barrier(n)
    reports: list[IngestReport] = []

    def work(path: Path) -> None:
        barrier.wait()
        reports.append(
            ingest(session_factory, FakeExtractor(script), [file_input(path, Settings())])
        )

    threads = [threading.Thread(target=work, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports), [r.failures for r in reports]
    assert sum(r.events_created for r in reports) == 1
    assert (count(session_factory, ArticleRow), count(session_factory, EventRow)) == (n, 1)
    assert count(session_factory, MentionRow) == n
