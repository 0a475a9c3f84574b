"""Upcoming meetings in an article: the ``summit_events`` spaCy component.

Every meeting word ("meet", "summit", "talks", "visit" …) is a *mention*
(:mod:`~bot.nlp.events.mentions`). A mention takes its participants, place and date from the
words the dependency parse links to it — its own subtree and the chain of words that governs it
(:mod:`~bot.nlp.events.syntax`) — so a date elsewhere in the sentence does not leak into it
("heads to Japan on Monday … to culminate in a meeting with Xi" gives the Xi meeting no date).
The tense and modality of that chain say whether the meeting is past, upcoming or only possible
(:mod:`~bot.nlp.events.timing`); names of gatherings and places come from
:mod:`~bot.nlp.events.naming`. Mentions of one meeting are then merged into one event
(:mod:`~bot.nlp.events.merging`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

import bot.nlp.extensions  # noqa: F401  (registers doc._.events, published, temporal_expressions)
from bot.domain import Event, Status, TemporalExpression
from bot.nlp.events.mentions import (
    Mention,
    analyse,
    is_trigger,
    unconfirms_previous,
)
from bot.nlp.events.merging import merge
from bot.nlp.events.timing import index_dates
from bot.nlp.names import NameIndex

__all__ = ["EventExtractor", "extract_events"]


@Language.factory(
    "summit_events",
    assigns=["doc._.events"],
    requires=["doc._.published", "doc._.temporal_expressions"],
)
def make_event_extractor(nlp: Language, name: str) -> EventExtractor:
    return EventExtractor()


class EventExtractor:
    """Sets ``doc._.events`` from the parse and ``doc._.temporal_expressions``."""

    def __call__(self, doc: Doc) -> Doc:
        published: dt.date | None = doc._.published
        if published is None:
            doc._.events = []
            return doc
        doc._.events = extract_events(doc, published, doc._.temporal_expressions)
        return doc


def extract_events(
    doc: Doc, published: dt.date, dates: Sequence[TemporalExpression]
) -> list[Event]:
    """The upcoming (or called-off) meetings of one parsed article."""
    names = NameIndex.build(doc)
    date_tokens = index_dates(doc, dates)
    mentions: list[Mention] = []
    previous: list[Mention] = []
    for sent in doc.sents:
        if unconfirms_previous(sent):
            # "… three meetings are expected on Tuesday. Those appointments have not yet
            # been confirmed.": the meetings just named are only possible.
            for earlier in previous:
                earlier.status, earlier.firm = Status.POSSIBLE, False
        previous = []
        triggers = [t for t in sent if is_trigger(t)]
        for trigger in triggers:
            mention = analyse(trigger, triggers, names, date_tokens, published, mentions)
            if mention is not None:
                mentions.append(mention)
                previous.append(mention)
    return merge(mentions, names.protagonist)
