"""Mentions: one meeting word, and what the words linked to it say about the meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from bot.domain import Status, TemporalExpression
from bot.nlp.events.naming import group_summit, place_of, summit_name
from bot.nlp.events.syntax import (
    Chain,
    climb,
    following_clauses,
    own_tokens,
    subject_of,
    subject_tokens,
)
from bot.nlp.events.timing import (
    DateIndex,
    attached_date,
    date_of_sequence,
    duration_days,
    is_upcoming,
    status_of,
    tense_of,
)
from bot.nlp.names import NameIndex, country_key, is_person_pronoun
from bot.nlp.vocabulary import (
    ABOUT_PREPOSITIONS,
    CONFIRMING_VERBS,
    GATHERING_NOUNS,
    GROUP_MEETING_WORDS,
    LEGISLATURES,
    LIGHT_VERBS,
    MEETING_NOUNS,
    MEETING_VERBS,
    MODIFIED_MEETING_NOUNS,
    NEGATED_HEDGES,
    NOT_MEETING_MODIFIERS,
    NOT_MEETING_OBJECTS,
    PERSON_NOUNS,
    PHRASAL_MEETING_VERBS,
    REPORTING_VERBS,
    VERB_OBJECTS,
)


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
    partners: list[str] = field(default_factory=list)  # those met, as against who meets
    bilateral: bool = False  # one of the bilaterals a list of partners was split into
    separate: bool = False  # "a separate summit": not one already mentioned
    of_gathering: bool = False  # "the main session of the summit": part of the summit named
    unnamed_partners: bool = False  # "talks with the leaders of Comoros and Turkiye"


def is_trigger(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ in ("NOUN", "PROPN") and (
        lemma in MEETING_NOUNS or token.lower_ in MEETING_NOUNS
    ):
        if any(c.lower_ in NOT_MEETING_MODIFIERS for c in token.lefts) or _by_phone(token):
            return False  # "a news conference", "phone talks", "talks by telephone"
        if _of_a_legislature(token):
            return False  # "the ordinary session of the Diet": lawmakers, not leaders
        # A proper-noun "Meeting" counts only as part of a gathering's name.
        return token.pos_ == "NOUN" or token.lower_ in GATHERING_NOUNS
    if token.pos_ == "NOUN" and lemma in MODIFIED_MEETING_NOUNS:
        wanted = MODIFIED_MEETING_NOUNS[lemma]
        return any(c.lower_ in wanted for c in token.lefts)  # "a courtesy call on X"
    if token.pos_ == "VERB" and lemma in MEETING_VERBS:
        return _is_meeting_verb(token, lemma)
    if token.pos_ == "VERB" and lemma in PHRASAL_MEETING_VERBS:
        # "sit down with Xi", "call on the president": the particle makes the meeting.
        wanted = PHRASAL_MEETING_VERBS[lemma]
        if any(c.lower_ in wanted for c in token.children if c.dep_ in ("prt", "prep")):
            return True
        # "he will call at the White House": a call in person on a seat of government.
        return lemma == "call" and any(
            c.dep_ == "prep"
            and c.lower_ in ("at", "to")
            and any(o.dep_ == "pobj" and o.ent_type_ in ("FAC", "GPE") for o in c.children)
            for c in token.children
        )
    return False


def _has_subject(verb: Token) -> bool:
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return True
    return verb.dep_ in ("xcomp", "conj", "relcl", "acl")  # the subject is the head's


def _of_a_legislature(token: Token) -> bool:
    return any(
        child.dep_ == "prep"
        and child.lower_ == "of"
        and any(t.lower_ in LEGISLATURES for t in child.subtree)
        for child in token.children
    ) or any(c.lower_ in LEGISLATURES for c in token.lefts)


def _by_phone(token: Token) -> bool:
    """ "talks by telephone", "a meeting over the phone": a call, not a meeting."""
    return any(
        sibling.dep_ == "prep"
        and sibling.lower_ in ("by", "over", "via")
        and any(t.lower_ in NOT_MEETING_MODIFIERS for t in sibling.subtree)
        for sibling in (*token.children, *token.head.children)
    )


def _is_meeting_verb(token: Token, lemma: str) -> bool:
    """Whether a verb such as "meet", "host" or "visit" names a meeting here."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "pobj")]
    if lemma in LIGHT_VERBS or any(o.lemma_.lower() in MEETING_NOUNS for o in objects):
        return False  # "hold talks", "attend the summit": the noun is the mention
    if any(c.dep_ == "auxpass" for c in token.children):
        return False  # "the group would be met at the airport"
    if any(c.dep_ == "nsubj" and c.lower_ in LEGISLATURES for c in token.children):
        return False  # "before the Diet convenes"
    if lemma in ("convene", "gather") and not _has_subject(token):
        return False  # "before a session of the Diet, …, convenes": who convenes is unclear
    if any(o.lemma_.lower() in NOT_MEETING_OBJECTS for o in objects):
        return False  # "meet the deadline"
    wanted = VERB_OBJECTS.get(lemma)
    if wanted is None:
        return True
    if token.dep_ == "relcl" and any(o.tag_ in ("WP", "WDT") for o in objects):
        objects.append(token.head)  # "Khan, whom China will host"
    return any(
        (o.ent_type_ in wanted and not _sight(o)) or o.lemma_.lower() in PERSON_NOUNS
        for o in objects
    )


def _sight(token: Token) -> bool:
    """A building the model found that is not a seat of government from our patterns:
    "visit the Golden Temple" is no meeting; "visit the White House" is."""
    return token.ent_type_ == "FAC" and token.ent_id_ != "place"


def analyse(
    trigger: Token,
    triggers: list[Token],
    names: NameIndex,
    date_tokens: DateIndex,
    published: dt.date,
    earlier: list[Mention] | None = None,
) -> Mention | None:
    chain = climb(trigger)
    own = own_tokens(trigger, triggers)
    summit = summit_name(trigger) or _gathering_attended(trigger)
    summit = summit or group_summit(trigger, chain)
    gathering = summit is not None or trigger.lemma_.lower() in ("summit", "conference", "forum")
    participants, partnered, partners = _participants(trigger, chain, own, names, gathering)
    pair = country_pair(summit, names) or _between_countries(trigger, names)
    if pair:
        # "a Korea-Japan summit": the two countries' leaders meet; not a gathering.
        summit, gathering, participants, partnered, partners = None, False, pair, True, pair[1:]
    if any(c.lower_ == "no" for c in trigger.lefts) and not gathering:
        return None  # "no meeting between the two prime ministers is planned"
    if _negated(chain):
        if not gathering:
            return None  # "X will not meet Y"
        # "Putin will not attend the G20 summit": the summit goes on without him.
        participants, partnered, partners = _participants(trigger, chain, own, names, True, False)
    if _hosted_reference(trigger):
        # "Orban would host the talks in Budapest": the talks named before, at his venue;
        # a host not said to take part is left out.
        participants, partnered, partners = [], False, []
    for name in _met_before(trigger, triggers, names):
        if name not in participants:  # "met Biden … and agreed to meet again"
            participants.append(name)
    gathering_chain = chain.own_clause() if gathering else chain
    status, firm, status_at = status_of(trigger, gathering_chain)
    if gathering and status is Status.SCHEDULED and _announced(trigger, chain):
        firm = True  # "the G20 Summit to be held here on September 4-5"
    date = attached_date(trigger, chain, own, date_tokens, status_at)
    if date is None and status_at is None:
        date = date_of_sequence(chain, date_tokens, published)
    place = None if pair else place_of(trigger, chain, own, named=summit is not None)
    tense = tense_of(trigger, chain)
    if not is_upcoming(status, tense, date, published):
        return None
    if not participants:
        probe = Mention(trigger=trigger)
        participants = group_anaphora(probe, earlier or [], names)
        partnered = len(participants) >= 2 and not gathering
    anonymous = not participants and summit is None and date is None
    if anonymous and status.is_upcoming and not is_another(trigger):
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
        partners=partners,
        days=duration_days(trigger),
        separate=any(c.lower_ in ("separate", "different") for c in trigger.lefts),
        of_gathering=_part_of_gathering(trigger),
        unnamed_partners=_unnamed_partners(trigger),
    )


_BACK_REFERENCES = frozenset({"these", "those", "the", "both", "such"})


def unconfirms_previous(sent: Span) -> bool:
    """ "Those appointments have not yet been confirmed", "The meetings are not yet
    finalised": a sentence that takes back the certainty of the meetings just named."""
    for token in sent:
        if token.lemma_.lower() not in CONFIRMING_VERBS:
            continue
        if not any(c.dep_ == "neg" for c in token.children):
            continue
        for subject in token.children:
            if subject.dep_ not in ("nsubj", "nsubjpass"):
                continue
            meeting = subject.lemma_.lower() in MEETING_NOUNS | {"appointment", "plan", "date"}
            if meeting and any(c.lower_ in _BACK_REFERENCES for c in subject.lefts):
                return True
    return False


_GROUP_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}


def group_anaphora(mention: Mention, earlier: list[Mention], names: NameIndex) -> list[str]:
    """ "the three will sit down together", "a chance encounter between the two leaders":
    the people of the latest meeting that named that many (or, for "the leaders", at least
    two), else the last pair of people the text named together."""
    trigger = mention.trigger
    group = subject_of(climb(trigger))
    between = [
        o
        for c in trigger.children
        if c.dep_ == "prep" and c.lower_ in ("between", "of", "among")
        for o in c.children
        if o.dep_ == "pobj"
    ]
    for candidate in [group, *between]:
        if candidate is None:
            continue
        if any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in candidate.children):
            continue  # "the G7 leaders", "European leaders": a group of their own
        words = {t.lower_ for t in candidate.subtree}
        count = next((n for w, n in _GROUP_COUNTS.items() if w in words), None)
        if count is None and not (words & {"leaders", "sides"} and "the" in words):
            continue
        for previous in reversed(earlier[-6:]):
            size = len(previous.participants)
            if (count is None and size >= 2) or size == count:
                return list(previous.participants)
        return _last_named_together(trigger, names, count or 2)
    return []


def _last_named_together(trigger: Token, names: NameIndex, count: int) -> list[str]:
    """The last people named together before a token ("Sharif and Modi … the two leaders")."""
    doc = trigger.doc
    for token in reversed(doc[max(0, trigger.sent.start - 120) : trigger.i]):
        if token.dep_ != "conj":
            continue
        group = [names.resolve(token.head), *(names.resolve(t) for t in token.head.conjuncts)]
        people = list(dict.fromkeys(p for p in group if p))
        if len(people) == count:
            return people
    return []


_PAIR_MEETINGS = (" summit", " meeting", " talks")


def country_pair(summit: str | None, names: NameIndex) -> list[str]:
    """The leaders of a "Korea-Japan summit", "China-US talks": each country's person as the
    article introduced them, the article's protagonist standing for an unnamed one."""
    if not summit or not summit.endswith(_PAIR_MEETINGS):
        return []
    words = summit.rsplit(" ", 1)[0].split()
    if len(words) != 1 or words[0].count("-") != 1:
        return []
    sides = words[0].split("-")
    if not all(side[:1].isupper() for side in sides):
        return []
    people = [names.by_country.get(country_key(side)) for side in sides]
    missing = [n for n, person in enumerate(people) if person is None]
    if len(missing) == 1 and names.protagonist and names.protagonist not in people:
        people[missing[0]] = names.protagonist
    found = [p for p in people if p]
    return found if len(found) == 2 and found[0] != found[1] else []


def _between_countries(trigger: Token, names: NameIndex) -> list[str]:
    """ "direct talks between Russia and Ukraine": the two countries' leaders as the article
    introduced them ("Russian President Vladimir Putin", "Ukrainian President Zelensky")."""
    for child in trigger.children:
        if child.dep_ != "prep" or child.lower_ != "between":
            continue
        objects = [c for c in child.children if c.dep_ == "pobj"]
        sides = [o for obj in objects for o in (obj, *obj.conjuncts)]
        countries = [t for t in sides if t.ent_type_ == "GPE"]
        if len(countries) != 2 or len(sides) != 2:
            return []
        people = [names.by_country.get(country_key(t.text)) for t in countries]
        if all(people) and people[0] != people[1]:
            return [p for p in people if p]
    return []


def split_partners(mention: Mention) -> list[Mention]:
    """One bilateral per partner: "Modi will hold talks with Sunak, Kishida and Scholz" is
    Modi–Sunak, Modi–Kishida and Modi–Scholz, each with the list's date and place.

    Only a list met by one lead is split; a gathering ("a trilateral summit"), people met
    together ("jointly", "between A and B") and guests of a host stay one meeting."""
    partners = mention.partners
    leads = [p for p in mention.participants if p not in partners]
    if not _bilateral_word(mention.trigger):
        return [mention]
    if len(partners) == 1 and len(leads) >= 2 and _plural_bilaterals(mention.trigger):
        # "A and B will hold bilateral meetings with C": A–C and B–C.
        return [
            replace(mention, participants=[partners[0], lead], bilateral=True) for lead in leads
        ]
    if len(partners) < 2 or len(leads) != 1:
        return [mention]
    return [
        replace(mention, participants=[leads[0], partner], bilateral=True) for partner in partners
    ]


def _plural_bilaterals(trigger: Token) -> bool:
    """ "bilateral meetings", "one-on-one talks": several meetings of two."""
    words = {c.lower_ for c in trigger.lefts}
    return trigger.tag_ == "NNS" and bool(words & {"bilateral", "one-on-one", "separate"})


def _bilateral_word(trigger: Token) -> bool:
    lemma = trigger.lemma_.lower()
    if lemma in GROUP_MEETING_WORDS or trigger.lower_ in GROUP_MEETING_WORDS:
        return False
    near = [*trigger.children, *trigger.head.children, trigger.head]
    words = {t.lower_ for t in near} | {t.lower_ for c in trigger.children for t in c.subtree}
    return not (words & GROUP_MEETING_WORDS)


_HOLDING_VERBS = frozenset({"hold", "open", "run", "begin", "start", "convene", "take"})


def _announced(trigger: Token, chain: Chain) -> bool:
    """A gathering with a clause of its own saying when it is held: "the summit, which
    opens on Monday", "the summit to be held on September 4-5"."""
    return any(c.lemma_.lower() in _HOLDING_VERBS for c in following_clauses(trigger, chain))


_PARTS_OF_GATHERINGS = frozenset(
    {"session", "plenary", "retreat", "dinner", "banquet", "lunch", "opening", "segment"}
)


def _unnamed_partners(trigger: Token) -> bool:
    """ "bilateral talks with the leaders of Comoros, Turkiye and the UAE": partners are
    given by office and country, not by name — a meeting all the same."""
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ == "with":
            for target in child.children:
                if target.dep_ == "pobj" and target.lemma_.lower() in PERSON_NOUNS:
                    return any(t.ent_type_ in ("GPE", "NORP") for t in target.subtree)
    return False


def _part_of_gathering(trigger: Token) -> bool:
    """ "the main session of the summit", "the leaders' retreat of the forum"."""
    if trigger.lemma_.lower() not in _PARTS_OF_GATHERINGS:
        return False
    return any(
        c.dep_ == "prep"
        and c.lower_ == "of"
        and any(
            o.dep_ == "pobj"
            and o.lemma_.lower() in ("summit", "conference", "forum", "gathering")
            and any(d.lower_ == "the" for d in o.lefts)
            for o in c.children
        )
        for c in trigger.children
    )


_PLURAL_GATHERINGS = {"summits": "summit", "meetings": "meeting", "conferences": "conference",
                      "forums": "forum", "sessions": "session"}  # fmt: skip


def _gathering_attended(trigger: Token) -> str | None:
    """ "Leaders gather this week for the UN General Assembly": the gathering they come for."""
    if trigger.pos_ != "VERB" or trigger.lemma_.lower() not in ("gather", "convene", "assemble"):
        return None
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ in ("for", "at"):
            for target in child.children:
                if target.dep_ == "pobj" and target.lower_ in GATHERING_NOUNS:
                    return summit_name(target)
    return None


def split_gatherings(mention: Mention) -> list[Mention]:
    """Two gatherings named together are two events: "ahead of the G-8 and G-20 summits"
    is the G-8 summit and the G-20 summit."""
    summit = mention.summit
    if not summit or mention.trigger.tag_ != "NNS":
        return [mention]
    head, _, plural = summit.rpartition(" ")
    singular = _PLURAL_GATHERINGS.get(plural.lower())
    names = [n.strip() for n in head.replace(", and ", ", ").replace(" and ", ", ").split(",")]
    if singular is None or len(names) < 2 or not all(names):
        return [mention]
    return [replace(mention, summit=f"{name} {singular}") for name in names]


def split_each(mention: Mention) -> list[Mention]:
    """One meeting per person: "A and B each called off visits" (each alone), "A and B
    meet separately with C" (A with C, B with C)."""
    subject = subject_of(climb(mention.trigger))
    if subject is None or len(mention.participants) < 2:
        return [mention]
    verb = subject.head
    words = {c.lower_ for c in [*verb.children, *subject.children, *mention.trigger.children]}
    if "each" in words:
        groups = [[name] for name in mention.participants]
    elif words & {"separately", "individually"} and mention.partners:
        leads = [p for p in mention.participants if p not in mention.partners]
        groups = [[lead, *mention.partners] for lead in leads]
    else:
        return [mention]
    return [replace(mention, participants=group) for group in groups]


def _negated(chain: Chain) -> bool:
    """ "will not meet", "won't attend", "never visited": the chain's verb is negated."""
    return any(
        c.dep_ == "neg" and t.lemma_.lower() not in NEGATED_HEDGES
        for t in chain.tokens
        for c in t.children
    )


def _met_before(trigger: Token, triggers: list[Token], names: NameIndex) -> list[str]:
    """Who the same people met before in the sentence, when they "meet again"."""
    if not any(c.lower_ == "again" for c in trigger.children):
        return []
    found: list[str] = []
    for other in triggers:
        if other.i >= trigger.i or other.pos_ != "VERB":
            continue
        for child in other.children:
            if child.dep_ in ("nsubj", "dobj", "prep"):  # "Macron met Scholz … meet again"
                for token in child.subtree:
                    name = names.resolve(token)
                    if name and name not in found:
                        found.append(name)
    return found


def _participants(
    trigger: Token,
    chain: Chain,
    own: list[Token],
    names: NameIndex,
    is_summit: bool,
    with_subject: bool = True,
) -> tuple[list[str], bool, list[str]]:
    """The people taking part, whether one was named with the meeting word itself, and
    those named with it (the people met)."""
    found: list[str] = []

    def add(name: str | None) -> None:
        if name and name not in found:
            found.append(name)

    subject_ids = subject_tokens(trigger)
    clause_ids = {t.i for c in trigger.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
    # "according to Lin, Li will meet Kiro": the source is no participant.
    sources = {t.i for t in trigger.sent if t.lower_ == "according" for t in t.subtree}
    for token in own + _light_verb_partners(trigger):
        if token.i == trigger.i or token.i in subject_ids or token.i in clause_ids:
            continue
        if _names_the_source(token, names) or token.i in sources:
            continue
        if token.dep_ == "poss" and token.head.i == trigger.i and is_person_pronoun(token):
            add(resolve_subject(token, names))  # "his second summit with Kim"
        else:
            add(names.resolve(token))
    partnered = bool(found)
    met = list(found)
    for token in own:
        if token.i in clause_ids:
            add(names.resolve(token))  # "the summit, which Michel is organising"
    if trigger.dep_ == "relcl" and any(c.tag_ in ("WP", "WDT") for c in trigger.children):
        add(names.resolve(trigger.head))  # "Imran Khan, whom China will host"
        partnered = True
    subject = subject_of(chain)
    owned = any(c.dep_ == "poss" for c in trigger.children)
    if chain.ordered_from is not None and found and owned:
        # "X telephoned Modi ahead of Modi's meeting with Putin": the meeting only dates
        # the call; its people are the ones named with it.
        subject = None
    if subject is not None and with_subject and not (is_summit and not _attends(chain)):
        # The subject leads: "Ruto will hold talks with Ramaphosa" → Ruto, Ramaphosa.
        partners, found = found, []
        # Every subject: the parser sometimes gives "A, and B will meet" two of them.
        subjects = [
            c
            for c in subject.head.children
            if c.dep_ in ("nsubj", "nsubjpass") and subject.dep_ in ("nsubj", "nsubjpass")
        ]
        for token in subjects or [subject]:
            for name in subject_names(token, names):
                add(name)
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
    return found, partnered, met


def _names_the_source(token: Token, names: NameIndex) -> bool:
    """ "talks with President Kiska, Rudolf Jindrak, head of the office, told CTK": a name in
    apposition to another person's name is who speaks, not a second partner."""
    top = token
    while top.dep_ in ("compound", "flat") and top.head.i != top.i:
        top = top.head
    if top.dep_ != "appos" or names.resolve(top.head) is None:
        return False
    # The speaker has a role of its own ("head of the office") and a verb of saying follows.
    role = any(c.dep_ == "appos" and c.pos_ == "NOUN" for c in top.children)
    after = top.doc[top.i : top.sent.end]
    says = any(t.lemma_.lower() in REPORTING_VERBS and t.pos_ == "VERB" for t in after)
    return role and says


def _hosted_reference(trigger: Token) -> bool:
    """ "host the talks", "host the summit": a definite meeting word hosted by someone."""
    return (
        trigger.dep_ == "dobj"
        and trigger.head.lemma_.lower() in ("host", "organise", "organize")
        and any(c.lower_ in ("the", "these", "those") for c in trigger.lefts)
        and not any(c.dep_ == "prep" and c.lower_ == "with" for c in trigger.children)
    )


def _light_verb_partners(trigger: Token) -> list[Token]:
    """ "hold a working lunch with Luxon": the parser hangs "with Luxon" on the light verb;
    the partner is the meal's."""
    verb = trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ == "for" and verb.head.pos_ == "VERB":
        # "will join Biden and Ishiba for a trilateral summit": those joined take part.
        return [t for c in verb.head.children if c.dep_ == "dobj" for t in c.subtree]
    subject = trigger.dep_ in ("nsubj", "nsubjpass") and verb.pos_ in ("VERB", "AUX")
    # "three bilateral meetings are expected …: with A, with B": the verb carries them.
    light = trigger.dep_ == "dobj" and verb.lemma_.lower() in LIGHT_VERBS | {"have", "host"}
    if not (subject or light):
        return []
    return [
        t
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "with" and c.i > trigger.i
        for t in c.subtree
    ]


def resolve_subject(token: Token, names: NameIndex) -> str | None:
    if is_person_pronoun(token):
        # The nearest person named as a subject before the pronoun, else the nearest person.
        window = list(reversed(token.doc[max(0, token.i - 80) : token.i]))
        if token.lower_ in ("him", "her") and token.dep_ in ("dobj", "pobj", "dative"):
            # "Meloni invited him": an object pronoun is not its own verb's subject.
            verb = token.head
            own_subject = {
                t.i for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree
            }
            window = [t for t in window if t.i not in own_subject]
        for previous in window:
            name = names.resolve(previous)
            if (
                name
                and previous.dep_ in ("nsubj", "nsubjpass", "compound")
                and (previous.dep_ != "compound" or previous.head.dep_ in ("nsubj", "nsubjpass"))
            ):
                return name
        if names.protagonist:
            # No one named as a subject nearby: "he" is who the article is about, not the
            # last person named as met ("talks with Clinton are planned. On Friday he …").
            return names.protagonist
        for previous in window:
            name = names.resolve(previous)
            if name:
                return name
        return None
    for part in token.subtree:
        name = names.resolve(part)
        if name:
            return name
    return None


def subject_names(subject: Token, names: NameIndex) -> list[str]:
    """Everyone a subject names: "Momen and Home Minister Khan", whatever the parse's shape,
    less people in clauses about them ("Santos, who met Correa, …")."""
    if is_person_pronoun(subject):
        # "He and Arafat": the pronoun's person, then whoever is named beside it.
        first = resolve_subject(subject, names)
        people = [first] if first else []
        for other in subject.conjuncts:
            people.extend(p for p in subject_names(other, names) if p not in people)
        return people
    if subject.lower_ in ("who", "that") and subject.head.dep_ == "relcl":
        # "Erdogan and Aliyev are among the leaders who will hold meetings with Sharif",
        # "Sharif, who will meet Xi": the relative pronoun's antecedent.
        antecedent = subject.head.head
        if antecedent.head.lower_ == "among" and antecedent.dep_ == "pobj":
            copula = antecedent.head.head
            for child in copula.children:
                if child.dep_ == "nsubj":
                    return [n for n in _subtree_names(child, names, exclude_clauses=True)]
        return _subtree_names(antecedent, names, exclude_clauses=True, stop=subject.head)
    return _subtree_names(subject, names, exclude_clauses=True)


def _subtree_names(
    subject: Token, names: NameIndex, exclude_clauses: bool, stop: Token | None = None
) -> list[str]:
    clauses = {t.i for c in subject.subtree if c.dep_ in ("relcl", "acl") for t in c.subtree}
    if stop is not None:
        clauses |= {t.i for t in stop.subtree}
    found: list[str] = []
    for part in subject.subtree:
        if part.i in clauses:
            continue
        name = resolve_subject(part, names) if is_person_pronoun(part) else names.resolve(part)
        if name and name not in found:
            found.append(name)
    return found


def _attends(chain: Chain) -> bool:
    """Whether the chain says its subject takes part in the gathering."""
    if chain.ordered_from is not None:
        return False
    return not any(t.lemma_.lower() in _NOT_ATTENDING for t in chain.tokens[1:])


_NOT_ATTENDING = REPORTING_VERBS | {
    "invite", "urge", "call", "ask", "organise", "organize", "prepare", "postpone", "cancel",
    "boycott", "skip", "miss",
}  # fmt: skip


def is_another(trigger: Token) -> bool:
    words = {c.lower_ for c in trigger.lefts}
    return bool(words & {"a", "an", "another"}) and bool(words & _ANOTHER_WORDS)


_ANOTHER_WORDS = frozenset({"later", "another", "second", "new", "further", "follow-up", "future"})
