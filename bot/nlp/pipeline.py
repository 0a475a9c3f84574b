"""The project's spaCy pipeline: the English model plus our rules and components.

Documents are made with ``make_doc`` so that ``doc._.published`` (the article's publication
date) is set before the components run; ``nlp.pipe`` accepts such Docs as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.domain import Article, Event, TemporalExpression

PATTERNS_DIR = Path(__file__).parent / "patterns"

if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)


@Language.component("summit_paragraphs")
def split_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break: subheads and datelines stand alone.

    The parser keeps boundaries that are already set, and never splits on a blank line itself,
    so an all-caps subhead would otherwise merge into the sentence after it.
    """
    paragraph_start = 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
            paragraph_start = token.i
        elif token.i - paragraph_start <= _DATELINE_MAX_TOKENS and _ends_dateline(
            doc[paragraph_start : token.i]
        ):
            token.is_sent_start = True
    return doc


_DATELINE_MAX_TOKENS = 12
_DASHES = frozenset({"-", "–", "—", "--"})


def _ends_dateline(head: Span) -> bool:
    """Whether ``head`` is a dateline such as "BOGOTA, Aug 9 -" or "KUALA LUMPUR (AFP) –"."""
    if len(head) < 2 or head[-1].text not in _DASHES:
        return False
    first = head[0]
    return first.is_upper and first.is_alpha and not any(t.text in _DASHES for t in head[:-1])


def add_components(nlp: Language) -> Language:
    """Add the entity patterns, the date resolver and the event extractor to ``nlp``."""
    # Importing the modules registers their @Language.factory components.
    from bot.nlp import events, temporal, titles  # noqa: F401

    if "summit_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("summit_paragraphs", before="parser" if "parser" in nlp.pipe_names else None)
    if "summit_entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe(
            "entity_ruler",
            name="summit_entity_ruler",
            before="ner",
            config={"overwrite_ents": True},
        )
        ruler.from_disk(PATTERNS_DIR / "entities.jsonl")  # type: ignore[attr-defined]
    if "title_people" not in nlp.pipe_names and "ner" in nlp.pipe_names:
        nlp.add_pipe("title_people", after="ner")
    if "summit_dates" not in nlp.pipe_names:
        nlp.add_pipe("summit_dates", last=True)
    if "summit_events" not in nlp.pipe_names:
        nlp.add_pipe("summit_events", last=True)
    return nlp


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
            from bot.nlp.model import load_pipeline

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
