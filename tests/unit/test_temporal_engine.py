"""The engine's bookkeeping: overlapping matches settled, days counted from the day named."""

from __future__ import annotations

import datetime as dt

from bot.domain import Precision, TemporalExpression
from bot.nlp.temporal.anaphora import AnaphoricExpression
from bot.nlp.temporal.engine import _without_overlaps
from bot.nlp.temporal.rules import RULES

WEEKDAY = next(rule for rule in RULES if rule.id == "weekday")


def expression(start: int, end: int, value: str = "2025-10-27") -> TemporalExpression:
    return TemporalExpression("x" * (end - start), start, end, value, Precision.DAY)


def test_the_longest_of_overlapping_matches_wins_and_disjoint_ones_stay() -> None:
    ranked = [
        (5, WEEKDAY, expression(10, 16)),  # "Friday" inside ...
        (1, WEEKDAY, expression(4, 24)),  # ... "Friday, Oct. 13, 1989"
        (5, WEEKDAY, expression(24, 30)),  # touching, not overlapping
        (5, WEEKDAY, expression(0, 5)),  # overlaps the long one by one character
        (5, WEEKDAY, expression(40, 46)),
    ]
    kept = [(e.start, e.end) for _, e in _without_overlaps(ranked)]
    assert kept == [(4, 24), (24, 30), (40, 46)]


def test_ties_in_length_go_to_the_more_specific_rule() -> None:
    ranked = [(7, WEEKDAY, expression(0, 6, "late")), (2, WEEKDAY, expression(0, 6, "early"))]
    assert [e.value for _, e in _without_overlaps(ranked)] == ["early"]


def test_a_counted_day_goes_forward_from_a_span_end_and_back_from_its_start() -> None:
    span = TemporalExpression(
        "May 4-5", 0, 7, "2026-05-04", Precision.DAY, dt.date(2026, 5, 4), dt.date(2026, 5, 5)
    )
    after = AnaphoricExpression("the next day", 9, 21, None, Precision.UNKNOWN, offset_days=1)
    before = AnaphoricExpression("the day before", 9, 23, None, Precision.UNKNOWN, offset_days=-1)
    assert (counted := after.counted_from(span)) is not None and counted.value == "2026-05-06"
    assert (counted := before.counted_from(span)) is not None and counted.value == "2026-05-03"
