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
