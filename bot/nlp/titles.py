"""People named after their title: "Home Minister Asaduzzaman Khan", "President Trump".

The model misses or mislabels many such names (unfamiliar names, surnames it takes for an
organisation). A capitalised run right after a title word is a person's name whatever the
model said; the ``title_people`` component labels it PERSON.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.nlp.vocabulary import TITLE_WORDS

# A title word, then a capitalised run that is the name ("A K Abdul Momen" included).
PATTERNS: list[list[dict[str, Any]]] = [
    [
        {"LOWER": {"IN": sorted(TITLE_WORDS)}},
        {"IS_TITLE": True, "POS": "PROPN", "OP": "+"},
    ]
]


@Language.factory("title_people")
def make_title_people(nlp: Language, name: str) -> TitlePeople:
    return TitlePeople(nlp)


class TitlePeople:
    """Labels the name after a title word PERSON, replacing what the model said of it."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("TITLE_PERSON", PATTERNS, greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        names: list[Span] = []
        for _, start, end in self.matcher(doc):
            name = doc[start + 1 : end]
            while len(name) and (name[-1].tag_ == "POS" or name[-1].lower_ in TITLE_WORDS):
                name = name[:-1]
            if len(name) and not any(t.ent_type_ in ("PERSON", "TITLE") for t in name):
                names.append(Span(doc, name.start, name.end, label="PERSON"))
        if names:
            kept = [e for e in doc.ents if not any(_overlap(e, n) for n in names)]
            doc.ents = filter_spans([*kept, *names])
        return doc


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
