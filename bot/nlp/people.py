"""One identity per person: folded names, stripped titles, canonical ids and aliases.

A person is written many ways: "Kim Jong Un" / "Kim Jong-un", "Erdogan" / "Erdoğan", "Moon
Jae-in" / "Moon Jae In", "MBS" for Mohammed bin Salman, "President Macron" for Emmanuel Macron.
Every comparison of people — merging mentions in an article, merging reports in the store,
matching a chat's ``/follow`` — goes through :func:`same_person` and :func:`person_key`.

Known people come from the PERSON patterns of ``patterns/entities.jsonl``: each carries the
person's canonical id (``id``, read back from a matched entity as ``ent_id_``), and every
pattern with that id is an alias. Everyone else — the people the model tags PERSON and the names
after titles — is compared by folded name parts, so the hand-kept list is never required.

This module is plain Python (no spaCy import): the store and the services use it too. How a
name is folded and stripped of titles is :mod:`bot.domain.person_names` (the calendar's event
identity folds names the same way).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.domain.person_names import HONORIFICS, WEAK_PARTS, fold, name_parts, strip_titles

__all__ = [
    "HONORIFICS",
    "WEAK_PARTS",
    "KnownPeople",
    "fold",
    "known_people",
    "load_known_people",
    "mentions_person",
    "name_parts",
    "person_id",
    "person_key",
    "same_person",
    "strip_titles",
]

ENTITY_PATTERNS = Path(__file__).parent / "patterns" / "entities.jsonl"


@dataclass(slots=True)
class KnownPeople:
    """Canonical ids of the people the patterns list, by every folded alias."""

    by_alias: dict[str, str] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict)  # id -> display name
    aliases: dict[str, list[str]] = field(default_factory=dict)  # id -> folded aliases
    by_family: dict[str, set[str]] = field(default_factory=dict)  # family name -> ids

    def add(self, person_id: str, alias: str) -> None:
        key = fold(strip_titles(alias))
        self.canonical.setdefault(person_id, alias)
        self.by_alias.setdefault(key, person_id)
        self.aliases.setdefault(person_id, [])
        if key not in self.aliases[person_id]:
            self.aliases[person_id].append(key)
        parts = name_parts(alias)
        if parts:
            self.by_family.setdefault(parts[-1], set()).add(person_id)

    def id_of(self, name: str) -> str | None:
        """The id of an alias, or of the one listed person with this family name
        ("Sánchez" → Pedro Sanchez; "Clinton" names two and gets none)."""
        key = fold(strip_titles(name))
        if key in self.by_alias:
            return self.by_alias[key]
        if " " not in key:
            owners = self.by_family.get(key, set())
            if len(owners) == 1:
                return next(iter(owners))
        return None


def load_known_people(lines: Iterable[str]) -> KnownPeople:
    """Known people from EntityRuler pattern lines (PERSON patterns given as text)."""
    known = KnownPeople()
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        pattern = entry.get("pattern")
        if entry.get("label") == "PERSON" and isinstance(pattern, str) and entry.get("id"):
            known.add(str(entry["id"]), pattern)
    return known


@lru_cache(maxsize=1)
def known_people() -> KnownPeople:
    with ENTITY_PATTERNS.open(encoding="utf-8") as lines:
        return load_known_people(lines)


def person_id(name: str) -> str | None:
    """The canonical id of a listed person ("MBS" → "mohammed-bin-salman"), else None."""
    return known_people().id_of(name)


def person_key(name: str) -> str:
    """A key that is equal for the spellings of one person: the canonical id of a listed
    person, else the folded family name (the last strong part)."""
    known = person_id(name)
    if known is not None:
        return known
    parts = name_parts(name)
    return parts[-1] if parts else fold(name)


def same_person(a: str, b: str) -> bool:
    """ "Xi" ~ "Xi Jinping", "Kim Jong-un" ~ "Kim Jong Un", "Erdoğan" ~ "Recep Tayyip Erdogan",
    "MBS" ~ "Mohammed bin Salman"; not "Lee Jae Myung" ~ "Moon Jae-in", nor two listed people
    who share a surname ("Bill Clinton", "Hillary Clinton")."""
    id_a, id_b = person_id(a), person_id(b)
    if id_a is not None and id_b is not None:
        return id_a == id_b
    listed = id_a or id_b
    if listed is not None:
        other = b if id_a is not None else a
        return any(_parts_agree(alias.split(), name_parts(other)) for alias in _aliases(listed))
    return _parts_agree(name_parts(a), name_parts(b))


def _aliases(person: str) -> list[str]:
    return [" ".join(name_parts(alias)) for alias in known_people().aliases.get(person, [])]


def _parts_agree(a: list[str], b: list[str]) -> bool:
    """The family name of one is a part of the other, and the joined forms agree where both
    are one word ("Jae-in" written "Jaein")."""
    if not a or not b:
        return False
    if a[-1] in b or b[-1] in a:
        return True
    return "".join(a) == "".join(b)


def mentions_person(text: str, name: str) -> bool:
    """Whether ``text`` (a participant, a title) names the person a user typed in ``name``."""
    if same_person(text, name):
        return True
    return fold(name) in fold(text)
