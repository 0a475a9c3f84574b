"""Ingesting from the bot: ``/ingest URL``, the feed-polling job and the bundled sample.

Extraction is CPU-bound and blocking: callers in asyncio code run these in a thread. One
extractor (spaCy model) is loaded lazily and used by one thread at a time.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import SummitBotError
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.settings import Settings
from bot.store import repository

if TYPE_CHECKING:
    from bot.ingest.feeds import FeedPollResult
    from bot.ingest.service import ExtractorLike, IngestReport

log = logging.getLogger(__name__)

SAMPLE_ARTICLE = Path(__file__).resolve().parents[1] / "samples" / "summit-sample.txt"


class Ingestion:
    """The bot's way into the store's ingestion (``bot.ingest``)."""

    def __init__(
        self, services: Services, settings: Settings, extractor: ExtractorLike | None = None
    ) -> None:
        self.services = services
        self.settings = settings
        self._extractor = extractor
        self._lock = threading.Lock()
        self._last_poll_error: str | None = None

    @property
    def extractor(self) -> ExtractorLike:
        if self._extractor is None:
            from bot.nlp.pipeline import Extractor
            from bot.services.metrics import TimedExtractor

            extractor = Extractor(self.settings.spacy_model, self.settings.nlp_batch_size)
            self._extractor = TimedExtractor(extractor)  # extraction times go to /metrics
        return self._extractor

    def ingest_url(self, url: str) -> IngestReport:
        """Fetch, analyse and store one article URL (blocking).

        Why a fetch failed is logged here and not shown in the chat: "refused", "timed out"
        and "connection refused" for addresses of one's choosing would map a network.
        """
        from bot.ingest.fetch import make_client
        from bot.ingest.service import ingest
        from bot.ingest.sources import url_input

        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise InvalidInputError(
                "Give an article address starting with http:// or https://, "
                "e.g. /ingest https://example.com/news/summit"
            )
        with self._lock, make_client(self.settings) as client:
            report = ingest(
                self.services.sessions,
                self.extractor,
                [url_input(lambda: client, url, self.settings)],
                now=self.services.now(),
                max_chars=self.settings.max_article_chars,
            )
        for failure in report.failures:
            log.warning("/ingest %s", failure)
        return report

    def ingest_file(self, path: Path) -> IngestReport:
        """Analyse and store one article file (blocking)."""
        from bot.ingest.service import ingest
        from bot.ingest.sources import file_input

        with self._lock:
            return ingest(
                self.services.sessions,
                self.extractor,
                [file_input(path, self.settings)],
                now=self.services.now(),
                max_chars=self.settings.max_article_chars,
            )

    def poll_due_feeds(self) -> list[FeedPollResult]:
        """The scheduled job: poll the feeds that are due (blocking)."""
        from bot.ingest.feeds import poll_due_feeds
        from bot.ingest.workers import ParallelExtractor, feed_poll_extractor

        try:
            with self._lock:
                extractor = feed_poll_extractor(self.settings, self.extractor)
                try:
                    results = poll_due_feeds(
                        self.services.sessions, extractor, self.services.now(), self.settings
                    )
                finally:
                    if isinstance(extractor, ParallelExtractor):
                        extractor.close()
        except (SQLAlchemyError, SummitBotError) as exc:
            # The database is down, the model missing…: said once, not on every cycle.
            reason = (str(getattr(exc, "orig", None) or exc).splitlines() or ["?"])[0]
            level = logging.DEBUG if reason == self._last_poll_error else logging.WARNING
            log.log(level, "feed polling failed: %s", reason)
            self._last_poll_error = reason
            return []
        if self._last_poll_error is not None:
            log.info("feed polling works again")
            self._last_poll_error = None
        return results

    def article_count(self) -> int:
        with self.services.session() as session:
            return repository.count_articles(session)
