"""Walking the dependency parse: the words that govern a meeting word, and its own words."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from bot.nlp.vocabulary import (
    ABOUT_PREPOSITIONS,
    LIGHT_NOUNS,
    ORDERING_PREPOSITIONS,
    PLANNING_CLAUSE_LEMMAS,
    REPORTING_VERBS,
)

MARGIN_NOUNS = frozenset({"sidelines", "sideline", "margins", "margin", "side"})
CLAUSE_BOUNDARIES = frozenset({"acl", "relcl", "ccomp", "parataxis", "csubj"})


@dataclass(slots=True)
class Chain:
    """The trigger and the words that govern it, up to its clause's boundary."""

    tokens: list[Token]
    ordered_from: int | None  # index in ``tokens`` where "ahead of"/"before" was crossed

    @property
    def top(self) -> Token:
        return self.tokens[-1]

    def own_clause(self) -> Chain:
        """The chain up to "the sidelines of": a gathering on whose margins someone hopes to
        meet is not itself hedged by that hope."""
        for n, token in enumerate(self.tokens[1:], start=1):
            if token.lower_ in MARGIN_NOUNS:
                return Chain(self.tokens[: n + 1], None)
        return self

    def dating(self) -> list[Token]:
        """The tokens whose dates are the meeting's own (not across "ahead of")."""
        end = self.ordered_from if self.ordered_from is not None else len(self.tokens)
        return self.tokens[:end]


def climb(trigger: Token) -> Chain:
    tokens = [trigger]
    ordered_from: int | None = None
    current = trigger
    name = name_entity(trigger)
    if name is not None and name.root.i != trigger.i:
        # "the Commonwealth Heads of Government Meeting will be held": climb from the name.
        current = name.root
        tokens.append(current)
    for _ in range(12):
        head = current.head
        if _is_role_infinitive(current):
            # "she will become the first Secretary of State to visit Dili": the one who
            # becomes it visits; climb through the role to "become".
            tokens.append(head)
            current = head
            continue
        if head.i == current.i or current.dep_ in CLAUSE_BOUNDARIES:
            break
        through_margin = len(tokens) >= 2 and tokens[-2].lower_ in MARGIN_NOUNS
        if current.dep_ == "conj" and head.pos_ in ("NOUN", "PROPN"):
            # "chair the Retreat Session and the IMT-GT Summit": both hang on "chair".
            tokens.append(head)
            current = head
            continue
        if (
            head.pos_ in ("NOUN", "PROPN", "PRON", "NUM")
            and head.lemma_.lower() not in LIGHT_NOUNS
            and not through_margin  # "a summit on the margins of the NATO summit": its verb
        ):
            break
        if head.lower_ in ORDERING_PREPOSITIONS and ordered_from is None:
            ordered_from = len(tokens)
        tokens.append(head)
        current = head
    return Chain(tokens, ordered_from)


def _is_role_infinitive(token: Token) -> bool:
    """An infinitive that tells what a predicate noun does: "… the first leader to visit"."""
    head = token.head
    return (
        token.dep_ in ("acl", "relcl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        and head.dep_ == "attr"
    )


def name_entity(trigger: Token) -> Span | None:
    """The name a capitalised meeting word ends: "the Commonwealth Heads of Government
    Meeting". The model seldom labels such names, so the capitalised run is taken."""
    doc = trigger.doc
    if trigger.pos_ != "PROPN":
        # "the Group of 20 summit": the parser makes "summit" the object of "of".
        of = trigger.head
        group = of.head
        if (
            trigger.dep_ == "pobj"
            and of.lower_ == "of"
            and group.pos_ == "PROPN"
            and group.i < of.i
            and all(t.pos_ in ("NUM", "PROPN", "DET") for t in doc[of.i + 1 : trigger.i])
        ):
            return doc[group.i : trigger.i + 1]
        return None
    start = trigger.i
    while start > trigger.sent.start:
        previous = doc[start - 1]
        if (
            previous.pos_ == "PROPN"
            or previous.tag_ == "NNPS"
            or previous.text == "-"
            or (
                previous.lower_ in ("of", "and", "for", "'s")
                and start - 2 >= trigger.sent.start
                and (doc[start - 2].pos_ == "PROPN")
            )
        ):
            start -= 1
        else:
            break
    while start < trigger.i and doc[start].pos_ != "PROPN":
        start += 1
    if start == trigger.i:
        return None
    return doc[start : trigger.i + 1]


def following_clauses(trigger: Token, chain: Chain) -> list[Token]:
    """Clauses that describe the meeting word wherever the parser hung them: on the word, on
    "the sidelines of" it, or on the verb above, when they start right after it ("the G20
    Summit to be held here on September 4-5", "the summit, which runs from Monday")."""
    start = trigger.right_edge.i + 1
    doc = trigger.doc
    if start < len(doc) and doc[start].is_punct:
        start += 1
    owners = [trigger, *chain.tokens[1:6]]
    found = [c for c in trigger.children if c.dep_ in ("relcl", "acl")]
    for owner in owners[1:]:
        found.extend(
            c
            for c in owner.children
            if c.dep_ in ("relcl", "acl", "advcl") and c.left_edge.i == start and c.i > trigger.i
        )
    return found


def own_tokens(trigger: Token, triggers: list[Token]) -> list[Token]:
    """The trigger's subtree, less the subtrees of other meeting words and nested clauses.

    A relative clause on the trigger itself ("the summit, which opens on Monday") stays:
    it describes this meeting.
    """
    excluded: set[int] = set()
    for other in triggers:
        if other.i != trigger.i and trigger.is_ancestor(other):
            excluded.update(t.i for t in other.subtree)
    for token in trigger.subtree:
        if token.i == trigger.i or (token.head.i == trigger.i and token.dep_ in ("relcl", "acl")):
            continue
        if token.dep_ in ("relcl", "ccomp", "advcl") and token.pos_ in ("VERB", "AUX"):
            excluded.update(t.i for t in token.subtree)
        if token.dep_ == "conj" and token.head.i == trigger.i and token.pos_ in ("VERB", "AUX"):
            # "will meet Fernández, sign agreements and take part in …": other predicates.
            excluded.update(t.i for t in token.subtree)
    return [t for t in trigger.subtree if t.i not in excluded]


def subject_tokens(trigger: Token) -> set[int]:
    """Tokens of a verb trigger's subject: dates there ("Aug 9") are not the meeting's."""
    return {
        t.i
        for child in trigger.children
        if child.dep_ in ("nsubj", "nsubjpass") and trigger.pos_ == "VERB"
        for t in child.subtree
    }


def subject_of(chain: Chain) -> Token | None:
    if any(t.lower_ in ABOUT_PREPOSITIONS for t in chain.tokens[1:]):
        return None  # "they talked about the visit of X": the talkers do not go
    for token in chain.tokens:
        if (
            token.pos_ == "VERB"
            and token.lemma_.lower() in REPORTING_VERBS
            and token != chain.tokens[0]
        ):
            return None  # "X announced the summit": the announcer is not a participant
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child not in chain.tokens:
                return child
        for aux in token.children:
            if aux.dep_ == "aux":
                # "he and Albanese will co-chair": the parser hangs the subject on "will".
                subjects = [c for c in aux.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subjects:
                    return subjects[0]
        if token.dep_ == "xcomp":
            # "Albright invited Geremek to visit": the one invited goes, not who invited.
            objects = [c for c in token.head.children if c.dep_ == "dobj"]
            if objects:
                return objects[0]
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"):
            for child in token.head.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return child
    return None


def predicate_head(token: Token) -> Token:
    """ "is due in Busan on Wednesday": what hangs on "due" belongs to "is"."""
    if token.dep_ == "acomp" and token.pos_ == "ADJ":
        return token.head
    return token


def scheduling_clause_ids(trigger: Token) -> set[int]:
    """Tokens of clauses in the meeting's phrase that say when and where it was planned:
    "a visit to Mexico City that had been planned for Wednesday"."""
    return {
        t.i
        for c in trigger.subtree
        if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in PLANNING_CLAUSE_LEMMAS
        for t in c.subtree
    }
