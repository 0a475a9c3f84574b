"""The calendar as an iCalendar file: one all-day VEVENT per dated event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar
from icalendar import Event as VEvent

from bot.domain import Status
from bot.store.queries import StoredEvent

_STATUS = {
    Status.SCHEDULED: "CONFIRMED",
    Status.POSSIBLE: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}


def events_to_ics(events: Sequence[StoredEvent], now: dt.datetime) -> bytes:
    """An iCalendar file; events without a known date cannot be placed and are left out."""
    cal = Calendar()
    cal.add("prodid", "-//Summit Digest Bot//summit-digest-bot//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Upcoming summits and meetings")
    for stored in events:
        event = stored.event
        if event.date is None:
            continue
        last = stored.last_day or event.date
        vevent = VEvent()
        vevent.add("uid", stored.uid)
        vevent.add("dtstamp", now.astimezone(dt.UTC))
        vevent.add("last-modified", stored.updated_at.astimezone(dt.UTC))
        vevent.add("dtstart", event.date)
        vevent.add("dtend", last + dt.timedelta(days=1))  # DTEND of all-day events is exclusive
        vevent.add("summary", stored.title)
        vevent.add("status", _STATUS[event.status])
        vevent.add("sequence", len(stored.changes))
        if event.place:
            vevent.add("location", event.place)
        lines = [f"Status: {event.status.value}; date precision: {event.precision.value}."]
        lines += [
            f"{s.published.isoformat()} {s.title} {s.url or ''}".rstrip() for s in stored.sources
        ]
        vevent.add("description", "\n".join(lines))
        url = next((s.url for s in stored.sources if s.url), None)
        if url:
            vevent.add("url", url)
        cal.add_component(vevent)
    result: bytes = cal.to_ical()
    return result
