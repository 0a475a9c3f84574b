"""The ``summit_dates`` pipeline component."""

from __future__ import annotations

import datetime as dt
import logging

from spacy.language import Language
from spacy.tokens import Doc

import bot.nlp.extensions  # noqa: F401  (registers doc._.published and temporal_expressions)
from bot.nlp.temporal.engine import resolve_temporal_expressions

log = logging.getLogger(__name__)


class DateResolver:
    """Sets ``doc._.temporal_expressions`` from ``doc._.published``."""

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        if isinstance(published, dt.datetime):
            published = published.date()
        if not isinstance(published, dt.date):
            log.debug("no publication date on the doc; dates are left unresolved")
            doc._.temporal_expressions = []
            return doc
        doc._.temporal_expressions = resolve_temporal_expressions(doc, published)
        return doc


@Language.factory(
    "summit_dates",
    assigns=["doc._.temporal_expressions"],
    requires=["doc._.published"],
)
def make_date_resolver(nlp: Language, name: str) -> DateResolver:
    return DateResolver()
