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
from bot.nlp.names import NameIndex, is_person_pronoun
from bot.nlp.vocabulary import (
    CANCEL_WORDS,
    FUTURE_CUES,
    GATHERING_NOUNS,
    HEDGE_WORDS,
    LIGHT_NOUNS,
    LIGHT_VERBS,
    MEETING_NOUNS,
    MEETING_VERBS,
    ORDERING_PREPOSITIONS,
    POSTPONE_WORDS,
    REPORTING_VERBS,
    STATUS_PARTICLES,
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
    if token.pos_ in ("NOUN", "PROPN") and (lemma in MEETING_NOUNS or token.lower_ in MEETING_NOUNS):
        # A proper-noun "Meeting" counts only as part of a gathering's name.
        return token.pos_ == "NOUN" or token.lower_ in GATHERING_NOUNS
    if token.pos_ == "VERB" and lemma in MEETING_VERBS:
        if lemma in LIGHT_VERBS:
            return False  # "hold talks": the noun is the mention
        return not any(c.dep_ == "dobj" and c.lemma_.lower() in MEETING_NOUNS for c in token.children)
    return False


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
    participants = _participants(trigger, chain, own, names, summit is not None)
    date = _attached_date(trigger, chain, own, date_tokens)
    place = _place(trigger, chain, own)
    status, firm = _status(trigger, chain)
    tense = _tense(trigger, chain)
    if not _is_upcoming(status, tense, date, published):
        return None
    if not participants and summit is None and date is None:
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
    )


def _own_tokens(trigger: Token, triggers: list[Token]) -> list[Token]:
    """The trigger's subtree, less the subtrees of other meeting words and nested clauses."""
    excluded: set[int] = set()
    for other in triggers:
        if other.i != trigger.i and other.is_ancestor(trigger) is False and trigger.is_ancestor(other):
            excluded.update(t.i for t in other.subtree)
    for token in trigger.subtree:
        if token.i != trigger.i and token.dep_ in ("relcl", "ccomp", "advcl") and token.pos_ == "VERB":
            excluded.update(t.i for t in token.subtree)
    return [t for t in trigger.subtree if t.i not in excluded]


# --- participants -------------------------------------------------------------------------------


def _participants(
    trigger: Token, chain: _Chain, own: list[Token], names: NameIndex, is_summit: bool
) -> list[str]:
    found: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in found:
            found.append(name)

    for token in own:
        if token.i == trigger.i:
            continue
        add(names.resolve(token))
    subject = _subject(chain)
    if subject is not None and not (is_summit and not _attends(chain)):
        for token in [subject, *subject.conjuncts]:
            add(_resolve_subject(token, names))
    if subject is None and found and not is_summit and names.protagonist not in found:
        # "a meeting with Xi" with no one named as going: the article's protagonist goes.
        found.insert(0, names.protagonist or "")
        found = [f for f in found if f]
    return found


def _subject(chain: _Chain) -> Token | None:
    for token in chain.tokens:
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
        # The nearest person named before the pronoun, in this or an earlier sentence.
        for previous in reversed(token.doc[max(0, token.i - 80) : token.i]):
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
    attending = {"attend", "join", "participate", "lead", "travel", "head", "go", "fly", "arrive",
                 "host", "chair", "address", "represent", "be", "meet"}  # fmt: skip
    return any(t.lemma_.lower() in attending for t in chain.tokens[1:]) or chain.top == chain.tokens[0]


# --- summits, places and dates -------------------------------------------------------------------


def _summit_name(trigger: Token) -> str | None:
    if trigger.lower_ not in GATHERING_NOUNS and trigger.lemma_.lower() not in GATHERING_NOUNS:
        return None
    if trigger.ent_type_ in ("ORG", "EVENT") and trigger.pos_ == "PROPN":
        ent = next((e for e in trigger.sent.ents if e.start <= trigger.i < e.end), None)
        if ent is not None:
            return _with_acronym(ent.text, ent.end, trigger.doc)
    modifiers = [
        c for c in trigger.lefts if c.dep_ in ("compound", "nmod", "amod", "nummod", "npadvmod")
    ]
    named = [m for m in modifiers if any(_is_name_word(t) for t in m.subtree)]
    if not named:
        return None
    start = min(t.i for m in modifiers for t in m.subtree)
    # Ordinals ("the 11th BRICS summit") belong to the name; determiners do not.
    while trigger.doc[start].dep_ == "det" or trigger.doc[start].is_punct:
        start += 1
    span = trigger.doc[start : trigger.i + 1]
    return _with_acronym(span.text, trigger.i + 1, trigger.doc)


def _is_name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "NORP", "GPE", "EVENT", "LOC")


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
        if ent.label_ not in _PLACE_LABELS:
            continue
        anchor, via = _place_anchor(ent)
        if anchor is None or via not in _PLACE_PREPOSITIONS:
            # "the Busan summit": a place may name the meeting itself, nothing else.
            if not (anchor is not None and via == "compound" and anchor.i == trigger.i):
                continue
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
    if top.dep_ == "relcl" and any(c.lower_ == "where" for c in top.children):
        head = top.head
        if head.ent_type_ in _PLACE_LABELS:
            ent = next((e for e in head.sent.ents if e.start <= head.i < e.end), None)
            if ent is not None:
                return _strip_article(ent)
    return None


def _place_anchor(ent: Span) -> tuple[Token | None, str]:
    """The word a place hangs on through its preposition ("in Busan" → its verb), and the
    preposition; places inside names ("China's Xi") have no anchor."""
    token = ent.root
    via = ""
    for _ in range(6):
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
        return head, via
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
    trigger: Token, chain: _Chain, own: list[Token], date_tokens: dict[int, TemporalExpression]
) -> TemporalExpression | None:
    candidates: list[tuple[int, TemporalExpression]] = []
    own_ids = {t.i for t in own}
    dating = {t.i: rank for rank, t in enumerate(chain.dating())}
    top = chain.top
    if top.dep_ == "conj" and chain.ordered_from is None:
        dating.setdefault(top.head.i, len(dating))
    for i, expression in date_tokens.items():
        token = trigger.doc[i]
        if token.sent.start != trigger.sent.start:
            continue
        if i in own_ids:
            candidates.append((0, expression))
            continue
        anchor = _date_anchor(token)
        if anchor is not None and anchor.i in dating:
            candidates.append((1 + dating[anchor.i], expression))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], -_PRECISION_RANK[c[1].precision]))
    return candidates[0][1]


def _date_anchor(token: Token) -> Token | None:
    """The verb or noun a date modifies: "on Wednesday" → "is" in "is due … on Wednesday"."""
    current = token
    for _ in range(5):
        head = current.head
        if head.i == current.i:
            return None
        if head.pos_ in ("ADP", "NUM") or head.ent_type_ in ("DATE", "TIME") or (
            head.pos_ == "NOUN" and current.dep_ == "compound"
        ):
            current = head
            continue
        return head
    return None


# --- tense and status ---------------------------------------------------------------------------


def _context_words(chain: _Chain) -> list[Token]:
    """The chain and the auxiliaries, modifiers and particles hanging on it."""
    words: list[Token] = []
    for token in chain.tokens:
        words.append(token)
        words.extend(
            c
            for c in token.children
            if c.dep_ in ("aux", "auxpass", "neg", "advmod", "amod", "acomp", "prt", "xcomp")
        )
    top = chain.top
    if top.dep_ in ("acl", "xcomp") and top.head.i != top.i:
        words.append(top.head)  # "a chance that they will meet", "speculation that …"
    return words


def _status(trigger: Token, chain: _Chain) -> tuple[Status, bool]:
    words = _context_words(chain)
    for token in words:
        lemma, lower = token.lemma_.lower(), token.lower_
        particle = STATUS_PARTICLES.get(lemma)
        has_particle = particle is not None and any(c.lower_ == particle for c in token.children)
        if lemma in POSTPONE_WORDS or lower in POSTPONE_WORDS:
            if particle is None or has_particle:
                return Status.POSTPONED, True
        if lemma in CANCEL_WORDS or lower in CANCEL_WORDS:
            if particle is None or has_particle:
                return Status.CANCELLED, True
    hedged = any(
        t.lower_ in HEDGE_WORDS or t.lemma_.lower() in HEDGE_WORDS
        for t in words
        if t.i != trigger.i
    )
    if hedged:
        return Status.POSSIBLE, False
    firm = any(t.lower_ in _FIRM_CUES or t.lemma_.lower() in _FIRM_CUES for t in words)
    return Status.SCHEDULED, firm


def _tense(trigger: Token, chain: _Chain) -> str:
    """"future", "past" or "present" for the clause that governs the trigger."""
    words = _context_words(chain)
    if trigger.pos_ == "NOUN":
        if any(c.lower_ in ("upcoming", "next", "planned", "forthcoming", "coming") for c in trigger.children):
            return "future"
        if chain.ordered_from is not None and chain.tokens[chain.ordered_from].lower_ != "after":
            return "future"  # "ahead of the summit": still to come
    for token in words:
        lower = token.lower_
        if lower in _MODALS_HEDGED or lower in FUTURE_CUES:
            if lower == "to" and token.dep_ != "aux":
                continue
            return "future"
        if token.tag_ == "VBG" and any(c.lemma_ == "be" and c.dep_ == "aux" for c in token.children):
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
    return {w for w in summit.lower().replace("-", " ").replace("(", " ").replace(")", " ").split()
            if w not in generic}  # fmt: skip


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
        summits = [m.summit for m in self.mentions if m.summit]
        return max(summits, key=len) if summits else None

    @property
    def date(self) -> TemporalExpression | None:
        dated = [m.date for m in self.mentions if m.date is not None]
        return max(dated, key=lambda d: _PRECISION_RANK[d.precision]) if dated else None


def _dates_agree(a: TemporalExpression | None, b: TemporalExpression | None) -> bool:
    if a is None or b is None:
        return True
    return a.date == b.date or a.value == b.value


def _belongs(mention: Mention, draft: _Draft, protagonist: str | None) -> bool:
    if not _dates_agree(mention.date, draft.date):
        return False
    mine = _surnames(p for p in mention.participants if p != protagonist)
    theirs = _surnames(p for p in draft.participants if p != protagonist)
    summit_mine, summit_theirs = _summit_words(mention.summit), _summit_words(draft.summit)
    if summit_mine and summit_theirs:
        return bool(summit_mine & summit_theirs)
    if summit_mine:
        # A summit and a bilateral are different meetings; "the summit" may name nobody.
        return not theirs
    if summit_theirs:
        return not mine
    if mine and theirs:
        return bool(mine & theirs)
    if not mine and not theirs:
        return mention.date is not None and draft.date is not None
    return False


def _merge(mentions: list[Mention], protagonist: str | None) -> list[Event]:
    drafts: list[_Draft] = []
    for mention in mentions:
        home = next((d for d in drafts if _belongs(mention, d, protagonist)), None)
        if home is None:
            drafts.append(_Draft([mention]))
        else:
            home.mentions.append(mention)
    # Bare dated mentions ("Tuesday's meeting") only add to an event of the same day.
    events = [
        _to_event(d, protagonist) for d in drafts if d.participants or d.summit is not None
    ]
    return sorted(events, key=lambda e: (e.date or dt.date.max, e.title))


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
    if protagonist in participants and participants[0] != protagonist:
        participants = [protagonist, *(p for p in participants if p != protagonist)]
    place = next((m.place for m in mentions if m.place), None)
    evidence_from = next((m for m in mentions if m.date is not None), mentions[0])
    return Event(
        participants=[p for p in participants if p],
        summit=draft.summit,
        place=place,
        date=date.date if date else None,
        end_date=date.end_date if date and date.end_date != date.date else None,
        precision=date.precision if date else Precision.UNKNOWN,
        status=status,
        evidence=evidence_from.evidence,
    )
