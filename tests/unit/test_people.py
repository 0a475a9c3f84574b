"""One identity per person: folding, titles, canonical ids, aliases, and /follow matching."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import person_names
from bot.domain.calendar import event_identity
from bot.nlp.people import (
    fold,
    load_known_people,
    mentions_person,
    person_id,
    person_key,
    same_person,
    strip_titles,
)
from bot.store.merge import people_key


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Xi", "Xi Jinping", True),
        ("Kim Jong Un", "Kim Jong-un", True),
        ("Erdogan", "Erdoğan", True),
        ("Recep Tayyip Erdoğan", "Erdogan", True),
        ("Moon Jae-in", "Moon Jae In", True),
        ("MBS", "Mohammed bin Salman", True),
        ("Crown Prince Mohammad Bin Salman", "MBS", True),
        ("Luiz Inácio Lula da Silva", "Lula", True),
        ("President Macron", "Emmanuel Macron", True),
        ("Sánchez", "Pedro Sanchez", True),
        ("Tun Dr Mahathir Mohamad", "Mahathir Mohamad", True),
        # Not listed anywhere: folded parts decide.
        ("Aleksandar Vučić", "Vucic", True),
        ("Tran Dai-Quang", "Tran Dai Quang", True),
        ("Lee Jae Myung", "Moon Jae-in", False),
        ("Bill Clinton", "Hillary Clinton", False),
        ("Donald Trump", "Xi Jinping", False),
        ("Kim Jong Un", "Kim Jong Il", False),
    ],
)
def test_same_person(a: str, b: str, same: bool) -> None:
    assert same_person(a, b) is same
    assert same_person(b, a) is same


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("Tun Dr Mahathir Mohamad", "Mahathir Mohamad"),
        ("Sheikh Tamim bin Hamad Al Thani", "Tamim bin Hamad Al Thani"),
        ("Sheikh Hasina", "Sheikh Hasina"),  # a family name, not an honorific
        ("King Sultan Ibrahim Sultan Iskandar", "Sultan Ibrahim Sultan Iskandar"),
        ("Crown Prince Salman bin Hamad Al Khalifa", "Salman bin Hamad Al Khalifa"),
        ("TAOISEACH BRIAN Cowen", "Brian Cowen"),
        ("Pope Francis", "Pope Francis"),
        ("the emperor of Japan", "the emperor of Japan"),
    ],
)
def test_titles_and_honorifics_are_not_names(name: str, stripped: str) -> None:
    assert strip_titles(name) == stripped


def test_fold() -> None:
    assert fold("Kim Jong-un") == fold("Kim Jong Un") == "kim jong un"
    assert fold("Željka Cvijanović") == "zeljka cvijanovic"
    assert fold("Richard M. Daley") == "richard m daley"


def test_canonical_ids_from_patterns() -> None:
    known = load_known_people(
        [
            '{"label": "PERSON", "pattern": "Ana Example", "id": "ana-example"}',
            '{"label": "PERSON", "pattern": "AE", "id": "ana-example"}',
            '{"label": "GPE", "pattern": "Examplia", "id": "place"}',
        ]
    )
    assert known.id_of("AE") == known.id_of("Ána Exámple") == "ana-example"
    assert known.id_of("Example") == "ana-example"  # the one listed person of that name
    assert known.id_of("Examplia") is None
    assert person_id("MBS") == person_id("Mohammed bin Salman") == "mohammed-bin-salman"
    assert person_key("Kim Jong-un") == person_key("Kim Jong Un")


def test_store_key_is_one_per_person() -> None:
    assert people_key(["Kim Jong-un", "Trump"]) == people_key(["Donald Trump", "Kim Jong Un"])
    assert people_key(["Erdoğan"]) == people_key(["Recep Tayyip Erdogan"])


@pytest.mark.parametrize(
    ("text", "followed", "matches"),
    [
        ("Recep Tayyip Erdogan", "Erdoğan", True),
        ("Mohammed bin Salman", "MBS", True),
        ("Kim Jong-un", "kim jong un", True),
        ("G20 summit", "g20", True),
        ("South Korea", "Korea", True),
        ("Moon Jae-in", "Lee Jae Myung", False),
    ],
)
def test_follow_matching(text: str, followed: str, matches: bool) -> None:
    assert mentions_person(text, followed) is matches


def test_follow_finds_one_person_however_written() -> None:
    from bot.domain.calendar import EventView
    from bot.store.queries import matches_follows

    view = EventView(
        id=1,
        title="Recep Tayyip Erdogan meets Mohammed bin Salman",
        date=None,
        participants=("Recep Tayyip Erdogan", "Mohammed bin Salman"),
    )
    assert matches_follows(view, ["Erdoğan"])
    assert matches_follows(view, ["MBS"])
    assert matches_follows(view, ["Saudi Arabia", "mohammed bin salman"])
    assert not matches_follows(view, ["Kim Jong-un"])


def test_store_merges_one_meeting_however_the_names_are_spelt() -> None:
    import datetime as dt

    from bot.domain import Event, Precision
    from bot.store.merge import event_key, match_score

    day = dt.date(2030, 6, 12)
    a = Event(participants=["Donald Trump", "Kim Jong Un"], date=day, precision=Precision.DAY)
    b = Event(participants=["Trump", "Kim Jong-un"], date=day, precision=Precision.DAY)
    c = Event(participants=["Recep Tayyip Erdoğan", "MBS"], date=None)
    d = Event(participants=["Erdogan", "Mohammed bin Salman"], date=None)
    assert event_key(a) == event_key(b)
    assert match_score(a, b) == 100
    assert event_key(c) == event_key(d)
    assert match_score(c, d) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["Kim Jong-un", "Donald Trump"], ["Donald Trump", "Kim Jong Un"]),
        (["Recep Tayyip Erdoğan"], ["Recep Tayyip Erdogan"]),
        (["President Emmanuel Macron"], ["Emmanuel Macron"]),
        (["Moon Jae-in"], ["MOON JAE IN"]),
    ],
)
def test_calendar_uid_is_one_per_meeting_however_the_names_are_spelt(
    a: list[str], b: list[str]
) -> None:
    day = dt.date(2025, 10, 27)
    assert event_identity(a, None, day) == event_identity(b, None, day)


def test_calendar_uid_tells_different_people_apart() -> None:
    day = dt.date(2025, 10, 27)
    assert event_identity(["Kim Jong Un"], None, day) != event_identity(["Kim Yo Jong"], None, day)


def test_name_folding_is_one_function_for_the_domain_and_the_nlp() -> None:
    assert fold is person_names.fold and strip_titles is person_names.strip_titles
