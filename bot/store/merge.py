"""Consolidation: when two reports describe the same meeting, and what the meeting is now.

Pure functions over domain ``Event`` objects, so the rules are testable without a database.

Two reports are the same meeting when their people agree and their dates agree:
- the same people (each name matches one on the other side by surname): dates may differ by up
  to ``MOVE_WINDOW_DAYS`` (a meeting moved), or one date may be unknown;
- one group of people inside the other ("Xi" and "Trump and Xi"): same day only;
- no people on either side: the same named summit within the window, or the same place and
  day for an unnamed meeting.
Two different named summits never merge. The current state of a meeting is the fold of its
reports in publication order: a newer report's date, place and status win, and each change is
remembered with the publication date of the report that made it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain import Event, Precision, Status
from bot.nlp import people

MOVE_WINDOW_DAYS = 31
UNDATED_WINDOW_DAYS = 60
_SUMMIT_STOP = frozenset(
    {"the", "of", "and", "summit", "meeting", "conference", "talks", "leaders", "annual"}
)
_ACRONYM = re.compile(r"\(([A-Za-z0-9-]{2,12})\)|\b([A-Z][A-Z0-9-]{1,11})\b")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def same_person(a: str, b: str) -> bool:
    """One person however written: "Xi" ~ "Xi Jinping", "Kim Jong-un" ~ "Kim Jong Un",
    "Erdoğan" ~ "Erdogan", "MBS" ~ "Mohammed bin Salman" (see :mod:`bot.nlp.people`)."""
    return people.same_person(a, b)


def people_key(participants: Iterable[str]) -> str:
    """Equal for the same people however spelt: canonical ids, else folded family names."""
    return ",".join(sorted({people.person_key(p) for p in participants if p.strip()}))


def summit_key(summit: str | None) -> str | None:
    """ "Asia-Pacific Economic Cooperation (APEC) summit" and "APEC summit" -> "apec"."""
    if not summit or not summit.strip():
        return None
    match = _ACRONYM.search(summit)
    if match:
        return _fold(match.group(1) or match.group(2)).replace("-", "")
    words = [w for w in re.findall(r"[\w-]+", _fold(summit)) if w not in _SUMMIT_STOP]
    return " ".join(words)[:200] or None


def event_key(event: Event) -> str:
    """The key stored on an event row; candidates for a merge are looked up by it."""
    if event.participants:
        return "p:" + people_key(event.participants)
    skey = summit_key(event.summit)
    if skey:
        return "s:" + skey
    return "x:" + _fold(event.place or "")[:200]


def last_day(event: Event) -> dt.date | None:
    """The last day an event covers, from its end date or the span of its precision."""
    if event.date is None:
        return None
    if event.end_date is not None and event.end_date >= event.date:
        return event.end_date
    if event.precision is Precision.WEEK:
        return event.date + dt.timedelta(days=6)
    if event.precision is Precision.MONTH:
        days = calendar.monthrange(event.date.year, event.date.month)[1]
        return event.date.replace(day=days)
    return event.date


def _people_relation(a: Sequence[str], b: Sequence[str]) -> str | None:
    if not a and not b:
        return "none"
    if not a or not b:
        return None
    a_in_b = all(any(same_person(x, y) for y in b) for x in a)
    b_in_a = all(any(same_person(y, x) for x in a) for y in b)
    if a_in_b and b_in_a:
        return "equal"
    if a_in_b or b_in_a:
        return "subset"
    return None


def _date_relation(a: Event, b: Event) -> str:
    a_end, b_end = last_day(a), last_day(b)
    if a.date is None or b.date is None or a_end is None or b_end is None:
        return "unknown"
    if a.date <= b_end and b.date <= a_end:
        return "same"
    gap = min(abs((a.date - b_end).days), abs((b.date - a_end).days))
    return "near" if gap <= MOVE_WINDOW_DAYS else "far"


_SCORES: dict[tuple[str, str], int] = {
    ("equal", "same"): 100,
    ("equal", "unknown"): 80,
    ("equal", "near"): 60,
    ("subset", "same"): 70,
    ("summit", "same"): 90,
    ("summit", "unknown"): 70,
    ("summit", "near"): 50,
    ("place", "same"): 40,
}


def match_score(
    stored: Event,
    new: Event,
    stored_reported: dt.date | None = None,
    new_reported: dt.date | None = None,
) -> int | None:
    """How well ``new`` fits the stored event (higher is better), or None if it is another.

    With the reports' publication dates, an undated report only joins an event reported
    within ``UNDATED_WINDOW_DAYS`` of it: the same two leaders meet again years later.
    """
    people = _people_relation(stored.participants, new.participants)
    if people is None:
        return None
    skey_a, skey_b = summit_key(stored.summit), summit_key(new.summit)
    if skey_a and skey_b and skey_a != skey_b:
        return None
    if people == "none":
        if skey_a and skey_b:
            people = "summit"
        elif skey_a or skey_b:
            return None
        elif stored.place and new.place and _fold(stored.place) == _fold(new.place):
            people = "place"
        else:
            return None
    dates = _date_relation(stored, new)
    if dates == "unknown" and not _may_be_same_undated(stored, new, stored_reported, new_reported):
        return None
    score = _SCORES.get((people, dates))
    if score is None:
        return None
    if stored.place and new.place and _fold(stored.place) == _fold(new.place):
        score += 5
    return score


def _may_be_same_undated(
    stored: Event, new: Event, stored_reported: dt.date | None, new_reported: dt.date | None
) -> bool:
    """An undated report joins only a meeting reported around the same time and not over
    when the report came out (after it, the same people meeting again is a new meeting)."""
    if stored_reported is None or new_reported is None:
        return True
    if abs((stored_reported - new_reported).days) > UNDATED_WINDOW_DAYS:
        return False
    stored_end, new_end = last_day(stored), last_day(new)
    if stored_end is not None and stored_end < new_reported:
        return False
    return not (new_end is not None and new_end < stored_reported)


@dataclass(frozen=True, slots=True)
class Report:
    """One article's account of a meeting."""

    event: Event
    published: dt.date
    article_id: int


@dataclass(slots=True)
class Consolidated:
    event: Event
    changes: list[dict[str, Any]] = field(default_factory=list)
    first_reported: dt.date | None = None
    last_reported: dt.date | None = None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _coarser(new: Event, current: Event) -> bool:
    """A vaguer date ("in October") that still covers the known day adds nothing."""
    order = [Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.UNKNOWN]
    if order.index(new.precision) <= order.index(current.precision):
        return False
    end = last_day(new)
    return bool(new.date and current.date and end and new.date <= current.date <= end)


def _merge_people(current: list[str], new: Sequence[str]) -> list[str]:
    merged = list(current)
    for name in new:
        for i, known in enumerate(merged):
            if same_person(known, name):
                if len(name) > len(known):
                    merged[i] = name
                break
        else:
            merged.append(name)
    return merged


def consolidate(reports: Iterable[Report]) -> Consolidated:
    """The meeting as its reports describe it, newest report winning, with its history."""
    ordered = sorted(reports, key=lambda r: (r.published, r.article_id))
    if not ordered:
        raise ValueError("an event needs at least one report")
    first = ordered[0].event
    state = replace(first, participants=list(first.participants))  # a copy to update
    result = Consolidated(state, [], ordered[0].published, ordered[0].published)
    for report in ordered[1:]:
        apply_report(result, report)
    return result


def apply_report(result: Consolidated, report: Report) -> None:
    """Fold one report, newer than all folded so far, into ``result`` (in place).

    ``consolidate`` is this fold from the oldest report; a report that arrives in order can
    be applied to the stored state without reading the earlier ones again.
    """
    state, new = result.event, report.event

    def note(name: str, old: str | None, value: str | None) -> None:
        result.changes.append(
            {
                "field": name,
                "old": old,
                "new": value,
                "reported": report.published.isoformat(),
                "article_id": report.article_id,
            }
        )

    if new.date is not None and not _coarser(new, state):
        if (new.date, new.end_date) != (state.date, state.end_date):
            note("date", _iso(state.date), _iso(new.date))
        state.date, state.end_date, state.precision = new.date, new.end_date, new.precision
    if new.place and (state.place is None or _fold(new.place) != _fold(state.place)):
        note("place", state.place, new.place)
        state.place = new.place
    if new.status is not state.status:
        note("status", state.status.value, new.status.value)
        state.status = Status(new.status)
    state.participants = _merge_people(state.participants, new.participants)
    if new.summit and (state.summit is None or len(new.summit) > len(state.summit)):
        state.summit = new.summit
    if new.evidence:
        state.evidence = new.evidence
    result.last_reported = report.published


def dedupe_within_article(events: Sequence[Event]) -> list[Event]:
    """Drop exact repeats in one article's events (same people, summit, date and status).

    Anything less alike is kept apart: the extractor separates meetings it sees as distinct.
    """
    kept: list[Event] = []
    for event in events:
        if not any(_repeat(k, event) for k in kept):
            kept.append(event)
    return kept


def _repeat(a: Event, b: Event) -> bool:
    people = _people_relation(a.participants, b.participants)
    if people not in ("equal", "none") or (a.date, a.status) != (b.date, b.status):
        return False
    if summit_key(a.summit) != summit_key(b.summit):
        return False
    if people == "none" and not a.summit:
        return _fold(a.place or "") == _fold(b.place or "")
    return True
