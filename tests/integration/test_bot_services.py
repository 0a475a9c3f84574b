"""The bot's services on a real database (SQLite, and PostgreSQL when it runs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.domain import Status
from bot.domain.chat import ChatKind, FollowKind, Frequency
from bot.domain.delivery import DeliveryStatus
from bot.services import chats, digests, follows, meetings, overview, stats
from bot.services.calendar import ics_bytes
from bot.services.clock import FixedClock
from bot.services.context import ServiceConfig, Services
from bot.services.errors import InvalidInputError
from bot.services.rendering import Renderer, html_to_text
from bot.store import make_session_factory, upgrade_database
from bot.store.db import make_engine
from bot.store.models import (
    ArticleRow,
    ChatRow,
    DeliveryRow,
    EventRow,
    FeedEntryFailureRow,
    FeedRow,
    FollowRow,
    MentionRow,
)

UTC = dt.UTC
START = dt.datetime(2025, 10, 27, 5, 0, tzinfo=UTC)


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    svc = Services(
        make_session_factory(engine),
        FixedClock(START),
        Renderer(),
        ServiceConfig(missed_digest_grace=dt.timedelta(hours=3), admin_ids=frozenset({1})),
    )
    yield svc
    engine.dispose()


def add_event(
    svc: Services,
    title: str,
    day: dt.date | None,
    *,
    participants: tuple[str, ...] = (),
    place: str | None = None,
    status: str = "scheduled",
    url: str | None = None,
) -> int:
    with svc.session(write=True) as session:
        article = session.scalars(select(ArticleRow).where(ArticleRow.title == title)).first()
        if article is None:
            article = ArticleRow(
                source=url or f"/articles/{title}.txt",
                url=url,
                title=f"Report: {title}",
                published=dt.date(2025, 10, 27),
                text=title,
                content_hash=str(abs(hash(title))),
            )
            session.add(article)
            session.flush()
        row = EventRow(
            key=title.lower(),
            title=title,
            participants=list(participants),
            place=place,
            date=day,
            end_date=None,
            last_day=day,
            precision="day",
            status=status,
            first_reported=dt.date(2025, 10, 27),
            last_reported=dt.date(2025, 10, 27),
            changes=[],
            first_seen=START,
            updated_at=START,
        )
        session.add(row)
        session.flush()
        session.add(
            MentionRow(
                event_id=row.id,
                article_id=article.id,
                published=dt.date(2025, 10, 27),
                participants=list(participants),
                place=place,
                date=day,
                precision="day",
                status=status,
            )
        )
        return row.id


@pytest.fixture
def calendar(services: Services) -> dict[str, int]:
    return {
        "past": add_event(services, "Trump at the ASEAN summit", dt.date(2025, 10, 26)),
        "takaichi": add_event(
            services,
            "Donald Trump meets Sanae Takaichi",
            dt.date(2025, 10, 28),
            participants=("Donald Trump", "Sanae Takaichi"),
            place="Tokyo",
            url="https://news.example/takaichi",
        ),
        "lee": add_event(
            services,
            "Donald Trump meets Lee Jae Myung",
            dt.date(2025, 10, 29),
            participants=("Donald Trump", "Lee Jae Myung"),
            place="Busan",
        ),
        "xi": add_event(
            services,
            "Donald Trump meets Xi Jinping",
            dt.date(2025, 10, 30),
            participants=("Donald Trump", "Xi Jinping"),
            place="South Korea",
        ),
        "kim": add_event(
            services,
            "Donald Trump meets Kim Jong Un",
            dt.date(2025, 10, 30),
            participants=("Donald Trump", "Kim Jong Un"),
            status="possible",
        ),
    }


def test_subscribe_and_unsubscribe_are_idempotent(services: Services) -> None:
    info, already = chats.subscribe(services, 42, "private")
    assert info.subscribed and not already
    assert chats.subscribe(services, 42, "private")[1] is True
    assert chats.unsubscribe(services, 42) is True
    assert chats.unsubscribe(services, 42) is False
    assert chats.unsubscribe(services, 999) is False  # never seen: nothing stored
    assert chats.get_chat(services, 999).subscribed is False


def test_settings_are_validated_and_stored(services: Services) -> None:
    chats.subscribe(services, 42, "private")
    assert chats.set_timezone(services, 42, "berlin").timezone == "Europe/Berlin"
    assert chats.set_digest_time(services, 42, "7:30").digest_time == dt.time(7, 30)
    assert chats.set_frequency(services, 42, "weekly").frequency.value == "weekly"
    with pytest.raises(InvalidInputError):
        chats.set_digest_time(services, 42, "25:00")
    info = chats.get_chat(services, 42)
    assert (info.timezone, info.digest_time) == ("Europe/Berlin", dt.time(7, 30))
    text = overview.settings_message(services, info)
    assert "Europe/Berlin" in text and "07:30" in text and "weekly" in text


def test_a_day_with_the_time_asks_for_weekly_digests(services: Services) -> None:
    chats.subscribe(services, 43, "private")
    info = chats.set_digest_time(services, 43, "fri 17:00")
    assert (info.frequency.value, info.digest_weekday, info.digest_time) == (
        "weekly",
        4,
        dt.time(17, 0),
    )
    assert info.weekday_name == "Friday"
    slot = info.next_digest(services.now())
    assert slot is not None and slot.due.astimezone(dt.UTC).weekday() == 4


def test_follows(services: Services, calendar: dict[str, int]) -> None:
    assert follows.follow(services, 42, "Xi Jinping") is True
    assert follows.follow(services, 42, "xi jinping") is False
    assert follows.follows(services, 42) == ["Xi Jinping"]
    text = html_to_text(meetings.next_meeting(services, 42))
    assert "Xi Jinping" in text and "Thu 30 Oct 2025" in text
    assert follows.unfollow(services, 42, "XI JINPING") is True
    assert follows.unfollow(services, 42, "Xi Jinping") is False
    with pytest.raises(InvalidInputError):
        follows.follow(services, 42, "  ")


def test_next_and_upcoming(services: Services, calendar: dict[str, int]) -> None:
    text = html_to_text(meetings.next_meeting(services, 7))
    assert "Donald Trump meets Sanae Takaichi" in text
    assert "Tue 28 Oct 2025" in text and "tomorrow" in text and "Tokyo" in text
    assert "https://news.example/takaichi" in text
    upcoming = html_to_text("\n".join(meetings.upcoming_messages(services, 7, 10)))
    assert "ASEAN" not in upcoming  # past
    assert upcoming.index("Takaichi") < upcoming.index("Lee Jae Myung") < upcoming.index("Xi")
    assert "(possible)" in upcoming
    with pytest.raises(InvalidInputError):
        meetings.parse_count(["lots"])
    with pytest.raises(InvalidInputError, match="out of range"):  # reported, not clamped
        meetings.parse_count(["500"])
    assert meetings.parse_count([str(meetings.MAX_UPCOMING)]) == meetings.MAX_UPCOMING


def test_nothing_upcoming(services: Services) -> None:
    assert "Nothing upcoming" in meetings.next_meeting(services, 7)


def test_due_claim_and_at_most_once(services: Services, calendar: dict[str, int]) -> None:
    chats.subscribe(services, 1, "private")
    chats.set_digest_time(services, 1, "06:00")
    chats.subscribe(services, 2, "private")
    chats.set_digest_time(services, 2, "09:00")
    assert isinstance(services.clock, FixedClock)
    services.clock.set(dt.datetime(2025, 10, 27, 6, 0, 30, tzinfo=UTC))
    due = digests.due_chats(services)
    assert [(chat.chat_id, slot.key) for chat, slot in due] == [(1, "daily:2025-10-27")]
    first = digests.claim(services, 1, "daily:2025-10-27")
    assert first is not None
    assert digests.claim(services, 1, "daily:2025-10-27") is None  # unique: never twice
    # A crash leaves it pending: it is not due again, and the restart marks it unknown.
    assert digests.due_chats(services) == []
    assert digests.resolve_unknown(services) == 1
    with services.session() as session:
        row = session.get(DeliveryRow, first.delivery_id)
        assert row is not None and row.status == DeliveryStatus.UNKNOWN
    # More than the grace period late: not sent.
    services.clock.set(dt.datetime(2025, 10, 27, 12, 0, tzinfo=UTC))
    assert digests.due_chats(services) == []


def test_new_and_changed_marks(services: Services, calendar: dict[str, int]) -> None:
    chats.subscribe(services, 1, "private")
    chat = chats.get_chat(services, 1)
    first = digests.build_digest(services, chat)
    text = html_to_text("\n".join(first.messages))
    assert "Summit digest" in text and "🆕" not in text  # nothing to compare with yet
    assert "Mon 27 Oct 2025 – Mon 10 Nov 2025" in text
    delivery = digests.claim(services, 1, "daily:2025-10-27")
    assert delivery is not None
    digests.mark_sent(services, delivery.delivery_id, first, [1])
    # The Lee meeting moves to a new place; a new meeting appears.
    with services.session(write=True) as session:
        row = session.get(EventRow, calendar["lee"])
        assert row is not None
        row.place = "Gyeongju"
    add_event(services, "APEC summit", dt.date(2025, 10, 31), place="Gyeongju")
    second = html_to_text("\n".join(digests.build_digest(services, chat).messages))
    assert "🆕 APEC summit" in second
    assert "✏️ changed: Donald Trump meets Lee Jae Myung" in second
    assert "🆕 Donald Trump meets Xi" not in second


def test_the_next_digest_says_once_what_happened_to_meetings_shown(
    services: Services, calendar: dict[str, int]
) -> None:
    chats.subscribe(services, 1, "private")
    chat = chats.get_chat(services, 1)

    def send(key: str) -> str:
        digest = digests.build_digest(services, chat)
        delivery = digests.claim(services, 1, key)
        assert delivery is not None
        digests.mark_sent(services, delivery.delivery_id, digest, [1])
        return html_to_text("\n".join(digest.messages))

    assert "Since your last digest" not in send("daily:2025-10-27")
    with services.session(write=True) as session:  # as the repository records a report
        row = session.get(EventRow, calendar["xi"])
        assert row is not None
        row.status = Status.CANCELLED
        row.changes = [
            {"field": "status", "old": "scheduled", "new": "cancelled", "reported": "2025-10-27"}
        ]
    second = send("daily:2025-10-28")
    assert "Since your last digest" in second
    assert "Donald Trump meets Xi Jinping: cancelled" in second
    assert "Since your last digest" not in send("daily:2025-10-29")  # said once


def test_forbidden_and_migration(services: Services, calendar: dict[str, int]) -> None:
    chats.subscribe(services, -5, "group")
    follows.follow(services, -5, "APEC")
    key = "daily:2025-10-27"
    assert digests.claim(services, -5, key) is not None
    chats.migrate_chat(services, -5, -1005)
    moved = chats.get_chat(services, -1005)
    assert moved.subscribed and moved.type == "supergroup"
    assert follows.follows(services, -1005) == ["APEC"]
    assert digests.claim(services, -1005, key) is None  # its history moved too
    with services.session() as session:
        assert session.get(ChatRow, -5) is None
        assert session.scalars(select(FollowRow).where(FollowRow.chat_id == -5)).first() is None
    assert chats.deactivate(services, -1005, "blocked") is True
    assert chats.deactivate(services, -1005, "blocked") is False
    assert chats.subscribed_chats(services) == []


def test_ics_and_stats(services: Services, calendar: dict[str, int]) -> None:
    data, count = ics_bytes(services, 7)
    body = data.decode()
    assert count == 4 and body.startswith("BEGIN:VCALENDAR") and "Sanae Takaichi" in body
    chats.subscribe(services, 1, "private")
    collected = stats.collect(services)
    assert (collected.chats, collected.subscribed, collected.upcoming) == (1, 1, 4)
    assert collected.events == 5


def test_digest_builder_for_a_broadcast(services: Services, calendar: dict[str, int]) -> None:
    for chat_id in (1, 2, 3):
        chats.subscribe(services, chat_id, "private")
    follows.follow(services, 3, "Xi Jinping")
    chats.set_timezone(services, 2, "Asia/Tokyo")
    infos = [chats.get_chat(services, chat_id) for chat_id in (1, 2, 3)]
    builder = digests.DigestBuilder(services, infos)
    one, two, three = (builder.build(info, "daily:x") for info in infos)
    assert one.messages == digests.build_digest(services, infos[0]).messages
    assert "Takaichi" in one.messages[0] and "Takaichi" in two.messages[0]
    assert "Takaichi" not in three.messages[0] and "Xi Jinping" in three.messages[0]
    assert set(three.snapshot) == {calendar["xi"]}
    assert one.key == "daily:x"


def test_ingest_url_from_the_bot(services: Services, server: Any, settings: Any) -> None:
    from bot.services.ingestion import Ingestion
    from tests.integration.conftest import FakeExtractor, meeting

    page = (
        "<html><head><title>Leaders to meet in Busan</title>"
        '<meta property="article:published_time" content="2025-10-27"></head><body><article>'
        "<p>President Lee Jae Myung will meet Donald Trump in Busan on Wednesday, "
        "officials said on Monday, ahead of the regional summit.</p>"
        * 3
        + "</article></body></html>"
    )
    url = server.add("/news/busan", page, headers={"Content-Type": "text/html"})
    extractor = FakeExtractor(
        {"Leaders to meet in Busan": [meeting(["Lee Jae Myung", "Donald Trump"], "2025-10-29")]}
    )
    ingestion = Ingestion(services, settings, extractor)
    report = ingestion.ingest_url(url)
    assert report.new_articles == 1 and not report.failures, report.summary()
    assert ingestion.ingest_url(url).duplicates == [url]
    with pytest.raises(InvalidInputError, match="http"):
        ingestion.ingest_url("ftp://example.com/x")
    failed = ingestion.ingest_url(server.url("/missing"))
    assert failed.failures and "404" in str(failed.failures[0])


def test_an_unsubscribed_chat_is_promised_nothing(services: Services) -> None:
    chats.subscribe(services, 44, "private")
    chats.unsubscribe(services, 44)
    text = html_to_text(overview.settings_for(services, 44)[1])
    assert "Frequency: off" in text and "Alerts of changes to what you follow: off" in text
    nothing = meetings.next_meeting(services, 44)
    assert "on your schedule" not in nothing and "/subscribe" in nothing
    chats.subscribe(services, 44, "private")
    assert "Frequency: daily" in html_to_text(overview.settings_for(services, 44)[1])
    assert "on your schedule" in meetings.next_meeting(services, 44)
    empty = html_to_text("\n".join(digests.digest_for(services, 44).messages))
    assert "I'll tell you when something comes up" in empty
    chats.unsubscribe(services, 44)
    empty = html_to_text("\n".join(digests.digest_for(services, 44).messages))
    assert "I'll tell you" not in empty and "/subscribe" in empty


def test_state_columns_read_as_enums_and_refuse_unknown_values(services: Services) -> None:
    chats.subscribe(services, 9, "private")
    chats.subscribe(services, -9, "supergroup", "Summits")
    follows.follow(services, 9, "APEC")
    with services.session() as session:
        row = session.get(ChatRow, 9)
        assert row is not None
        assert (row.frequency, row.type) == (Frequency.DAILY, ChatKind.PRIVATE)
        assert type(row.frequency) is Frequency and type(row.type) is ChatKind
        follow = session.scalars(select(FollowRow).where(FollowRow.chat_id == 9)).one()
        assert type(follow.kind) is FollowKind and follow.kind is FollowKind.ANY
    assert chats.get_chat(services, -9).is_group
    # A value no enum knows (a row written by hand) is refused on read, as for every state.
    with services.session(write=True) as session:
        session.execute(text("UPDATE chats SET frequency = 'hourly' WHERE chat_id = 9"))
    with pytest.raises(ValueError, match="hourly"):
        chats.get_chat(services, 9)


def test_feeds_show_the_health_feeds_list_gives(services: Services) -> None:
    now = services.now()
    with services.session(write=True) as session:
        ok = FeedRow(url="https://a.example.org/rss", error_count=0, last_success=now)
        new = FeedRow(url="https://b.example.org/rss", error_count=0)
        degraded = FeedRow(url="https://c.example.org/rss", error_count=0, last_success=now)
        failing = FeedRow(url="https://d.example.org/rss", error_count=3, last_error="HTTP 503")
        session.add_all([ok, new, degraded, failing])
        session.flush()
        session.add(
            FeedEntryFailureRow(
                feed_id=degraded.id, url="https://c.example.org/1", last_error="HTTP 404"
            )
        )
    lines = dict(line.split(" — ", 1) for line in stats.feed_lines(services))
    assert lines["https://a.example.org/rss"].startswith("✅ ok, last read ")
    assert lines["https://b.example.org/rss"] == "ok, not read yet"
    assert lines["https://c.example.org/rss"] == "⚠️ DEGRADED: 1 entry(ies) failing: HTTP 404"
    assert lines["https://d.example.org/rss"] == "⚠️ FAILING x3: HTTP 503"
    assert stats.collect(services).feeds == stats.feed_lines(services)
