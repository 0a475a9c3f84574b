"""Extractor speed against plain spaCy, and the peak memory of `summit-bot extract`.

Runs the extractor (our pipeline: the model plus our rules, dates and events) and plain
``nlp.pipe`` of the same model over the same articles in one process, prints words/s of
both and their ratio (target: at least 0.85), then runs `summit-bot extract --json` on the
same files in a child process and prints its peak resident memory (target: under 400 MB).

    python bench/extract.py [--articles 500] [--batch-size 4] [--rounds 1] [--block 20]
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

from bot.articles import read_article_file
from bot.nlp.model import load_base_model
from bot.nlp.pipeline import Extractor
from bot.settings import get_settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def corpus_files() -> list[Path]:
    folders = [
        SHARED / "benchmarks" / "timeml" / name for name in ("timebank", "aquaint", "te3-platinum")
    ]
    files = [
        SHARED / "corpus" / "000_d2c230fae8be8e2f.txt",
        *sorted((SHARED / "corpus" / "dev").glob("d*.txt")),
    ]
    for folder in folders:
        files.extend(sorted(folder.glob("*.txt")))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=get_settings().nlp_batch_size)
    parser.add_argument("--rounds", type=int, default=1, help="passes over the articles")
    parser.add_argument("--block", type=int, default=20, help="articles per paired block")
    args = parser.parse_args()

    files = corpus_files()
    if not files:
        print(f"no articles found under {SHARED}", file=sys.stderr)
        return 1
    chosen = list(itertools.islice(itertools.cycle(files), args.articles))
    articles = [read_article_file(path) for path in chosen]
    words = sum(a.word_count for a in articles)
    print(f"{len(articles)} articles ({len(set(chosen))} distinct), {words:,} words")

    model_name = get_settings().spacy_model
    plain = load_base_model(model_name)
    extractor = Extractor(model_name, args.batch_size)
    extractor.nlp  # load before timing  # noqa: B018

    # Warm both up on a few articles so neither pays first-call costs in the timing.
    list(plain.pipe((a.body for a in articles[:8]), batch_size=args.batch_size))
    list(extractor.analyse(articles[:8]))

    # Paired blocks: each block of articles goes through both pipelines back to back, in
    # alternating order, so that both see the same machine (CPU speed varies here by ±30%
    # over a minute, more than the difference being measured).
    plain_seconds = ours_seconds = 0.0
    events = 0
    for _ in range(args.rounds):
        for number, start in enumerate(range(0, len(articles), args.block)):
            block = articles[start : start + args.block]
            for which in ("plain", "ours") if number % 2 == 0 else ("ours", "plain"):
                began = time.perf_counter()
                if which == "plain":
                    for _ in plain.pipe((a.body for a in block), batch_size=args.batch_size):
                        pass
                    plain_seconds += time.perf_counter() - began
                else:
                    events += sum(len(r.events) for r in extractor.analyse(block))
                    ours_seconds += time.perf_counter() - began
    words *= args.rounds
    events //= args.rounds

    plain_rate, ours_rate = words / plain_seconds, words / ours_seconds
    print(f"plain nlp.pipe ({spacy.__version__}, {plain.meta['name']}): {plain_rate:,.0f} words/s")
    print(f"extractor:                        {ours_rate:,.0f} words/s ({events} events)")
    print(f"ratio extractor / plain:          {ours_rate / plain_rate:.3f}  (target >= 0.85)")

    with tempfile.TemporaryDirectory() as folder:
        links = []
        for n, path in enumerate(chosen):
            link = Path(folder) / f"{n:04d}_{path.name}"
            link.symlink_to(path)
            links.append(str(link))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "extract", "--json", *links],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ},
        )
        seconds = time.perf_counter() - start
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(
        f"summit-bot extract over {len(links)} files: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB "
        "(target < 400 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
