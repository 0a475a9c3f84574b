"""Running the rules over a Doc: every match resolved, overlaps settled, in text order.

Each rule is one regex pass over ``doc.text``; the tense is parsed only for the matches that
need it. Overlaps are settled by a binary search among the spans kept so far, and days counted
from the day just named ("the day before") in one walk, so nothing loops over all dates for
every match: ``bench/dates.py --scale`` shows the time per KB flat from 10 KB to 200 KB.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from spacy.tokens import Doc

from bot.domain import TemporalExpression
from bot.nlp.temporal.anaphora import counted_from_named_days
from bot.nlp.temporal.expressions import Context, NotADate
from bot.nlp.temporal.rules import RULES, Rule


def _resolved_matches(
    doc: Doc, text: str, published: dt.date
) -> Iterator[tuple[int, Rule, TemporalExpression]]:
    """Every rule's resolved matches with the rule's rank (lower = more specific)."""
    for rank, rule in enumerate(RULES):
        for match in rule.pattern.finditer(text):
            start, end = match.span(rule.group) if rule.group else match.span()
            expression = rule.resolve(match, Context(doc, text, published, start, end))
            if expression is not None:
                yield rank, rule, replace(expression, rule=rule.id)


def _without_overlaps(
    ranked: list[tuple[int, Rule, TemporalExpression]],
) -> list[tuple[Rule, TemporalExpression]]:
    """Keep the longest expression where they overlap (ties go to the more specific rule)."""
    starts: list[int] = []  # the kept spans, sorted and disjoint
    ends: list[int] = []
    kept: list[tuple[Rule, TemporalExpression]] = []
    for _, rule, expr in sorted(ranked, key=lambda r: (r[2].start - r[2].end, r[0], r[2].start)):
        at = bisect.bisect_right(starts, expr.start)
        if at and ends[at - 1] > expr.start:
            continue  # the span on the left reaches into this one
        if at < len(starts) and starts[at] < expr.end:
            continue  # the span on the right begins inside this one
        starts.insert(at, expr.start)
        ends.insert(at, expr.end)
        kept.append((rule, expr))
    return sorted(kept, key=lambda k: k[1].start)


def resolve_with_rules(doc: Doc, published: dt.date) -> list[tuple[Rule, TemporalExpression]]:
    """The date expressions in ``doc`` with the rule that found each, in text order."""
    text = doc.text  # spaCy joins the tokens anew on every access
    settled = _without_overlaps(list(_resolved_matches(doc, text, published)))
    kept = [(rule, expr) for rule, expr in settled if not isinstance(expr, NotADate)]
    return counted_from_named_days(doc, text, kept)


def resolve_temporal_expressions(doc: Doc, published: dt.date) -> list[TemporalExpression]:
    """The date expressions in ``doc``, resolved against ``published``, in text order."""
    return [expression for _, expression in resolve_with_rules(doc, published)]
