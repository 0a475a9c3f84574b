"""Who is who in one article: short mentions ("Xi", "Trump") resolved to full names.

News gives a person's full name once ("China's Xi Jinping") and the surname after; the model
also labels surnames inconsistently (PERSON, ORG). The index maps every token of a full
name to that name, so any later mention of it, whatever its label, resolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from bot.nlp.people import HONORIFICS, WEAK_PARTS, fold, person_id, strip_titles
from bot.nlp.vocabulary import PERSON_PRONOUNS, TITLE_WORDS

# Name parts too common to identify anyone by themselves, and the words of a name by office.
_WEAK_PARTS = WEAK_PARTS | {"the", "of"}
# Ids the patterns give to things that are not one person.
_GENERIC_IDS = frozenset({"", "leader", "title", "place"})


def _parts(text: str) -> list[str]:
    return [
        fold(p) for p in text.replace("-", " ").split() if p.lower().strip(".") not in _WEAK_PARTS
    ]


@dataclass(slots=True)
class NameIndex:
    """Full names of the people an article names, and their most frequent one."""

    full_names: list[str] = field(default_factory=list)
    by_part: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, str] = field(default_factory=dict)
    by_office: dict[str, str] = field(default_factory=dict)  # "president" -> who first held it
    by_country: dict[str, str] = field(default_factory=dict)  # "japa" -> "Shigeru Ishiba"
    mentions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Doc) -> NameIndex:
        index = cls()
        # The model calls some cities people ("Guwahati"); a name also used as a place is not.
        places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC", "ORG", "NORP")}
        # "Slovak President Andrej Kiska": a word the model calls a person that stands
        # before a title is a nationality, wherever else it appears.
        joined = _joined_people(doc)
        places |= {ent.text for ent in joined if len(ent) == 1 and _is_nationality(ent)}
        people = [
            ent
            for ent in joined
            if not (len(ent) == 1 and ent.text in places)
            and not _in_place(ent)
            and is_person_name(_clean(ent))
        ]
        people.extend(_unlabelled_partners(doc))
        # Longest names first, so that "Xi Jinping" claims "Xi" before a bare "Xi" does.
        for ent in sorted(people, key=lambda e: (-len(_parts(e.text)), e.start)):
            index._add(strip_titles(_clean(ent)), ent.ent_id_)
        for ent in sorted(people, key=lambda e: e.start):
            # "President Nicos Anastasiades", "Pope Francis": the office before or in the name.
            office = office_key(doc[ent.start - 1]) if ent.start > 0 else ""
            if len(ent) > 1 and ent[0].lower_ in TITLE_WORDS:
                office = ent[0].lower_
            parts = _parts(strip_titles(_clean(ent)))
            name = index.by_part.get(parts[-1]) if parts else None
            if office.split()[-1:] and office.split()[-1] in TITLE_WORDS and name:
                index.by_office.setdefault(office, name)
            country = _country_before(ent)
            if country and name:
                index.by_country.setdefault(country, name)
        for ent in doc.ents:
            if ent.label_ == "TITLE" and is_title_of_someone(ent):
                office = ent[1].lower_ if len(ent) == 2 and ent[0].lower_ == "the" else ""
                if office not in index.by_office:  # "the pope" after "Pope Francis" is him
                    index._add(_clean_title(ent), "")
        last: tuple[str, int] | None = None  # one count per mention, not per word of it
        for token in doc:
            if not (token.is_title or token.ent_type_ == "PERSON"):
                continue
            name = index.by_part.get(fold(token.text))
            if name:
                if last is None or last[0] != name or token.i - last[1] > 2:
                    index.mentions[name] = index.mentions.get(name, 0) + 1
                last = (name, token.i)
        return index

    def _add(self, name: str, ent_id: str) -> None:
        if not name:
            return
        # One identity per person: an alias ("MBS", "Erdoğan") of someone already named
        # resolves to the name the article first gave.
        person = ent_id if ent_id not in _GENERIC_IDS else person_id(name)
        if person is not None and person in self.by_id:
            known = self.by_id[person]
            for part in _parts(name):
                self.by_part.setdefault(part, known)
            return
        parts = _parts(name)
        if any(p in self.by_part for p in parts) and len(parts) == 1:
            return
        if person is not None:
            self.by_id[person] = name
        if name not in self.full_names:
            self.full_names.append(name)
        for part in parts:
            self.by_part.setdefault(part, name)

    def resolve(self, token: Token) -> str | None:
        """The full name a token belongs to, if it names a person of this article."""
        if not token.is_title and token.ent_type_ not in ("PERSON", "TITLE"):
            return None
        if _is_bare_office(token):
            # "the President will be in Alicante": who the article introduced with it.
            return self.by_office.get(office_key(token))
        country = _office_of_country(token)
        if country is not None:
            # "the Russian President's visit": the Russian the article named; else the leader
            # is named by the title ("Japan's Prime Minister" → "Prime Minister of Japan").
            return self.by_country.get(country) or _title_of_country(token)
        if token.ent_type_ == "TITLE":
            ent = entity_at(token)
            if ent is None:
                return None
            if not is_title_of_someone(ent):
                # "the President of the Republic": the president the article introduced.
                office = next((t for t in ent if t.lower_ in TITLE_WORDS), None)
                return self.by_office.get(office_key(office)) if office is not None else None
            if len(ent) == 2 and ent[0].lower_ == "the" and ent[1].lower_ in self.by_office:
                return self.by_office[ent[1].lower_]  # "the pope" after "Pope Francis"
            for appos in (c for t in ent for c in t.children):
                # "the emir of Qatar, Sheikh Tamim bin Hamad Al Thani": the name given
                if appos.dep_ == "appos" and appos.ent_type_ == "PERSON":
                    name = self.by_part.get(fold(appos.text))
                    if name:
                        return name
            return _clean_title(ent)
        return self.by_part.get(fold(token.text))

    @property
    def protagonist(self) -> str | None:
        """The person the article is most about: the most often mentioned."""
        if not self.mentions:
            return None
        return max(self.mentions.items(), key=lambda item: item[1])[0]


_COUNTRY_ALIASES = {
    "us": "us", "usa": "us", "america": "us", "american": "us", "unitedstates": "us",
    "uk": "uk", "britain": "uk", "british": "uk", "unitedkingdom": "uk",
}  # fmt: skip


def country_key(text: str) -> str:
    """One key for a country and its people: "Japan", "Japanese" → "japa"; "U.S." → "us"."""
    plain = fold(text).replace(" ", "")
    return _COUNTRY_ALIASES.get(plain, plain[:4])


def _country_before(ent: Span) -> str | None:
    """The country that introduces a person: "Japanese Prime Minister Shigeru Ishiba",
    "China's Xi Jinping", "U.S. President Joe Biden"."""
    doc = ent.doc
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 4:
        token = doc[i]
        if token.tag_ == "POS" or token.lower_ in TITLE_WORDS or token.lower_ in HONORIFICS:
            i -= 1
            continue
        if token.ent_type_ in ("NORP", "GPE"):
            return country_key(token.text)
        return None
    return None


def _office_of_country(token: Token) -> str | None:
    """The country key of "the Russian President", "China's premier" (no name follows)."""
    if token.lower_ not in TITLE_WORDS or token.ent_type_ == "PERSON" or token.i == 0:
        return None
    doc = token.doc
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if after is not None and after.pos_ == "PROPN":
        return None
    named_after = token.i + 3 < len(doc) and doc[token.i + 3].pos_ == "PROPN"
    if after is not None and after.lower_ == "of" and named_after:
        return None  # "Secretary of State Antony Blinken": a name follows
    first = token.i
    if first > 1 and doc[first - 1].lower_ in _OFFICE_QUALIFIERS:
        first -= 1  # "Japan's Prime Minister"
    before = doc[first - 1]
    if before.tag_ == "POS" and first >= 2:
        before = doc[first - 2]
    if before.ent_type_ in ("NORP", "GPE"):
        return country_key(before.text)
    return None


def _title_of_country(token: Token) -> str | None:
    """ "Japan's Prime Minister" → "Prime Minister of Japan" (a possessive country only)."""
    doc = token.doc
    office = [token]
    if token.i > 0 and doc[token.i - 1].lower_ in _OFFICE_QUALIFIERS:
        office.insert(0, doc[token.i - 1])
    before = doc[office[0].i - 1] if office[0].i > 0 else None
    if before is None:
        return None
    end = token.i + 1
    if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].is_title:
        end += 2  # "Secretary of State"
    title = doc[office[0].i : end].text
    if before.ent_type_ in ("GPE", "NORP") and before.tag_ != "POS":
        return f"{before.text} {title}"  # "the U.S. Secretary of State"
    if before.tag_ != "POS" or office[0].i < 2:
        return None
    country = doc[office[0].i - 2]
    if country.ent_type_ != "GPE":
        return None
    return f"{title[:1].upper()}{title[1:]} of {country.text}"


def _is_bare_office(token: Token) -> bool:
    """A capitalised title standing alone for its holder: "the President", "the Premier"."""
    if token.lower_ not in TITLE_WORDS or token.ent_type_:
        return False
    i = token.i
    doc = token.doc
    after = doc[i + 1] if i + 1 < len(doc) else None
    if after is not None and (after.pos_ == "PROPN" or after.lower_ == "of"):
        return False
    if i > 1 and doc[i - 1].lower_ in _OFFICE_QUALIFIERS:
        i -= 1  # "the prime minister's meeting"
    return i > 0 and doc[i - 1].lower_ == "the"


_OFFICE_QUALIFIERS = frozenset({"prime", "foreign", "vice", "deputy", "defence", "defense"})


def office_key(token: Token) -> str:
    """ "minister" in "Prime Minister Modi" is "prime minister"; "president" is itself."""
    previous = token.doc[token.i - 1] if token.i > 0 else None
    if previous is not None and previous.lower_ in _OFFICE_QUALIFIERS:
        return f"{previous.lower_} {token.lower_}"
    return token.lower_


def _is_nationality(ent: Span) -> bool:
    """ "Slovak President Andrej Kiska": one word before a title is where the office is."""
    doc = ent.doc
    return ent.end < len(doc) and doc[ent.end].lower_ in TITLE_WORDS | {"prime", "foreign"}


_BODY_WORDS = frozenset(
    {"commission", "union", "bank", "group", "inc", "corp", "ltd", "company", "fund",
     "organisation", "organization", "agency", "office", "ministry", "party", "university"}
)  # fmt: skip
_MEETING_HEADS = frozenset({"meet", "receive", "host", "welcome", "with", "see"})


def _unlabelled_partners(doc: Doc) -> list[Span]:
    """Names the model did not label that are met: "he will meet Hakan Fidan", "talks with
    Robert Abela" — two to four capitalised words, the object of a meeting verb or of "with"."""
    found: list[Span] = []
    known = {fold(t.text) for ent in doc.ents if ent.label_ == "PERSON" for t in ent}
    for token in doc:
        if token.pos_ != "PROPN" or token.ent_type_ in ("PERSON", "TITLE", "GPE", "LOC", "FAC"):
            continue
        if token.dep_ not in ("dobj", "pobj"):
            continue
        if token.head.lemma_.lower() not in _MEETING_HEADS:
            continue
        start = token.i
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].is_title:
            start -= 1
        words = doc[start : token.i + 1]
        capitalised = all(w.is_title and w.ent_type_ in ("", "ORG", "NORP") for w in words)
        if any(fold(w.text) in _NOT_NAMES or fold(w.text) in _BODY_WORDS for w in words):
            continue  # "the European Commission", "Goldman Sachs Bank"
        if any(fold(w.text) in known for w in words):
            continue  # part of a person the model found ("Pena Nieto" after "Enrique Pena")
        if 2 <= len(words) <= 4 and capitalised and not any(w.lower_ in TITLE_WORDS for w in words):
            found.append(Span(doc, start, token.i + 1, label="PERSON"))
    return found


def _in_place(ent: Span) -> bool:
    """ "in Honiara": a one-word "person" right after "in" is a place the model missed."""
    doc = ent.doc
    return len(ent) == 1 and ent.start > 0 and doc[ent.start - 1].lower_ == "in"


def _given_name(token: Token) -> bool:
    """A capitalised word right before a name that is no title, place or other entity."""
    return (
        token.pos_ == "PROPN"
        and token.is_title
        and not token.ent_type_
        and token.lower_ not in TITLE_WORDS
        and fold(token.text) not in HONORIFICS
        and not token.is_sent_start
    )


def _joined_people(doc: Doc) -> list[Span]:
    """PERSON entities, with two that touch made one: the model splits "Luiz Inácio" from
    "Lula da Silva"."""
    joined: list[Span] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        start, end = ent.start, ent.end
        while start > 0 and _given_name(doc[start - 1]):
            start -= 1  # "Ilham" before a listed "Aliyev" is part of the name
        while end < len(doc) and _given_name(doc[end]) and doc[end].dep_ != "appos":
            end += 1  # "Enrique Pena" + "Nieto": the model cut the name short
        if (start, end) != (ent.start, ent.end):
            ent = Span(doc, start, end, label="PERSON", span_id=ent.ent_id_)
        if joined and joined[-1].end == ent.start and not joined[-1][-1].is_punct:
            previous = joined.pop()
            ent = Span(doc, previous.start, ent.end, label="PERSON", span_id=ent.ent_id_)
        joined.append(ent)
    return joined


# Words that are never a person's whole name, though the model tags them PERSON.
_NOT_NAMES = frozenset(
    {"debate", "assembly", "council", "summit", "forum", "conference", "meeting", "session",
     "congress", "parliament", "senate", "cabinet", "ministry", "government", "republic",
     "presidency", "state", "day", "declaration", "lunch", "dinner", "breakfast",
     "banquet", "reception", "agreement", "accord", "treaty", "group"}
)  # fmt: skip


def is_person_name(name: str) -> bool:
    """Whether a PERSON entity's text can be a person's name: not "Debate", "B20", "COP29",
    "St Patrick", nor a run of capitals that the patterns do not list."""
    words = name.split()
    if not words or any(ch.isdigit() for ch in name):
        return False
    if fold(words[0]) in ("st", "saint", "san", "santa"):
        return False  # "St Patrick's Day": a saint's day, not a participant
    if all(fold(w) in _NOT_NAMES or fold(w) in HONORIFICS for w in words):
        return False
    return not (len(words) == 1 and name.isupper() and person_id(name) is None)


# Titles of an office that do not say which country ("the President of the Republic").
_VAGUE_OFFICES = frozenset(
    {"republic", "council", "country", "government", "commission", "assembly", "board",
     "presidential", "committee", "union", "parliament"}
)  # fmt: skip


def is_title_of_someone(ent: Span) -> bool:
    """ "the emperor of Japan" names one person; "the President of the Republic" does not."""
    return not any(t.lower_ in _VAGUE_OFFICES for t in ent)


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
