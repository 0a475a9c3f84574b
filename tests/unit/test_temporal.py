"""The date resolver: what it finds in a sentence and the calendar value it gives.

All sentences are made up for these tests. Most are anchored to Monday 27 October 2025.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from spacy.tokens import Doc

from bot.domain import Precision, TemporalExpression
from bot.nlp.temporal import resolve_temporal_expressions

if TYPE_CHECKING:
    from spacy.language import Language

MONDAY = dt.date(2025, 10, 27)


def run(nlp: Language, text: str, published: dt.date = MONDAY) -> Doc:
    doc = nlp.make_doc(text)
    doc._.published = published
    return nlp(doc)


def found(nlp: Language, text: str, published: dt.date = MONDAY) -> list[TemporalExpression]:
    return list(run(nlp, text, published)._.temporal_expressions)


def values(nlp: Language, text: str, published: dt.date = MONDAY) -> dict[str, str | None]:
    return {e.text: e.value for e in found(nlp, text, published)}


def only(nlp: Language, text: str, published: dt.date = MONDAY) -> TemporalExpression:
    expressions = found(nlp, text, published)
    assert len(expressions) == 1, expressions
    return expressions[0]


# --- weekdays and tense ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The foreign ministers met on Sunday in Hanoi.", "2025-10-26"),
        ("The spokesman said Friday that no date had been agreed.", "2025-10-24"),
        ("Protesters gathered outside the embassy on Saturday night.", "2025-10-25"),
        ("The ceasefire has held since Wednesday.", "2025-10-22"),
        ("The report was published on Thursday.", "2025-10-23"),
    ],
)
def test_weekday_in_the_past_tense_is_the_latest_such_day(
    nlp: Language, sentence: str, expected: str
) -> None:
    assert only(nlp, sentence).value == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The two presidents will meet on Thursday in the port city.", "2025-10-30"),
        ("The premier is due in the capital on Wednesday.", "2025-10-29"),
        ("Aides arrived early to prepare ahead of Tuesday's talks.", "2025-10-28"),
        ("The envoy is expected to land in the capital on Friday.", "2025-10-31"),
        ("The signing is scheduled for Saturday.", "2025-11-01"),
        ("The chancellor travels to the summit on Tuesday.", "2025-10-28"),
        ("The delegation is heading to the border talks on Thursday.", "2025-10-30"),
        ("Both sides agreed to resume negotiations on Friday.", "2025-10-31"),
        ("The vote has been postponed until Wednesday.", "2025-10-29"),
        ("Leaders could sign the accord on Sunday.", "2025-11-02"),
    ],
)
def test_weekday_in_the_future_tense_is_the_coming_such_day(
    nlp: Language, sentence: str, expected: str
) -> None:
    expression = only(nlp, sentence)
    assert expression.value == expected
    assert expression.tense in ("future", "present")


@pytest.mark.parametrize(
    "sentence",
    [
        "The summit opens on Monday.",
        "The ministers signed the statement on Monday.",
        "The president will fly to the summit on Monday.",
    ],
)
def test_the_publication_weekday_is_the_publication_day_in_any_tense(
    nlp: Language, sentence: str
) -> None:
    assert only(nlp, sentence).value == "2025-10-27"


def test_weekday_after_a_month_end_moves_into_the_next_month(nlp: Language) -> None:
    sunday = dt.date(2014, 8, 31)
    assert only(nlp, "On Monday he will hold formal talks.", sunday).value == "2014-09-01"


def test_weekday_across_a_year_end(nlp: Language) -> None:
    new_years_eve = dt.date(2025, 12, 31)  # a Wednesday
    assert only(nlp, "They will meet on Friday.", new_years_eve).value == "2026-01-02"
    assert only(nlp, "They met on Monday.", new_years_eve).value == "2025-12-29"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("last Friday", "2025-10-24"),
        ("last Monday", "2025-10-20"),
        ("next Monday", "2025-11-03"),
        ("next Thursday", "2025-11-06"),  # the Thursday of next week (weeks start Monday)
        ("this Friday", "2025-10-31"),
    ],
)
def test_weekday_with_last_next_this(nlp: Language, phrase: str, expected: str) -> None:
    assert values(nlp, f"The committee reviews the plan {phrase}.") == {phrase: expected}


def test_weekday_with_part_of_day_is_one_expression(nlp: Language) -> None:
    expression = only(nlp, "The minister will arrive on Thursday morning.")
    assert (expression.text, expression.value) == ("Thursday morning", "2025-10-30")


@pytest.mark.parametrize(
    ("sentence", "first", "last"),
    [
        ("A visit planned for Monday and Tuesday was called off.", "2025-10-27", "2025-10-28"),
        ("The summit runs from Sunday to Tuesday.", "2025-11-02", "2025-11-04"),
        ("Talks were held Wednesday through Friday.", "2025-10-22", "2025-10-24"),
    ],
)
def test_weekday_ranges(nlp: Language, sentence: str, first: str, last: str) -> None:
    expression = only(nlp, sentence)
    assert (expression.value, expression.end_date) == (first, dt.date.fromisoformat(last))


def test_two_weekdays_out_of_order_are_two_days(nlp: Language) -> None:
    text = "Statements were issued Friday and Thursday."
    assert values(nlp, text) == {"Friday": "2025-10-24", "Thursday": "2025-10-23"}


def test_headline_infinitive_looks_ahead(nlp: Language) -> None:
    assert only(nlp, "Prime minister to visit Japan on Thursday.").value == "2025-10-30"


def test_purpose_clause_takes_the_tense_of_its_main_verb(nlp: Language) -> None:
    sentence = "Crowds gathered in the square to mark the anniversary on Saturday."
    assert only(nlp, sentence).value == "2025-10-25"


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("The leaders will gather this weekend.", MONDAY, (dt.date(2025, 11, 1), "2025-W44")),
        ("The ministers met over the weekend.", MONDAY, (dt.date(2025, 10, 25), "2025-W43")),
        ("Talks went on last weekend.", dt.date(2025, 10, 30), (dt.date(2025, 10, 25), "2025-W43")),
    ],
)
def test_weekends(
    nlp: Language, sentence: str, published: dt.date, expected: tuple[dt.date, str]
) -> None:
    expression = only(nlp, sentence, published)
    assert (expression.date, expression.value) == expected
    assert expression.end_date == expected[0] + dt.timedelta(days=1)


# --- days relative to the publication date -----------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", "2025-10-27"),
        ("tonight", "2025-10-27"),
        ("this morning", "2025-10-27"),
        ("yesterday", "2025-10-26"),
        ("tomorrow", "2025-10-28"),
        ("the day before yesterday", "2025-10-25"),
    ],
)
def test_relative_days(nlp: Language, phrase: str, expected: str) -> None:
    expression = only(nlp, f"The talks were discussed {phrase} by the cabinet.")
    assert (expression.text, expression.value) == (phrase, expected)
    assert expression.precision is Precision.DAY


# --- weeks, months and years relative to the publication date ----------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected", "precision"),
    [
        ("next week", "2025-W45", Precision.WEEK),
        ("last week", "2025-W43", Precision.WEEK),
        ("this week", "2025-W44", Precision.WEEK),
        ("next month", "2025-11", Precision.MONTH),
        ("last month", "2025-09", Precision.MONTH),
        ("later this month", "2025-10", Precision.MONTH),
        ("earlier this month", "2025-10", Precision.MONTH),
        ("early next month", "2025-11", Precision.MONTH),
        ("next year", "2026", Precision.UNKNOWN),
        ("last year", "2024", Precision.UNKNOWN),
    ],
)
def test_relative_periods(nlp: Language, phrase: str, expected: str, precision: Precision) -> None:
    expression = only(nlp, f"The envoys held a round of consultations {phrase}.")
    assert (expression.text, expression.value, expression.precision) == (
        phrase,
        expected,
        precision,
    )


def test_end_of_the_month(nlp: Language) -> None:
    expression = only(nlp, "The deal should be signed by the end of the month.")
    assert expression.value == "2025-10"
    assert (expression.date, expression.end_date) == (dt.date(2025, 10, 21), dt.date(2025, 10, 31))


def test_next_week_covers_monday_to_sunday(nlp: Language) -> None:
    expression = only(nlp, "The leaders meet next week.")
    assert (expression.date, expression.end_date) == (dt.date(2025, 11, 3), dt.date(2025, 11, 9))


def test_next_month_across_a_year_end(nlp: Language) -> None:
    december = dt.date(2025, 12, 10)
    assert only(nlp, "Elections are planned for next month.", december).value == "2026-01"


# --- month and day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    ["Nov. 1", "November 1", "1 November", "Nov 1", "November 1st", "the 1st of November"],
)
def test_month_and_day_spellings(nlp: Language, phrase: str) -> None:
    expression = only(nlp, f"New duties take effect on {phrase}, officials said.")
    assert (expression.text, expression.value) == (phrase, "2025-11-01")
    assert expression.precision is Precision.DAY


def test_abbreviation_with_sept(nlp: Language) -> None:
    # The news present announces: a date without a year is its next occurrence.
    assert values(nlp, "The board meets on Sept. 9.") == {"Sept. 9": "2026-09-09"}
    assert values(nlp, "The board met on Sept. 9.") == {"Sept. 9": "2025-09-09"}


@pytest.mark.parametrize(
    ("phrase", "first", "last"),
    [
        ("Sept 4-5", dt.date(2026, 9, 4), dt.date(2026, 9, 5)),
        ("September 4–5", dt.date(2026, 9, 4), dt.date(2026, 9, 5)),
        ("November 30-December 2", dt.date(2025, 11, 30), dt.date(2025, 12, 2)),
        ("14 to 16 November", dt.date(2025, 11, 14), dt.date(2025, 11, 16)),
    ],
)
def test_day_ranges(nlp: Language, phrase: str, first: dt.date, last: dt.date) -> None:
    expression = only(nlp, f"The forum will be held on {phrase} in the capital.")
    assert expression.text == phrase
    assert (expression.value, expression.date, expression.end_date) == (
        first.isoformat(),
        first,
        last,
    )


def test_range_with_from_and_to(nlp: Language) -> None:
    may = dt.date(2025, 5, 20)
    expression = only(nlp, "The festival runs from June 15 to 17.", may)
    assert expression.text == "June 15 to 17"
    assert (expression.date, expression.end_date) == (dt.date(2025, 6, 15), dt.date(2025, 6, 17))


def test_two_days_joined_by_and_cross_into_the_next_year(nlp: Language) -> None:
    december = dt.date(2021, 12, 20)
    expression = only(nlp, "The summit is planned for February 17 and 18.", december)
    assert (expression.value, expression.end_date) == ("2022-02-17", dt.date(2022, 2, 18))


def test_two_dates_months_apart_are_not_a_range(nlp: Language) -> None:
    text = "Shares were bought from Aug. 26 to Oct. 20 by the fund."
    assert values(nlp, text) == {"Aug. 26": "2025-08-26", "Oct. 20": "2025-10-20"}


@pytest.mark.parametrize(
    ("sentence", "published", "expected"),
    [
        ("The leaders will meet again on January 5.", dt.date(2025, 12, 1), "2026-01-05"),
        ("The accord was signed on December 28.", dt.date(2026, 1, 3), "2025-12-28"),
        ("The treaty will be ratified on March 1.", dt.date(2025, 8, 20), "2026-03-01"),
        ("The treaty was ratified on March 1.", dt.date(2025, 8, 20), "2025-03-01"),
        ("A dividend is payable Dec. 7.", dt.date(2025, 10, 27), "2025-12-07"),
    ],
)
def test_day_without_a_year_takes_the_year_the_tense_and_nearness_suggest(
    nlp: Language, sentence: str, published: dt.date, expected: str
) -> None:
    assert only(nlp, sentence, published).value == expected


def test_explicit_year(nlp: Language) -> None:
    assert values(nlp, "The pact was signed on March 26, 1996, in the old palace.") == {
        "March 26, 1996": "1996-03-26"
    }


def test_weekday_and_date_together(nlp: Language) -> None:
    assert values(nlp, "The vote is on Friday, Nov. 7.") == {"Friday, Nov. 7": "2025-11-07"}


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("2025-10-30", "2025-10-30"), ("10/30/2025", "2025-10-30"), ("30.10.2025", "2025-10-30")],
)
def test_numeric_dates(nlp: Language, phrase: str, expected: str) -> None:
    assert values(nlp, f"The meeting was set for {phrase} at the ministry.") == {phrase: expected}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The council will vote on the 15th, officials said.", "2025-11-15"),
        ("The council voted on the 15th, officials said.", "2025-10-15"),
    ],
)
def test_day_of_month_alone(nlp: Language, sentence: str, expected: str) -> None:
    assert only(nlp, sentence).value == expected


def test_the_week_of_a_date(nlp: Language) -> None:
    expression = only(nlp, "The meeting will be held in the week of June 21, 2021.")
    assert expression.text == "the week of June 21, 2021"
    assert (expression.value, expression.precision) == ("2021-W25", Precision.WEEK)
    assert (expression.date, expression.end_date) == (dt.date(2021, 6, 21), dt.date(2021, 6, 27))


# --- months and years --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The deal was signed in April.", "2025-04"),
        ("The next round of talks will be held in February.", "2026-02"),
        ("The two sides have been talking since last December.", "2024-12"),
        ("A decision is expected in mid-November.", "2025-11"),
        ("The talks collapsed in late September.", "2025-09"),
        ("The summit is planned for early next month.", "2025-11"),
        ("The plant closed in March 2008 after the crisis.", "2008-03"),
        ("The elections were held in June last year.", "2024-06"),
    ],
)
def test_months(nlp: Language, sentence: str, expected: str) -> None:
    expression = only(nlp, sentence)
    assert (expression.value, expression.precision) == (expected, Precision.MONTH)


def test_part_of_a_month_narrows_the_days_covered(nlp: Language) -> None:
    expression = only(nlp, "Results are due in late November.")
    assert (expression.date, expression.end_date) == (dt.date(2025, 11, 21), dt.date(2025, 11, 30))


def test_month_across_a_year_end(nlp: Language) -> None:
    december = dt.date(2025, 12, 15)
    assert only(nlp, "The vote will take place in January.", december).value == "2026-01"


def test_may_as_a_verb_is_not_a_month(nlp: Language) -> None:
    assert found(nlp, "The two leaders may meet in the capital.") == []
    assert values(nlp, "The treaty was signed in May.") == {"May": "2025-05"}


@pytest.mark.parametrize(
    "sentence",
    ["Theresa May said the talks went well.", "The minister met June Carter in the capital."],
)
def test_month_names_in_personal_names_are_not_months(nlp: Language, sentence: str) -> None:
    assert found(nlp, sentence) == []


@pytest.mark.parametrize(("sentence", "year"), [("The leaders last met in 2019.", "2019")])
def test_years(nlp: Language, sentence: str, year: str) -> None:
    assert only(nlp, sentence).value == year


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("three days ago", "2025-10-24"), ("two weeks ago", "2025-W42"), ("a month ago", "2025-09")],
)
def test_ago(nlp: Language, phrase: str, expected: str) -> None:
    assert values(nlp, f"The first talks took place {phrase}.") == {phrase: expected}


# --- what is not a date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Tariffs of 100 percent were threatened.",
        "Some 2,000 troops were deployed.",
        "The talks start at 5 p.m. local time.",
        "The negotiators talked for three weeks.",
        "They held two days of talks.",
        "The motion passed by 2019 votes to 1500.",
        "Score was 10/30 in the final.",
    ],
)
def test_non_dates_are_not_reported(nlp: Language, sentence: str) -> None:
    assert found(nlp, sentence) == []


# --- the component and the plain function ------------------------------------------------------


def test_offsets_point_at_the_text(nlp: Language) -> None:
    text = "Officials said on Friday that the leaders will meet on Nov. 3 and again next week."
    for expression in found(nlp, text):
        assert text[expression.start : expression.end] == expression.text


def test_plain_function_gives_the_same_as_the_component(nlp: Language) -> None:
    text = "The envoys met on Sunday and will meet again on Thursday."
    doc = run(nlp, text)
    assert resolve_temporal_expressions(doc, MONDAY) == doc._.temporal_expressions


def test_no_publication_date_gives_no_expressions(nlp: Language) -> None:
    doc = nlp("The envoys will meet on Thursday.")
    assert doc._.temporal_expressions == []


def test_expressions_are_in_text_order(nlp: Language) -> None:
    text = "After talks on Sunday, the leaders meet on Wednesday and again in December."
    starts = [e.start for e in found(nlp, text)]
    assert starts == sorted(starts)
    assert len(starts) == 3


def test_weekday_of_a_meeting_someone_arrives_for_is_ahead(nlp: Language) -> None:
    expressions = found(
        nlp,
        "Putin arrived in Beijing on Tuesday for talks with Xi on Thursday.",
        published=dt.date(2024, 5, 14),
    )
    assert {e.text: e.value for e in expressions} == {
        "Tuesday": "2024-05-14",
        "Thursday": "2024-05-16",
    }
