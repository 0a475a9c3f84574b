"""The date resolver: finds date expressions in a Doc and anchors them to the publication date.

Expressions are found with precompiled regular expressions over ``doc.text`` (one pass per
rule, so the cost is small next to the parser). Only references that are ambiguous on their own
("on Thursday", "November 1", "in April") look at the dependency parse: the verb governing the
date decides whether the past or the coming occurrence is meant. News about summits mostly
announces what is coming, while most weekday mentions in wire copy report what happened; the
governing verb's tense tells the two apart.

Registers the ``summit_dates`` pipeline component and the ``Doc._.temporal_expressions``
extension; ``resolve_temporal_expressions`` is the same logic as a plain function.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from bot.domain import Precision, TemporalExpression
from bot.nlp.vocabulary import MEETING_NOUNS

log = logging.getLogger(__name__)

PAST = "past"
FUTURE = "future"
PRESENT = "present"

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

MONTH_NAMES: dict[str, int] = {
    "January": 1,
    "February": 2,
    "March": 3,
    "April": 4,
    "May": 5,
    "June": 6,
    "July": 7,
    "August": 8,
    "September": 9,
    "October": 10,
    "November": 11,
    "December": 12,
}
# Abbreviations are only accepted next to a day or a year ("Jan" alone is a name).
MONTH_ABBREVIATIONS: dict[str, int] = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "Monday": 0,
    "Tuesday": 1,
    "Wednesday": 2,
    "Thursday": 3,
    "Friday": 4,
    "Saturday": 5,
    "Sunday": 6,
}
# Offsets in days from the publication date.
RELATIVE_DAYS: dict[str, int] = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night"]
# "early", "mid" and "late" narrow a month down; the value stays the month.
MONTH_PARTS: dict[str, tuple[int, int | None]] = {
    "early": (1, 10),
    "the beginning of": (1, 10),
    "the start of": (1, 10),
    "mid": (11, 20),
    "the middle of": (11, 20),
    "late": (21, None),
    "the end of": (21, None),
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
ORDINAL_WORDS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
    "twenty-second": 22,
    "twenty-third": 23,
    "twenty-fourth": 24,
    "twenty-fifth": 25,
    "twenty-sixth": 26,
    "twenty-seventh": 27,
    "twenty-eighth": 28,
    "twenty-ninth": 29,
    "thirtieth": 30,
    "thirty-first": 31,
}
# Holidays on a fixed day: (month, day).
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "independence day": (7, 4),
    "bastille day": (7, 14),
    "valentine's day": (2, 14),
    "halloween": (10, 31),
}
# Holidays on the n-th weekday of a month: (month, weekday, n); n = -1 is the last one.
WEEKDAY_HOLIDAYS: dict[str, tuple[int, int, int]] = {
    "thanksgiving day": (11, 3, 4),
    "thanksgiving": (11, 3, 4),
    "labor day": (9, 0, 1),
    "memorial day": (5, 0, -1),
    "martin luther king day": (1, 0, 3),
}

# Words that, on the way from a date to its verb, make the date a coming one.
FUTURE_PATH_WORDS = frozenset({"ahead", "upcoming", "forthcoming", "coming"})
# ... and words that make it a past one: "since Jan. 13".
PAST_PATH_WORDS = frozenset({"since", "ago"})
# A period that runs up to the date mostly ends after the report: "postponed until Tuesday",
# "loans through January"; only a past perfect ("had not called him until Thursday") is past.
OPEN_END_WORDS = frozenset({"until", "till"})
# "Through" ends periods on both sides ("this year through Oct. 19"): it cancels a past tense.
NEUTRAL_END_WORDS = frozenset({"through", "thru"})
# Verbs and adjectives of planning: "is due on", "expected to", "scheduled for", "plans to".
FUTURE_LEMMAS = frozenset(
    {
        "due",
        "expect",
        "expected",
        "schedule",
        "scheduled",
        "slate",
        "slated",
        "plan",
        "planned",
        "intend",
        "poise",
        "poised",
        "likely",
        "effective",
        "payable",
        "unlikely",
        "prepare",
        "aim",
        "hope",
    }
)
FUTURE_AUXILIARIES = frozenset(
    {"will", "'ll", "wo", "shall", "would", "may", "might", "could", "must", "should"}
)
# Verbs whose "to"-infinitive looks ahead: "agreed to meet on Friday", "plans to visit".
FUTURE_INFINITIVE_GOVERNORS = frozenset(
    {
        "agree",
        "decide",
        "promise",
        "pledge",
        "vow",
        "offer",
        "plan",
        "expect",
        "schedule",
        "hope",
        "intend",
        "want",
        "seek",
        "aim",
        "prepare",
        "threaten",
        "set",
        "due",
        "likely",
        "ready",
        "go",
        "invite",
        "ask",
        "urge",
        "slate",
        "poise",
    }
)
BE_PRESENT = frozenset({"is", "are", "am", "'s", "'re", "'m"})
BE_PAST = frozenset({"was", "were"})
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
MAX_HEAD_STEPS = 8
# How far ahead of the publication date a year-less date under a past verb may lie and still
# be read as coming: "declared a dividend payable Dec. 7" in late October is this December.
PAST_TOLERANCE_DAYS = 62
# For a month named alone a past verb wins from two months ahead: "changed ... in December"
# written in October is last December.
PAST_MONTH_TOLERANCE_DAYS = 31
# A future verb may still refer to a date a few days back when it reports earlier speech.
FUTURE_TOLERANCE_DAYS = 7

# A bare four-digit number is a year only after one of these ("in 2019", "mid-2022").
YEAR_LEAD_WORDS = [
    "in",
    "since",
    "by",
    "until",
    "till",
    "from",
    "before",
    "after",
    "during",
    "through",
    "early",
    "late",
    "mid",
    "the year",
    "between",
]
YEAR_WORD_SHIFTS: dict[str, int] = {"this": 0, "next": 1, "last": -1}
# "next week", "last month", "this year": how many units from the publication date.
# "the" counts only after a part: "by the end of the month".
PERIOD_SHIFTS: dict[str, int] = {
    "this": 0,
    "the": 0,
    "next": 1,
    "coming": 1,
    "last": -1,
    "past": -1,
    "previous": -1,
}
PERIOD_PARTS = [
    "early",
    "late",
    "earlier",
    "later",
    "the end of",
    "the beginning of",
    "the middle of",
]
# Words before a month name that fix its year without the tense: "last April", "next May".
MONTH_RELATIONS = frozenset({"last", "past", "next", "this"})
# "Aug. 26 to Oct. 20" is two dates rather than one event spanning two months.
MAX_RANGE_DAYS = 31
# "from Monday to Wednesday" is a span; "Monday and Saturday" more likely two separate days.
MAX_WEEKDAY_RANGE_DAYS = 3

# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------


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
)
# "on Monday and Tuesday", "from Sunday to Tuesday": one span of consecutive days.
WEEKDAY_RANGE_RE = re.compile(rf"\b(?P<weekday>{_WEEKDAY}){_RANGE_JOIN}(?P<weekday2>{_WEEKDAY})\b")
RELATIVE_DAY_RE = re.compile(
    rf"\b(?:(?P<vague>{_I.format('early|late|earlier|later')})\s+)?"
    rf"(?P<word>{_I.format(_alternation(list(RELATIVE_DAYS)))})\b"
)
RELATIVE_PERIOD_RE = re.compile(
    rf"\b(?:(?P<vague>{_I.format(_alternation(PERIOD_PARTS))})\s+)?"
    rf"(?:{_I.format('the')}\s+)?"
    rf"(?P<rel>{_I.format(_alternation(list(PERIOD_SHIFTS)))})\s+"
    rf"(?P<unit>{_I.format('week|month|year')})\b"
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
HOLIDAY_RE = re.compile(
    rf"\b(?:(?P<rel>{_I.format('last|next|this')})\s+)?"
    rf"(?P<name>{_I.format(_alternation(list(FIXED_HOLIDAYS) + list(WEEKDAY_HOLIDAYS)))})\b"
    r"(?:,?\s+(?P<year>(?:1[89]|20)\d\d)\b)?"
)

# --------------------------------------------------------------------------------------------
# Calendar arithmetic
# --------------------------------------------------------------------------------------------


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week_value(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _choose(candidates: list[dt.date], published: dt.date, tense: str | None) -> dt.date | None:
    """Pick the candidate that the tense allows and that lies nearest the publication date."""
    if not candidates:
        return None
    if tense == FUTURE:
        ahead = [c for c in candidates if c >= published]
        return min(ahead) if ahead else None
    if tense == PAST:
        behind = [c for c in candidates if c <= published]
        return max(behind) if behind else None
    return min(candidates, key=lambda c: (abs((c - published).days), c < published))


def _by_tense_then_nearness(
    candidates: list[dt.date], reference: dt.date, tense: str | None, past_tolerance_days: int
) -> dt.date | None:
    """The occurrence the tense points to; the nearest one when there is no tense.

    A future tense is trusted beyond a few days of reporting lag ("would repatriate the boy by
    Jan. 14" in a report of Jan. 15): "will meet on March 1" in August is next March. A past verb is
    not always about a past date ("extended the offer to Nov. 16", "set the vote for Jan. 5"),
    so the nearest occurrence stays unless it lies more than ``past_tolerance_days`` ahead.
    """
    nearest = _choose(candidates, reference, None)
    if nearest is None:
        return None
    if tense == FUTURE and (reference - nearest).days > FUTURE_TOLERANCE_DAYS:
        return _choose(candidates, reference, FUTURE) or nearest
    if tense == PAST and (nearest - reference).days > past_tolerance_days:
        return _choose(candidates, reference, PAST) or nearest
    return nearest


def _year_for_day(
    month: int, day: int, published: dt.date, tense: str | None, weekday: int | None = None
) -> dt.date | None:
    """A day without a year, placed in the year that nearness and the tense suggest."""
    candidates = [
        d
        for year in (published.year - 1, published.year, published.year + 1)
        if (d := _safe_date(year, month, day)) is not None
    ]
    if weekday is not None:
        # "Friday, Oct. 13" names the year by itself when the weekday fits only one.
        fitting = [d for d in candidates if d.weekday() == weekday]
        if fitting:
            return _choose(fitting, published, None)
    return _by_tense_then_nearness(candidates, published, tense, PAST_TOLERANCE_DAYS)


def _year_for_month(month: int, published: dt.date, tense: str | None) -> int:
    """The year of a month named alone ("in April"), by nearness and tense as for days."""
    this_month = published.replace(day=1)
    candidates = [dt.date(y, month, 1) for y in range(published.year - 1, published.year + 2)]
    chosen = _by_tense_then_nearness(candidates, this_month, tense, PAST_MONTH_TOLERANCE_DAYS)
    return chosen.year if chosen else published.year


def _weekday_date(weekday: int, published: dt.date, direction: str) -> dt.date:
    """The given weekday: the coming one ("future") or the latest past one ("past").

    The publication day itself counts in both directions.
    """
    delta = (weekday - published.weekday()) % 7
    if direction == FUTURE:
        return published + dt.timedelta(days=delta)
    return published - dt.timedelta(days=(7 - delta) % 7)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = _month_end(year, month)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


# --------------------------------------------------------------------------------------------
# Tense from the dependency parse
# --------------------------------------------------------------------------------------------


def _verb_tense(verb: Token) -> str | None:
    """The tense a verb gives to a date attached below it, or None when it says nothing."""
    lemma = verb.lemma_.lower()
    if lemma in FUTURE_LEMMAS or verb.lower_ in FUTURE_LEMMAS:
        return FUTURE
    if lemma == "set" and verb.tag_ == "VBN":
        return FUTURE  # "is set for Friday", "set to meet"
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for aux in auxiliaries:
        word = aux.lower_
        if word in FUTURE_AUXILIARIES:
            return FUTURE
        if aux.tag_ == "TO":
            return _infinitive_tense(verb)
        if word in ("did", "had", "has", "have") or word in BE_PAST:
            return PAST
        if verb.tag_ == "VBG" and word in BE_PRESENT:
            return FUTURE  # "is meeting on Friday", "are heading to Busan"
    if any(c.lemma_.lower() in FUTURE_LEMMAS for c in verb.children if c.dep_ == "acomp"):
        return FUTURE  # "is due in Busan on Wednesday"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxiliaries):
        return PAST  # "met on Sunday", "the ruling issued Thursday"
    if verb.tag_ in ("VBZ", "VBP") or any(a.lower_ in BE_PRESENT for a in auxiliaries):
        return PRESENT
    return None


def _infinitive_tense(verb: Token) -> str | None:
    """ "agreed to meet on Friday" looks ahead; a purpose clause takes its governor's tense."""
    governor = verb.head
    if governor is verb:
        return FUTURE  # a headline: "Trump to meet Xi on Thursday"
    if verb.dep_ == "xcomp" and governor.lemma_.lower() in FUTURE_INFINITIVE_GOVERNORS:
        return FUTURE
    if verb.dep_ == "acl":
        return FUTURE  # "an agreement to acquire the bank in January", "plans to visit"
    return None


def _has_to_infinitive(verb: Token) -> bool:
    return any(c.tag_ == "TO" and c.dep_ == "aux" for c in verb.children)


def _is_past_perfect(verb: Token) -> bool:
    return any(c.lower_ == "had" for c in verb.children if c.dep_ == "aux")


def governing_tense(span: Span) -> str | None:
    """Walk from the date up the dependency tree to the first verb that tells a tense.

    A present tense reached through a noun ("follows Tuesday's declaration") says nothing:
    only a weekday attached to a present-tense verb itself ("heads to Japan on Monday") is
    the news present that announces what is coming.
    """
    if not span.doc.has_annotation("DEP"):
        return None
    token = span.root
    via_noun = open_ended = neutral_end = saw_infinitive = False
    previous = token
    for step in range(MAX_HEAD_STEPS):
        if step:
            if token.lower_ in FUTURE_PATH_WORDS:
                return FUTURE
            if token.lower_ in PAST_PATH_WORDS:
                return PAST
            # Only "until <date>" itself, not a place: "tore through his window Friday night".
            if previous.dep_ == "pobj":
                open_ended = open_ended or token.lower_ in OPEN_END_WORDS
                neutral_end = neutral_end or token.lower_ in NEUTRAL_END_WORDS
        if any(c.lower_ in FUTURE_PATH_WORDS for c in token.children if c.dep_ == "amod"):
            return FUTURE  # "the upcoming Tuesday meeting"
        if step and (token.tag_ in VERB_TAGS or token.lemma_.lower() in FUTURE_LEMMAS):
            tense = _verb_tense(token)
            saw_infinitive = saw_infinitive or _has_to_infinitive(token)
            if tense == PAST and not _is_past_perfect(token):
                if open_ended:
                    return FUTURE
                if neutral_end:
                    return None
            if tense == PRESENT and via_noun:
                return None
            if tense is not None:
                return tense
        elif step and token.pos_ in ("NOUN", "PROPN"):
            via_noun = True
            if _is_purpose(token):
                return FUTURE  # "arrived on Tuesday for talks with Xi on Thursday"
        if token.head is token:
            break
        previous, token = token, token.head
    # A "to"-infinitive with nothing above it that tells a tense is a headline or a plan:
    # "Trump to visit Japan on Monday" (which the parser may hang under "Trump").
    return FUTURE if saw_infinitive else None


def _is_purpose(noun: Token) -> bool:
    """A meeting something is done for or ahead of: it lies ahead of that verb."""
    if noun.lemma_.lower() not in MEETING_NOUNS:
        return False
    preposition = noun.head
    if preposition.lower_ == "of":
        preposition = preposition.head  # "ahead of"
    return preposition.lower_ in ("for", "ahead", "before")


# --------------------------------------------------------------------------------------------
# Matches and their resolution
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """What a resolver needs besides the match: the publication date and the tense, lazily."""

    doc: Doc
    text: str  # doc.text, which spaCy rebuilds from the tokens on every access
    published: dt.date
    start: int
    end: int
    _tense: str | None = None
    _tense_known: bool = False

    @property
    def tense(self) -> str | None:
        if not self._tense_known:
            span = self.doc.char_span(self.start, self.end, alignment_mode="expand")
            self._tense = governing_tense(span) if span is not None else None
            self._tense_known = True
        return self._tense

    def tokens(self) -> Span | None:
        return self.doc.char_span(self.start, self.end, alignment_mode="expand")


Resolver = Callable[[re.Match[str], _Context], TemporalExpression | None]


def _expression(
    ctx: _Context,
    value: str,
    precision: Precision,
    first: dt.date,
    last: dt.date,
    tense: str | None = None,
) -> TemporalExpression:
    return TemporalExpression(
        text=ctx.text[ctx.start : ctx.end],
        start=ctx.start,
        end=ctx.end,
        value=value,
        precision=precision,
        date=first,
        end_date=last,
        tense=tense,
    )


def _day_expression(
    ctx: _Context, first: dt.date, last: dt.date | None = None, tense: str | None = None
) -> TemporalExpression:
    return _expression(ctx, first.isoformat(), Precision.DAY, first, last or first, tense)


def _month_expression(
    ctx: _Context, year: int, month: int, part: str | None = None, tense: str | None = None
) -> TemporalExpression:
    first_day, last_day = MONTH_PARTS.get(part or "", (1, None))
    end = _month_end(year, month)
    last = end if last_day is None else end.replace(day=last_day)
    first = dt.date(year, month, first_day)
    return _expression(ctx, f"{year:04d}-{month:02d}", Precision.MONTH, first, last, tense)


def _month_number(text: str) -> int:
    word = text.rstrip(".")
    return MONTH_NAMES.get(word) or MONTH_ABBREVIATIONS[word]


def _day_number(text: str) -> int:
    lowered = text.lower()
    if lowered in ORDINAL_WORDS:
        return ORDINAL_WORDS[lowered]
    return int(re.sub(r"\D", "", lowered))


def _is_not_a_date_word(ctx: _Context) -> bool:
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


def _resolve_month_day(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    month = _month_number(match["month"])
    day = _day_number(match["day"])
    weekday = WEEKDAYS.get(match["weekday"] or "")
    tense = None
    if match["year"]:
        first = _safe_date(int(match["year"]), month, day)
    elif match["yearword"]:
        year = ctx.published.year + YEAR_WORD_SHIFTS[match["yearword"].lower()]
        first = _safe_date(year, month, day)
    else:
        tense = ctx.tense
        first = _year_for_day(month, day, ctx.published, tense, weekday)
    if first is None:
        return None
    if "day2" not in match.groupdict():
        return _day_expression(ctx, first, tense=tense)
    last = _range_end(match, first)
    return _day_expression(ctx, first, last, tense) if last else None


def _range_end(match: re.Match[str], first: dt.date) -> dt.date | None:
    """The last day of "Sept 4-5", "June 15 to 17", "Nov 30-Dec 2"; None when it is no range."""
    month2 = _month_number(match["month2"]) if match.groupdict().get("month2") else first.month
    year2 = first.year + (1 if month2 < first.month else 0)
    last = _safe_date(year2, month2, _day_number(match["day2"]))
    if last is None or not first < last <= first + dt.timedelta(days=MAX_RANGE_DAYS):
        return None
    return last


def _resolve_week_of(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    month, day = _month_number(match["month"]), _day_number(match["day"])
    if match["year"]:
        first = _safe_date(int(match["year"]), month, day)
    else:
        first = _year_for_day(month, day, ctx.published, ctx.tense)
    if first is None:
        return None
    last = first + dt.timedelta(days=6)
    return _expression(ctx, _week_value(first), Precision.WEEK, first, last)


def _resolve_month(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    bare = not (
        match["year"] or match["yearword"] or match["rel"] or match["rel2"] or match["part"]
    )
    if bare and (_is_not_a_date_word(ctx) or (match["month"] == "May" and ctx.start == 0)):
        return None  # a name, or "May the talks succeed": a modal that opens the text
    month = _month_number(match["month"])
    part = (match["part"] or "").lower() or None
    published = ctx.published
    if match["year"]:
        return _month_expression(ctx, int(match["year"]), month, part)
    if match["yearword"]:
        year = published.year + YEAR_WORD_SHIFTS[match["yearword"].lower()]
        return _month_expression(ctx, year, month, part)
    relation = (match["rel"] or match["rel2"] or "").lower()
    if relation in MONTH_RELATIONS:
        return _month_expression(ctx, _year_by_relation(month, published, relation), month, part)
    tense = FUTURE if relation == "coming" else ctx.tense
    return _month_expression(ctx, _year_for_month(month, published, tense), month, part, tense)


def _year_by_relation(month: int, published: dt.date, relation: str) -> int:
    """ "last April" is the latest April before this month, "next April" the first after it."""
    if relation in ("last", "past"):
        return published.year if month < published.month else published.year - 1
    if relation == "next":
        return published.year if month > published.month else published.year + 1
    return published.year  # "this April"


def _resolve_weekday(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    relation = (match["rel"] or "").lower()
    day, tense = _weekday_by_relation_or_tense(WEEKDAYS[match["weekday"]], relation, ctx)
    return _day_expression(ctx, day, tense=tense)


def _weekday_by_relation_or_tense(
    weekday: int, relation: str, ctx: _Context
) -> tuple[dt.date, str | None]:
    """The date of a weekday, and the tense when the tense had to decide."""
    published = ctx.published
    if relation in ("last", "previous", "past"):
        return _weekday_date(weekday, published - dt.timedelta(days=1), PAST), None
    if relation == "next":
        return _weekday_date(weekday, published + dt.timedelta(days=1), FUTURE), None
    if weekday == published.weekday() and relation != "this coming":
        return published, None
    tense = ctx.tense
    announced = relation in ("coming", "this coming", "this") and tense != PAST
    coming = announced or tense in (FUTURE, PRESENT)
    return _weekday_date(weekday, published, FUTURE if coming else PAST), tense


def _resolve_weekday_range(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    first_weekday, last_weekday = WEEKDAYS[match["weekday"]], WEEKDAYS[match["weekday2"]]
    length = (last_weekday - first_weekday) % 7
    if not 1 <= length <= MAX_WEEKDAY_RANGE_DAYS:
        return None  # "Friday and Thursday" lists two days; it is not a span
    first, tense = _weekday_by_relation_or_tense(first_weekday, "", ctx)
    return _day_expression(ctx, first, first + dt.timedelta(days=length), tense)


def _resolve_relative_day(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    phrase = " ".join(match["word"].lower().split())
    day = ctx.published + dt.timedelta(days=RELATIVE_DAYS[phrase])
    return _day_expression(ctx, day)


def _resolve_relative_period(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    relation = match["rel"].lower()
    if relation == "the" and not match["vague"]:
        return None  # "the week" alone names no particular week
    shift = PERIOD_SHIFTS[relation]
    unit = match["unit"].lower()
    published = ctx.published
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=shift)
        last = monday + dt.timedelta(days=6)
        return _expression(ctx, _week_value(monday), Precision.WEEK, monday, last)
    if unit == "month":
        year, month = _add_months(published.year, published.month, shift)
        part = (match["vague"] or "").lower()
        return _month_expression(ctx, year, month, part if part in MONTH_PARTS else None)
    year = published.year + shift
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return _expression(ctx, str(year), Precision.UNKNOWN, first, last)


def _resolve_weekend(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
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
    return _expression(ctx, _week_value(saturday), Precision.WEEK, saturday, sunday)


def _weekend_was_past(ctx: _Context, coming_saturday: dt.date) -> bool:
    """Whether "the weekend" is the one before the publication date: by tense, else nearness."""
    tense = ctx.tense
    if tense in (FUTURE, PRESENT):
        return False
    return tense == PAST or (coming_saturday - ctx.published).days > 3


def _resolve_ago(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    raw = match["count"].lower()
    count = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)
    unit = (match["unit"] or match["year_unit"]).lower()
    published = ctx.published
    if unit == "day":
        return _day_expression(ctx, published - dt.timedelta(days=count))
    if unit == "week":
        day = published - dt.timedelta(weeks=count)
        monday = day - dt.timedelta(days=day.weekday())
        week_end = monday + dt.timedelta(days=6)
        return _expression(ctx, _week_value(day), Precision.WEEK, monday, week_end)
    if unit == "month":
        year, month = _add_months(published.year, published.month, -count)
        return _month_expression(ctx, year, month)
    # "a year ago": the same day a year back is the usual reading in news (Feb 29 → Feb 28).
    year = published.year - count
    day = _safe_date(year, published.month, published.day) or dt.date(year, published.month, 28)
    return _day_expression(ctx, day)


def _resolve_iso(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    day = _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return _day_expression(ctx, day) if day else None


def _resolve_slash(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    # US order (month first) unless the first number cannot be a month.
    first, second, year = int(match["a"]), int(match["b"]), int(match["year"])
    month, day = (second, first) if first > 12 else (first, second)
    found = _safe_date(year, month, day)
    return _day_expression(ctx, found) if found else None


def _resolve_dotted(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    # Day first, as in European usage; a first number above 12 settles it anyway.
    first, second, year = int(match["day"]), int(match["month"]), int(match["year"])
    day, month = (second, first) if second > 12 else (first, second)
    found = _safe_date(year, month, day)
    return _day_expression(ctx, found) if found else None


def _resolve_year(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    span = ctx.tokens()
    if span is not None and span.root.dep_ == "nummod":
        return None  # a count, not a year: "by 2000 votes"
    year = int(match["year"])
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return _expression(ctx, str(year), Precision.UNKNOWN, first, last)


def _resolve_ordinal_day(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    day = int(match["day"])
    published = ctx.published
    candidates = []
    for shift in (-1, 0, 1):
        year, month = _add_months(published.year, published.month, shift)
        if (found := _safe_date(year, month, day)) is not None:
            candidates.append(found)
    tense = ctx.tense
    chosen = _choose(candidates, published, tense) or _choose(candidates, published, None)
    return _day_expression(ctx, chosen, tense=tense) if chosen else None


def _holiday_date(name: str, year: int) -> dt.date:
    if name in FIXED_HOLIDAYS:
        month, day = FIXED_HOLIDAYS[name]
        return dt.date(year, month, day)
    month, weekday, n = WEEKDAY_HOLIDAYS[name]
    return _nth_weekday(year, month, weekday, n)


def _resolve_holiday(match: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    name = " ".join(match["name"].lower().split())
    published = ctx.published
    if match["year"]:
        return _day_expression(ctx, _holiday_date(name, int(match["year"])))
    candidates = [_holiday_date(name, y) for y in range(published.year - 1, published.year + 2)]
    relation = (match["rel"] or "").lower()
    tense = {"last": PAST, "next": FUTURE}.get(relation) or ctx.tense
    if relation == "last":
        candidates = [c for c in candidates if c < published]
    chosen = _choose(candidates, published, tense) or _choose(candidates, published, None)
    return _day_expression(ctx, chosen, tense=tense) if chosen else None


# Rules, most specific first: on overlapping matches the longer wins, then the earlier rule.
RULES: list[tuple[re.Pattern[str], Resolver, str | None]] = [
    (WEEK_OF_RE, _resolve_week_of, None),
    (ISO_DATE_RE, _resolve_iso, None),
    (SLASH_DATE_RE, _resolve_slash, None),
    (DOTTED_DATE_RE, _resolve_dotted, None),
    (MONTH_DAY_RANGE_RE, _resolve_month_day, None),
    (DAY_MONTH_RANGE_RE, _resolve_month_day, None),
    (MONTH_DAY_RE, _resolve_month_day, None),
    (DAY_MONTH_RE, _resolve_month_day, None),
    (MONTH_RE, _resolve_month, None),
    (WEEKDAY_RANGE_RE, _resolve_weekday_range, None),
    (WEEKDAY_RE, _resolve_weekday, None),
    (RELATIVE_DAY_RE, _resolve_relative_day, None),
    (RELATIVE_PERIOD_RE, _resolve_relative_period, None),
    (WEEKEND_RE, _resolve_weekend, None),
    (AGO_RE, _resolve_ago, None),
    (HOLIDAY_RE, _resolve_holiday, None),
    (ORDINAL_DAY_RE, _resolve_ordinal_day, "expr"),
    (YEAR_RE, _resolve_year, "year"),
]


def _resolved_matches(doc: Doc, published: dt.date) -> Iterator[tuple[int, TemporalExpression]]:
    """Every rule's resolved matches with the rule's rank (lower = more specific)."""
    text = doc.text
    for rank, (pattern, resolver, group) in enumerate(RULES):
        for match in pattern.finditer(text):
            start, end = match.span(group) if group else match.span()
            expression = resolver(match, _Context(doc, text, published, start, end))
            if expression is not None:
                yield rank, expression


def _without_overlaps(ranked: list[tuple[int, TemporalExpression]]) -> list[TemporalExpression]:
    """Keep the longest expression where they overlap (ties go to the more specific rule)."""
    chosen: list[TemporalExpression] = []
    for _, expr in sorted(ranked, key=lambda r: (r[1].start - r[1].end, r[0], r[1].start)):
        if all(expr.end <= kept.start or expr.start >= kept.end for kept in chosen):
            chosen.append(expr)
    return sorted(chosen, key=lambda e: e.start)


def resolve_temporal_expressions(doc: Doc, published: dt.date) -> list[TemporalExpression]:
    """The date expressions in ``doc``, resolved against ``published``, in text order."""
    return _without_overlaps(list(_resolved_matches(doc, published)))


# --------------------------------------------------------------------------------------------
# The pipeline component
# --------------------------------------------------------------------------------------------

if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)
if not Doc.has_extension("temporal_expressions"):
    # The shared default is never mutated: the component assigns a new list to every Doc.
    Doc.set_extension("temporal_expressions", default=[])


class DateResolver:
    """Sets ``doc._.temporal_expressions`` from ``doc._.published``."""

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        if isinstance(published, dt.datetime):
            published = published.date()
        if not isinstance(published, dt.date):
            log.debug("no publication date on the doc; dates are left unresolved")
            doc._.temporal_expressions = []
            return doc
        doc._.temporal_expressions = resolve_temporal_expressions(doc, published)
        return doc


@Language.factory("summit_dates")
def make_date_resolver(nlp: Language, name: str) -> DateResolver:
    return DateResolver()


__all__ = [
    "DateResolver",
    "governing_tense",
    "make_date_resolver",
    "resolve_temporal_expressions",
]
