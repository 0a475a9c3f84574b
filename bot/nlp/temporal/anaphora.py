"""Days counted from another day: "the day before", "the following day", "two days later"
count from the day the text has just named; "the day before Thursday's summit" from the date
that follows. Resolved in one walk over the expressions in text order."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import TypeGuard, TypeVar

from spacy.tokens import Doc

from bot.domain import Precision, TemporalExpression
from bot.nlp.temporal.expressions import Context
from bot.nlp.temporal.lexicon import ANAPHORIC_DAYS, ANAPHORIC_DIRECTIONS, NUMBER_WORDS
from bot.nlp.temporal.patterns import CLOSES_PHRASE_RE

R = TypeVar("R")  # whatever the caller pairs each expression with (its rule)


@dataclass(frozen=True, slots=True)
class AnaphoricExpression(TemporalExpression):
    """A day counted from the day the text has just named ("the day before"), or with
    ``of_next`` from the date right after it ("the day before Tuesday's hearing"): unresolved
    until the engine, walking the text in order, finds that day."""

    offset_days: int = 0
    of_next: bool = False

    def counted_from(self, anchor: TemporalExpression) -> TemporalExpression | None:
        """This day counted from ``anchor``: after a span from its last day, before it from
        its first ("the summit runs May 4-5; the next day …" is May 6)."""
        base = anchor.end_date if self.offset_days > 0 else anchor.date
        if base is None:
            return None
        day = base + dt.timedelta(days=self.offset_days)
        return TemporalExpression(
            self.text,
            self.start,
            self.end,
            day.isoformat(),
            Precision.DAY,
            day,
            day,
            rule=self.rule,
        )


def resolve_anaphor(match: re.Match[str], ctx: Context) -> TemporalExpression | None:
    """ "the following day", "two days later": an offset from the day the text just named."""
    text = ctx.text[ctx.start : ctx.end]
    # "the day before the vote" counts from the vote: from its date if one follows at once
    of_next = text.lower().endswith(("before", "after")) and not CLOSES_PHRASE_RE.match(
        ctx.text, ctx.end
    )
    if match["phrase"]:
        offset = ANAPHORIC_DAYS[" ".join(match["phrase"].lower().split())]
    else:
        raw = match["count"].lower()
        count = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)
        offset = count * ANAPHORIC_DIRECTIONS[match["direction"].lower()]
    return AnaphoricExpression(
        text, ctx.start, ctx.end, None, Precision.UNKNOWN, offset_days=offset, of_next=of_next
    )


def counted_from_named_days(
    doc: Doc, text: str, kept: list[tuple[R, TemporalExpression]]
) -> list[tuple[R, TemporalExpression]]:
    """Resolve "the day before", "two days later" from the day the text named last.

    That day must be in the same paragraph or in the sentence before (counting the chain of
    days named since); otherwise the expression is dropped (a wrong date is worse than none).
    A step back is a side trip: in "Athens on Monday. The day before, Ankara. The following
    day, Valletta." the following day is Monday's, so a backward day never becomes the day
    counted from. One walk in text order.
    """
    if not any(isinstance(expr, AnaphoricExpression) for _, expr in kept):
        return kept
    line_breaks = [m.start() for m in re.finditer("\n", text)]
    anchor: TemporalExpression | None = None  # the day counted from
    link: TemporalExpression | None = None  # the day named last, for how far back to look
    resolved: list[tuple[R, TemporalExpression]] = []
    for index, (rule, expr) in enumerate(kept):
        backward = False
        if isinstance(expr, AnaphoricExpression):
            counted = None
            if expr.of_next:
                following = kept[index + 1][1] if index + 1 < len(kept) else None
                if _is_object_of(following, expr, text):
                    counted = expr.counted_from(following)
            elif anchor and link and _within_reach(doc, line_breaks, link, expr):
                counted = expr.counted_from(anchor)
            if counted is None:
                continue
            backward = expr.offset_days < 0 and not expr.of_next
            expr = counted
        resolved.append((rule, expr))
        if expr.precision is Precision.DAY and expr.date is not None:
            link = expr
            if not backward:
                anchor = expr
    return resolved


_OBJECT_GAP = re.compile(r"\s+(?:the\s+)?")


def _is_object_of(
    following: TemporalExpression | None, expr: TemporalExpression, text: str
) -> TypeGuard[TemporalExpression]:
    """Whether ``following`` is a day that ``expr`` counts from: "the day before Tuesday's
    hearing", "two days after the Nov. 5 vote", "the day after Christmas"."""
    if following is None or following.precision is not Precision.DAY or following.date is None:
        return False
    return _OBJECT_GAP.fullmatch(text, expr.end, following.start) is not None


def _within_reach(
    doc: Doc, line_breaks: list[int], anchor: TemporalExpression, expr: TemporalExpression
) -> bool:
    """Whether ``anchor`` is in the paragraph of ``expr`` or in the sentence before it."""
    if bisect.bisect(line_breaks, anchor.start) == bisect.bisect(line_breaks, expr.start):
        return True
    if not doc.has_annotation("SENT_START"):
        return False
    span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
    if span is None or span.sent.start == 0:
        return False
    previous = doc[span.sent.start - 1].sent
    return anchor.start >= previous.start_char
