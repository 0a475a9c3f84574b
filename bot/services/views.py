"""What the bot shows about an event: plain data built from the store, read by templates."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.domain import Precision, Status
from bot.nlp.people import mentions_person


@dataclass(frozen=True, slots=True)
class SourceLink:
    """An article an event was reported in."""

    title: str
    url: str | None = None
    published: dt.date | None = None

    @property
    def label(self) -> str:
        """A short name for the link: the site's host name, else the article's title."""
        if self.url:
            host = urlsplit(self.url).hostname or ""
            if host:
                return host.removeprefix("www.")
        return self.title[:60] + ("…" if len(self.title) > 60 else "")


@dataclass(frozen=True, slots=True)
class EventView:
    """One upcoming meeting as the bot presents it."""

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
    starts_at: dt.datetime | None = None  # when the time of day is known (aware)

    @property
    def fingerprint(self) -> str:
        """Changes when what a reader cares about changes: date, place, status, title."""
        parts = [
            self.title,
            self.date.isoformat() if self.date else "",
            self.end_date.isoformat() if self.end_date else "",
            self.place or "",
            self.status.value,
            self.starts_at.isoformat() if self.starts_at else "",
        ]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def matches(self, follows: list[str]) -> bool:
        """True when the event involves any followed name (leader, country, summit, place)."""
        if not follows:
            return True
        # One identity per person: "/follow Erdoğan" finds "Recep Tayyip Erdogan", "MBS"
        # finds Mohammed bin Salman; other names match folded words of the event.
        texts = [self.title, self.place or "", self.summit or "", *self.participants]
        return any(any(mentions_person(text, name) for text in texts if text) for name in follows)
