"""Names of gatherings ("the 11th BRICS summit") and the places meetings are held."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from bot.nlp.events.syntax import (
    Chain,
    name_entity,
    predicate_head,
    scheduling_clause_ids,
    subject_of,
)
from bot.nlp.names import entity_at, sentence_ents
from bot.nlp.vocabulary import (
    AHEAD_MODIFIERS,
    GATHERING_NOUNS,
    GROUP_MEMBERS,
    GROUPS,
    ORGANISATION_HEADS,
    PERSON_NOUNS,
)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPOSITIONS = frozenset({"in", "at", "to", "of", "on", "near", "inside"})


def summit_name(trigger: Token) -> str | None:
    if trigger.lower_ not in GATHERING_NOUNS and trigger.lemma_.lower() not in GATHERING_NOUNS:
        return None
    doc = trigger.doc
    entity = name_entity(trigger)
    if entity is not None:
        text = entity.text[4:] if entity.text.lower().startswith("the ") else entity.text
        return _with_acronym(text, entity.end, doc)
    modifiers = [
        c
        for c in trigger.lefts
        if c.dep_ in ("compound", "nmod", "amod", "nummod", "npadvmod", "poss")
        and (c.ent_type_ not in ("DATE", "TIME", "PERSON") or is_acronym_name(c))
        and c.pos_ != "PRON"  # "Modi's sixth BRICS summit" is the BRICS summit
    ]
    words = [t for m in modifiers for t in m.subtree]
    places = {t.i for t in words if t.ent_type_ in ("GPE", "LOC")}
    named = [
        m
        for m in modifiers
        if any(is_name_word(t) or (len(places) >= 2 and t.i in places) for t in m.subtree)
    ]
    start = min((t.i for m in modifiers for t in m.subtree), default=trigger.i)
    while start < trigger.i and (
        doc[start].dep_ == "det" or doc[start].is_punct or doc[start].lower_ in _NOT_NAME_ADJECTIVES
    ):
        start += 1  # "a separate Korea-Japan summit" is the Korea-Japan summit
    end = trigger.i + 1
    # "the summit of the Gulf Cooperation Council", "the summit between the EU and the AU"
    already_named = bool(named)
    for child in trigger.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "between"):
            objects = [t for t in child.subtree if is_name_word(t)]
            people = [t for t in child.subtree if t.ent_type_ in ("PERSON", "TITLE")]
            members = already_named and not any(t.ent_type_ == "ORG" for t in objects)
            # "a meeting between the Indian and Pakistani prime ministers": people, no name
            members = members or any(
                o.lemma_.lower() in PERSON_NOUNS for o in child.children if o.dep_ == "pobj"
            )
            if objects and not people and not members:
                # "the summit between Kishida and Yoon" names people; "the FOCAC summit of
                # Chinese and African leaders" is named already, the rest are its members.
                named.append(child)
                end = name_end(child)
    topic = _topic(trigger)
    if not named and topic is not None and modifiers:
        # "a ministerial donors' conference on Somalia": named by what it is about.
        return doc[start : topic.right_edge.i + 1].text
    if not named:
        return None
    return _with_acronym(doc[start:end].text, end, doc)


def _topic(trigger: Token) -> Token | None:
    """The "on Somalia" of a conference or summit about something."""
    if trigger.lemma_.lower() not in ("conference", "summit", "forum"):
        return None
    for child in trigger.rights:
        if child.dep_ == "prep" and child.lower_ == "on":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and objects[0].ent_type_ not in ("DATE", "TIME"):
                return child
    return None


# Bodies whose sessions are meetings of leaders or ministers ("the European Council",
# "the AU Executive Council"); legislatures are left out where meeting words are found.
_BODIES = frozenset({"council", "commission", "committee", "group", "forum", "club"})

# "World leaders", "Regional leaders": leaders in general, not a group's members.
_NOT_GROUPS = frozenset({"world", "global", "regional", "top", "senior", "key", "foreign"})

# Words before a gathering's name that describe the mention, not the gathering.
_NOT_NAME_ADJECTIVES = AHEAD_MODIFIERS | {
    "separate", "first", "proposed", "possible", "new", "later", "another", "expected", "rare",
    "historic",
}  # fmt: skip


def group_summit(trigger: Token, chain: Chain) -> str | None:
    """ "Leaders of the Group of Seven will gather … for their summit": the group's summit."""
    lemma = trigger.lemma_.lower()
    if lemma not in ("gather", "meet", "convene", "summit", "talk", "talks", "meeting"):
        return None
    subject = subject_of(chain)
    named_group = subject is not None and any(
        c.dep_ in ("prep", "compound", "amod") for c in subject.children
    )  # "the coalition of the willing"; a bare "the bloc" refers back to a group named before
    if subject is not None and subject.lemma_.lower() in GROUPS and named_group and lemma != "talk":
        # "The so-called coalition of the willing will hold another meeting": the group's.
        words = [
            t
            for t in subject.subtree
            if not (t.dep_ == "det" and t.head.i == subject.i)
            and t.lower_ not in ("so-called", "so", "called", "-")
            and not t.is_punct
        ]
        kind = "summit" if lemma == "summit" else "meeting"
        return " ".join(t.text for t in words) + f" {kind}" if words else None
    if (
        subject is not None
        and lemma in ("meet", "convene", "gather")
        and subject.lemma_.lower() in _BODIES
        and subject.ent_type_ == "ORG"
    ):
        # "The European Council will meet on December 18-19": a session of a named body.
        body = entity_at(subject)
        if body is not None:
            return _strip_article(body) + " meeting"
    if lemma == "meeting" or subject is None or subject.lemma_.lower() not in GROUP_MEMBERS:
        return None
    if subject.tag_ not in ("NNS", "NNPS"):
        return None  # "the President of the Republic will meet …" is one person
    group = [
        c
        for c in subject.lefts
        if c.dep_ == "compound" and is_name_word(c) and c.lower_ not in _NOT_GROUPS
    ]
    if group:  # "NATO leaders will meet", "European Union leaders"
        start = min(t.i for c in group for t in c.subtree)
        return trigger.doc[start : group[-1].i + 1].text + " summit"
    for child in subject.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            end = name_end(child)
            words = [t for t in trigger.doc[child.i + 1 : end] if t.dep_ != "det"]
            if any(is_name_word(t) for t in words):
                start = words[0].i
                return trigger.doc[start : words[-1].i + 1].text + " summit"
            countries = [t for t in child.subtree if t.ent_type_ in ("GPE", "NORP")]
            if len({t.text for t in countries}) >= 2 and subject.lemma_.lower() != "leader":
                # "The foreign ministers of Japan, China and South Korea will meet": their
                # meeting, named as the text names them.
                text = trigger.doc[subject.left_edge.i : child.right_edge.i + 1].text
                return "meeting of " + (text[:1].lower() + text[1:])
    return None


def name_end(preposition: Token) -> int:
    """Where "of the Gulf Cooperation Council in Riyadh" stops being a name: before "in"."""
    end = preposition.i + 1
    for token in preposition.doc[preposition.i + 1 :]:
        if not preposition.is_ancestor(token):
            break
        if token.pos_ == "ADP" and token.lower_ not in ("of", "and"):
            break
        if not (
            token.pos_ in ("PROPN", "DET", "CCONJ", "PART", "NUM", "ADP")
            or is_name_word(token)
            or token.is_title  # "of Latin American and Caribbean States"
        ):
            break
        end = token.i + 1
    return end


def is_name_word(token: Token) -> bool:
    """A word that makes a gathering a named one; a city alone ("the Riyadh summit") does not."""
    if is_acronym_name(token):
        return True  # "the G7 summit", "COP29": what the model calls a place is a group
    if token.ent_type_ in ("GPE", "LOC", "FAC"):
        place = entity_at(token)
        # "the Asia-Pacific Economic Cooperation" is an organisation whatever the label.
        return place is not None and place[-1].lower_ in ORGANISATION_HEADS
    if token.ent_type_ in ("DATE", "TIME", "PERSON"):
        return False
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "NORP", "EVENT")


def is_acronym_name(token: Token) -> bool:
    """A group's short name: capitals with digits ("G7", "G-20", "COP29", "B20") or a run
    of capitals ("SAARC", "FOCAC") — never a venue."""
    text = token.text.replace("-", "")
    if len(text) < 2 or not text[:1].isupper():
        return False
    has_digit = any(ch.isdigit() for ch in text)
    return (has_digit and text[0].isalpha()) or (
        text.isupper() and text.isalpha() and len(text) >= 3
    )


def _with_acronym(name: str, end: int, doc: Doc) -> str:
    """Add a bracketed acronym that follows the name: "… Meeting (CHOGM)"."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        acronym = doc[end + 1].text
        # "(CHOGM)", "(Celac)": one capitalised word in brackets right after the name.
        short = acronym.isupper() or (acronym.istitle() and len(acronym) <= 8)
        if short and acronym.isalnum() and acronym not in name:
            return f"{name} ({acronym})"
    return name


def place_of(trigger: Token, chain: Chain, own: list[Token], named: bool) -> str | None:
    """The most specific place the words give the meeting; ``named`` when the meeting word
    is part of a name, whose places ("the Africa-EU summit") are not venues."""
    own_ids = {t.i for t in own} | scheduling_clause_ids(trigger)
    topic_ids = {t.i for c in trigger.children if c.dep_ == "relcl" for t in c.subtree}
    name_ids: set[int] = set()
    if named:
        for child in trigger.rights:
            if child.dep_ == "prep" and child.lower_ in ("of", "between"):
                name_ids.update(range(child.i, name_end(child)))
    chain_ids = {t.i for t in chain.tokens}
    best: tuple[int, str] | None = None
    for ent in sentence_ents(trigger.sent):
        if ent.label_ not in PLACE_LABELS or _is_alternative(ent):
            continue
        if any(is_acronym_name(t) and any(ch.isdigit() for ch in t.text) for t in ent):
            continue  # "G7", "COP29": groups and gatherings, not places
        if ent.root.i in name_ids:
            continue  # "the summit of … Caribbean States": part of the name, not a venue
        anchor, via = _place_anchor(ent)
        names_meeting = (
            not named and anchor is not None and via == "compound" and anchor.i == trigger.i
        )
        if anchor is None or (via not in _PLACE_PREPOSITIONS and not names_meeting):
            continue  # "the Busan summit": a place may name the meeting itself, nothing else
        if via == "on" and anchor.i == trigger.i and _topic(trigger) is not None:
            continue  # "a conference on Somalia": what it is about, not where
        if anchor.i in topic_ids and anchor.pos_ in ("NOUN", "PROPN"):
            continue  # "meetings in which the wars in Gaza come up": a topic, not a venue
        if anchor.i in own_ids:
            rank = 0
        elif anchor.i in chain_ids:
            rank = 1
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, _strip_article(ent))
    if best is not None:
        return best[1]
    top = chain.top
    candidates: list[Token] = []
    if top.dep_ == "relcl" and any(c.lower_ == "where" for c in top.children):
        candidates.append(top.head)  # "South Korea, where Trump will meet Xi"
    if trigger.lemma_.lower() in ("host", "receive", "welcome"):
        # "China will host Khan": a country or city that hosts is the place.
        candidates.extend(c for c in trigger.children if c.dep_ == "nsubj")
    for token in candidates:
        around = entity_at(token)
        if around is not None and around.label_ in PLACE_LABELS:
            return _strip_article(around)
    return None


def _is_alternative(ent: Span) -> bool:
    """ "in Brasilia or Buenos Aires": neither is the place."""
    root = ent.root
    pair = [*root.children, root.head] if root.dep_ == "conj" else list(root.children)
    return any(t.dep_ == "cc" and t.lower_ in ("or", "nor") for t in pair)


_VISITING = frozenset({"visit", "tour", "reach"})


def _place_anchor(ent: Span) -> tuple[Token | None, str]:
    """The word a place hangs on through its preposition ("in Busan" → its verb), and the
    preposition; places inside names ("China's Xi") have no anchor."""
    token = ent.root
    via = ""
    for _ in range(6):
        if token.i == ent.root.i and token.dep_ == "dobj" and token.head.lemma_ in _VISITING:
            return token.head, "to"  # "will visit Australia"
        if token.dep_ in ("poss", "nsubj", "nsubjpass", "dobj") and token.i == ent.root.i:
            return None, ""
        head = token.head
        if head.i == token.i:
            return None, ""
        if head.pos_ == "ADP":
            via = via or head.lower_
            token = head
            continue
        if head.pos_ == "NOUN" and via == "of":
            token = head  # "the port city of Busan"
            via = ""
            continue
        if head.ent_type_ in ("DATE", "TIME"):
            token = head  # "for March 14 in Las Vegas": the place is the date's verb's
            continue
        if head.ent_type_ == "PERSON":
            # "host Xi in Paris": where the person is met; "China's Xi" is no venue.
            return (head, via) if via in ("in", "at") else (None, "")
        if not via and token.dep_ in ("npadvmod", "compound", "nmod"):
            via = "compound"
        return predicate_head(head), via
    return None, ""


def _strip_article(ent: Span) -> str:
    tokens = list(ent)
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    doc = ent.doc
    if tokens and tokens[-1].lower_ == "of" and ent.end < len(doc) and doc[ent.end].is_title:
        tokens.append(doc[ent.end])  # "the Palace of" + "Versailles": a name cut short
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].pos_ in ("ADP", "PUNCT", "DET")):
        tokens = tokens[:-1]
    return "".join(t.text_with_ws for t in tokens).strip()
