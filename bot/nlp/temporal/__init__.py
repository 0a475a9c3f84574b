"""The date resolver: finds date expressions in a Doc and anchors them to the publication date.

- :mod:`.lexicon`: the calendar words (months, weekdays, holidays, numbers) as data;
- :mod:`.patterns`: the regular expressions built from it;
- :mod:`.rules`: the rules, each with an id and example phrases that the tests run;
- :mod:`.expressions`: the context a resolver gets and the expressions it makes;
- :mod:`.resolvers`: from a match to a calendar value (dates, weekdays, months, periods);
- :mod:`.holidays`: named days (Christmas Eve, Thanksgiving, Easter Monday …);
- :mod:`.anaphora`: days counted from the day just named ("the day before");
- :mod:`.calendar_math`: weeks, months, holidays, and picking an occurrence by tense;
- :mod:`.tense`: the tense of the verb that governs a date, from the dependency parse;
- :mod:`.engine`: all rules over a Doc, overlaps settled, in text order;
- :mod:`.component`: the ``summit_dates`` spaCy component (``doc._.temporal_expressions``).

Only references that are ambiguous on their own ("on Thursday", "November 1", "in April")
look at the parse: news about summits mostly announces what is coming, while most weekday
mentions in wire copy report what happened; the governing verb's tense tells the two apart.
"""

from __future__ import annotations

from bot.domain import Tense
from bot.nlp.temporal.component import DateResolver, make_date_resolver
from bot.nlp.temporal.engine import resolve_temporal_expressions, resolve_with_rules
from bot.nlp.temporal.rules import RULES, Example, Rule
from bot.nlp.temporal.tense import governing_tense

__all__ = [
    "RULES",
    "DateResolver",
    "Example",
    "Rule",
    "Tense",
    "governing_tense",
    "make_date_resolver",
    "resolve_temporal_expressions",
    "resolve_with_rules",
]
