"""Extraction on several cores: worker processes that each load the model once.

Only the analysis runs in the workers; the articles come back (in input order) to the one
process that stores them, so the database sees the same transactions, one per article, as
with a single process. Each worker holds one copy of the model (its memory is listed in the
README), so the number of workers is bounded.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import TYPE_CHECKING

from bot.domain import Article

if TYPE_CHECKING:
    from bot.ingest.service import Analysis, ExtractorLike
    from bot.nlp.pipeline import ArticleAnalysis, Extractor
    from bot.settings import Settings

MAX_DEFAULT_WORKERS = 4
# Fewer inputs than this are analysed in the calling process: starting workers (each loads
# the model, a few seconds) would cost more than it saves.
PARALLEL_MIN_INPUTS = 16

_worker_extractor: Extractor | None = None


def default_workers() -> int:
    """The number of cores, at most MAX_DEFAULT_WORKERS."""
    return max(1, min(MAX_DEFAULT_WORKERS, os.cpu_count() or 1))


def worker_count(requested: int | None) -> int:
    """``requested`` workers, or the default for 0 / None."""
    return requested if requested and requested > 0 else default_workers()


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent died (SIGKILL gives it no chance to stop the pool) exits too,
    instead of waiting forever with a model in memory."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _load(model_name: str, batch_size: int) -> None:
    global _worker_extractor
    from bot.nlp.pipeline import Extractor

    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()

    _worker_extractor = Extractor(model_name, batch_size)
    _worker_extractor.nlp  # noqa: B018 - load the model once, when the worker starts


def _analyse_batch(articles: list[Article]) -> list[ArticleAnalysis]:
    assert _worker_extractor is not None, "worker started without its model"
    return list(_worker_extractor.analyse(articles))


class ParallelExtractor:
    """``ExtractorLike`` over worker processes; results come in input order.

    Work goes out in batches of ``batch_size`` articles, the unit the model batches anyway.
    An exception in a worker is raised from ``analyse`` like the single-process extractor's,
    so the caller's retry of a failing batch one document at a time works the same; a worker
    that dies (killed, out of memory) breaks the pool, which is started afresh on next use.
    """

    def __init__(
        self,
        model_name: str,
        batch_size: int,
        workers: int,
        local: ExtractorLike | None = None,
        min_parallel: int = 1,
    ) -> None:
        self._model_name = model_name
        self._batch_size = max(1, batch_size)
        self.workers = workers
        # Fewer than ``min_parallel`` articles at a time go to ``local`` (the caller's own
        # extractor), so a small batch starts no worker.
        self._local = local
        self._min_parallel = min_parallel
        self._pool: ProcessPoolExecutor | None = None

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the caller may have threads (the bot) or open connections.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=mp.get_context("spawn"),
                initializer=_load,
                initargs=(self._model_name, self._batch_size),
            )
        return self._pool

    def analyse(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        batch = list(articles)  # ingestion hands over bounded chunks
        if self._local is not None and len(batch) < self._min_parallel:
            yield from self._local.analyse(batch)
            return
        pool = self._ensure_pool()
        try:
            for results in pool.map(_analyse_batch, _batches(batch, self._batch_size)):
                yield from results
        except BrokenProcessPool:
            self.close(wait=False)
            raise

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ParallelExtractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(wait=exc_type is None)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def make_extractor(
    settings: Settings, workers: int | None = None, inputs: int | None = None
) -> ExtractorLike:
    """The single-process extractor, or worker processes when more than one is asked for
    (``--workers``, else INGEST_WORKERS) and there is enough input to share."""
    from bot.nlp.pipeline import Extractor

    count = worker_count(workers if workers is not None else settings.ingest_workers)
    if count <= 1 or (inputs is not None and inputs < PARALLEL_MIN_INPUTS):
        return Extractor(settings.spacy_model, settings.nlp_batch_size)
    return ParallelExtractor(settings.spacy_model, settings.nlp_batch_size, count)


def feed_poll_extractor(settings: Settings, local: ExtractorLike) -> ExtractorLike:
    """For the bot's feed poller: ``local`` for small polls, worker processes (INGEST_WORKERS)
    for chunks of PARALLEL_MIN_INPUTS articles or more. Close it after the poll, so that
    the workers' memory is held only while a big poll runs."""
    count = worker_count(settings.ingest_workers)
    if count <= 1:
        return local
    return ParallelExtractor(
        settings.spacy_model, settings.nlp_batch_size, count, local, PARALLEL_MIN_INPUTS
    )
