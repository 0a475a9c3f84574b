"""Digest schedules: parsing what users type, and when each chat's next digest is due.

Pure functions of their arguments (no database, no telegram), so they are easy to test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.chat import Frequency
from bot.services.errors import InvalidInputError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


_TIME = re.compile(
    r"^\s*(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?\s*$", re.IGNORECASE
)
_UTC_OFFSET = re.compile(r"^(?:utc|gmt)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?00)?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time:
    """``08:00``, ``8:30``, ``20.15``, ``7am``, ``7:30 pm`` → a time of day (minute precision)."""
    match = _TIME.match(text)
    if not match:
        raise InvalidInputError(
            f"I can't read {text.strip()!r} as a time of day. Try /time 08:00 (24-hour, HH:MM)."
        )
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise InvalidInputError(f"{hour} is not an hour on a 12-hour clock. Try /time 7:30 pm.")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInputError(
            f"{text.strip()!r} is not a time of day. Try /time 08:00 (hours 0–23, minutes 0–59)."
        )
    return dt.time(hour, minute)


def parse_digest_time(text: str) -> tuple[int | None, dt.time]:
    """``08:00``, or with a day for weekly digests: ``fri 17:00``, ``17:00 Friday``.

    Returns the weekday (0 = Monday) when one is given, and the time of day.
    """
    words = text.split()
    weekday: int | None = None
    for position in (0, -1):
        if len(words) > 1 and (found := _weekday(words[position])) is not None:
            weekday = found
            del words[position]
            break
    return weekday, parse_time(" ".join(words))


def parse_weekday(text: str) -> int:
    """A day of the week (``fri``, ``Friday``, or 0-6 with 0 = Monday) → 0-6."""
    key = text.strip()
    if key.isdigit() and int(key) < len(WEEKDAYS):
        return int(key)
    found = _weekday(key)
    if found is None:
        raise InvalidInputError(f"Not a day of the week: {text.strip()[:40]!r}. Try: friday.")
    return found


def _weekday(word: str) -> int | None:
    key = word.strip(",.").lower()
    for number, name in enumerate(WEEKDAYS):
        if len(key) >= 3 and name.lower().startswith(key):
            return number
    return None


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Lower-cased zone name (and unique city name) → canonical IANA name."""
    names = available_timezones()
    table = {name.lower(): name for name in names}
    cities: dict[str, list[str]] = {}
    for name in names:
        if "/" in name and not name.startswith(("Etc/", "SystemV/")):
            cities.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    for city, zones in cities.items():
        if len(zones) == 1:
            table.setdefault(city, zones[0])
            table.setdefault(city.replace("_", " "), zones[0])
    return table


def parse_timezone(text: str) -> str:
    """``Europe/Berlin``, ``berlin``, ``New York``, ``UTC``, ``UTC+2`` → an IANA zone name."""
    key = " ".join(text.split()).lower()
    if not key:
        raise InvalidInputError("Which time zone? Try /timezone Europe/Berlin.")
    offset = _UTC_OFFSET.match(key)
    if offset:
        hours = int(offset["h"])
        if hours > 14:
            raise InvalidInputError(
                f"UTC{offset['sign']}{hours} does not exist. Try /timezone UTC+2."
            )
        if hours == 0:
            return "UTC"
        # The Etc/ zones count the other way round: UTC+2 is Etc/GMT-2.
        return f"Etc/GMT{'-' if offset['sign'] == '+' else '+'}{hours}"
    name = _zones().get(key) or _zones().get(key.replace(" ", "_"))
    if name is None:
        raise InvalidInputError(
            f"I don't know the time zone {text.strip()!r}. "
            "Use a name like /timezone Europe/Berlin or /timezone America/New_York."
        )
    return name


def parse_frequency(text: str) -> Frequency:
    """``daily``, ``weekly``, ``off`` (a few synonyms too) → a Frequency."""
    key = text.strip().lower()
    synonyms = {"day": "daily", "week": "weekly", "none": "off", "never": "off", "stop": "off"}
    try:
        return Frequency(synonyms.get(key, key))
    except ValueError:
        raise InvalidInputError(
            f"{text.strip()!r} is not a frequency. Choose daily, weekly or off."
        ) from None


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a stored zone name, falling back to UTC for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Slot:
    """One scheduled digest of a chat: when it is due and the key that names it."""

    due: dt.datetime  # aware, UTC
    key: str  # unique per chat: "daily:2025-10-28", "weekly:2025-10-27"


def _slot_on(day: dt.date, at: dt.time, tz: ZoneInfo, frequency: Frequency) -> Slot:
    local = dt.datetime.combine(day, at).replace(tzinfo=tz)
    return Slot(local.astimezone(dt.UTC), f"{frequency.value}:{day.isoformat()}")


def latest_slot(
    now: dt.datetime, tz_name: str, at: dt.time, frequency: Frequency, weekday: int = 0
) -> Slot | None:
    """The most recent slot at or before ``now`` (None when the digest is off)."""
    return next((s for s in _slots(now, tz_name, at, frequency, weekday, -1) if s.due <= now), None)


def next_slot(
    now: dt.datetime, tz_name: str, at: dt.time, frequency: Frequency, weekday: int = 0
) -> Slot | None:
    """The first slot strictly after ``now`` (None when the digest is off)."""
    return next((s for s in _slots(now, tz_name, at, frequency, weekday, 1) if s.due > now), None)


def _slots(
    now: dt.datetime, tz_name: str, at: dt.time, frequency: Frequency, weekday: int, step: int
) -> Iterator[Slot]:
    """Slots from the local day of ``now``, going back (``step`` -1) or forward (1) for
    nine days: enough to reach a weekly slot on either side."""
    if frequency is Frequency.OFF:
        return
    tz = zone(tz_name)
    day = now.astimezone(tz).date()
    for _ in range(9):
        if frequency is Frequency.DAILY or day.weekday() == weekday:
            yield _slot_on(day, at, tz, frequency)
        day += dt.timedelta(days=step)


def due_slot(
    now: dt.datetime,
    tz_name: str,
    at: dt.time,
    frequency: Frequency,
    *,
    weekday: int = 0,
    grace: dt.timedelta,
    not_before: dt.datetime | None = None,
) -> Slot | None:
    """The slot to deliver now, if any: reached, less than ``grace`` late, not before
    ``not_before`` (when the chat subscribed or last changed its schedule)."""
    slot = latest_slot(now, tz_name, at, frequency, weekday)
    if slot is None or now - slot.due >= grace:
        return None
    if not_before is not None and slot.due < _aware(not_before):
        return None
    return slot


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
