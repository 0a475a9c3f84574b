"""Calendar arithmetic: months, ISO weeks, weekdays, holidays, and choosing among the
occurrences of a year-less date by tense and nearness."""

from __future__ import annotations

import calendar
import datetime as dt

from bot.domain import Precision, Tense
from bot.nlp.temporal.lexicon import (
    FUTURE_TOLERANCE_DAYS,
    PAST_MONTH_TOLERANCE_DAYS,
    PAST_TOLERANCE_DAYS,
)


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def period_start(day: dt.date, precision: Precision) -> dt.date:
    """The day a date of this precision is shown as: the Monday of its week, the first of its
    month ("mid-January" → January 1), the day itself otherwise (the corpus conventions)."""
    if precision is Precision.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if precision is Precision.MONTH:
        return day.replace(day=1)
    return day


def week_value(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def choose(candidates: list[dt.date], published: dt.date, tense: Tense | None) -> dt.date | None:
    """Pick the candidate that the tense allows and that lies nearest the publication date."""
    if not candidates:
        return None
    if tense == Tense.FUTURE:
        ahead = [c for c in candidates if c >= published]
        return min(ahead) if ahead else None
    if tense == Tense.PAST:
        behind = [c for c in candidates if c <= published]
        return max(behind) if behind else None
    return min(candidates, key=lambda c: (abs((c - published).days), c < published))


def by_tense_then_nearness(
    candidates: list[dt.date], reference: dt.date, tense: Tense | None, past_tolerance_days: int
) -> dt.date | None:
    """The occurrence the tense points to; the nearest one when there is no tense.

    The news present announces ("the summit opens on May 5") and counts as future. A future
    tense is trusted beyond a few days of reporting lag ("would repatriate the boy by
    Jan. 14" in a report of Jan. 15): "will meet on March 1" in August is next March. A past verb is
    not always about a past date ("extended the offer to Nov. 16", "set the vote for Jan. 5"),
    so the nearest occurrence stays unless it lies more than ``past_tolerance_days`` ahead.
    """
    nearest = choose(candidates, reference, None)
    if nearest is None:
        return None
    coming = tense in (Tense.FUTURE, Tense.PRESENT)  # "the summit opens on May 5"
    if coming and (reference - nearest).days > FUTURE_TOLERANCE_DAYS:
        return choose(candidates, reference, Tense.FUTURE) or nearest
    if tense == Tense.PAST and (nearest - reference).days > past_tolerance_days:
        return choose(candidates, reference, Tense.PAST) or nearest
    return nearest


def year_for_day(
    month: int, day: int, published: dt.date, tense: Tense | None, weekday: int | None = None
) -> dt.date | None:
    """A day without a year, placed in the year that nearness and the tense suggest."""
    candidates = [
        d
        for year in (published.year - 1, published.year, published.year + 1)
        if (d := safe_date(year, month, day)) is not None
    ]
    if weekday is not None:
        # "Friday, Oct. 13" names the year by itself when the weekday fits only one.
        fitting = [d for d in candidates if d.weekday() == weekday]
        if fitting:
            return choose(fitting, published, None)
    return by_tense_then_nearness(candidates, published, tense, PAST_TOLERANCE_DAYS)


def year_for_month(month: int, published: dt.date, tense: Tense | None) -> int:
    """The year of a month named alone ("in April"), by nearness and tense as for days."""
    this_month = published.replace(day=1)
    candidates = [dt.date(y, month, 1) for y in range(published.year - 1, published.year + 2)]
    chosen = by_tense_then_nearness(candidates, this_month, tense, PAST_MONTH_TOLERANCE_DAYS)
    return chosen.year if chosen else published.year


def weekday_date(weekday: int, published: dt.date, direction: Tense) -> dt.date:
    """The given weekday: the coming one ("future") or the latest past one ("past").

    The publication day itself counts in both directions.
    """
    delta = (weekday - published.weekday()) % 7
    if direction == Tense.FUTURE:
        return published + dt.timedelta(days=delta)
    return published - dt.timedelta(days=(7 - delta) % 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = month_end(year, month)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def easter_sunday(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)
