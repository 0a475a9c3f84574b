"""Clocks: the bot asks one of these for "now" so demos and tests can pin the time."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current moment as an aware UTC datetime."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that never moves (unit tests); ``set`` moves it by hand."""

    def __init__(self, moment: dt.datetime) -> None:
        self._moment = _aware(moment)

    def now(self) -> dt.datetime:
        return self._moment

    def set(self, moment: dt.datetime) -> None:
        self._moment = _aware(moment)

    def advance(self, delta: dt.timedelta) -> None:
        self._moment += delta


class OffsetClock:
    """A clock that starts at ``start`` and then runs at the real rate (``BOT_NOW``)."""

    def __init__(self, start: dt.datetime) -> None:
        self._start = _aware(start)
        self._origin = time.monotonic()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._origin)


def clock_from_setting(bot_now: dt.datetime | None) -> Clock:
    """The clock for the ``BOT_NOW`` setting: offset from it when set, else the real time."""
    return SystemClock() if bot_now is None else OffsetClock(bot_now)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
