"""Articles, the temporal expressions found in them, and the meetings they report."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class Status(StrEnum):
    """How certain a reported meeting is."""

    SCHEDULED = "scheduled"
    POSSIBLE = "possible"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"

    @property
    def is_upcoming(self) -> bool:
        return self in (Status.SCHEDULED, Status.POSSIBLE)


class Tense(StrEnum):
    """The time a clause refers to, relative to the publication date.

    Shared by the date resolver (which occurrence of "Thursday" is meant) and the event rules
    (whether a meeting is still to come).
    """

    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"


class Precision(StrEnum):
    """How precisely the date of a meeting is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: its publication date, title and body text.

    ``body_offset`` is where the body starts in the source file, so that character offsets
    into the body can be reported as offsets into the whole file.
    """

    source: str
    published: dt.date
    title: str
    body: str
    url: str | None = None
    body_offset: int = 0

    @property
    def content_hash(self) -> str:
        """A stable fingerprint of the text, to recognise the same article from two sources."""
        normalized = " ".join(self.body.split()).casefold()
        return hashlib.sha256(normalized.encode("utf-8")).hexdigest()

    @property
    def word_count(self) -> int:
        return len(self.body.split())


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    """A date expression in a text and the calendar value it resolves to.

    ``value`` is in TIMEX3 form (``2025-10-30``, ``2025-W44``, ``2025-10``, ``2025``) or None
    when the expression could not be anchored. ``start``/``end`` are character offsets into
    the text that was analysed. ``date``/``end_date`` are the first and last day covered.
    """

    text: str
    start: int
    end: int
    value: str | None
    precision: Precision
    date: dt.date | None = None
    end_date: dt.date | None = None
    # The tense that decided an ambiguous reference ("on Thursday"), when one had to.
    tense: Tense | None = None
    # The id of the date rule that found it (bot.nlp.temporal.rules), to explain a value.
    rule: str | None = None

    def shifted(self, offset: int) -> TemporalExpression:
        """The same expression with offsets moved by ``offset`` characters."""
        return TemporalExpression(
            self.text,
            self.start + offset,
            self.end + offset,
            self.value,
            self.precision,
            self.date,
            self.end_date,
            self.tense,
            self.rule,
        )


@dataclass(slots=True)
class Event:
    """An upcoming (or called-off) summit or meeting reported by an article."""

    participants: list[str] = field(default_factory=list)
    summit: str | None = None
    place: str | None = None
    date: dt.date | None = None
    end_date: dt.date | None = None
    precision: Precision = Precision.UNKNOWN
    status: Status = Status.SCHEDULED
    evidence: str = ""

    @property
    def title(self) -> str:
        """A readable headline: "Donald Trump meets Xi Jinping", "APEC summit"."""
        names = self.participants
        if self.summit and not names:
            return self.summit  # the place is shown beside the title, not in it
        if self.summit:
            return f"{_join(names)} at the {self.summit}"
        if len(names) >= 2:
            return f"{names[0]} meets {_join(names[1:])}"
        if len(names) == 1:
            return f"{names[0]} visits {self.place}" if self.place else f"Meeting with {names[0]}"
        return f"Meeting in {self.place}" if self.place else "Meeting"

    def to_json(self) -> dict[str, Any]:
        return meeting_json(self)


class Meeting(Protocol):
    """What a reported meeting (``Event``) and a stored one (``EventView``) both tell."""

    @property
    def title(self) -> str: ...
    @property
    def participants(self) -> Sequence[str]: ...
    @property
    def summit(self) -> str | None: ...
    @property
    def place(self) -> str | None: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def end_date(self) -> dt.date | None: ...
    @property
    def precision(self) -> Precision: ...
    @property
    def status(self) -> Status: ...
    @property
    def evidence(self) -> str: ...


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    """A meeting's fields as JSON (``extract --json``, the web API)."""
    return {
        "title": meeting.title,
        "participants": list(meeting.participants),
        "summit": meeting.summit,
        "place": meeting.place,
        "date": meeting.date.isoformat() if meeting.date else None,
        "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
        "precision": meeting.precision.value,
        "status": meeting.status.value,
        "evidence": meeting.evidence,
    }


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
