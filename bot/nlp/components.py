"""Our spaCy components around the English model: paragraph breaks as sentence starts, the
entity patterns, titled people, the date resolver and the event extractor.

``add_components`` is what :func:`bot.nlp.model.load_pipeline` applies to the base model.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

import bot.nlp.extensions  # noqa: F401  (the Doc attributes the components set)

PATTERNS_DIR = Path(__file__).parent / "patterns"


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
