"""/stats for admins: subscribers, events, feed health, delivery counts and the last
deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.delivery import DeliveryStatus
from bot.ingest.feeds import FeedInfo, list_feeds
from bot.services.context import Services
from bot.services.digests import DeliveryCounts, delivery_counts, last_deliveries
from bot.services.events import upcoming
from bot.store import repository


@dataclass(slots=True)
class Stats:
    chats: int = 0
    subscribed: int = 0
    inactive: int = 0
    events: int = 0
    upcoming: int = 0
    articles: int = 0
    feeds: list[str] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0  # not delivered (refused, or retries that ran out of grace)
    retrying: int = 0  # failed ones that will be tried again
    unknown: int = 0  # sent without an answer: never resent, so possibly missed

    def count_deliveries(self, counts: DeliveryCounts) -> None:
        self.delivered = counts[DeliveryStatus.SENT]
        self.failed = counts[DeliveryStatus.FAILED]
        self.retrying = counts.retrying
        self.unknown = counts[DeliveryStatus.UNKNOWN]


# A feed's error as /feeds shows it; the full text is in ``summit-bot feeds list``.
MAX_FEED_ERROR_CHARS = 120
# How many events /stats counts as upcoming at most.
MAX_COUNTED_UPCOMING = 10_000


def feed_line(feed: FeedInfo) -> str:
    """A feed's URL and health as ``feeds list`` tells it: ok, DEGRADED or FAILING."""
    health = feed.health
    if len(health) > MAX_FEED_ERROR_CHARS:
        health = health[: MAX_FEED_ERROR_CHARS - 1] + "…"
    if health != "ok":
        return f"{feed.url} — ⚠️ {health}"
    if feed.last_success is None:
        return f"{feed.url} — ok, not read yet"
    return f"{feed.url} — ✅ ok, last read {feed.last_success:%Y-%m-%d %H:%M} UTC"


def feed_lines(services: Services) -> list[str]:
    """One line per feed: its URL and health."""
    with services.session() as session:
        return [feed_line(feed) for feed in list_feeds(session)]


def collect(services: Services) -> Stats:
    today = services.now().date()
    with services.session() as session:
        counts = repository.store_counts(session)
        upcoming_count = len(upcoming(session, today, limit=MAX_COUNTED_UPCOMING))
    stats = Stats(
        chats=counts.chats,
        subscribed=counts.subscribed,
        inactive=counts.chats - counts.subscribed,
        events=counts.events,
        upcoming=upcoming_count,
        articles=counts.articles,
    )
    stats.feeds = feed_lines(services)
    stats.deliveries = last_deliveries(services)
    stats.count_deliveries(delivery_counts(services))
    return stats
