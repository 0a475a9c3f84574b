"""How ingestion hands articles to the extractor: bounded in count and in characters."""

from __future__ import annotations

import datetime as dt

from bot.domain import Article
from bot.ingest.service import _chunks


def _article(n: int, chars: int) -> Article:
    return Article(f"a{n}.txt", dt.date(2025, 5, 1), f"A{n}", "x" * chars)


def test_chunks_hold_a_count_and_long_articles_go_alone() -> None:
    sizes = [10, 10, 10, 10, 10, 45, 60, 5, 5]
    articles = iter([_article(i, size) for i, size in enumerate(sizes)])
    chunks = [[len(a.body) for a in chunk] for chunk in _chunks(articles, 4, 40)]
    assert chunks == [[10, 10, 10, 10], [10], [45], [60], [5, 5]]


def test_chunks_read_lazily() -> None:
    taken: list[int] = []

    def articles():  # type: ignore[no-untyped-def]
        for i in range(10):
            taken.append(i)
            yield _article(i, 1)

    first = next(_chunks(articles(), 3, 100))
    assert len(first) == 3 and taken == [0, 1, 2]


class _Local:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def analyse(self, articles):  # type: ignore[no-untyped-def]
        for article in articles:
            self.seen.append(article.title)
            yield article


def test_small_batches_stay_in_the_process_and_start_no_worker() -> None:
    from bot.ingest.workers import ParallelExtractor, feed_poll_extractor
    from bot.settings import Settings

    local = _Local()
    extractor = ParallelExtractor("en_core_web_sm", 4, 2, local, min_parallel=16)
    results = list(extractor.analyse([_article(i, 10) for i in range(3)]))
    assert len(results) == 3 and local.seen == ["A0", "A1", "A2"]
    assert extractor._pool is None  # no process was started
    extractor.close()
    assert feed_poll_extractor(Settings(ingest_workers=1), local) is local
    assert isinstance(feed_poll_extractor(Settings(ingest_workers=2), local), ParallelExtractor)
