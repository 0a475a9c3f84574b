"""The chat's upcoming (followed) events as an iCalendar file."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from bot.services import chats as chat_service
from bot.services import follows as follow_service
from bot.services.context import Services
from bot.services.events import upcoming
from bot.services.schedule import zone


def ics_bytes(services: Services, chat_id: int, limit: int = 200) -> tuple[bytes, int]:
    """An .ics file of the upcoming events a chat follows, and how many it holds."""
    chat = chat_service.get_chat(services, chat_id)
    followed = follow_service.follows(services, chat_id)
    now = services.now()
    today = now.astimezone(zone(chat.timezone)).date()
    with services.session() as session:
        events = upcoming(session, today, limit=limit, follows=followed)
    cal = Calendar()
    cal.add("prodid", "-//Summit Digest Bot//summit-digest-bot//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Upcoming summits and meetings")
    for item in events:
        if item.date is None:
            continue
        vevent = Event()
        vevent.add("uid", f"event-{item.id}@summit-digest-bot")
        vevent.add("dtstamp", now)
        vevent.add(
            "summary", item.title + ("" if item.status == "scheduled" else f" ({item.status})")
        )
        vevent.add("dtstart", item.date)
        vevent.add("dtend", (item.end_date or item.date) + dt.timedelta(days=1))
        if item.place:
            vevent.add("location", item.place)
        vevent.add("status", "TENTATIVE" if item.status != "scheduled" else "CONFIRMED")
        lines = [f"Participants: {', '.join(item.participants)}"] if item.participants else []
        lines += [f"Source: {src.title} {src.url or ''}".strip() for src in item.sources]
        if lines:
            vevent.add("description", "\n".join(lines))
        cal.add_component(vevent)
    return cal.to_ical(), len(events)
