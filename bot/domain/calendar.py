"""The calendar as every reader sees it (CLI, Telegram, iCalendar, web page): one view model."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from bot.domain.models import Precision, Status, meeting_json
from bot.domain.person_names import name_parts


class AlertStatus(StrEnum):
    """Where one alert of a change to one chat stands (claimed before it is sent)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (the message, the chat): not sent again
    RETRY = "retry"  # Telegram provably did not take it: claimed again at a later round
    UNKNOWN = "unknown"  # sent, but no answer came: Telegram may have it, so never resent


# The statuses the calendar lists; a new status is left out until it is added here.
LISTED_STATUSES = (Status.SCHEDULED, Status.POSSIBLE, Status.POSTPONED)


@dataclass(frozen=True, slots=True)
class SourceLink:
    """An article that reported an event, and the sentence that did."""

    title: str
    url: str | None = None
    published: dt.date | None = None
    article_id: int = 0
    source: str = ""
    evidence: str = ""

    @property
    def label(self) -> str:
        """A short name for the link: the site's host name, else the article's title."""
        if self.url:
            host = urlsplit(self.url).hostname or ""
            if host:
                return host.removeprefix("www.")
        return self.title[:60] + ("…" if len(self.title) > 60 else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """One field a later report changed: ``date`` from 2025-10-30 to 2025-11-02."""

    field: str
    old: str | None
    new: str | None
    reported: str
    article_id: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            str(data["field"]),
            data.get("old"),
            data.get("new"),
            str(data.get("reported", "")),
            data.get("article_id"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "reported": self.reported,
            "article_id": self.article_id,
        }


@dataclass(frozen=True, slots=True)
class EventView:
    """One consolidated meeting as readers are shown it, with its identity and sources.

    ``sources`` are newest first. ``uid`` is the event's identity across databases (the
    iCalendar UID); ``sequence`` counts the recorded changes of what readers see (SEQUENCE).
    """

    id: int
    title: str
    date: dt.date | None
    end_date: dt.date | None = None
    precision: Precision = Precision.DAY
    status: Status = Status.SCHEDULED
    place: str | None = None
    participants: tuple[str, ...] = ()
    summit: str | None = None
    sources: tuple[SourceLink, ...] = field(default_factory=tuple)
    last_day: dt.date | None = None
    uid: str = ""
    sequence: int = 0
    changes: tuple[Change, ...] = ()
    first_reported: dt.date | None = None
    last_reported: dt.date | None = None
    first_seen: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def evidence(self) -> str:
        """The sentence of the latest report."""
        return self.sources[0].evidence if self.sources else ""

    @property
    def fingerprint(self) -> str:
        """Changes when what a reader cares about changes: date, place, status, title."""
        parts = [
            self.title,
            self.date.isoformat() if self.date else "",
            self.end_date.isoformat() if self.end_date else "",
            self.place or "",
            self.status.value,
            "",  # the slot of a time of day, never known: kept so stored fingerprints still match
        ]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def before(self, change: Change) -> EventView | None:
        """The event as it was before ``change``; None when the change is not one of what
        readers are shown of it (date, place, status)."""
        if change.field == "date":
            old = dt.date.fromisoformat(change.old) if change.old else None
            return dataclasses.replace(self, date=old, end_date=None)
        if change.field == "place":
            return dataclasses.replace(self, place=change.old)
        if change.field == "status" and change.old:
            return dataclasses.replace(self, status=Status(change.old))
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            **meeting_json(self),
            "sequence": self.sequence,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "changes": [c.to_json() for c in self.changes],
            "sources": [s.to_json() for s in self.sources],
        }


def _identity_name(name: str) -> str:
    """A participant as the identity sees it: folded and without titles, so that "Kim Jong-un"
    and "Kim Jong Un", "Erdoğan" and "President Erdogan" give one UID."""
    return " ".join(name_parts(name))


def event_identity(
    participants: Iterable[str], summit_key: str | None, first_reported: dt.date, salt: str = ""
) -> str:
    """The iCalendar UID of a meeting: the same meeting gets the same UID in any database.

    Made of what the first report said (its people, named summit and publication date), never
    of row ids, so a re-ingest into a fresh database gives the same UIDs. ``salt`` tells apart
    two meetings whose first reports agree on all of these.
    """
    people = ",".join(sorted({_identity_name(p) for p in participants if p.strip()}))
    key = "\x1f".join([people, summit_key or "", first_reported.isoformat(), salt])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@summit-digest-bot"
