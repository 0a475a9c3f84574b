"""The project's spaCy pipeline: the English model plus our rules and components.

Documents are made with ``make_doc`` so that ``doc._.published`` (the article's publication
date) is set before the components run; ``nlp.pipe`` accepts such Docs as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

import bot.nlp.extensions  # noqa: F401  (doc._.published, temporal_expressions, events)
from bot.domain import Article, Event, TemporalExpression
from bot.nlp.model import load_pipeline


@dataclass(slots=True)
class ArticleAnalysis:
    """What the pipeline found in one article; date offsets are into ``article.body``."""

    article: Article
    events: list[Event] = field(default_factory=list)
    dates: list[TemporalExpression] = field(default_factory=list)


class Extractor:
    """Finds upcoming meetings and date expressions in articles; the model is loaded once."""

    def __init__(self, model_name: str, batch_size: int = 8) -> None:
        self._model_name = model_name
        self._batch_size = batch_size
        self._nlp: Language | None = None

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_pipeline(self._model_name)
        return self._nlp

    def make_doc(self, text: str, published: dt.date) -> Doc:
        doc = self.nlp.make_doc(text)
        doc._.published = published
        return doc

    def analyse(self, articles: Iterable[Article]) -> Iterator[ArticleAnalysis]:
        """Analyse articles in batches, yielding results in input order."""
        pairs = ((self.make_doc(a.body, a.published), a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self._batch_size):
            yield ArticleAnalysis(article, list(doc._.events), list(doc._.temporal_expressions))

    def analyse_one(self, article: Article) -> ArticleAnalysis:
        return next(self.analyse([article]))
