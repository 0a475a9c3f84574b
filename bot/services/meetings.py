"""/next and /upcoming: the next meetings for a chat, rendered in its time zone."""

from __future__ import annotations

from bot.services import events as event_service
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.services.rendering import group_by_day, make_entry

MAX_UPCOMING = 50
DEFAULT_UPCOMING = 5


def parse_count(args: list[str]) -> int:
    """The N of ``/upcoming N``: 5 without one; outside 1 to 50 it is refused, not clamped."""
    if not args:
        return DEFAULT_UPCOMING
    text = args[0]
    if not text.isdigit():
        raise InvalidInputError(
            f"{text!r} is not a number of events. Try /upcoming 10 (1 to {MAX_UPCOMING})."
        )
    if not 1 <= int(text) <= MAX_UPCOMING:
        raise InvalidInputError(
            f"/upcoming {int(text)} is out of range: I show 1 to {MAX_UPCOMING} meetings "
            f"at a time. Try /upcoming {MAX_UPCOMING}."
        )
    return int(text)


def next_meeting(services: Services, chat_id: int) -> str:
    """The next upcoming meeting after now, as one HTML message."""
    calendar = event_service.for_chat(services, chat_id, limit=2)
    entries = [make_entry(event, calendar.tz, calendar.today) for event in calendar.events]
    return services.renderer.message(
        "next.html.j2",
        entry=entries[0] if entries else None,
        later=entries[1] if len(entries) > 1 else None,
        follows=calendar.follows,
        subscribed=calendar.chat.subscribed,
    )


def upcoming_messages(services: Services, chat_id: int, count: int) -> list[str]:
    """The next ``count`` meetings grouped by day, as one or more HTML messages."""
    calendar = event_service.for_chat(services, chat_id, limit=count, include_undated=True)
    entries = [make_entry(event, calendar.tz, calendar.today) for event in calendar.events]
    return services.renderer.messages(
        "upcoming.html.j2",
        days=group_by_day(entries, calendar.tz, calendar.today),
        count=len(entries),
        follows=calendar.follows,
    )
