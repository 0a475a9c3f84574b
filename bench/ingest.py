"""Ingestion throughput against the bare extractor, and calendar query time at scale.

Builds N articles at run time from the seed and the dev articles in ../shared (each copy
varied so that its content hash differs), then, each phase in a fresh process:
  1. the bare extractor over the N articles (model loaded before the clock starts);
  2. the same N articles ingested into SQLite (extract + store, one transaction each);
  3. the same into PostgreSQL (a fresh schema, dropped afterwards);
and prints articles/s, words/s and peak memory (VmHWM) for each, with the ratio of ingest to
bare extraction (the target is >= 0.8). Then it stores 100,000 synthetic events and times
the calendar query (``bot.store.upcoming``) on both databases.

With ``--sizes 10,50,100,200`` it instead ingests one long article of each size (KB), each
in a fresh process, and prints seconds per KB of text read and the peak memory: the time per
KB should stay flat (within 1.5x from the smallest to the largest) and the peak under 400 MB.
Text past MAX_ARTICLE_CHARS is not read (``--no-cap`` reads it all, to time the extractor
alone on the full length).

    .venv/bin/python bench/ingest.py [--articles 2000] [--events 100000] [--no-postgres]
    .venv/bin/python bench/ingest.py --sizes 10,50,100,200 [--no-cap]

With ``--workers 1,2`` it ingests the N articles into SQLite with that many extraction
processes each (one writer) and prints articles/s, the ratio to the first, and the peak
memory of the writer and of each worker.

    .venv/bin/python bench/ingest.py --articles 2000 --workers 1,2
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

sys.path.insert(0, str(REPO))

VARIATIONS = [
    "Officials did not comment further on the schedule.",
    "The report could not be independently verified.",
    "Further details were expected later in the week.",
    "Diplomats said the arrangements were still being finalised.",
]


def build_articles(n: int) -> list[Any]:
    """N articles from the corpus files; copies differ in a closing line and paragraph order."""
    from bot.articles import read_article_file
    from bot.domain import Article

    files = [CORPUS / "000_d2c230fae8be8e2f.txt", *sorted((CORPUS / "dev").glob("*.txt"))]
    originals = [read_article_file(p) for p in files]
    rng = random.Random(42)
    articles = []
    for i in range(n):
        base = originals[i % len(originals)]
        paragraphs = [p for p in base.body.split("\n\n") if p.strip()]
        if i >= len(originals) and len(paragraphs) > 3:
            # Keep the lead paragraph, swap two later ones: the same news, other text.
            a, b = rng.sample(range(1, len(paragraphs)), 2)
            paragraphs[a], paragraphs[b] = paragraphs[b], paragraphs[a]
        paragraphs.append(f"{rng.choice(VARIATIONS)} (Copy {i}.)")
        articles.append(
            Article(f"bench/{i:05d}.txt", base.published, base.title, "\n\n".join(paragraphs))
        )
    return articles


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _extractor() -> Any:
    from bot.nlp.pipeline import Extractor
    from bot.settings import get_settings

    settings = get_settings()
    extractor = Extractor(settings.spacy_model, settings.nlp_batch_size)
    extractor.nlp  # noqa: B018 - load the model before the clock starts
    return extractor


def run_bare(n: int) -> dict[str, float]:
    articles = build_articles(n)
    extractor = _extractor()
    started = time.perf_counter()
    events = sum(len(a.events) for a in extractor.analyse(articles))
    elapsed = time.perf_counter() - started
    words = sum(a.word_count for a in articles)
    return {"seconds": elapsed, "words": words, "events": events, "peak_mb": peak_rss_mb()}


def run_ingest(n: int, url: str) -> dict[str, float]:
    from bot.ingest import Input, ingest
    from bot.store import make_session_factory, upgrade_database

    articles = build_articles(n)
    upgrade_database(url)
    factory = make_session_factory(url)
    extractor = _extractor()
    inputs = [Input(a.source, (lambda a=a: a)) for a in articles]
    started = time.perf_counter()
    report = ingest(factory, extractor, inputs)
    elapsed = time.perf_counter() - started
    assert report.ok and report.new_articles == n, report.summary()
    return {
        "seconds": elapsed,
        "words": report.words,
        "events": report.events_created,
        "peak_mb": peak_rss_mb(),
    }


def long_article(kb: int) -> Any:
    """One article of about ``kb`` KB: corpus paragraphs, one after another, until it is long
    enough (the lead paragraph of the seed first, so that it reads as one news story)."""
    from bot.articles import read_article_file
    from bot.domain import Article

    files = [CORPUS / "000_d2c230fae8be8e2f.txt", *sorted((CORPUS / "dev").glob("*.txt"))]
    originals = [read_article_file(p) for p in files]
    paragraphs = [p for a in originals for p in a.body.split("\n\n") if p.strip()]
    body: list[str] = []
    size, i = 0, 0
    while size < kb * 1024:
        paragraph = paragraphs[i % len(paragraphs)]
        body.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
        i += 1
    base = originals[0]
    return Article(f"bench/long-{kb}kb.txt", base.published, base.title, "\n\n".join(body))


def run_long(kb: int, max_chars: int | None) -> dict[str, float]:
    from bot.articles import DEFAULT_MAX_CHARS
    from bot.ingest import Input, ingest
    from bot.store import make_session_factory, upgrade_database

    article = long_article(kb)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/long.sqlite3"
        upgrade_database(url)
        factory = make_session_factory(url)
        extractor = _extractor()
        cap = max_chars or DEFAULT_MAX_CHARS
        started = time.perf_counter()
        report = ingest(factory, extractor, [Input(article.source, lambda: article)], max_chars=cap)
        elapsed = time.perf_counter() - started
    assert report.new_articles == 1, report.summary()
    left_out = sum(n for _, n in report.truncated)
    read = len(article.body) - left_out
    return {
        "seconds": elapsed,
        "chars": float(len(article.body)),
        "read": float(read),
        "bytes_read": float(len(article.body[:read].encode("utf-8"))),
        "events": float(report.events_created),
        "peak_mb": peak_rss_mb(),
    }


def bench_sizes(sizes: list[int], no_cap: bool) -> None:
    per_kb: list[float] = []
    for kb in sizes:
        r = _in_child(run_long, kb, 10**9 if no_cap else None)
        kb_read = r["bytes_read"] / 1024
        per_kb.append(r["seconds"] / kb_read)
        cut = (
            ""
            if r["read"] == r["chars"]
            else f" (cut: {int(r['chars'] - r['read']):,} chars not read)"
        )
        print(
            f"{kb:4d} KB article: read {kb_read:6.1f} KB in {r['seconds']:7.2f} s = "
            f"{1000 * per_kb[-1]:7.1f} ms/KB  peak {r['peak_mb']:4.0f} MB  "
            f"events {int(r['events'])}{cut}",
            flush=True,
        )
    print(f"time per KB, largest / smallest: {per_kb[-1] / per_kb[0]:.2f}x (target <= 1.5x)")


def _peak_mb_of(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_workers(n: int, workers: int) -> dict[str, float]:
    from bot.ingest import Input, ingest
    from bot.ingest.workers import ParallelExtractor
    from bot.settings import get_settings
    from bot.store import make_session_factory, upgrade_database

    articles = build_articles(n)
    settings = get_settings()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/workers.sqlite3"
        upgrade_database(url)
        factory = make_session_factory(url)
        inputs = [Input(a.source, (lambda a=a: a)) for a in articles]
        worker_peak = 0.0
        if workers <= 1:
            extractor = _extractor()
        else:
            extractor = ParallelExtractor(settings.spacy_model, settings.nlp_batch_size, workers)
            # Start the workers (each loads its model) before the clock starts.
            list(extractor.analyse(articles[: workers * settings.nlp_batch_size]))
        started = time.perf_counter()
        report = ingest(factory, extractor, inputs)
        elapsed = time.perf_counter() - started
        if isinstance(extractor, ParallelExtractor):
            worker_peak = max(_peak_mb_of(p.pid) for p in mp.active_children() if p.pid)
            extractor.close()
    assert report.new_articles == n, report.summary()
    return {"seconds": elapsed, "peak_mb": peak_rss_mb(), "worker_peak_mb": worker_peak}


def bench_workers(n: int, counts: list[int]) -> None:
    first: float | None = None
    for workers in counts:
        r = _in_process(run_workers, n, workers)
        rate = n / r["seconds"]
        first = first or rate
        workers_mb = f", each worker {r['worker_peak_mb']:.0f} MB" if workers > 1 else ""
        print(
            f"{workers} worker(s): {rate:6.2f} articles/s  ratio {rate / first:.2f}  "
            f"peak: writer {r['peak_mb']:.0f} MB{workers_mb}",
            flush=True,
        )


def _send_result(conn: Any, func: Any, args: tuple[Any, ...]) -> None:
    conn.send(func(*args))
    conn.close()


def _in_process(func: Any, *args: Any) -> dict[str, float]:
    """``func(*args)`` in a fresh process that may start processes of its own."""
    context = mp.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_send_result, args=(send, func, args))
    child.start()
    send.close()
    result: dict[str, float] = receive.recv()
    child.join()
    return result


def _in_child(func: Any, *args: Any) -> dict[str, float]:
    with mp.get_context("spawn").Pool(1) as pool:
        result: dict[str, float] = pool.apply(func, args)
    return result


def pg_schema() -> tuple[str, Any]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def fill_events(url: str, n_events: int) -> None:
    """Synthetic events over eight years (a tenth undated), one mention each."""
    from bot.store import upgrade_database
    from bot.store.db import make_engine
    from tests.fakes.calendar import fill_synthetic_calendar

    upgrade_database(url)
    engine = make_engine(url)
    fill_synthetic_calendar(engine, n_events)
    engine.dispose()


def time_query(url: str, runs: int = 20) -> tuple[float, float]:
    """Median and worst ms of the calendar query (limit 50, with sources)."""
    from bot.store import make_session_factory, upcoming

    factory = make_session_factory(url)
    as_of = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    timings = []
    for _ in range(runs):
        with factory() as session:
            started = time.perf_counter()
            upcoming(session, as_of.date(), limit=50, include_undated=True)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def _line(name: str, r: dict[str, float], n: int, bare: dict[str, float] | None) -> str:
    aps, wps = n / r["seconds"], r["words"] / r["seconds"]
    ratio = f"  throughput ratio {aps / (n / bare['seconds']):.2f}" if bare else ""
    events = f"events stored {int(r['events'])}" if bare else f"events found {int(r['events'])}"
    return (
        f"{name:<20} {aps:7.2f} articles/s {wps:7.0f} words/s "
        f"peak {r['peak_mb']:5.0f} MB  {events}{ratio}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--sizes", help="KB of long articles, e.g. 10,50,100,200")
    parser.add_argument("--no-cap", action="store_true", help="read long articles whole")
    parser.add_argument("--workers", help="extraction processes to compare, e.g. 1,2")
    args = parser.parse_args()
    if args.workers:
        bench_workers(args.articles, [int(w) for w in args.workers.split(",")])
        return 0
    if args.sizes:
        bench_sizes([int(kb) for kb in args.sizes.split(",")], args.no_cap)
        return 0
    n = args.articles

    print(f"{n} articles, {sum(a.word_count for a in build_articles(n))} words")
    bare = _in_child(run_bare, n)
    print(_line("bare extractor", bare, n, None), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.sqlite3"
        print(_line("ingest → SQLite", _in_child(run_ingest, n, sqlite_url), n, bare), flush=True)
        if not args.no_postgres:
            url, drop = pg_schema()
            try:
                print(_line("ingest → PostgreSQL", _in_child(run_ingest, n, url), n, bare))
            finally:
                drop()

        targets = [("SQLite", f"sqlite:///{tmp}/events.sqlite3", None)]
        if not args.no_postgres:
            targets.append(("PostgreSQL", *pg_schema()))
        for name, url, drop_fn in targets:
            try:
                started = time.perf_counter()
                fill_events(url, args.events)
                filled = time.perf_counter() - started
                median, worst = time_query(url)
                print(
                    f"calendar query, {args.events} events in {name}: median {median:.1f} ms, "
                    f"worst {worst:.1f} ms (filled in {filled:.0f} s)"
                )
            finally:
                if drop_fn:
                    drop_fn()
    return 0


if __name__ == "__main__":
    sys.exit(main())
