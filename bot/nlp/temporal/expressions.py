"""What every resolver shares: the context of a match and the expressions it makes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from bot.domain import Precision, TemporalExpression, Tense
from bot.nlp.temporal.calendar_math import month_end
from bot.nlp.temporal.lexicon import MONTH_PARTS
from bot.nlp.temporal.tense import governing_tense


@dataclass(slots=True)
class Context:
    """What a resolver needs besides the match: the publication date and the tense, lazily."""

    doc: Doc
    text: str  # doc.text, which spaCy rebuilds from the tokens on every access
    published: dt.date
    start: int
    end: int
    _tense: Tense | None = None
    _tense_known: bool = False

    @property
    def tense(self) -> Tense | None:
        if not self._tense_known:
            span = self.doc.char_span(self.start, self.end, alignment_mode="expand")
            self._tense = governing_tense(span) if span is not None else None
            self._tense_known = True
        return self._tense

    def tokens(self) -> Span | None:
        return self.doc.char_span(self.start, self.end, alignment_mode="expand")


@dataclass(frozen=True, slots=True)
class NotADate(TemporalExpression):
    """Words that look like a date but name something else ("the Good Friday Agreement"):
    kept while overlaps are settled, so that no shorter rule reads a date inside them, and
    then dropped."""


Resolver = Callable[[re.Match[str], Context], TemporalExpression | None]


def expression(
    ctx: Context,
    value: str,
    precision: Precision,
    first: dt.date,
    last: dt.date,
    tense: Tense | None = None,
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


def day_expression(
    ctx: Context, first: dt.date, last: dt.date | None = None, tense: Tense | None = None
) -> TemporalExpression:
    return expression(ctx, first.isoformat(), Precision.DAY, first, last or first, tense)


def month_expression(
    ctx: Context, year: int, month: int, part: str | None = None, tense: Tense | None = None
) -> TemporalExpression:
    first_day, last_day = MONTH_PARTS.get(part or "", (1, None))
    end = month_end(year, month)
    last = end if last_day is None else end.replace(day=last_day)
    first = dt.date(year, month, first_day)
    return expression(ctx, f"{year:04d}-{month:02d}", Precision.MONTH, first, last, tense)
