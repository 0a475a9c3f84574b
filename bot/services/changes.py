"""What changed in the meetings a chat was shown, since it was shown them (the digest's
"changes" section): postponed, cancelled, moved to another date or place, or dropped.

A chat's previous digest is remembered as one fingerprint per event (``digest_items``). The
state the chat saw is found again by walking the event's recorded changes back from its
current state until the fingerprint matches; the difference between that state and the
current one is what the chat is told, once (the next digest's snapshot replaces the old).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from bot.domain import Status
from bot.domain.calendar import EventView
from bot.services.rendering import day_label
from bot.store.queries import events_by_ids, matches_follows


def seen_state(event: EventView, fingerprint: str) -> EventView | None:
    """The event as it was when its fingerprint was ``fingerprint``; None when not found."""
    state = event
    if state.fingerprint == fingerprint:
        return state
    for change in reversed(event.changes):
        earlier = state.before(change)
        if earlier is None:
            continue
        state = earlier
        if state.fingerprint == fingerprint:
            return state
    return None


def describe(seen: EventView | None, now: EventView) -> str:
    """One line: what happened to a meeting since the chat saw it as ``seen``."""
    if now.status is Status.CANCELLED and (seen is None or seen.status is not Status.CANCELLED):
        return f"{now.title}: cancelled"
    if now.status is Status.POSTPONED and (seen is None or seen.status is not Status.POSTPONED):
        when = f" (was {day_label(seen.date)})" if seen and seen.date else ""
        return f"{now.title}: postponed{when}"
    parts = []
    if seen is not None and seen.date != now.date:
        parts.append(f"moved from {day_label(seen.date)} to {day_label(now.date)}")
    if seen is not None and seen.place != now.place and now.place:
        parts.append(f"now in {now.place}" + (f" (was {seen.place})" if seen.place else ""))
    if seen is not None and seen.status != now.status:
        parts.append(f"now {now.status.value} (was {seen.status.value})")
    return f"{now.title}: " + ("; ".join(parts) if parts else "details changed")


def since_last_digest(
    session: Session,
    previous: Mapping[int, str],
    shown: Sequence[EventView],
    today: dt.date,
    follows: Sequence[str] = (),
) -> list[str]:
    """Lines for the meetings the chat was shown last time that have changed or left the list.

    Meetings that are simply over, or that the chat no longer follows, are not news.
    """
    current = {event.id: event for event in shown}
    missing = [event_id for event_id in previous if event_id not in current]
    current.update((event.id, event) for event in events_by_ids(session, missing))
    lines = []
    for event_id, fingerprint in previous.items():
        event = current.get(event_id)
        if event is None or event.fingerprint == fingerprint:
            continue
        if event.last_day is not None and event.last_day < today:
            continue  # over: no longer news
        if follows and not matches_follows(event, follows):
            continue
        lines.append(describe(seen_state(event, fingerprint), event))
    return lines
