"""Tense from the dependency parse: the verb that governs a date says which occurrence of an
ambiguous reference ("on Thursday", "Nov. 1") is meant."""

from __future__ import annotations

from spacy.tokens import Span, Token

from bot.domain import Tense
from bot.nlp.vocabulary import (
    BE_PAST,
    BE_PRESENT,
    COMING_WORDS,
    FUTURE_AUXILIARIES,
    FUTURE_INFINITIVE_GOVERNORS,
    MEETING_NOUNS,
    NEUTRAL_END_WORDS,
    OPEN_END_WORDS,
    PAST_PATH_WORDS,
    PLANNING_LEMMAS,
    SCHEDULING_LEMMAS,
)

VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"})
MAX_HEAD_STEPS = 8


def _verb_tense(verb: Token) -> Tense | None:
    """The tense a verb gives to a date attached below it, or None when it says nothing."""
    lemma = verb.lemma_.lower()
    if lemma in PLANNING_LEMMAS or verb.lower_ in PLANNING_LEMMAS:
        return Tense.FUTURE
    if lemma == "set" and verb.tag_ == "VBN":
        return Tense.FUTURE  # "is set for Friday", "set to meet"
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for aux in auxiliaries:
        word = aux.lower_
        if word in FUTURE_AUXILIARIES:
            return Tense.FUTURE
        if aux.tag_ == "TO":
            return _infinitive_tense(verb)
        if word in ("did", "had", "has", "have") or word in BE_PAST:
            return Tense.PAST
        if verb.tag_ == "VBG" and word in BE_PRESENT:
            return Tense.FUTURE  # "is meeting on Friday", "are heading to Busan"
    if any(c.lemma_.lower() in PLANNING_LEMMAS for c in verb.children if c.dep_ == "acomp"):
        return Tense.FUTURE  # "is due in Busan on Wednesday"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxiliaries):
        return Tense.PAST  # "met on Sunday", "the ruling issued Thursday"
    if verb.tag_ in ("VBZ", "VBP") or any(a.lower_ in BE_PRESENT for a in auxiliaries):
        return Tense.PRESENT
    return None


def _infinitive_tense(verb: Token) -> Tense | None:
    """ "agreed to meet on Friday" looks ahead; a purpose clause takes its governor's tense."""
    governor = verb.head
    if governor is verb:
        return Tense.FUTURE  # a headline: "Trump to meet Xi on Thursday"
    if verb.dep_ == "xcomp" and governor.lemma_.lower() in FUTURE_INFINITIVE_GOVERNORS:
        return Tense.FUTURE
    if verb.dep_ == "acl":
        return Tense.FUTURE  # "an agreement to acquire the bank in January", "plans to visit"
    return None


def _has_to_infinitive(verb: Token) -> bool:
    return any(c.tag_ == "TO" and c.dep_ == "aux" for c in verb.children)


def _is_past_perfect(verb: Token) -> bool:
    return any(c.lower_ == "had" for c in verb.children if c.dep_ == "aux")


def governing_tense(span: Span) -> Tense | None:
    """Walk from the date up the dependency tree to the first verb that tells a tense.

    A present tense reached through a noun ("follows Tuesday's declaration") says nothing:
    only a weekday attached to a present-tense verb itself ("heads to Japan on Monday") is
    the news present that announces what is coming.
    """
    if not span.doc.has_annotation("DEP"):
        return None
    token = span.root
    via_noun = open_ended = neutral_end = saw_infinitive = scheduled = False
    previous = token
    for step in range(MAX_HEAD_STEPS):
        if step:
            if token.lower_ in COMING_WORDS:
                return Tense.FUTURE
            if token.lower_ in PAST_PATH_WORDS:
                return Tense.PAST
            # Only "until <date>" itself, not a place: "tore through his window Friday night".
            if previous.dep_ == "pobj":
                open_ended = open_ended or token.lower_ in OPEN_END_WORDS
                neutral_end = neutral_end or token.lower_ in NEUTRAL_END_WORDS
                scheduled = scheduled or (
                    token.lower_ == "for" and token.head.lemma_.lower() in SCHEDULING_LEMMAS
                )
        if any(c.lower_ in COMING_WORDS for c in token.children if c.dep_ == "amod"):
            return Tense.FUTURE  # "the upcoming Tuesday meeting"
        if step and (token.tag_ in VERB_TAGS or token.lemma_.lower() in PLANNING_LEMMAS):
            tense = _verb_tense(token)
            saw_infinitive = saw_infinitive or _has_to_infinitive(token)
            if tense == Tense.PAST and not _is_past_perfect(token):
                if open_ended or scheduled:
                    return Tense.FUTURE  # "postponed until Tuesday", "confirmed for Saturday"
                if neutral_end:
                    return None
            if tense == Tense.PRESENT and via_noun:
                return None
            if tense is not None:
                return tense
        elif step and token.pos_ in ("NOUN", "PROPN"):
            via_noun = True
            if _is_purpose(token):
                return Tense.FUTURE  # "arrived on Tuesday for talks with Xi on Thursday"
        if token.head is token:
            break
        previous, token = token, token.head
    # A "to"-infinitive with nothing above it that tells a tense is a headline or a plan:
    # "Trump to visit Japan on Monday" (which the parser may hang under "Trump").
    return Tense.FUTURE if saw_infinitive else None


def _is_purpose(noun: Token) -> bool:
    """A meeting something is done for or ahead of: it lies ahead of that verb."""
    if noun.lemma_.lower() not in MEETING_NOUNS:
        return False
    preposition = noun.head
    if preposition.lower_ == "of":
        preposition = preposition.head  # "ahead of"
    return preposition.lower_ in ("for", "ahead", "before")
