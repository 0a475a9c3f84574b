"""When a mention's meeting is: its date, its tense, and how certain it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from bot.domain import Precision, Status, TemporalExpression, Tense
from bot.nlp.events.syntax import (
    MARGIN_NOUNS,
    Chain,
    following_clauses,
    predicate_head,
    scheduling_clause_ids,
    subject_tokens,
)
from bot.nlp.temporal.lexicon import NUMBER_WORDS
from bot.nlp.vocabulary import (
    ADJECTIVE_HEDGES,
    AHEAD_MODIFIERS,
    CANCEL_WORDS,
    COMING_WORDS,
    FIRM_CUES,
    FUTURE_AUXILIARIES,
    FUTURE_MARKERS,
    GATHERING_NOUNS,
    HEDGE_WORDS,
    INVITING_VERBS,
    NEGATED_HEDGES,
    PLANNING_LEMMAS,
    POSTPONE_WORDS,
    REPORTING_VERBS,
    SCHEDULING_LEMMAS,
    STATUS_PARTICLES,
    TRAVEL_VERBS,
    UNSETTLED_VERBS,
)

PRECISION_RANK = {Precision.DAY: 3, Precision.WEEK: 2, Precision.MONTH: 1, Precision.UNKNOWN: 0}


@dataclass(slots=True)
class DateIndex:
    """The resolved dates of a document by token and by sentence, so that a mention looks
    only at the dates of its own sentence (the cost stays linear in the article)."""

    by_token: dict[int, TemporalExpression] = field(default_factory=dict)
    by_sentence: dict[int, list[tuple[int, TemporalExpression]]] = field(default_factory=dict)

    def in_sentence(self, token: Token) -> list[tuple[int, TemporalExpression]]:
        return self.by_sentence.get(token.sent.start, [])


def index_dates(doc: Doc, dates: Iterable[TemporalExpression]) -> DateIndex:
    index = DateIndex()
    for expression in dates:
        span = doc.char_span(expression.start, expression.end, alignment_mode="expand")
        if span is None or expression.date is None:
            continue
        for token in span:
            index.by_token[token.i] = expression
    sentence_of = {t.i: s.start for s in doc.sents for t in s if t.i in index.by_token}
    for i in sorted(index.by_token):
        index.by_sentence.setdefault(sentence_of[i], []).append((i, index.by_token[i]))
    return index


def attached_date(
    trigger: Token,
    chain: Chain,
    own: list[Token],
    date_tokens: DateIndex,
    status_at: int | None,
) -> TemporalExpression | None:
    """The date the words link to this meeting, best first: on the meeting word itself,
    in its phrase, on a verb governing it, in a relative clause about it.

    Dates on the verb that calls a meeting off ("on Tuesday put off the visit") date the
    decision, not the meeting; so do dates across "ahead of" and in a verb trigger's subject.
    """
    candidates: list[tuple[float, TemporalExpression]] = []
    own_ids = {t.i for t in own}
    excluded = subject_tokens(trigger)
    dating_tokens = chain.dating()
    if status_at is not None:
        dating_tokens = dating_tokens[: max(status_at, 1)]
    # "… said on Monday": a verb of saying dates the saying.
    dating = {
        t.i: rank
        for rank, t in enumerate(dating_tokens)
        if rank == 0 or t.lemma_.lower() not in REPORTING_VERBS
    }
    # "… has been confirmed for Saturday": a date given *for* the meeting is its own.
    scheduled_for = {
        t.i: rank
        for rank, t in enumerate(dating_tokens)
        if rank > 0 and t.lemma_.lower() in REPORTING_VERBS
    }
    top = chain.top
    if top.dep_ == "conj" and chain.ordered_from is None and status_at is None:
        dating.setdefault(top.head.i, len(dating))
    # Verbs reached across "and": the first of two coordinated verbs.
    coordinated = {t.head.i for t in chain.tokens if t.dep_ == "conj"}
    venue_verb = _where_clause_verb(top)
    if venue_verb is not None and chain.ordered_from is None and status_at is None:
        dating.setdefault(venue_verb.i, 40)  # "to Pretoria on Friday, where he will meet …"
        if venue_verb.dep_ == "xcomp":
            dating.setdefault(venue_verb.head.i, 41)  # "on Wednesday he is to be in Ankara"
    # Clauses about the meeting: "the summit, which opens on Tuesday", "a visit to Mexico
    # City that had been planned for Wednesday" — but not "that was postponed this year",
    # which dates the postponement.
    clauses = following_clauses(trigger, chain)
    clause_ids = {t.i for c in clauses for t in c.subtree} | scheduling_clause_ids(trigger)
    decision_ids = {t.i for c in clauses if _calls_off(c) for t in c.subtree}
    for i, expression in date_tokens.in_sentence(trigger):
        token = trigger.doc[i]
        if i in excluded or i in decision_ids:
            continue
        anchor = _date_anchor(token)
        if anchor is not None and anchor.i != trigger.i:
            anchor = _through_margins(anchor)
        if anchor is not None and anchor.i == trigger.i:
            candidates.append((0, expression))
        elif i in own_ids and i not in clause_ids:
            candidates.append((1, expression))
        elif i in clause_ids:
            candidates.append((1.5, expression))
        elif anchor is not None and anchor.i in dating:
            if anchor.i in coordinated and expression.tense is Tense.PAST:
                continue  # "spoke by phone on Saturday and agreed to meet": the call's day
            candidates.append((2 + dating[anchor.i], expression))
        elif anchor is not None and anchor.i in scheduled_for and _given_for(token):
            candidates.append((2 + scheduled_for[anchor.i], expression))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], -PRECISION_RANK[c[1].precision]))
    return candidates[0][1]


def date_of_sequence(
    chain: Chain, dates: DateIndex, published: dt.date
) -> TemporalExpression | None:
    """ "The schedule begins on Monday with a wreath-laying. He then goes to the palace for
    the meeting": a step of an itinerary with "then" and no date of its own is on the day
    of the step before it, in the sentence before."""
    then = any(c.lower_ == "then" and c.dep_ == "advmod" for t in chain.tokens for c in t.children)
    stay = _during_the_stay(chain)
    if not (then or stay):
        return None
    sent = chain.tokens[0].sent
    if sent.start == 0:
        return None
    before = dates.in_sentence(sent.doc[sent.start - 1])
    days = list(
        dict.fromkeys(
            e
            for _, e in before
            if e.precision is Precision.DAY and e.date is not None and e.date >= published
        )
    )
    if not days:
        return None
    if then:
        return days[-1]
    # "He will land on June 15 and leave on June 18. During that stay, he will meet …": the
    # stay is the span of the sentence before.
    first, last = days[0], days[-1]
    end = last.end_date or last.date
    return replace(first, end_date=end) if end and first.date and end > first.date else first


_STAYS = frozenset({"stay", "visit", "trip", "tour", "time"})


def _during_the_stay(chain: Chain) -> bool:
    """ "During that stay", "during the visit": the period just described."""
    heads = [*chain.tokens, *(c for t in chain.tokens for c in t.children if c.dep_ == "aux")]
    for token in heads:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "during":
                for target in child.children:
                    if target.lemma_.lower() in _STAYS and any(
                        c.lower_ in ("that", "this", "the", "his", "her") for c in target.lefts
                    ):
                        return True
    return False


def _through_margins(anchor: Token) -> Token:
    """ "talks on the sidelines of Wednesday's summit": the summit's date is the date of what
    is held on its sidelines, so the date anchors on the verb the sidelines hang on."""
    if anchor.lemma_.lower() not in GATHERING_NOUNS or anchor.head.lower_ != "of":
        return anchor
    margin = anchor.head.head
    if margin.lower_ not in MARGIN_NOUNS or margin.head.pos_ != "ADP":
        return anchor
    return margin.head.head


def _given_for(token: Token) -> bool:
    """Whether a date hangs on "for": "confirmed for Saturday", "announced for May 3"."""
    head = token
    for _ in range(3):
        if head.head.i == head.i:
            return False
        head = head.head
        if head.pos_ == "ADP":
            return head.lower_ == "for"
    return False


def _calls_off(verb: Token) -> bool:
    """Whether a clause's verb postpones or cancels ("that was postponed this year")."""
    lemma = verb.lemma_.lower()
    particles = STATUS_PARTICLES.get(lemma)
    if particles is not None:
        return any(c.lower_ in particles for c in verb.children)
    return lemma in POSTPONE_WORDS or lemma in CANCEL_WORDS


def _where_clause_verb(top: Token) -> Token | None:
    """The verb of the clause a "where" clause hangs on, through its place noun."""
    clause = [
        t
        for t in top.subtree
        if t.lower_ == "where" and t.head.i in (top.i, *(c.i for c in top.children))
    ]
    if top.dep_ != "relcl" or not clause:
        return None
    # "travel to Pretoria on Friday, where …": place, preposition, verb — nothing else, so
    # that "called off Abe's trip to Guwahati, where …" does not take the decision's date.
    place = top.head
    preposition = place.head
    if place.dep_ != "pobj" or preposition.pos_ != "ADP":
        return None
    verb = preposition.head
    return verb if verb.pos_ in ("VERB", "AUX") else None


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
            or head.lower_ in _TIME_NOUNS  # "at 12:30 local time on Friday"
            or (head.pos_ == "NOUN" and current.dep_ == "compound")
        ):
            current = head
            continue
        return _reported_clause_fix(token, predicate_head(head))
    return None


_TIME_NOUNS = frozenset(
    {"time", "morning", "afternoon", "evening", "night", "noon", "midday", "hours", "gmt", "utc"}
)


def _reported_clause_fix(token: Token, anchor: Token) -> Token:
    """ "X said on Sunday he was ready …": a date between a verb of saying and the subject
    of what was said dates the saying, whatever the parser attached it to."""
    if anchor.dep_ != "ccomp" or anchor.head.lemma_.lower() not in REPORTING_VERBS:
        return anchor
    subjects = [c.i for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")]
    if anchor.head.i < token.i < min(subjects, default=-1):
        return anchor.head
    return anchor


def _context_words(chain: Chain) -> list[Token]:
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
        # "is under consideration", "under discussion": the state of the plan.
        words.extend(
            t
            for c in token.children
            if c.dep_ == "prep" and c.lower_ == "under"
            for t in c.children
        )
    top = chain.top
    if top.dep_ in ("acl", "xcomp") and top.head.i != top.i:
        words.append(top.head)  # "a chance that they will meet", "speculation that …"
    if top.dep_ == "ccomp" and any(c.dep_ == "auxpass" for c in top.head.children):
        words.append(top.head)  # "it is understood that …", "it is believed that …"
    return words


def status_of(trigger: Token, chain: Chain) -> tuple[Status, bool, int | None]:
    """The status, whether an explicit cue makes it firm, and where in the chain a
    postponing or cancelling verb stands (its dates belong to the decision)."""
    words = _context_words(chain)
    positions = {t.i: n for n, t in enumerate(chain.tokens)}
    for token in words:
        lemma, lower = token.lemma_.lower(), token.lower_
        particles = STATUS_PARTICLES.get(lemma)
        if particles is not None and not any(c.lower_ in particles for c in token.children):
            continue
        if any(c.dep_ == "neg" for c in token.children):
            continue  # "has not been postponed"
        if lemma in POSTPONE_WORDS or lower in POSTPONE_WORDS:
            return Status.POSTPONED, True, positions.get(token.i)
        if lemma in CANCEL_WORDS or lower in CANCEL_WORDS:
            return Status.CANCELLED, True, positions.get(token.i)
    being_arranged = any(
        t.lemma_.lower() in UNSETTLED_VERBS
        and any(c.lower_ == "being" and c.dep_ == "auxpass" for c in t.children)
        for t in words
    )  # "a meeting is being arranged": not fixed yet
    hedged = (
        being_arranged
        or any(_is_hedge(t) for t in words if t.i != trigger.i)
        or any(
            t.lemma_.lower() in NEGATED_HEDGES and any(c.dep_ == "neg" for c in t.children)
            for t in words
        )
    )  # "did not rule out a meeting"
    # "X invited Y to visit": until Y accepts, the visit is only possible.
    invited = any(
        t.dep_ == "xcomp" and t.head.lemma_.lower() in INVITING_VERBS for t in chain.tokens
    )
    if hedged or invited:
        return Status.POSSIBLE, False, None
    firm = any(t.lower_ in FIRM_CUES or t.lemma_.lower() in FIRM_CUES for t in words)
    return Status.SCHEDULED, firm, None


def _is_hedge(token: Token) -> bool:
    word = token.lower_ if token.lower_ in HEDGE_WORDS else token.lemma_.lower()
    if word not in HEDGE_WORDS:
        return False
    # "open to meeting" hedges; "the forum opens" does not.
    return word not in ADJECTIVE_HEDGES or token.pos_ == "ADJ"


def tense_of(trigger: Token, chain: Chain) -> Tense:
    """The tense of the clause that governs the trigger."""
    words = _context_words(chain)
    if trigger.pos_ == "NOUN":
        if any(c.lower_ in AHEAD_MODIFIERS for c in trigger.children):
            return Tense.FUTURE
        if chain.ordered_from is not None and chain.tokens[chain.ordered_from].lower_ != "after":
            return Tense.FUTURE  # "ahead of the summit": still to come
    for token in words:
        if _looks_ahead(token):
            if token.lower_ == "to" and (token.dep_ != "aux" or _role_infinitive(token.head)):
                continue  # "she is the first leader to visit": the role's verb tells
            return Tense.FUTURE
        if token.tag_ == "VBG" and any(
            c.lemma_ == "be" and c.dep_ == "aux" for c in token.children
        ):
            return Tense.FUTURE  # "is heading", "are meeting"
    if _there_for(trigger):
        return Tense.FUTURE  # "who is in Lima for the APEC summit": it is on or to come
    if any(t.lemma_.lower() in INVITING_VERBS and t.i != trigger.i for t in chain.tokens):
        return Tense.FUTURE  # "has invited Putin to the G20 summit": a summit still to come
    for token in chain.tokens:
        if token.lemma_.lower() in NEGATED_HEDGES and any(c.dep_ == "neg" for c in token.children):
            return Tense.FUTURE  # "has not ruled out a meeting": one still to come
        if token.lemma_.lower() in REPORTING_VERBS and token.i != trigger.i:
            continue
        if token.tag_ == "VBN" and token.lemma_.lower() in SCHEDULING_LEMMAS:
            return Tense.FUTURE  # "has been slotted for 9.30 am", "had been set for Monday"

        if token.tag_ == "VBD":
            return Tense.PAST
        if token.tag_ == "VBN" and any(c.lemma_ == "have" for c in token.children):
            return Tense.PAST
        if token.tag_ in ("VBZ", "VBP") and token.lemma_.lower() in TRAVEL_VERBS:
            return Tense.FUTURE  # "the following day she goes on to Valletta for talks"
        if token.tag_ in ("VBZ", "VBP"):
            return Tense.PRESENT
    return Tense.PRESENT


def _looks_ahead(token: Token) -> bool:
    """A modal, a planning word or a marker that points its clause ahead: "will", "could",
    "is due", "plans", "upcoming", "is going to", "set to", "to meet"."""
    lower = token.lower_
    return (
        lower in FUTURE_AUXILIARIES
        or lower in FUTURE_MARKERS
        or lower in COMING_WORDS
        or token.lemma_.lower() in PLANNING_LEMMAS
    )


def _there_for(trigger: Token) -> bool:
    """ "X is in Lima for the summit", "leaders are in town for the talks"."""
    if trigger.head.lower_ != "for" or trigger.lemma_.lower() not in GATHERING_NOUNS | {"talk"}:
        return False
    for ancestor in list(trigger.ancestors)[1:4]:
        if ancestor.lemma_ == "be" and ancestor.tag_ in ("VBZ", "VBP"):
            return True
        if ancestor.pos_ == "VERB":
            return False
    return False


def _role_infinitive(verb: Token) -> bool:
    return verb.dep_ in ("acl", "relcl") and verb.head.dep_ == "attr"


def is_upcoming(
    status: Status, tense: Tense, date: TemporalExpression | None, published: dt.date
) -> bool:
    last_day = date.end_date or date.date if date is not None else None
    if last_day is not None and last_day < published:
        return False
    if status in (Status.CANCELLED, Status.POSTPONED):
        return True
    if date is not None and date.date is not None and date.date > published:
        return True  # "was scheduled for Friday": a later date is upcoming whatever the tense
    if date is not None and date.tense in (Tense.PRESENT, Tense.FUTURE) and status.is_upcoming:
        return True  # "the summit, which runs from today to Monday": still to come
    if tense is Tense.PAST:
        return False
    if date is not None:
        return True
    return tense is Tense.FUTURE or status is Status.POSSIBLE


def duration_days(trigger: Token) -> int | None:
    """The length a modifier gives the meeting: "two-day", "3-day"."""
    words = [t.lower_ for left in trigger.lefts for t in left.subtree]
    text = " ".join(words).replace(" - ", "-")
    for number, count in _DAY_COUNTS.items():
        if f"{number}-day" in text or f"{number} -day" in text:
            return count
    return None


# "two-day", "3-day": the number words and the digits a duration takes.
_DAY_COUNTS = {
    **{word: n for word, n in NUMBER_WORDS.items() if n >= 2},
    **{str(n): n for n in range(2, 13)},
}
