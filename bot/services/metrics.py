"""Prometheus metrics: what is stored and delivered (read from the database at each scrape,
so every process reports the same figures) and how long extraction takes (in this process).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.services.context import Services
from bot.store import repository
from bot.store.queries import count_events

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from bot.domain import Article
    from bot.ingest.service import Analysis, ExtractorLike

# Extraction of one article (the spaCy pipeline and our rules), in this process.
EXTRACTION_SECONDS = Histogram(
    "summit_extraction_seconds",
    "Time to extract the meetings of one article",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class TimedExtractor:
    """An extractor that records each article's extraction time in ``EXTRACTION_SECONDS``."""

    def __init__(self, inner: ExtractorLike) -> None:
        self.inner = inner

    def analyse(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        started = time.perf_counter()
        for analysis in self.inner.analyse(articles):
            EXTRACTION_SECONDS.observe(time.perf_counter() - started)
            yield analysis
            started = time.perf_counter()  # time spent by the consumer is not extraction


class StoreCollector(Collector):
    """Deliveries by outcome, feed errors and events stored, counted in the database."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        with self.services.session() as session:
            deliveries = repository.deliveries_by_status(session)
            feeds, failing, errors = repository.feed_health(session)
            events = count_events(session)
        family = GaugeMetricFamily(
            "summit_deliveries", "Digest deliveries by outcome", labels=["outcome"]
        )
        for status, count in sorted(deliveries.items()):
            family.add_metric([status.value], count)
        yield family
        yield GaugeMetricFamily("summit_feeds", "Feeds subscribed", value=feeds)
        yield GaugeMetricFamily(
            "summit_feeds_failing", "Feeds whose last poll failed", value=failing
        )
        yield GaugeMetricFamily(
            "summit_feed_errors", "Consecutive failed polls, summed over feeds", value=errors
        )
        yield GaugeMetricFamily("summit_events_stored", "Events in the calendar", value=events)


def registry_for(services: Services) -> CollectorRegistry:
    """A registry with the store's figures and this process's extraction times."""
    registry = CollectorRegistry()
    registry.register(StoreCollector(services))
    registry.register(EXTRACTION_SECONDS)
    return registry
