"""The tables: articles, events and their mentions, feeds, and the Telegram bot's chats.

Every change to these models needs an Alembic revision in ``bot/store/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain import Precision, Status
from bot.domain.calendar import AlertStatus
from bot.domain.chat import ChatKind, FollowKind, Frequency
from bot.domain.delivery import DeliveryStatus
from bot.store.types import StrEnumType, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dt.date: Date(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
        list[str]: JSON(),
        list[int]: JSON(),
    }


class FeedRow(Base):
    """An RSS/Atom feed that is polled, with its HTTP validators and health."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success: Mapped[dt.datetime | None]
    last_polled_at: Mapped[dt.datetime | None]
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ArticleRow(Base):
    """One stored article; the same URL or the same text is stored once."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    published: Mapped[dt.date] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    feed_id: Mapped[int | None] = mapped_column(
        ForeignKey("feeds.id", ondelete="SET NULL"), index=True
    )
    ingested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    mentions: Mapped[list[MentionRow]] = relationship(back_populates="article")


class EventRow(Base):
    """One meeting, consolidated from every article that reported it.

    The columns hold the newest report (by publication date); ``changes`` lists what later
    reports changed: ``{"field", "old", "new", "reported", "article_id"}`` items.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_date_id", "date", "id"),
        Index("ix_events_undated", "date", "last_reported"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500), index=True)
    summit_key: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(1000))
    participants: Mapped[list[str]] = mapped_column(default=list)
    summit: Mapped[str | None] = mapped_column(String(500))
    place: Mapped[str | None] = mapped_column(String(500))
    date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    # The last day the event covers (end_date or date): past events are those before today.
    last_day: Mapped[dt.date | None]
    precision: Mapped[Precision] = mapped_column(StrEnumType(Precision))
    status: Mapped[Status] = mapped_column(StrEnumType(Status))
    first_reported: Mapped[dt.date]
    last_reported: Mapped[dt.date]
    changes: Mapped[list[Any]] = mapped_column(default=list)
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # --- 0004_calendar: the event's identity across databases, and its change count ---
    # The iCalendar UID (``bot.domain.calendar.event_identity``); NULL only for rows written
    # without the repository (synthetic benchmark rows), which then fall back to their id.
    uid: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    # The iCalendar SEQUENCE: one more each time what readers see changes.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    mentions: Mapped[list[MentionRow]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )


class MentionRow(Base):
    """What one article said about one event, with the sentence that said it."""

    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("event_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    # The article's publication date, copied so reports are ordered without a join.
    published: Mapped[dt.date]
    participants: Mapped[list[str]] = mapped_column(default=list)
    summit: Mapped[str | None] = mapped_column(String(500))
    place: Mapped[str | None] = mapped_column(String(500))
    date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    precision: Mapped[Precision] = mapped_column(StrEnumType(Precision))
    status: Mapped[Status] = mapped_column(StrEnumType(Status))
    evidence: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[EventRow] = relationship(back_populates="mentions")
    article: Mapped[ArticleRow] = relationship(back_populates="mentions")


class ChatRow(Base):
    """A Telegram chat (private, group or channel) and its digest schedule."""

    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[ChatKind] = mapped_column(
        StrEnumType(ChatKind, length=20), default=ChatKind.PRIVATE
    )
    title: Mapped[str | None] = mapped_column(String(500))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    digest_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(8, 0))
    # 0 = Monday; used when frequency is weekly.
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)
    frequency: Mapped[Frequency] = mapped_column(
        StrEnumType(Frequency, length=10), default=Frequency.DAILY
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # --- 0004_calendar: the secret in the chat's calendar address (/c/<token>.ics) ---
    calendar_token: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    # --- 0004_calendar: immediate alerts of changes to followed meetings (/alerts on|off) ---
    alerts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    alerts_since: Mapped[dt.datetime | None]  # changes recorded before this are not alerted


def _chat_fk() -> ForeignKey:
    # A chat that migrates to a supergroup changes id: its rows follow it.
    return ForeignKey("chats.chat_id", ondelete="CASCADE", onupdate="CASCADE")


class FollowRow(Base):
    """A chat limits its digests to events involving a person, country or summit."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("chat_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk())
    kind: Mapped[FollowKind] = mapped_column(StrEnumType(FollowKind), default=FollowKind.ANY)
    value: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DeliveryRow(Base):
    """One digest for one chat: at most one per (chat, digest_key), even across restarts."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (
        UniqueConstraint("chat_id", "digest_key"),
        # revision 0002_delivery: only the values of DeliveryStatus
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s.value}'" for s in DeliveryStatus)),
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk())
    digest_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[DeliveryStatus] = mapped_column(
        StrEnumType(DeliveryStatus), default=DeliveryStatus.PENDING, index=True
    )
    message_ids: Mapped[list[int]] = mapped_column(default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    # --- revision 0002_delivery: a failed delivery is retried at this moment (while the
    # grace period lasts); NULL when it is not to be retried.
    next_attempt_at: Mapped[dt.datetime | None]


class DigestItemRow(Base):
    """How an event looked in a chat's previous digest, for "new" and "changed" marks."""

    __tablename__ = "digest_items"

    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk(), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # A hash of the event's title, date, place and status as the chat saw them.
    fingerprint: Mapped[str] = mapped_column(String(64))
    digest_key: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- feed entries whose page keeps failing (revision 0003_feeds) ---------------------------


class FeedEntryFailureRow(Base):
    """A feed entry that could not be ingested: retried with back-off, not on every poll.

    The row goes when the entry is stored, and is pruned once the feed stops listing it.
    """

    __tablename__ = "feed_entry_failures"
    __table_args__ = (UniqueConstraint("feed_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    failures: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str] = mapped_column(Text, default="")
    first_failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- 0004_calendar ---
class AlertRow(Base):
    """One alert of one change (the event's ``sequence``) to one chat: claimed, then sent.

    The row is written and committed before sending (claim-before-send, as for digests), and
    is unique per (chat, event, sequence): each change reaches a chat at most once.
    """

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("chat_id", "event_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk())
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    status: Mapped[AlertStatus] = mapped_column(
        StrEnumType(AlertStatus), default=AlertStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class HeartbeatRow(Base):
    """When a recurring job (the digest dispatcher, the feed poller) last ran, for /healthz."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[dt.datetime]
