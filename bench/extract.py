"""Extractor speed against plain spaCy, and the peak memory of `summit-bot extract`.

Runs the extractor (our pipeline: the model plus our rules, dates and events) and plain
``nlp.pipe`` of the same model over the same articles in one process, prints words/s of
both and their ratio (target: at least 0.85), then runs `summit-bot extract --json` on the
same files in a child process and prints its peak resident memory (target: under 400 MB).

    python bench/extract.py [--articles 500] [--batch-size 4] [--rounds 2]
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
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds of each")
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

    # Interleaved rounds, best of each: the two share the machine's state fairly.
    plain_seconds = ours_seconds = float("inf")
    events = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in plain.pipe((a.body for a in articles), batch_size=args.batch_size):
            pass
        plain_seconds = min(plain_seconds, time.perf_counter() - start)

        start = time.perf_counter()
        events = sum(len(result.events) for result in extractor.analyse(articles))
        ours_seconds = min(ours_seconds, time.perf_counter() - start)

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
