"""Ingesting from the bot: ``/ingest URL``, the feed-polling job and the bundled sample.

Extraction is CPU-bound and blocking: callers in asyncio code run these in a thread. One
extractor (spaCy model) is loaded lazily and used by one thread at a time.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.settings import Settings
from bot.store.models import ArticleRow

if TYPE_CHECKING:
    from bot.ingest.feeds import FeedPollResult
    from bot.ingest.service import ExtractorLike, IngestReport

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

    @property
    def extractor(self) -> ExtractorLike:
        if self._extractor is None:
            from bot.nlp.pipeline import Extractor
            from bot.services.metrics import TimedExtractor

            extractor = Extractor(self.settings.spacy_model, self.settings.nlp_batch_size)
            self._extractor = TimedExtractor(extractor)  # extraction times go to /metrics
        return self._extractor

    def ingest_url(self, url: str) -> IngestReport:
        """Fetch, analyse and store one article URL (blocking)."""
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
            return ingest(
                self.services.sessions,
                self.extractor,
                [url_input(lambda: client, url, self.settings)],
                now=self.services.now(),
            )

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
            )

    def poll_due_feeds(self) -> list[FeedPollResult]:
        """The scheduled job: poll the feeds that are due (blocking)."""
        from bot.ingest.feeds import poll_due_feeds

        with self._lock:
            return poll_due_feeds(self.services.sessions, self.extractor, self.services.now())

    def article_count(self) -> int:
        with self.services.session() as session:
            return session.scalar(select(func.count()).select_from(ArticleRow)) or 0
