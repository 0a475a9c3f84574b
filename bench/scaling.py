"""How extraction time grows with the length of an article.

Builds long articles by concatenating the bodies of the dev articles (the first one's
publication date for all) and times the whole pipeline on each size, printing seconds and
seconds per KB. The target: time per KB within 1.5x from 10 KB to 200 KB.

    python bench/scaling.py [--sizes 10,50,100,200] [--rounds 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import sys
import time
from pathlib import Path

from bot.articles import read_article_file
from bot.domain import Article
from bot.nlp.pipeline import Extractor
from bot.settings import get_settings

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


def long_article(kilobytes: int) -> Article:
    articles = [read_article_file(p) for p in sorted(DEV.glob("d*.txt"))]
    parts: list[str] = []
    size = 0
    for article in itertools.cycle(articles):
        if size >= kilobytes * 1000:
            break
        parts.append(article.body)
        size += len(article.body.encode("utf-8")) + 2
    body = "\n\n".join(parts)[: kilobytes * 1000]
    return Article(source="long", published=articles[0].published, title="long", body=body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100,200")
    parser.add_argument("--profile", action="store_true", help="profile the largest size")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per size, interleaved; the fastest counts"
    )
    args = parser.parse_args()
    extractor = Extractor(get_settings().spacy_model)
    extractor.analyse_one(long_article(2))  # load the model outside the timing
    sizes = [int(s) for s in args.sizes.split(",")]
    articles = {size: long_article(size) for size in sizes}
    best: dict[int, float] = {}
    events: dict[int, int] = {}
    # The machine is shared: sizes take turns, and each keeps its fastest run.
    for _ in range(args.rounds):
        for size in sizes:
            start = time.perf_counter()
            result = extractor.analyse_one(articles[size])
            seconds = time.perf_counter() - start
            best[size] = min(best.get(size, seconds), seconds)
            events[size] = len(result.events)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        extractor.analyse_one(articles[sizes[-1]])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    per_kb = [best[size] / size for size in sizes]
    for size in sizes:
        print(
            f"{size:4d} KB  {best[size]:7.2f} s  {1000 * best[size] / size:7.1f} ms/KB  "
            f"{events[size]} events"
        )
    print(f"ratio of ms/KB, largest to smallest: {per_kb[-1] / per_kb[0]:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
