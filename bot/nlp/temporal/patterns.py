"""Regular expressions of the date rules, built from the lexicon. Each is compiled once."""

from __future__ import annotations

import re

from bot.nlp.temporal.lexicon import (
    ANAPHORIC_DAYS,
    ANAPHORIC_DIRECTIONS,
    EASTER_HOLIDAYS,
    FIXED_HOLIDAYS,
    HOLIDAY_NAMESAKES,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_PARTS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PARTS_OF_DAY,
    PERIOD_PARTS,
    PERIOD_SHIFTS,
    RELATIVE_DAYS,
    WEEKDAY_HOLIDAYS,
    WEEKDAYS,
    YEAR_LEAD_WORDS,
)


def _alternation(words: list[str]) -> str:
    """A regex alternation, longest words first so that "Sept" wins over "Sep"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTH_FULL = f"(?:{_alternation(list(MONTH_NAMES))})"
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:{_alternation(list(MONTH_ABBREVIATIONS))})\b\.?)"
_WEEKDAY = f"(?:{_alternation(list(WEEKDAYS))})"
_ORDINAL_WORD = f"(?i:{_alternation(list(ORDINAL_WORDS))})"
_DAY_NUMBER = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d,]\d|\.\d|%|\s*percent)"
_DAY = rf"(?:{_DAY_NUMBER}|{_ORDINAL_WORD}\b)"
_YEAR = r"(?:1[89]\d\d|20\d\d)(?!\d|\s*(?:%|percent))"
_RANGE_JOIN = r"\s*(?:-|–|—|\bto\b|\bthrough\b|\buntil\b|\band\b)\s*"
_I = "(?i:{})"

_YEAR_TAIL = rf"(?:,?\s+(?P<year>{_YEAR})|\s+(?P<yearword>{_I.format('this|next|last')})\s+year\b)?"
_LEADING_WEEKDAY = rf"\b(?:(?P<weekday>{_WEEKDAY}),?\s+)?(?:the\s+)?"


def _month_day_pattern(with_range: bool) -> re.Pattern[str]:
    """ "Nov. 1", "Friday, Oct. 13, 1989", "Sept 4-5", "Nov 30-Dec 2", "February 17 and 18"."""
    second = rf"{_RANGE_JOIN}(?:(?P<month2>{_MONTH_ANY})\s+)?(?P<day2>{_DAY})" if with_range else ""
    return re.compile(
        rf"{_LEADING_WEEKDAY}(?P<month>{_MONTH_ANY})\s+(?P<day>{_DAY}){second}{_YEAR_TAIL}"
    )


def _day_month_pattern(with_range: bool) -> re.Pattern[str]:
    """ "1 November", "the 15th of March", "22 to 27 June this year"."""
    second = rf"{_RANGE_JOIN}(?P<day2>{_DAY})" if with_range else ""
    return re.compile(
        rf"{_LEADING_WEEKDAY}(?P<day>{_DAY}){second}\s+(?:of\s+)?(?P<month>{_MONTH_ANY})"
        rf"{_YEAR_TAIL}"
    )


_FOR_DAYS = (
    rf"\s+{_I.format('for')}\s+(?P<count>\d{{1,2}}|{_I.format(_alternation(list(NUMBER_WORDS)))})"
    rf"\s+{_I.format('days')}\b"
)
# "from June 4 for five days", "on 3 May for two days": a span by its first day and length.
MONTH_DAY_FOR_DAYS_RE = re.compile(_month_day_pattern(with_range=False).pattern + _FOR_DAYS)
DAY_MONTH_FOR_DAYS_RE = re.compile(_day_month_pattern(with_range=False).pattern + _FOR_DAYS)
# "30 November to 2 December", "from 28 February until 3 March 2026".
DAY_MONTH_SPAN_RE = re.compile(
    rf"{_LEADING_WEEKDAY}(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH_ANY}){_RANGE_JOIN}"
    rf"(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH_ANY}){_YEAR_TAIL}"
)
# Ranges and single days are separate rules so that a range that does not resolve
# ("Aug. 26 to Oct. 20" is two dates, not one span) still leaves both days to be found.
MONTH_DAY_RANGE_RE = _month_day_pattern(with_range=True)
MONTH_DAY_RE = _month_day_pattern(with_range=False)
DAY_MONTH_RANGE_RE = _day_month_pattern(with_range=True)
DAY_MONTH_RE = _day_month_pattern(with_range=False)
WEEK_OF_RE = re.compile(
    rf"\b(?i:the\s+week\s+of)\s+(?P<month>{_MONTH_ANY})\s+(?P<day>{_DAY})"
    rf"(?:,?\s+(?P<year>{_YEAR}))?"
)
MONTH_RE = re.compile(
    rf"\b(?:(?P<rel>{_I.format('last|next|this|this coming|coming|past')})\s+)?"
    rf"(?:(?P<part>{_I.format(_alternation(list(MONTH_PARTS)))})(?:\s+|-|\s*-\s*))?"
    rf"(?:(?P<rel2>{_I.format('last|next|this')})\s+)?"
    rf"(?P<month>{_MONTH_FULL}\b|{_MONTH_ANY}(?=,?\s+{_YEAR}))"
    rf"(?:,?\s+(?P<year>{_YEAR})|\s+(?P<yearword>{_I.format('this|next|last')})\s+year)?"
    rf"(?!\s*\d)"
)
WEEKDAY_RE = re.compile(
    rf"\b(?:(?P<rel>{_I.format('last|next|this coming|this|coming|previous|past')})\s+)?"
    rf"(?:(?P<vague>{_I.format('early|late|earlier|later')})\s+)?"
    rf"(?P<weekday>{_WEEKDAY})\b(?:'s)?"
    rf"(?:\s+(?P<part>{_alternation(PARTS_OF_DAY)})\b)?"
    rf"(?:,?\s+(?:of\s+)?(?P<week>{_I.format('next|this|last')})\s+{_I.format('week')}\b)?"
)
# Brazilian and Portuguese style: "Monday (23)", "Tuesday (24/1)", "this Sunday (22)".
WEEKDAY_WITH_DAY_RE = re.compile(
    rf"\b(?:(?P<rel>{_I.format('this|next|last')})\s+)?(?P<weekday>{_WEEKDAY})\s*"
    r"\((?P<day>3[01]|[12]\d|0?[1-9])(?:/(?P<month>1[0-2]|0?[1-9])(?:/(?P<year>\d{4}))?)?\)"
)
# "from Saturday to June 18": a span that ends on a date and starts on a weekday before it.
WEEKDAY_TO_DATE_RE = re.compile(
    rf"\b(?P<weekday>{_WEEKDAY})\s*(?:-|–|\b{_I.format('to|until|till|through')}\b)\s*"
    rf"(?P<month>{_MONTH_ANY})\s+(?P<day>{_DAY}){_YEAR_TAIL}"
)
# "on Monday and Tuesday", "from Sunday to Tuesday": one span of consecutive days.
WEEKDAY_RANGE_RE = re.compile(rf"\b(?P<weekday>{_WEEKDAY}){_RANGE_JOIN}(?P<weekday2>{_WEEKDAY})\b")
RELATIVE_DAY_RE = re.compile(
    rf"\b(?:(?P<vague>{_I.format('early|late|earlier|later')})\s+)?"
    rf"(?P<word>{_I.format(_alternation(list(RELATIVE_DAYS)))})\b"
    rf"(?:\s+(?P<part>{_I.format(_alternation(PARTS_OF_DAY))})\b)?"
)
RELATIVE_PERIOD_RE = re.compile(
    rf"\b(?:(?P<vague>{_I.format(_alternation(PERIOD_PARTS))})\s+)?"
    rf"(?:{_I.format('the')}\s+)?"
    rf"(?P<rel>{_I.format(_alternation(list(PERIOD_SHIFTS)))})\s+"
    rf"(?P<unit>{_I.format('week|month|year')})\b"
)
# "the week after next", "early in the month after next": two units on.
PERIOD_AFTER_NEXT_RE = re.compile(
    rf"\b(?:(?P<vague>{_I.format(_alternation(PERIOD_PARTS))})\s+)?{_I.format('the')}\s+"
    rf"(?P<unit>{_I.format('week|month|year')})\s+{_I.format('after')}\s+{_I.format('next')}\b"
)
WEEKEND_RE = re.compile(
    rf"\b(?P<rel>{_I.format('this|next|last|past|the|coming')})\s+{_I.format('weekend')}\b"
)
# "N days earlier" counts from an event in the story, not from the publication date; only
# "a year earlier", the comparison in results news, is taken as counted from publication.
AGO_RE = re.compile(
    rf"\b(?P<count>\d{{1,2}}|{_I.format(_alternation(list(NUMBER_WORDS)))})\s+"
    rf"(?:(?P<unit>{_I.format('day|week|month|year')})s?\s+{_I.format('ago')}"
    rf"|(?P<year_unit>{_I.format('year')})s?\s+{_I.format('earlier')})\b"
)
# "the day before", "the following day", "two days later": counted from the day just named.
# "before"/"after" must end the phrase ("The day before, he …"): "the day before the vote"
# counts from the vote, which may not be the day just named.
ANAPHOR_RE = re.compile(
    rf"\b(?:(?P<phrase>{_I.format(_alternation(list(ANAPHORIC_DAYS)))})"
    rf"|(?P<count>\d{{1,2}}|{_I.format(_alternation(list(NUMBER_WORDS)))})\s+{_I.format('days?')}\s+"
    rf"(?P<direction>{_I.format(_alternation(list(ANAPHORIC_DIRECTIONS)))}))\b"
)
CLOSES_PHRASE_RE = re.compile(r"\s*(?:[,.;:!?)\]—–]|$)|\s+(?:at|in|on|for|with|to|and)\b")
ISO_DATE_RE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
SLASH_DATE_RE = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})\b")
DOTTED_DATE_RE = re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b")
YEAR_RE = re.compile(
    rf"\b(?P<lead>{_I.format(_alternation(YEAR_LEAD_WORDS))})"
    rf"[\s-]+(?P<year>{_YEAR})\b(?!\s*(?:-|–)\s*\d|,\d|\s+(?:{_MONTH_FULL}))"
)
ORDINAL_DAY_RE = re.compile(
    r"\b(?i:on|by|until|from|since|before|after)\s+(?P<expr>the\s+"
    r"(?P<day>3[01]|[12]\d|[1-9])(?:st|nd|rd|th))\b(?=\s*(?:[,.;:)]|$|\b(?:and|to|at|in|when)\b))"
)


def _holiday_name(name: str) -> str:
    """A holiday's name as a pattern: any apostrophe or none, "St", "St." or "Saint"."""
    words = [re.escape(word).replace("'", "['’]?") for word in name.split()]
    if words[0] == "st":
        words[0] = r"(?:st\.?|saint)"
    return r"\s+".join(words)


_HOLIDAY_NAMES = sorted(
    [*FIXED_HOLIDAYS, *WEEKDAY_HOLIDAYS, *EASTER_HOLIDAYS], key=len, reverse=True
)
# Names of days are written with capitals: "an epiphany", "easter eggs" are no dates.
HOLIDAY_RE = re.compile(
    rf"\b(?:(?P<rel>{_I.format('last|next|this')})\s+)?"
    rf"(?P<name>(?=[A-Z])(?i:{'|'.join(_holiday_name(n) for n in _HOLIDAY_NAMES)}))\b"
    rf"(?:(?P<namesake>\s+{_I.format(_alternation(HOLIDAY_NAMESAKES))}\b)"
    r"|,?\s+(?P<year>(?:1[89]|20)\d\d)\b)?"
)
