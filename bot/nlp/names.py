"""Who is who in one article: short mentions ("Xi", "Trump") resolved to full names.

News gives a person's full name once ("China's Xi Jinping") and the surname after; the model
also labels surnames inconsistently (PERSON, ORG). The index maps every token of a full
name to that name, so any later mention of it, whatever its label, resolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from bot.nlp.vocabulary import PERSON_PRONOUNS

# Name parts too common to identify anyone by themselves.
_WEAK_PARTS = frozenset({"bin", "al", "da", "de", "van", "von", "der", "la", "le", "jr", "jr."})


def _parts(text: str) -> list[str]:
    return [p for p in text.replace("-", " ").split() if p.lower().strip(".") not in _WEAK_PARTS]


@dataclass(slots=True)
class NameIndex:
    """Full names of the people an article names, and their most frequent one."""

    full_names: list[str] = field(default_factory=list)
    by_part: dict[str, str] = field(default_factory=dict)
    mentions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc) -> NameIndex:
        index = cls()
        # The model calls some cities people ("Guwahati"); a name also used as a place is not.
        places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC", "ORG", "NORP")}
        people = [
            ent
            for ent in doc.ents
            if ent.label_ == "PERSON" and not (len(ent) == 1 and ent.text in places)
        ]
        # Longest names first, so that "Xi Jinping" claims "Xi" before a bare "Xi" does.
        for ent in sorted(people, key=lambda e: -len(_parts(e.text))):
            index._add(_clean(ent))
        for ent in doc.ents:
            if ent.label_ == "TITLE":
                index._add(_clean_title(ent))
        for token in doc:
            name = index.by_part.get(token.text)
            if name and token.is_title:
                index.mentions[name] = index.mentions.get(name, 0) + 1
        return index

    def _add(self, name: str) -> None:
        if not name:
            return
        parts = _parts(name)
        if any(p in self.by_part for p in parts) and len(parts) == 1:
            return
        if name not in self.full_names:
            self.full_names.append(name)
        for part in parts:
            self.by_part.setdefault(part, name)

    def resolve(self, token: Token) -> str | None:
        """The full name a token belongs to, if it names a person of this article."""
        if not token.is_title and token.ent_type_ not in ("PERSON", "TITLE"):
            return None
        if token.ent_type_ == "TITLE":
            ent = entity_at(token)
            return _clean_title(ent) if ent is not None else None
        return self.by_part.get(token.text)

    @property
    def protagonist(self) -> str | None:
        """The person the article is most about: the most often mentioned."""
        if not self.mentions:
            return None
        return max(self.mentions.items(), key=lambda item: item[1])[0]


def entity_at(token: Token) -> Span | None:
    """The named entity a token is part of, if any (found from the token's IOB tags, so the
    cost does not grow with the article)."""
    if token.ent_iob_ not in ("B", "I"):
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(
        doc,
        start,
        end,
        label=doc[start].ent_type_,
        kb_id=doc[start].ent_kb_id_,
        span_id=doc[start].ent_id_,
    )


def sentence_ents(sent: Span) -> list[Span]:
    """The named entities of a sentence, from its tokens' IOB tags: ``Span.ents`` walks every
    entity of the document, which makes a walk over all sentences quadratic."""
    ents: list[Span] = []
    for token in sent:
        if token.ent_iob_ == "B":
            ent = entity_at(token)
            if ent is not None:
                ents.append(ent)
    return ents


def _clean(ent: Span) -> str:
    tokens = [t for t in ent if not t.is_punct or t.text in ("-", ".")]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].text in ("'s", "'")):
        tokens.pop()
    text = "".join(t.text_with_ws for t in tokens).strip()
    return text.replace(" - ", "-")


def _clean_title(ent: Span) -> str:
    text = _clean(ent)
    return text[:1].upper() + text[1:]


def is_person_pronoun(token: Token) -> bool:
    return token.lower_ in PERSON_PRONOUNS
