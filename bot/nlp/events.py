"""Upcoming meetings in an article: the ``summit_events`` spaCy component.

Every meeting word ("meet", "summit", "talks", "visit" …) is a *mention*. A mention takes its
participants, place and date from the words the dependency parse links to it — its own
subtree and the chain of verbs that governs it — so a date elsewhere in the sentence does not
leak into it ("heads to Japan on Monday … to culminate in a meeting with Xi" gives the Xi
meeting no date). The tense and modality of that chain say whether the meeting is past,
upcoming or only possible. Mentions of one meeting are then merged into one event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from bot.domain import Event, Precision, Status, TemporalExpression
from bot.nlp.names import NameIndex, entity_at, is_person_pronoun
from bot.nlp.vocabulary import (
    ABOUT_PREPOSITIONS,
    ADJECTIVE_HEDGES,
    CANCEL_WORDS,
    FUTURE_CUES,
    GATHERING_NOUNS,
    GROUP_MEMBERS,
    HEDGE_WORDS,
    LIGHT_NOUNS,
    LIGHT_VERBS,
    MEETING_NOUNS,
    MEETING_VERBS,
    NOT_MEETING_MODIFIERS,
    NOT_MEETING_OBJECTS,
    ORDERING_PREPOSITIONS,
    PERSON_NOUNS,
    POSTPONE_WORDS,
    REPORTING_VERBS,
    STATUS_PARTICLES,
    VERB_OBJECTS,
)

if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_CLAUSE_BOUNDARIES = frozenset({"acl", "relcl", "ccomp", "parataxis", "csubj"})
_MODALS_HEDGED = frozenset({"could", "may", "might"})
_FIRM_CUES = frozenset({"will", "shall", "'ll", "due", "scheduled", "set", "slated", "expected"})
_PRECISION_RANK = {Precision.DAY: 3, Precision.WEEK: 2, Precision.MONTH: 1, Precision.UNKNOWN: 0}
_PLACE_PREPOSITIONS = frozenset({"in", "at", "to", "of", "on", "near", "inside"})


@dataclass(slots=True)
class Mention:
    """One reference to a meeting, with what its words say about it."""

    trigger: Token
    participants: list[str] = field(default_factory=list)
    summit: str | None = None
    place: str | None = None
    date: TemporalExpression | None = None
    status: Status = Status.SCHEDULED
    firm: bool = False  # an explicit cue ("will", "due", "scheduled") makes it definite
    evidence: str = ""
    partnered: bool = False  # a partner is named with the meeting word ("meet Xi")
    days: int | None = None  # "a two-day summit"


@Language.factory("summit_events")
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
    date_tokens = _index_dates(doc, dates)
    mentions: list[Mention] = []
    for sent in doc.sents:
        triggers = [t for t in sent if _is_trigger(t)]
        for trigger in triggers:
            mention = _analyse(trigger, triggers, names, date_tokens, published)
            if mention is not None:
                mentions.append(mention)
    return _merge(mentions, names.protagonist)


# --- finding mentions -------------------------------------------------------------------------


def _is_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in ("NOUN", "PROPN") and (
        lemma in MEETING_NOUNS or token.lower_ in MEETING_NOUNS
    ):
        if any(c.lower_ in NOT_MEETING_MODIFIERS for c in token.lefts):
            return False  # "a news conference", "phone talks"
        # A proper-noun "Meeting" counts only as part of a gathering's name.
        return token.pos_ == "NOUN" or token.lower_ in GATHERING_NOUNS
    if token.pos_ == "VERB" and lemma in MEETING_VERBS:
        return _is_meeting_verb(token, lemma)
    return False


def _is_meeting_verb(token: Token, lemma: str) -> bool:
    """Whether a verb such as "meet", "host" or "visit" names a meeting here."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "pobj")]
    if lemma in LIGHT_VERBS or any(o.lemma_.lower() in MEETING_NOUNS for o in objects):
        return False  # "hold talks", "attend the summit": the noun is the mention
    if any(c.dep_ == "auxpass" for c in token.children):
        return False  # "the group would be met at the airport"
    if any(o.lemma_.lower() in NOT_MEETING_OBJECTS for o in objects):
        return False  # "meet the deadline"
    wanted = VERB_OBJECTS.get(lemma)
    if wanted is None:
        return True
    if token.dep_ == "relcl" and any(o.tag_ in ("WP", "WDT") for o in objects):
        objects.append(token.head)  # "Khan, whom China will host"
    return any(o.ent_type_ in wanted or o.lemma_.lower() in PERSON_NOUNS for o in objects)


@dataclass(slots=True)
class _Chain:
    """The trigger and the words that govern it, up to its clause's boundary."""

    tokens: list[Token]
    ordered_from: int | None  # index in ``tokens`` where "ahead of"/"before" was crossed

    @property
    def top(self) -> Token:
        return self.tokens[-1]

    def dating(self) -> list[Token]:
        """The tokens whose dates are the meeting's own (not across "ahead of")."""
        end = self.ordered_from if self.ordered_from is not None else len(self.tokens)
        return self.tokens[:end]


def _climb(trigger: Token) -> _Chain:
    tokens = [trigger]
    ordered_from: int | None = None
    current = trigger
    name = _name_entity(trigger)
    if name is not None and name.root.i != trigger.i:
        # "the Commonwealth Heads of Government Meeting will be held": climb from the name.
        current = name.root
        tokens.append(current)
    for _ in range(12):
        head = current.head
        if head.i == current.i or current.dep_ in _CLAUSE_BOUNDARIES:
            break
        if head.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and head.lemma_.lower() not in LIGHT_NOUNS:
            break
        if head.lower_ in ORDERING_PREPOSITIONS and ordered_from is None:
            ordered_from = len(tokens)
        tokens.append(head)
        current = head
    return _Chain(tokens, ordered_from)


def _analyse(
    trigger: Token,
    triggers: list[Token],
    names: NameIndex,
    date_tokens: dict[int, TemporalExpression],
    published: dt.date,
) -> Mention | None:
    chain = _climb(trigger)
    own = _own_tokens(trigger, triggers)
    summit = _summit_name(trigger)
    summit = summit or _group_summit(trigger, chain)
    gathering = summit is not None or trigger.lemma_.lower() in ("summit", "conference", "forum")
    participants, partnered = _participants(trigger, chain, own, names, gathering)
    status, firm, status_at = _status(trigger, chain)
    date = _attached_date(trigger, chain, own, date_tokens, status_at)
    place = _place(trigger, chain, own)
    tense = _tense(trigger, chain)
    if not _is_upcoming(status, tense, date, published):
        return None
    anonymous = not participants and summit is None and date is None
    if anonymous and status.is_upcoming and not _is_another(trigger):
        return None  # "the meeting": nothing to tell which one
    return Mention(
        trigger=trigger,
        participants=participants,
        summit=summit,
        place=place,
        date=date,
        status=status,
        firm=firm,
        evidence=trigger.sent.text.strip(),
        partnered=partnered,
        days=_duration_days(trigger),
    )


def _duration_days(trigger: Token) -> int | None:
    """The length a modifier gives the meeting: "two-day", "3-day"."""
    words = [t.lower_ for t in trigger.lefts]
    text = " ".join(words).replace(" - ", "-")
    for number, count in _NUMBER_WORDS.items():
        if f"{number}-day" in text or f"{number} -day" in text:
            return count
    return None


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "2": 2, "3": 3,
                 "4": 4, "5": 5}  # fmt: skip


def _own_tokens(trigger: Token, triggers: list[Token]) -> list[Token]:
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
    return [t for t in trigger.subtree if t.i not in excluded]


def _subject_tokens(trigger: Token) -> set[int]:
    """Tokens of a verb trigger's subject: dates there ("Aug 9") are not the meeting's."""
    return {
        t.i
        for child in trigger.children
        if child.dep_ in ("nsubj", "nsubjpass") and trigger.pos_ == "VERB"
        for t in child.subtree
    }


def _split_each(mention: Mention) -> list[Mention]:
    """ "A and B each called off visits": one meeting per person."""
    subject = _subject(_climb(mention.trigger))
    if subject is None or len(mention.participants) < 2:
        return [mention]
    verb = subject.head
    if not any(c.lower_ == "each" for c in [*verb.children, *subject.children]):
        return [mention]
    return [
        Mention(
            trigger=mention.trigger,
            participants=[name],
            summit=mention.summit,
            place=mention.place,
            date=mention.date,
            status=mention.status,
            firm=mention.firm,
            evidence=mention.evidence,
            partnered=mention.partnered,
        )
        for name in mention.participants
    ]


# --- participants -------------------------------------------------------------------------------


def _participants(
    trigger: Token, chain: _Chain, own: list[Token], names: NameIndex, is_summit: bool
) -> tuple[list[str], bool]:
    """The people taking part, and whether one was named with the meeting word itself."""
    found: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in found:
            found.append(name)

    subject_ids = _subject_tokens(trigger)
    clause_ids = {t.i for c in trigger.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    for token in own:
        if token.i == trigger.i or token.i in subject_ids or token.i in clause_ids:
            continue
        if token.dep_ == "poss" and is_person_pronoun(token):
            add(_resolve_subject(token, names))  # "his second summit with Kim"
        else:
            add(names.resolve(token))
    partnered = bool(found)
    for token in own:
        if token.i in clause_ids:
            add(names.resolve(token))  # "the summit, which Michel is organising"
    if trigger.dep_ == "relcl" and any(c.tag_ in ("WP", "WDT") for c in trigger.children):
        add(names.resolve(trigger.head))  # "Imran Khan, whom China will host"
        partnered = True
    subject = _subject(chain)
    if subject is not None and not (is_summit and not _attends(chain)):
        # The subject leads: "Ruto will hold talks with Ramaphosa" → Ruto, Ramaphosa.
        partners, found = found, []
        # Every subject: the parser sometimes gives "A, and B will meet" two of them.
        subjects = [c for c in subject.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        for token in subjects or [subject]:
            for part in [token, *token.conjuncts]:
                add(_resolve_subject(part, names))
        for name in partners:
            add(name)
        # "Trump and Kim will meet", "Biden and Xi will hold talks": a meeting between
        # them, not a mention of a summit they attend.
        direct = trigger.pos_ == "VERB" or trigger.dep_ == "dobj"
        partnered = partnered or (direct and len(found) >= 2)
    talked_about = any(t.lower_ in ABOUT_PREPOSITIONS for t in chain.tokens[1:])
    if (
        subject is None
        and found
        and not is_summit
        and not talked_about
        and names.protagonist not in found
    ):
        # "a meeting with Xi" with no one named as going: the article's protagonist goes.
        found.insert(0, names.protagonist or "")
        found = [f for f in found if f]
    return found, partnered


def _subject(chain: _Chain) -> Token | None:
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
        if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"):
            for child in token.head.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return child
    return None


def _resolve_subject(token: Token, names: NameIndex) -> str | None:
    if is_person_pronoun(token):
        # The nearest person named as a subject before the pronoun, else the nearest person.
        window = list(reversed(token.doc[max(0, token.i - 80) : token.i]))
        for previous in window:
            name = names.resolve(previous)
            if (
                name
                and previous.dep_ in ("nsubj", "nsubjpass", "compound")
                and (previous.dep_ != "compound" or previous.head.dep_ in ("nsubj", "nsubjpass"))
            ):
                return name
        for previous in window:
            name = names.resolve(previous)
            if name:
                return name
        return names.protagonist
    for part in token.subtree:
        name = names.resolve(part)
        if name:
            return name
    return None


def _attends(chain: _Chain) -> bool:
    """Whether the chain says its subject takes part in the gathering."""
    if chain.ordered_from is not None:
        return False
    return not any(t.lemma_.lower() in _NOT_ATTENDING for t in chain.tokens[1:])


_NOT_ATTENDING = REPORTING_VERBS | {
    "invite", "urge", "call", "ask", "organise", "organize", "prepare", "postpone", "cancel",
    "boycott", "skip", "miss",
}  # fmt: skip


# --- summits, places and dates -------------------------------------------------------------------


def _name_entity(trigger: Token) -> Span | None:
    """The name a capitalised meeting word ends: "the Commonwealth Heads of Government
    Meeting". The model seldom labels such names, so the capitalised run is taken."""
    if trigger.pos_ != "PROPN":
        return None
    doc = trigger.doc
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


def _summit_name(trigger: Token) -> str | None:
    if trigger.lower_ not in GATHERING_NOUNS and trigger.lemma_.lower() not in GATHERING_NOUNS:
        return None
    doc = trigger.doc
    entity = _name_entity(trigger)
    if entity is not None:
        text = entity.text[4:] if entity.text.lower().startswith("the ") else entity.text
        return _with_acronym(text, entity.end, doc)
    modifiers = [
        c
        for c in trigger.lefts
        if c.dep_ in ("compound", "nmod", "amod", "nummod", "npadvmod", "poss")
        and c.ent_type_ not in ("DATE", "TIME")
    ]
    words = [t for m in modifiers for t in m.subtree]
    places = {t.i for t in words if t.ent_type_ in ("GPE", "LOC")}
    named = [
        m
        for m in modifiers
        if any(_is_name_word(t) or (len(places) >= 2 and t.i in places) for t in m.subtree)
    ]
    start = min((t.i for m in modifiers for t in m.subtree), default=trigger.i)
    while start < trigger.i and (doc[start].dep_ == "det" or doc[start].is_punct):
        start += 1
    end = trigger.i + 1
    # "the summit of the Gulf Cooperation Council", "the summit between the EU and the AU"
    for child in trigger.rights:
        if child.dep_ == "prep" and child.lower_ in ("of", "between"):
            objects = [t for t in child.subtree if _is_name_word(t)]
            people = [t for t in child.subtree if t.ent_type_ in ("PERSON", "TITLE")]
            if objects and not people:  # "the summit between Kishida and Yoon" names people
                named.append(child)
                end = _name_end(child)
    if not named:
        return None
    return _with_acronym(doc[start:end].text, end, doc)


def _group_summit(trigger: Token, chain: _Chain) -> str | None:
    """ "Leaders of the Group of Seven will gather … for their summit": the group's summit."""
    if trigger.lemma_.lower() not in ("gather", "meet", "convene", "summit"):
        return None
    subject = _subject(chain)
    if subject is None or subject.lemma_.lower() not in GROUP_MEMBERS:
        return None
    group = [c for c in subject.lefts if c.dep_ == "compound" and _is_name_word(c)]
    if group:  # "NATO leaders will meet"
        return trigger.doc[group[0].i : group[-1].i + 1].text + " summit"
    for child in subject.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            end = _name_end(child)
            words = [t for t in trigger.doc[child.i + 1 : end] if t.dep_ != "det"]
            if any(_is_name_word(t) for t in words):
                start = words[0].i
                return trigger.doc[start : words[-1].i + 1].text + " summit"
    return None


def _name_end(preposition: Token) -> int:
    """Where "of the Gulf Cooperation Council in Riyadh" stops being a name: before "in"."""
    end = preposition.i + 1
    for token in preposition.doc[preposition.i + 1 :]:
        if not preposition.is_ancestor(token):
            break
        if token.pos_ == "ADP" and token.lower_ not in ("of", "and"):
            break
        if not (
            token.pos_ in ("PROPN", "DET", "CCONJ", "PART", "NUM", "ADP") or _is_name_word(token)
        ):
            break
        end = token.i + 1
    return end


def _is_name_word(token: Token) -> bool:
    """A word that makes a gathering a named one; a city alone ("the Riyadh summit") does not."""
    if token.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "PERSON"):
        return False
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "NORP", "EVENT")


def _with_acronym(name: str, end: int, doc: Doc) -> str:
    """Add a bracketed acronym that follows the name: "… Meeting (CHOGM)"."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        acronym = doc[end + 1].text
        if acronym.isupper() and acronym not in name:
            return f"{name} ({acronym})"
    return name


def _place(trigger: Token, chain: _Chain, own: list[Token]) -> str | None:
    own_ids = {t.i for t in own}
    chain_ids = {t.i for t in chain.tokens}
    best: tuple[int, str] | None = None
    for ent in trigger.sent.ents:
        if ent.label_ not in _PLACE_LABELS or _is_alternative(ent):
            continue
        anchor, via = _place_anchor(ent)
        names_meeting = anchor is not None and via == "compound" and anchor.i == trigger.i
        if anchor is None or (via not in _PLACE_PREPOSITIONS and not names_meeting):
            continue  # "the Busan summit": a place may name the meeting itself, nothing else
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
        if around is not None and around.label_ in _PLACE_LABELS:
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
        if head.ent_type_ == "PERSON":
            return None, ""
        if not via and token.dep_ in ("npadvmod", "compound", "nmod"):
            via = "compound"
        return _predicate_head(head), via
    return None, ""


def _strip_article(ent: Span) -> str:
    tokens = list(ent)
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    if tokens and tokens[-1].tag_ == "POS":
        tokens = tokens[:-1]
    return "".join(t.text_with_ws for t in tokens).strip()


def _index_dates(doc: Doc, dates: Iterable[TemporalExpression]) -> dict[int, TemporalExpression]:
    by_token: dict[int, TemporalExpression] = {}
    for expression in dates:
        span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
        if span is None or expression.date is None:
            continue
        for token in span:
            by_token[token.i] = expression
    return by_token


def _attached_date(
    trigger: Token,
    chain: _Chain,
    own: list[Token],
    date_tokens: dict[int, TemporalExpression],
    status_at: int | None,
) -> TemporalExpression | None:
    """The date the words link to this meeting, best first: on the meeting word itself,
    in its phrase, on a verb governing it, in a relative clause about it.

    Dates on the verb that calls a meeting off ("on Tuesday put off the visit") date the
    decision, not the meeting; so do dates across "ahead of" and in a verb trigger's subject.
    """
    candidates: list[tuple[int, TemporalExpression]] = []
    own_ids = {t.i for t in own}
    excluded = _subject_tokens(trigger)
    dating_tokens = chain.dating()
    if status_at is not None:
        dating_tokens = dating_tokens[: max(status_at, 1)]
    dating = {t.i: rank for rank, t in enumerate(dating_tokens)}
    top = chain.top
    if top.dep_ == "conj" and chain.ordered_from is None and status_at is None:
        dating.setdefault(top.head.i, len(dating))
    venue_verb = _where_clause_verb(top)
    if venue_verb is not None and chain.ordered_from is None and status_at is None:
        dating.setdefault(venue_verb.i, 40)  # "to Pretoria on Friday, where he will meet …"
    clause_ids = {t.i for c in trigger.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    # "a visit to Mexico City that had been planned for Wednesday"
    clause_ids |= {
        t.i
        for c in trigger.subtree
        if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in _SCHEDULING_VERBS
        for t in c.subtree
    }
    for i, expression in date_tokens.items():
        token = trigger.doc[i]
        if token.sent.start != trigger.sent.start or i in excluded:
            continue
        anchor = _date_anchor(token)
        if anchor is not None and anchor.i == trigger.i:
            candidates.append((0, expression))
        elif i in own_ids and i not in clause_ids:
            candidates.append((1, expression))
        elif anchor is not None and anchor.i in dating:
            candidates.append((2 + dating[anchor.i], expression))
        elif i in clause_ids:
            candidates.append((50, expression))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], -_PRECISION_RANK[c[1].precision]))
    return candidates[0][1]


_SCHEDULING_VERBS = frozenset({"plan", "schedule", "set", "slate", "due", "expect", "intend"})


def _where_clause_verb(top: Token) -> Token | None:
    """The verb of the clause a "where" clause hangs on, through its place noun."""
    clause = [
        t
        for t in top.subtree
        if t.lower_ == "where" and t.head.i in (top.i, *(c.i for c in top.children))
    ]
    if top.dep_ != "relcl" or not clause:
        return None
    current = top.head
    for _ in range(4):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _date_anchor(token: Token) -> Token | None:
    """The verb or noun a date modifies: "on Wednesday" → "is" in "is due … on Wednesday"."""
    current = token
    for _ in range(5):
        head = current.head
        if head.i == current.i:
            return None
        if (
            head.pos_ in ("ADP", "NUM")
            or head.ent_type_ in ("DATE", "TIME")
            or (head.pos_ == "NOUN" and current.dep_ == "compound")
        ):
            current = head
            continue
        return _reported_clause_fix(token, _predicate_head(head))
    return None


def _reported_clause_fix(token: Token, anchor: Token) -> Token:
    """ "X said on Sunday he was ready …": a date between a verb of saying and the subject
    of what was said dates the saying, whatever the parser attached it to."""
    if anchor.dep_ != "ccomp" or anchor.head.lemma_.lower() not in REPORTING_VERBS:
        return anchor
    subjects = [c.i for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")]
    if anchor.head.i < token.i < min(subjects, default=-1):
        return anchor.head
    return anchor


def _predicate_head(token: Token) -> Token:
    """ "is due in Busan on Wednesday": what hangs on "due" belongs to "is"."""
    if token.dep_ == "acomp" and token.pos_ == "ADJ":
        return token.head
    return token


# --- tense and status ---------------------------------------------------------------------------


def _context_words(chain: _Chain) -> list[Token]:
    """The chain and the auxiliaries, modifiers and particles hanging on it."""
    words: list[Token] = []
    for token in chain.tokens:
        words.append(token)
        words.extend(
            c
            for c in token.children
            if c.dep_
            in ("aux", "auxpass", "neg", "advmod", "amod", "acomp", "prt", "xcomp", "mark")
        )
    top = chain.top
    if top.dep_ in ("acl", "xcomp") and top.head.i != top.i:
        words.append(top.head)  # "a chance that they will meet", "speculation that …"
    return words


def _status(trigger: Token, chain: _Chain) -> tuple[Status, bool, int | None]:
    """The status, whether an explicit cue makes it firm, and where in the chain a
    postponing or cancelling verb stands (its dates belong to the decision)."""
    words = _context_words(chain)
    positions = {t.i: n for n, t in enumerate(chain.tokens)}
    for token in words:
        lemma, lower = token.lemma_.lower(), token.lower_
        particle = STATUS_PARTICLES.get(lemma)
        has_particle = particle is not None and any(c.lower_ == particle for c in token.children)
        if particle is not None and not has_particle:
            continue
        if lemma in POSTPONE_WORDS or lower in POSTPONE_WORDS:
            return Status.POSTPONED, True, positions.get(token.i)
        if lemma in CANCEL_WORDS or lower in CANCEL_WORDS:
            return Status.CANCELLED, True, positions.get(token.i)
    hedged = any(_is_hedge(t) for t in words if t.i != trigger.i)
    if hedged:
        return Status.POSSIBLE, False, None
    firm = any(t.lower_ in _FIRM_CUES or t.lemma_.lower() in _FIRM_CUES for t in words)
    return Status.SCHEDULED, firm, None


def _is_hedge(token: Token) -> bool:
    word = token.lower_ if token.lower_ in HEDGE_WORDS else token.lemma_.lower()
    if word not in HEDGE_WORDS:
        return False
    # "open to meeting" hedges; "the forum opens" does not.
    return word not in ADJECTIVE_HEDGES or token.pos_ == "ADJ"


def _tense(trigger: Token, chain: _Chain) -> str:
    """ "future", "past" or "present" for the clause that governs the trigger."""
    words = _context_words(chain)
    if trigger.pos_ == "NOUN":
        if any(
            c.lower_ in ("upcoming", "next", "planned", "forthcoming", "coming")
            for c in trigger.children
        ):
            return "future"
        if chain.ordered_from is not None and chain.tokens[chain.ordered_from].lower_ != "after":
            return "future"  # "ahead of the summit": still to come
    for token in words:
        lower = token.lower_
        if lower in _MODALS_HEDGED or lower in FUTURE_CUES:
            if lower == "to" and token.dep_ != "aux":
                continue
            return "future"
        if token.tag_ == "VBG" and any(
            c.lemma_ == "be" and c.dep_ == "aux" for c in token.children
        ):
            return "future"  # "is heading", "are meeting"
    for token in chain.tokens:
        if token.lemma_.lower() in REPORTING_VERBS and token.i != trigger.i:
            continue
        if token.tag_ == "VBD":
            return "past"
        if token.tag_ == "VBN" and any(c.lemma_ == "have" for c in token.children):
            return "past"
        if token.tag_ in ("VBZ", "VBP"):
            return "present"
    return "present"


def _is_upcoming(
    status: Status, tense: str, date: TemporalExpression | None, published: dt.date
) -> bool:
    last_day = date.end_date or date.date if date is not None else None
    if last_day is not None and last_day < published:
        return False
    if status in (Status.CANCELLED, Status.POSTPONED):
        return True
    if date is not None and date.date is not None and date.date > published:
        return True  # "was scheduled for Friday": a later date is upcoming whatever the tense
    if tense == "past":
        return False
    if date is not None:
        return True
    return tense == "future" or status is Status.POSSIBLE


# --- merging mentions into events ---------------------------------------------------------------


def _surnames(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        parts = [p.lower() for p in name.replace("-", " ").split() if p.isalpha()]
        if parts:
            out.add(parts[-1])
            if len(parts) >= 2:
                out.add(parts[0])
    return out


def _summit_words(summit: str | None) -> set[str]:
    if not summit:
        return set()
    generic = {"the", "of", "summit", "meeting", "forum", "conference", "and", "leaders", "talks"}
    text = summit.lower().replace("'s", " ").replace("-", " ").replace("(", " ").replace(")", " ")
    return {w for w in text.split() if w not in generic}


@dataclass(slots=True)
class _Draft:
    mentions: list[Mention]

    @property
    def participants(self) -> list[str]:
        seen: list[str] = []
        for mention in self.mentions:
            seen.extend(p for p in mention.participants if p not in seen)
        return seen

    @property
    def summit(self) -> str | None:
        """The longest name given, with a different second name in brackets."""
        summits = sorted({m.summit for m in self.mentions if m.summit}, key=len, reverse=True)
        if not summits:
            return None
        main = summits[0]
        others = [n for n in summits[1:] if n.lower() not in main.lower()]
        return f"{main} ({others[0]})" if others else main

    @property
    def date(self) -> TemporalExpression | None:
        dated = [m.date for m in self.mentions if m.date is not None]
        return max(dated, key=lambda d: _PRECISION_RANK[d.precision]) if dated else None


def _window(expression: TemporalExpression) -> tuple[dt.date, dt.date] | None:
    if expression.date is None:
        return None
    return expression.date, expression.end_date or expression.date


def _dates_agree(a: TemporalExpression | None, b: TemporalExpression | None) -> bool:
    """Unknown dates agree with anything; known ones when their windows overlap."""
    wa = _window(a) if a is not None else None
    wb = _window(b) if b is not None else None
    if wa is None or wb is None:
        return True
    return wa[0] <= wb[1] and wb[0] <= wa[1]


def _places_conflict(mention: Mention, draft: _Draft) -> bool:
    """Two places for an undated meeting ("a stop in Brunei", "in Beijing on Sept 4") say
    that these are two meetings; with dates, the dates decide."""
    if mention.date is not None and draft.date is not None:
        return False
    mine = mention.place
    theirs = {m.place for m in draft.mentions if m.place}
    if not mine or not theirs:
        return False
    return not any(mine in other or other in mine for other in theirs)


def _belongs(mention: Mention, draft: _Draft, protagonist: str | None) -> bool:
    if not _dates_agree(mention.date, draft.date) or _places_conflict(mention, draft):
        return False
    mine = _surnames(p for p in mention.participants if p != protagonist)
    theirs = _surnames(p for p in draft.participants if p != protagonist)
    summit_mine, summit_theirs = _summit_words(mention.summit), _summit_words(draft.summit)
    if summit_mine and summit_theirs:
        return bool(summit_mine & summit_theirs)
    if summit_mine:
        # A summit and a bilateral are different meetings; "the two-day meeting" that
        # names only who chairs it is the summit itself.
        return not any(m.partnered for m in draft.mentions)
    if summit_theirs:
        return not mention.partnered
    if mine and theirs:
        return bool(mine & theirs)
    # One side names only the article's protagonist: "Abe arrives on Sunday for the
    # visit", "Obama hopes to receive Rousseff in Washington". Dates and places agree.
    return bool(_surnames(mention.participants) & _surnames(draft.participants))
    if not mine and not theirs:
        return mention.date is not None and draft.date is not None
    return False


def _merge(mentions: list[Mention], protagonist: str | None) -> list[Event]:
    drafts: list[_Draft] = []
    for mention in (part for m in mentions for part in _split_each(m)):
        if not mention.participants and mention.summit is None:
            if drafts and _is_another(mention.trigger):
                # "a later meeting": the same people again, another time.
                mention.participants = list(drafts[-1].participants)
                drafts.append(_Draft([mention]))
                continue
            # "The summit had been pushed back", "Tuesday's meeting will …": news about the
            # latest meeting of its kind, when the dates agree.
            if drafts:
                latest = _latest_alike(drafts, mention)
                if _dates_agree(mention.date, latest.date):
                    latest.mentions.append(mention)
            continue
        home = _best_draft(mention, drafts, protagonist)
        if home is None:
            drafts.append(_Draft([mention]))
        else:
            home.mentions.append(mention)
    events = [_to_event(d, protagonist) for d in drafts if _is_meeting(d)]
    return sorted(events, key=lambda e: (e.date or dt.date.max, e.title))


def _is_meeting(draft: _Draft) -> bool:
    """Enough to tell a meeting: two people, a named gathering, or one person and a place
    ("Clinton will visit Dili"); a lone name with nothing else is too little."""
    if draft.summit is not None or len(draft.participants) >= 2:
        return True
    return bool(draft.participants) and any(m.place for m in draft.mentions)


def _best_draft(mention: Mention, drafts: list[_Draft], protagonist: str | None) -> _Draft | None:
    """The event a mention belongs to: most shared names first, then the latest."""
    fitting = [(n, d) for n, d in enumerate(drafts) if _belongs(mention, d, protagonist)]
    if not fitting:
        return None
    mine = _surnames(mention.participants)
    return max(fitting, key=lambda nd: (len(mine & _surnames(nd[1].participants)), nd[0]))[1]


def _is_another(trigger: Token) -> bool:
    words = {c.lower_ for c in trigger.lefts}
    return bool(words & {"a", "an", "another"}) and bool(words & _ANOTHER_WORDS)


_ANOTHER_WORDS = frozenset({"later", "another", "second", "new", "further", "follow-up", "future"})


def _latest_alike(drafts: list[_Draft], mention: Mention) -> _Draft:
    lemma = mention.trigger.lemma_.lower()
    for draft in reversed(drafts):
        if any(m.trigger.lemma_.lower() == lemma for m in draft.mentions):
            return draft
    dated = [d for d in drafts if mention.date is not None and d.date is not None]
    for draft in reversed(dated):
        if _dates_agree(mention.date, draft.date):
            return draft
    return drafts[-1]


def _to_event(draft: _Draft, protagonist: str | None) -> Event:
    mentions = draft.mentions
    date = draft.date
    statuses = [m.status for m in mentions]
    if Status.CANCELLED in statuses:
        status = Status.CANCELLED
    elif Status.POSTPONED in statuses:
        status = Status.POSTPONED
    elif any(m.firm for m in mentions) or Status.POSSIBLE not in statuses:
        status = Status.SCHEDULED
    else:
        status = Status.POSSIBLE
    participants = draft.participants
    place = next((m.place for m in mentions if m.place), None)
    evidence_from = next((m for m in mentions if m.date is not None), mentions[0])
    if date is not None and date.precision is Precision.UNKNOWN:
        date = None  # a year alone ("next year") is too coarse to show as a date
    start = date.date if date else None
    end = date.end_date if date and date.end_date != date.date else None
    days = next((m.days for m in mentions if m.days), None)
    if start is not None and end is None and days and date and date.precision is Precision.DAY:
        end = start + dt.timedelta(days=days - 1)
    return Event(
        participants=[p for p in participants if p],
        summit=draft.summit,
        place=place,
        date=start,
        end_date=end,
        precision=date.precision if date else Precision.UNKNOWN,
        status=status,
        evidence=evidence_from.evidence,
    )
