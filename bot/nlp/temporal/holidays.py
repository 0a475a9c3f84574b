"""Named days: fixed ones (Christmas Eve), n-th weekdays (Thanksgiving) and Easter-based
ones (Good Friday), each its next occurrence after publication unless the tense is past."""

from __future__ import annotations

import datetime as dt
import re

from bot.domain import Precision, TemporalExpression, Tense
from bot.nlp.temporal.calendar_math import choose, easter_sunday, nth_weekday
from bot.nlp.temporal.expressions import Context, NotADate, day_expression
from bot.nlp.temporal.lexicon import (
    EASTER_HOLIDAYS,
    FIXED_HOLIDAYS,
    US_HOLIDAYS,
    US_QUALIFIERS,
    WEEKDAY_HOLIDAYS,
)


def holiday_key(name: str) -> str:
    """ "St. Patrick’s Day" → "st patricks day": the form the holiday tables are looked up in."""
    lowered = re.sub(r"['’.]", "", name.lower())
    return " ".join("st" if word == "saint" else word for word in lowered.split())


_FIXED = {holiday_key(name): day for name, day in FIXED_HOLIDAYS.items()}
_NTH_WEEKDAY = {holiday_key(name): rule for name, rule in WEEKDAY_HOLIDAYS.items()}
_FROM_EASTER = {holiday_key(name): shift for name, shift in EASTER_HOLIDAYS.items()}


_US_ONLY = frozenset(holiday_key(name) for name in US_HOLIDAYS)


def _of_another_country(ctx: Context) -> bool:
    """ "Ukraine's Independence Day", "Canadian Thanksgiving": a country or nationality other
    than the United States right before the name."""
    span = ctx.tokens()
    if span is None or span.start == 0:
        return False
    doc = span.doc
    before = doc[span.start - 1]
    if before.tag_ == "POS" and before.i > 0:
        before = doc[before.i - 1]  # "Ukraine 's"
    elif before.ent_type_ not in ("NORP", "GPE"):
        return False
    return before.lower_ not in US_QUALIFIERS and before.ent_type_ in ("NORP", "GPE", "ORG")


def holiday_date(name: str, year: int) -> dt.date:
    """The date of a named day in ``year``; ``name`` as :func:`holiday_key` gives it."""
    if name in _FIXED:
        month, day = _FIXED[name]
        return dt.date(year, month, day)
    if name in _FROM_EASTER:
        return easter_sunday(year) + dt.timedelta(days=_FROM_EASTER[name])
    month, weekday, n = _NTH_WEEKDAY[name]
    return nth_weekday(year, month, weekday, n)


def resolve_holiday(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """A named day: its next occurrence on or after publication, unless the tense is past."""
    if match["namesake"]:
        return NotADate(ctx.text[ctx.start : ctx.end], ctx.start, ctx.end, None, Precision.UNKNOWN)
    name = holiday_key(match["name"])
    if name in _US_ONLY and not match["rel"] and _of_another_country(ctx):
        return None
    published = ctx.published
    if match["year"]:
        return day_expression(ctx, holiday_date(name, int(match["year"])))
    candidates = [holiday_date(name, y) for y in range(published.year - 1, published.year + 2)]
    relation = (match["rel"] or "").lower()
    if relation == "last":
        tense: Tense | None = Tense.PAST
        candidates = [c for c in candidates if c < published]
    elif relation == "next":
        tense = Tense.FUTURE
        candidates = [c for c in candidates if c > published]
    else:
        tense = ctx.tense
    direction = Tense.PAST if tense == Tense.PAST else Tense.FUTURE
    chosen = choose(candidates, published, direction)
    return day_expression(ctx, chosen, tense=tense) if chosen else None
