"""Phenomena of news dates that issue 7 lists, each as rows of our own sentences.

Every row: the sentence, the publication date, the expression expected in it, its value and
its precision (``None`` for the value when the phrase must yield no date).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from bot.domain import Precision

if TYPE_CHECKING:
    from spacy.language import Language

MON = dt.date(2025, 10, 27)  # Monday
TUE = dt.date(2025, 10, 28)
THU = dt.date(2025, 10, 30)
SAT = dt.date(2025, 11, 1)
SUN = dt.date(2025, 11, 2)
LATE_DEC = dt.date(2025, 12, 29)
JAN = dt.date(2026, 1, 8)
MAY = dt.date(2026, 5, 1)
DAY, WEEK, MONTH = Precision.DAY, Precision.WEEK, Precision.MONTH

ROWS = [
    # Named days: the next occurrence after publication unless the tense is past.
    (
        "The two are to meet on Christmas Eve in the old city.",
        MON,
        "Christmas Eve",
        "2025-12-24",
        DAY,
    ),
    (
        "The premier will call at the palace on St. Patrick's Day.",
        MON,
        "St. Patrick's Day",
        "2026-03-17",
        DAY,
    ),
    (
        "Both leaders are expected to speak on New Year's Day.",
        LATE_DEC,
        "New Year's Day",
        "2026-01-01",
        DAY,
    ),
    ("The envoys toasted the deal on New Year's Eve.", JAN, "New Year's Eve", "2025-12-31", DAY),
    ("Leaders met on Christmas Day to sign the truce.", JAN, "Christmas Day", "2025-12-25", DAY),
    ("The festival returns on Valentine's Day.", MON, "Valentine's Day", "2026-02-14", DAY),
    (
        "The ambassador hosts a reception on Independence Day.",
        MON,
        "Independence Day",
        "2026-07-04",
        DAY,
    ),
    (
        "The envoy attends the U.S. Independence Day reception.",
        MON,
        "Independence Day",
        "2026-07-04",
        DAY,
    ),
    ("Trick-or-treaters are expected on Halloween.", MON, "Halloween", "2025-10-31", DAY),
    ("The pope will lead prayers on Easter Sunday.", MON, "Easter Sunday", "2026-04-05", DAY),
    ("The shops close on Good Friday.", dt.date(2024, 3, 1), "Good Friday", "2024-03-29", DAY),
    ("Pilgrims gather on Easter Monday.", dt.date(2019, 2, 1), "Easter Monday", "2019-04-22", DAY),
    ("The family travels home for Thanksgiving.", MON, "Thanksgiving", "2025-11-27", DAY),
    ("The treaty was signed on Thanksgiving 2001.", MON, "Thanksgiving 2001", "2001-11-22", DAY),
    # Parts of months and of relative periods: month (or week) precision, first of the period.
    ("A second round may be held in mid-January.", MON, "mid-January", "2026-01", MONTH),
    ("The visit is planned for early February.", MON, "early February", "2026-02", MONTH),
    ("The talks are likely in late January.", MON, "late January", "2026-01", MONTH),
    (
        "They aim to meet in the first half of March.",
        MON,
        "the first half of March",
        "2026-03",
        MONTH,
    ),
    (
        "A summit is pencilled in for the second half of January.",
        MON,
        "the second half of January",
        "2026-01",
        MONTH,
    ),
    (
        "The coalition will convene early next month.",
        LATE_DEC,
        "early next month",
        "2026-01",
        MONTH,
    ),
    ("The cabinet meets later this month.", MON, "later this month", "2025-10", MONTH),
    ("The envoys will gather later this week.", TUE, "later this week", "2025-W44", WEEK),
    (
        "The accord should be ready by the end of the month.",
        MON,
        "the end of the month",
        "2025-10",
        MONTH,
    ),
    # Weeks start on Monday.
    ("The leaders will meet next Wednesday.", TUE, "next Wednesday", "2025-11-05", DAY),
    ("The leaders will meet this Wednesday.", TUE, "this Wednesday", "2025-10-29", DAY),
    ("The council votes next Monday.", SUN, "next Monday", "2025-11-03", DAY),
    ("The ministers will sign next Friday.", THU, "next Friday", "2025-11-07", DAY),
    ("The board meets on Wednesday next week.", THU, "Wednesday next week", "2025-11-05", DAY),
    ("Next week the envoys will meet on Tuesday.", MON, "Tuesday", "2025-11-04", DAY),
    ("Last week the envoys met on Tuesday.", THU, "Tuesday", "2025-10-21", DAY),
    # Days counted from the day just named, not from publication.
    (
        "The summit opens on Nov. 20. The day before, the minister is in Ankara.",
        MON,
        "The day before",
        "2025-11-19",
        DAY,
    ),
    (
        "He reaches Lisbon on Thursday. The following day he goes on to Madrid.",
        MON,
        "The following day",
        "2025-10-31",
        DAY,
    ),
    (
        "The forum ends on Dec. 3, and the next day the envoys fly home.",
        MON,
        "the next day",
        "2025-12-04",
        DAY,
    ),
    (
        "The accord is due on Nov. 10. Two days later the parliament votes.",
        MON,
        "Two days later",
        "2025-11-12",
        DAY,
    ),
    (
        "The summit runs Nov. 14-15; three days later the envoy reports.",
        MON,
        "three days later",
        "2025-11-18",
        DAY,
    ),
    (
        "The vote is set for Friday. A day earlier, the cabinet will meet.",
        MON,
        "A day earlier",
        "2025-10-30",
        DAY,
    ),
    ("The day before the vote, he will meet the speaker.", MON, "The day before", None, DAY),
    ("The following day he will travel on to the coast.", MON, "The following day", None, DAY),
    # Parts of the publication day and the next.
    ("Tonight he will host a state dinner.", MON, "Tonight", "2025-10-27", DAY),
    ("The premier meets the press this evening.", MON, "this evening", "2025-10-27", DAY),
    ("The two will dine tomorrow night.", MON, "tomorrow night", "2025-10-28", DAY),
    # Possessive weekdays take the tense of the governing verb.
    (
        "The pair will talk on the sidelines of Wednesday's summit.",
        MON,
        "Wednesday's",
        "2025-10-29",
        DAY,
    ),
    (
        "The pair talked on the sidelines of Saturday's summit.",
        MON,
        "Saturday's",
        "2025-10-25",
        DAY,
    ),
    # Brazilian and Portuguese style.
    ("On Monday (3) the president flies to the capital.", SUN, "Monday (3)", "2025-11-03", DAY),
    (
        "Two bilateral meetings are expected on Tuesday (4/11).",
        SUN,
        "Tuesday (4/11)",
        "2025-11-04",
        DAY,
    ),
    ("The delegation left on Saturday (1).", SUN, "Saturday (1)", "2025-11-01", DAY),
]


@pytest.mark.parametrize(("sentence", "published", "phrase", "value", "precision"), ROWS)
def test_phenomenon(
    nlp: Language,
    sentence: str,
    published: dt.date,
    phrase: str,
    value: str | None,
    precision: Precision,
) -> None:
    doc = nlp.make_doc(sentence)
    doc._.published = published
    found = {e.text: e for e in nlp(doc)._.temporal_expressions}
    if value is None:
        assert phrase not in found, found
        return
    assert phrase in found, found
    assert (found[phrase].value, found[phrase].precision) == (value, precision)


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister had an epiphany about the budget.",
        "The ship anchored off Easter Island.",
        "Both governments will defend the Good Friday Agreement.",
        "Historians will revisit the Easter Rising.",
        "The children painted easter eggs.",
        "Officials met again the day after the election.",
        "The president will speak on Ukraine's Independence Day.",
        "The family gathers for Canadian Thanksgiving.",
    ],
)
def test_look_alikes_are_no_named_or_counted_days(nlp: Language, sentence: str) -> None:
    doc = nlp.make_doc(sentence)
    doc._.published = MON
    assert nlp(doc)._.temporal_expressions == []


def test_a_step_back_is_a_side_trip_and_a_step_forward_a_new_start(nlp: Language) -> None:
    text = (
        "The minister will be in Athens on Monday. The day before, he is in Ankara. "
        "The following day he goes on to Valletta. The next day he flies home."
    )
    doc = nlp.make_doc(text)
    doc._.published = dt.date(2025, 10, 29)  # a Wednesday
    found = [(e.text, e.value) for e in nlp(doc)._.temporal_expressions]
    assert found == [
        ("Monday", "2025-11-03"),
        ("The day before", "2025-11-02"),
        ("The following day", "2025-11-04"),
        ("The next day", "2025-11-05"),
    ]


def test_day_before_counts_from_the_previous_sentence_only(nlp: Language) -> None:
    text = (
        "The summit opens on Nov. 20.\n\nThe agenda is long. Aides are busy.\n\n"
        "The day before, the minister is in Ankara."
    )
    doc = nlp.make_doc(text)
    doc._.published = MON
    found = {e.text: e.value for e in nlp(doc)._.temporal_expressions}
    assert found == {"Nov. 20": "2025-11-20"}


@pytest.mark.parametrize(
    ("sentence", "published", "first", "last"),
    [
        ("The state visit runs from June 4 for five days.", MAY, "2026-06-04", "2026-06-08"),
        ("The envoy will stay from 3 December for two days.", MON, "2025-12-03", "2025-12-04"),
        ("The summit is held from 30 November to 2 December.", MON, "2025-11-30", "2025-12-02"),
        ("The talks will run from 29 December to 2 January.", MON, "2025-12-29", "2026-01-02"),
        ("The forum is set for Nov. 30-Dec. 2.", MON, "2025-11-30", "2025-12-02"),
    ],
)  # fmt: skip
def test_spans_give_their_first_and_last_day(
    nlp: Language, sentence: str, published: dt.date, first: str, last: str
) -> None:
    doc = nlp.make_doc(sentence)
    doc._.published = published
    (expression,) = nlp(doc)._.temporal_expressions
    assert expression.date is not None and expression.end_date is not None
    assert (expression.date.isoformat(), expression.end_date.isoformat()) == (first, last)
