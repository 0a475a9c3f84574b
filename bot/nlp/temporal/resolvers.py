"""Resolvers of the calendar rules: from a match and its context to a calendar value.

Each takes the match and a :class:`~.expressions.Context` (the publication date, the tense on
demand) and returns a :class:`~bot.domain.TemporalExpression`, or None when the match is no
date after all. Named days are in :mod:`.holidays`, counted days in :mod:`.anaphora`.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.domain import Precision, TemporalExpression, Tense
from bot.nlp.temporal.calendar_math import (
    add_months,
    choose,
    safe_date,
    week_value,
    weekday_date,
    year_for_day,
    year_for_month,
)
from bot.nlp.temporal.expressions import Context, day_expression, expression, month_expression
from bot.nlp.temporal.lexicon import (
    MAX_RANGE_DAYS,
    MAX_WEEKDAY_RANGE_DAYS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_PARTS,
    MONTH_RELATIONS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PERIOD_SHIFTS,
    RELATIVE_DAYS,
    WEEKDAYS,
    YEAR_WORD_SHIFTS,
)


def _month_number(text: str) -> int:
    word = text.rstrip(".")
    return MONTH_NAMES.get(word) or MONTH_ABBREVIATIONS[word]


def _day_number(text: str) -> int:
    lowered = text.lower()
    if lowered in ORDINAL_WORDS:
        return ORDINAL_WORDS[lowered]
    return int(re.sub(r"\D", "", lowered))


def _is_not_a_date_word(ctx: Context) -> bool:
    """A month name read as a modal ("May") or as part of a name ("Theresa May", "June Carter")."""
    span = ctx.tokens()
    if span is None or not span.doc.has_annotation("TAG"):
        return False
    month = next((t for t in span if t.text in MONTH_NAMES), None)
    if month is None:
        return False
    if month.tag_ == "MD" or month.pos_ == "VERB" or month.ent_type_ == "PERSON":
        return True
    doc = month.doc
    before = doc[month.i - 1] if month.i > 0 else None
    after = doc[month.i + 1] if month.i + 1 < len(doc) else None
    if before is not None and before.pos_ == "PROPN" and before.text not in MONTH_NAMES:
        return True  # "Theresa May said"
    introduced = before is not None and before.pos_ in ("ADP", "DET")
    return after is not None and after.pos_ == "PROPN" and not introduced  # "met June Carter"


def _first_day(match: re.Match[str], ctx: Context) -> tuple[dt.date | None, Tense | None]:
    """The day of a month-and-day match, and the tense when the tense chose its year; a
    weekday given with the day ("Friday, May 9") must fall on it."""
    return _month_day(match, ctx, WEEKDAYS.get(match["weekday"] or ""))


def _month_day(
    match: re.Match[str], ctx: Context, weekday: int | None = None
) -> tuple[dt.date | None, Tense | None]:
    """The day of the ``month`` and ``day`` groups in the year the ``year`` or ``yearword``
    group gives, else the year the tense and nearness choose (returned with that tense)."""
    month, day = _month_number(match["month"]), _day_number(match["day"])
    groups = match.groupdict()
    if groups.get("year"):
        return safe_date(int(groups["year"]), month, day), None
    if groups.get("yearword"):
        year = ctx.published.year + YEAR_WORD_SHIFTS[groups["yearword"].lower()]
        return safe_date(year, month, day), None
    tense = ctx.tense
    return year_for_day(month, day, ctx.published, tense, weekday), tense


def resolve_month_day(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    first, tense = _first_day(match, ctx)
    if first is None:
        return None
    if "day2" not in match.groupdict():
        return day_expression(ctx, first, tense=tense)
    last = _range_end(match, first)
    return day_expression(ctx, first, last, tense) if last else None


def resolve_day_for_days(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "from June 4 for five days": June 4 to June 8."""
    raw = match["count"].lower()
    count = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)
    first, tense = _first_day(match, ctx)
    if first is None or not 1 <= count <= MAX_RANGE_DAYS:
        return None
    return day_expression(ctx, first, first + dt.timedelta(days=count - 1), tense)


def resolve_day_month_span(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "30 November to 2 December": a year written at the end is the last day's."""
    month, month2 = _month_number(match["month"]), _month_number(match["month2"])
    day, day2 = _day_number(match["day"]), _day_number(match["day2"])
    tense = None
    if match["year"] or match["yearword"]:
        if match["year"]:
            year = int(match["year"])
        else:
            year = ctx.published.year + YEAR_WORD_SHIFTS[match["yearword"].lower()]
        last = safe_date(year, month2, day2)
        first = safe_date(year - (1 if month2 < month else 0), month, day)
    else:
        first, tense = _first_day(match, ctx)
        year2 = first.year + (1 if month2 < month else 0) if first else 0
        last = safe_date(year2, month2, day2) if first else None
    if first is None or last is None or not first < last <= first + dt.timedelta(MAX_RANGE_DAYS):
        return None
    return day_expression(ctx, first, last, tense)


def _range_end(match: re.Match[str], first: dt.date) -> dt.date | None:
    """The last day of "Sept 4-5", "June 15 to 17", "Nov 30-Dec 2"; None when it is no range."""
    month2 = _month_number(match["month2"]) if match.groupdict().get("month2") else first.month
    year2 = first.year + (1 if month2 < first.month else 0)
    last = safe_date(year2, month2, _day_number(match["day2"]))
    if last is None or not first < last <= first + dt.timedelta(days=MAX_RANGE_DAYS):
        return None
    return last


def resolve_week_of(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    first, _ = _month_day(match, ctx)
    if first is None:
        return None
    last = first + dt.timedelta(days=6)
    return expression(ctx, week_value(first), Precision.WEEK, first, last)


def resolve_month(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    bare = not (
        match["year"] or match["yearword"] or match["rel"] or match["rel2"] or match["part"]
    )
    if bare and (_is_not_a_date_word(ctx) or (match["month"] == "May" and ctx.start == 0)):
        return None  # a name, or "May the talks succeed": a modal that opens the text
    month = _month_number(match["month"])
    part = (match["part"] or "").lower() or None
    published = ctx.published
    if match["year"]:
        return month_expression(ctx, int(match["year"]), month, part)
    if match["yearword"]:
        year = published.year + YEAR_WORD_SHIFTS[match["yearword"].lower()]
        return month_expression(ctx, year, month, part)
    relation = (match["rel"] or match["rel2"] or "").lower()
    if relation in MONTH_RELATIONS:
        return month_expression(ctx, _year_by_relation(month, published, relation), month, part)
    tense = Tense.FUTURE if relation == "coming" else ctx.tense
    return month_expression(ctx, year_for_month(month, published, tense), month, part, tense)


def _year_by_relation(month: int, published: dt.date, relation: str) -> int:
    """ "last April" is the latest April before this month, "next April" the first after it."""
    if relation in ("last", "past"):
        return published.year if month < published.month else published.year - 1
    if relation == "next":
        return published.year if month > published.month else published.year + 1
    return published.year  # "this April"


def resolve_weekday(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    relation = (match["rel"] or "").lower()
    week = (match["week"] or "").lower() or (_week_beside(ctx) if not relation else "")
    day, tense = _weekday_by_relation_or_tense(WEEKDAYS[match["weekday"]], relation, ctx, week)
    return day_expression(ctx, day, tense=tense)


_WEEK_RELATIONS = {"next": "next", "coming": "next", "this": "this", "last": "last"}


def _week_beside(ctx: Context) -> str:
    """ "next", "this" or "last" when the verb the weekday hangs on also has that week:
    "Next week the ministers meet on Wednesday"; "" otherwise."""
    span = ctx.tokens()
    if span is None or not span.doc.has_annotation("DEP"):
        return ""
    head = span.root.head
    verb = head.head if head.pos_ == "ADP" else head
    for child in verb.children:
        if child.dep_ == "npadvmod" and child.lower_ == "week":
            for modifier in child.children:
                if modifier.dep_ in ("amod", "det") and modifier.lower_ in _WEEK_RELATIONS:
                    return _WEEK_RELATIONS[modifier.lower_]
    return ""


def _weekday_by_relation_or_tense(
    weekday: int, relation: str, ctx: Context, week: str = ""
) -> tuple[dt.date, Tense | None]:
    """The date of a weekday, and the tense when the tense had to decide.

    Weeks start on Monday: "next Wednesday" is the Wednesday of next week even in a Tuesday
    article, "this Wednesday" the one of the current week, "Tuesday next week" the Tuesday of
    next week. "last Friday" is the latest Friday before the publication day.
    """
    published = ctx.published
    monday = published - dt.timedelta(days=published.weekday())
    if week:
        return monday + dt.timedelta(weeks=YEAR_WORD_SHIFTS[week], days=weekday), None
    if relation in ("last", "previous", "past"):
        return weekday_date(weekday, published - dt.timedelta(days=1), Tense.PAST), None
    if relation == "next":
        return monday + dt.timedelta(weeks=1, days=weekday), None
    if weekday == published.weekday() and relation != "this coming":
        return published, None
    tense = ctx.tense
    if relation == "this":
        day = monday + dt.timedelta(days=weekday)
        if day >= published or tense != Tense.FUTURE:
            return day, None
    announced = relation in ("coming", "this coming", "this") and tense != Tense.PAST
    coming = announced or tense in (Tense.FUTURE, Tense.PRESENT)
    return weekday_date(weekday, published, Tense.FUTURE if coming else Tense.PAST), tense


def resolve_weekday_with_day(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "Tuesday (24)": the day of that number nearest publication that is that weekday."""
    weekday, day = WEEKDAYS[match["weekday"]], int(match["day"])
    published = ctx.published
    if match["year"]:
        years = [int(match["year"])]
    else:
        years = [published.year - 1, published.year, published.year + 1]
    if match["month"]:
        candidates = [safe_date(year, int(match["month"]), day) for year in years]
    else:
        months = [add_months(published.year, published.month, shift) for shift in (-1, 0, 1)]
        candidates = [safe_date(year, month, day) for year, month in months]
    fitting = [c for c in candidates if c is not None and c.weekday() == weekday]
    chosen = choose(fitting, published, None)
    return day_expression(ctx, chosen) if chosen else None


def resolve_weekday_to_date(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "from Saturday to June 18": the date, then the latest such weekday in the week before."""
    last, _ = _month_day(match, ctx)
    if last is None:
        return None
    back = (last.weekday() - WEEKDAYS[match["weekday"]]) % 7 or 7
    return day_expression(ctx, last - dt.timedelta(days=back), last)


def resolve_weekday_range(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    first_weekday, last_weekday = WEEKDAYS[match["weekday"]], WEEKDAYS[match["weekday2"]]
    length = (last_weekday - first_weekday) % 7
    if not 1 <= length <= MAX_WEEKDAY_RANGE_DAYS:
        return None  # "Friday and Thursday" lists two days; it is not a span
    first, tense = _weekday_by_relation_or_tense(first_weekday, "", ctx)
    return day_expression(ctx, first, first + dt.timedelta(days=length), tense)


def resolve_relative_day(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    phrase = " ".join(match["word"].lower().split())
    day = ctx.published + dt.timedelta(days=RELATIVE_DAYS[phrase])
    return day_expression(ctx, day)


def resolve_relative_period(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    relation = match["rel"].lower()
    if relation == "the" and not match["vague"]:
        return None  # "the week" alone names no particular week
    return _period(ctx, match["unit"].lower(), PERIOD_SHIFTS[relation], match["vague"])


def resolve_period_after_next(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    return _period(ctx, match["unit"].lower(), 2, match["vague"])


def _period(ctx: Context, unit: str, shift: int, vague: str | None) -> TemporalExpression:
    """The week, month or year ``shift`` units from publication; "early" narrows a month."""
    published = ctx.published
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=shift)
        last = monday + dt.timedelta(days=6)
        return expression(ctx, week_value(monday), Precision.WEEK, monday, last)
    if unit == "month":
        year, month = add_months(published.year, published.month, shift)
        part = (vague or "").lower()
        return month_expression(ctx, year, month, part if part in MONTH_PARTS else None)
    year = published.year + shift
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return expression(ctx, str(year), Precision.UNKNOWN, first, last)


def resolve_weekend(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """A weekend as the ISO week it ends: Saturday and Sunday are the days covered."""
    relation = match["rel"].lower()
    published = ctx.published
    saturday = published + dt.timedelta(days=5 - published.weekday())
    if relation in ("next", "coming") and published.weekday() >= 5:
        saturday += dt.timedelta(weeks=1)  # said at the weekend, "next weekend" is a week on
    elif relation in ("last", "past"):
        saturday -= dt.timedelta(weeks=1)
    elif relation == "the" and saturday > published and _weekend_was_past(ctx, saturday):
        saturday -= dt.timedelta(weeks=1)  # "talks over the weekend" in a Monday report
    sunday = saturday + dt.timedelta(days=1)
    return expression(ctx, week_value(saturday), Precision.WEEK, saturday, sunday)


def _weekend_was_past(ctx: Context, coming_saturday: dt.date) -> bool:
    """Whether "the weekend" is the one before the publication date: by tense, else nearness."""
    tense = ctx.tense
    if tense in (Tense.FUTURE, Tense.PRESENT):
        return False
    return tense == Tense.PAST or (coming_saturday - ctx.published).days > 3


def resolve_ago(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    raw = match["count"].lower()
    count = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)
    unit = (match["unit"] or match["year_unit"]).lower()
    published = ctx.published
    if unit == "day":
        return day_expression(ctx, published - dt.timedelta(days=count))
    if unit == "week":
        day = published - dt.timedelta(weeks=count)
        monday = day - dt.timedelta(days=day.weekday())
        week_end = monday + dt.timedelta(days=6)
        return expression(ctx, week_value(day), Precision.WEEK, monday, week_end)
    if unit == "month":
        year, month = add_months(published.year, published.month, -count)
        return month_expression(ctx, year, month)
    # "a year ago": the same day a year back is the usual reading in news (Feb 29 → Feb 28).
    year = published.year - count
    day = safe_date(year, published.month, published.day) or dt.date(year, published.month, 28)
    return day_expression(ctx, day)


def resolve_iso(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    day = safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return day_expression(ctx, day) if day else None


def resolve_slash(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "11/04/2025": month first (US order) or day first, whichever is a date nearer to
    publication; news mostly dates what is near. A tie keeps the US order."""
    first, second, year = int(match["a"]), int(match["b"]), int(match["year"])
    readings = [d for d in (safe_date(year, first, second), safe_date(year, second, first)) if d]
    if not readings:
        return None
    found = min(readings, key=lambda d: abs((d - ctx.published).days))
    return day_expression(ctx, found)


def resolve_dotted(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    # Day first, as in European usage; a first number above 12 settles it anyway.
    first, second, year = int(match["day"]), int(match["month"]), int(match["year"])
    day, month = (second, first) if second > 12 else (first, second)
    found = safe_date(year, month, day)
    return day_expression(ctx, found) if found else None


def resolve_year(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    span = ctx.tokens()
    if span is not None and span.root.dep_ == "nummod":
        return None  # a count, not a year: "by 2000 votes"
    year = int(match["year"])
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return expression(ctx, str(year), Precision.UNKNOWN, first, last)


def resolve_ordinal_day(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    day = int(match["day"])
    published = ctx.published
    candidates = []
    for shift in (-1, 0, 1):
        year, month = add_months(published.year, published.month, shift)
        if (found := safe_date(year, month, day)) is not None:
            candidates.append(found)
    tense = ctx.tense
    chosen = choose(candidates, published, tense) or choose(candidates, published, None)
    return day_expression(ctx, chosen, tense=tense) if chosen else None
