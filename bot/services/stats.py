"""/stats for admins: subscribers, events, feed health, delivery counts and the last
deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.domain.delivery import DeliveryStatus
from bot.services.context import Services
from bot.services.digests import DeliveryCounts, delivery_counts, last_deliveries
from bot.services.events import upcoming
from bot.store.models import ArticleRow, ChatRow, EventRow, FeedRow


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


def feed_lines(services: Services) -> list[str]:
    """One line per feed: its URL and health."""
    with services.session() as session:
        feeds = list(session.scalars(select(FeedRow).order_by(FeedRow.url)))
        lines = []
        for feed in feeds:
            if feed.error_count:
                health = f"⚠️ {feed.error_count} errors: {(feed.last_error or '')[:80]}"
            elif feed.last_success:
                health = f"✅ ok {feed.last_success:%Y-%m-%d %H:%M} UTC"
            else:
                health = "not polled yet"
            lines.append(f"{feed.url} — {health}")
        return lines


def collect(services: Services) -> Stats:
    today = services.now().date()
    with services.session() as session:
        stats = Stats(
            chats=session.scalar(select(func.count()).select_from(ChatRow)) or 0,
            subscribed=session.scalar(
                select(func.count()).select_from(ChatRow).where(ChatRow.active.is_(True))
            )
            or 0,
            events=session.scalar(select(func.count()).select_from(EventRow)) or 0,
            articles=session.scalar(select(func.count()).select_from(ArticleRow)) or 0,
        )
        stats.upcoming = len(upcoming(session, today, limit=10_000))
    stats.inactive = stats.chats - stats.subscribed
    stats.feeds = feed_lines(services)
    stats.deliveries = last_deliveries(services)
    stats.count_deliveries(delivery_counts(services))
    return stats
