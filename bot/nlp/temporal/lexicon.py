"""The calendar words of English news: months, weekdays, holidays, numbers and the words that
shift or narrow a period, with the few limits the resolvers apply (how far a past verb may
point ahead, how long a range may be). Data only: ``patterns.py`` builds the rules' regular
expressions from it. Tense and planning words live in :mod:`bot.nlp.vocabulary`, shared with
the event rules."""

from __future__ import annotations

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
# Days counted from the day the text has just named: "the summit opens on May 5; the day
# before, he is in Ankara". Offsets in days from that day.
ANAPHORIC_DAYS: dict[str, int] = {
    "the following day": 1,
    "the next day": 1,
    "the following morning": 1,
    "the next morning": 1,
    "the following evening": 1,
    "the next evening": 1,
    "the day after": 1,
    "the day before": -1,
    "the previous day": -1,
    "the preceding day": -1,
    "the previous evening": -1,
    "the same day": 0,
    "that same day": 0,
    "later that day": 0,
    "earlier that day": 0,
    "later that evening": 0,
}
# "two days later", "a day earlier": the sign of the count.
ANAPHORIC_DIRECTIONS: dict[str, int] = {
    "later": 1,
    "after": 1,
    "afterwards": 1,
    "afterward": 1,
    "earlier": -1,
    "before": -1,
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
    "end of": (21, None),
    "beginning of": (1, 10),
    "start of": (1, 10),
    "middle of": (11, 20),
    "the first half of": (1, 15),
    "first half of": (1, 15),
    "the second half of": (16, None),
    "second half of": (16, None),
    "the latter half of": (16, None),
    "the last days of": (21, None),
    "the first days of": (1, 10),
    "the first week of": (1, 7),
    "the last week of": (22, None),
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
    "boxing day": (12, 26),
    "valentine's day": (2, 14),
    "st patrick's day": (3, 17),
    "international women's day": (3, 8),
    "anzac day": (4, 25),
    "juneteenth": (6, 19),
    "canada day": (7, 1),
    "independence day": (7, 4),
    "bastille day": (7, 14),
    "halloween": (10, 31),
    "all saints' day": (11, 1),
    "armistice day": (11, 11),
    "remembrance day": (11, 11),
    "veterans day": (11, 11),
}
# Holidays on the n-th weekday of a month: (month, weekday, n); n = -1 is the last one.
WEEKDAY_HOLIDAYS: dict[str, tuple[int, int, int]] = {
    "thanksgiving day": (11, 3, 4),
    "thanksgiving": (11, 3, 4),
    "labor day": (9, 0, 1),
    "memorial day": (5, 0, -1),
    "martin luther king day": (1, 0, 3),
    "presidents' day": (2, 0, 3),
    "columbus day": (10, 0, 2),
}
# Days whose date above is the United States' one: another country's ("Ukraine's Independence
# Day", "Canadian Thanksgiving") falls on another date, so those give no date at all.
US_HOLIDAYS = frozenset(
    {"independence day", "thanksgiving day", "thanksgiving", "labor day", "memorial day",
     "martin luther king day", "presidents' day", "columbus day", "veterans day"}
)  # fmt: skip
# The words before such a day that keep it American.
US_QUALIFIERS = frozenset({"us", "u.s.", "american", "america", "states", "usa", "u.s.a."})
# Words after a holiday's name that make it the name of something else: "the Good Friday
# Agreement", "the Easter Rising", "Christmas Island".
HOLIDAY_NAMESAKES = [
    "Agreement", "Agreements", "Accord", "Accords", "Rising", "Uprising", "Island", "Islands",
    "Offensive", "Declaration", "Treaty",
]  # fmt: skip
# Moveable feasts: days from (Western) Easter Sunday.
EASTER_HOLIDAYS: dict[str, int] = {
    "ash wednesday": -46,
    "palm sunday": -7,
    "maundy thursday": -3,
    "holy thursday": -3,
    "good friday": -2,
    "holy saturday": -1,
    "easter": 0,
    "easter sunday": 0,
    "easter day": 0,
    "easter monday": 1,
    "ascension day": 39,
    "pentecost": 49,
    "whit monday": 50,
}


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
    "the start of",
    "the middle of",
    "the first half of",
    "the second half of",
]
# Words before a month name that fix its year without the tense: "last April", "next May".
MONTH_RELATIONS = frozenset({"last", "past", "next", "this"})
# "Aug. 26 to Oct. 20" is two dates rather than one event spanning two months.
MAX_RANGE_DAYS = 31
# "from Monday to Wednesday" is a span; "Monday and Saturday" more likely two separate days.
MAX_WEEKDAY_RANGE_DAYS = 3
