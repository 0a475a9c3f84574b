"""The calendar as iCalendar: the one writer (CLI, /ics, the web's .ics feeds) and its links.

Every VEVENT is all-day, its UID the event's identity (the same in any database), its SEQUENCE
the number of recorded changes and its LAST-MODIFIED the time of the latest, so that a
calendar which imported or subscribed to it updates the event in place. Cancelled events stay
in the file, marked CANCELLED, so calendars remove them.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar
from icalendar import Event as VEvent

from bot.domain import Status
from bot.domain.calendar import EventView
from bot.services import chats as chat_service
from bot.services import events as event_service
from bot.services.context import Services
from bot.store import repository

CALENDAR_NAME = "Upcoming summits and meetings"
PRODID = "-//Summit Digest Bot//summit-digest-bot//EN"
# How many events one .ics holds at most.
MAX_EVENTS = 500
# Bytes of randomness in a chat's calendar token (32 characters of URL-safe base64).
TOKEN_BYTES = 24

_ICS_STATUS = {
    Status.SCHEDULED: "CONFIRMED",
    Status.POSSIBLE: "TENTATIVE",
    Status.POSTPONED: "TENTATIVE",
    Status.CANCELLED: "CANCELLED",
}


def to_ics(events: Sequence[EventView], now: dt.datetime, name: str = CALENDAR_NAME) -> bytes:
    """An iCalendar file; events without a known date cannot be placed and are left out."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = now.astimezone(dt.UTC)
    for event in events:
        if event.date is None:
            continue
        last = event.last_day or event.end_date or event.date
        vevent = VEvent()
        vevent.add("uid", event.uid)
        vevent.add("dtstamp", stamp)
        if event.updated_at is not None:
            vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
        if event.first_seen is not None:
            vevent.add("created", event.first_seen.astimezone(dt.UTC))
        vevent.add("sequence", event.sequence)
        vevent.add("dtstart", event.date)
        vevent.add("dtend", last + dt.timedelta(days=1))  # DTEND of all-day events is exclusive
        mark = "" if event.status is Status.SCHEDULED else f" ({event.status.value})"
        vevent.add("summary", event.title + mark)
        vevent.add("status", _ICS_STATUS[event.status])
        if event.place:
            vevent.add("location", event.place)
        lines = [f"Status: {event.status.value}; date precision: {event.precision.value}."]
        if event.participants:
            lines.append(f"Participants: {', '.join(event.participants)}")
        for source in event.sources:
            day = source.published.isoformat() if source.published else ""
            lines.append(f"Source: {day} {source.title} {source.url or ''}".strip())
        vevent.add("description", "\n".join(lines))
        url = next((s.url for s in event.sources if s.url), None)
        if url:
            vevent.add("url", url)
        cal.add_component(vevent)
    result: bytes = cal.to_ical()
    return result


def everyone_ics(services: Services) -> bytes:
    """Every upcoming meeting, cancelled ones included (``/calendar.ics``)."""
    events = event_service.for_everyone(services, limit=MAX_EVENTS, include_cancelled=True)
    return to_ics(events, services.now())


def ics_bytes(services: Services, chat_id: int, limit: int = MAX_EVENTS) -> tuple[bytes, int]:
    """An .ics file of the upcoming events a chat follows, and how many dated ones it holds."""
    calendar = event_service.for_chat(services, chat_id, limit=limit, include_cancelled=True)
    dated = sum(1 for event in calendar.events if event.date is not None)
    return to_ics(calendar.events, services.now()), dated


def calendar_token(services: Services, chat_id: int, reset: bool = False) -> str:
    """The secret of a chat's calendar address; made on first use, replaced when ``reset``."""
    with services.session(write=True) as session:
        row = chat_service.ensure_chat(session, services, chat_id)
        if row.calendar_token is None or reset:
            row.calendar_token = secrets.token_urlsafe(TOKEN_BYTES)
        return row.calendar_token


def chat_ics(services: Services, token: str) -> bytes | None:
    """The calendar of the chat whose token this is (``/c/<token>.ics``); None when unknown."""
    with services.session() as session:
        row = repository.chat_by_calendar_token(session, token)
        chat_id = row.chat_id if row is not None else None
    if chat_id is None:
        return None
    return ics_bytes(services, chat_id)[0]


@dataclass(frozen=True, slots=True)
class IcsOffer:
    """What /ics answers: a subscription link when the bot has a public address, else a file."""

    link: str | None = None
    https_link: str | None = None
    data: bytes | None = None
    count: int = 0

    @property
    def link_message(self) -> str:
        """The reply with the subscription link (Telegram HTML)."""
        if self.link is None or self.https_link is None:
            raise ValueError("this offer is a file, not a link")
        # Telegram links only http(s) and tg:, so the webcal:// address is given to copy.
        return (
            "🗓 <b>Subscribe to this chat's calendar</b> (with its follows): add\n"
            f"<code>{html.escape(self.link)}</code>\n"
            "to Google, Apple or Thunderbird calendar, or open "
            f'<a href="{html.escape(self.https_link)}">the .ics address</a>. '
            "Postponements and cancellations then show up by themselves.\n"
            "<i>/ics reset</i> gives the chat a new address and retires this one."
        )


def subscription_link(public_url: str, token: str) -> tuple[str, str]:
    """The ``webcal://`` address calendar apps subscribe to, and the same over https."""
    base = public_url.rstrip("/")
    https = f"{base}/c/{token}.ics"
    webcal = "webcal://" + https.split("://", 1)[1] if "://" in https else "webcal://" + https
    return webcal, https


def ics_offer(services: Services, chat_id: int, reset: bool = False) -> IcsOffer:
    """/ics: the chat's subscription link when ``PUBLIC_URL`` is set, the file otherwise.

    ``reset`` (``/ics reset``) replaces the chat's calendar token, so that the old address
    stops working.
    """
    public_url = services.config.public_url
    if public_url:
        webcal, https = subscription_link(public_url, calendar_token(services, chat_id, reset))
        return IcsOffer(link=webcal, https_link=https)
    if reset:
        calendar_token(services, chat_id, reset=True)
    data, count = ics_bytes(services, chat_id)
    return IcsOffer(data=data, count=count)
