"""Several articles about the same meetings: one moves a meeting, one cancels another.

The articles are written for these tests. The fake-extractor version pins the store's rules;
the real-extractor version checks the whole chain on the same texts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import Status
from bot.domain.calendar import EventView
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.settings import Settings
from bot.store import upcoming

from .conftest import FakeExtractor, meeting, write_article

AS_OF = dt.datetime(2030, 3, 10, 6, tzinfo=dt.UTC)

FIRST = (
    "2030-03-04",
    "Macron to hold talks with Scholz in Berlin next week",
    "PARIS – French President Emmanuel Macron will meet German Chancellor Olaf Scholz in "
    "Berlin on March 12, the Elysee said on Monday, in a visit meant to settle a quarrel over "
    "farm subsidies.\n\nThe two leaders are expected to discuss energy prices and the budget of "
    "the European Union.\n\nMacron is also due to hold talks with Italian Prime Minister "
    "Giorgia Meloni in Rome on March 20, according to his office.\n\nOfficials in both "
    "capitals said preparations were going well.",
)
MOVED = (
    "2030-03-06",
    "Berlin talks between Macron and Scholz pushed back a day",
    "BERLIN – The meeting between French President Emmanuel Macron and German Chancellor Olaf "
    "Scholz in Berlin has been moved to March 13, a government spokesman said on Wednesday, "
    "citing a clash with a parliamentary vote.\n\nThe agenda of the talks is unchanged, the "
    "spokesman added.",
)
CANCELLED = (
    "2030-03-09",
    "Macron calls off Rome trip",
    "ROME – French President Emmanuel Macron has cancelled his meeting with Italian Prime "
    "Minister Giorgia Meloni in Rome that had been planned for March 20, Italian officials "
    "said on Saturday.\n\nNo new date has been set for the talks.",
)

SCRIPT = {
    FIRST[1]: [
        meeting(["Emmanuel Macron", "Olaf Scholz"], "2030-03-12", "Berlin"),
        meeting(["Emmanuel Macron", "Giorgia Meloni"], "2030-03-20", "Rome"),
    ],
    MOVED[1]: [meeting(["Emmanuel Macron", "Olaf Scholz"], "2030-03-13", "Berlin")],
    CANCELLED[1]: [meeting(["Emmanuel Macron", "Giorgia Meloni"], None, status=Status.CANCELLED)],
}


def _write(folder: Path, name: str, article: tuple[str, str, str]) -> Path:
    return write_article(folder, name, *article)


def _calendar(factory: sessionmaker[Session], **kw: Any) -> list[EventView]:
    with factory() as session:
        return upcoming(session, AS_OF.date(), include_undated=True, **kw)


def _ingest(factory: sessionmaker[Session], extractor: Any, *paths: Path) -> Any:
    report = ingest(factory, extractor, [file_input(p, Settings()) for p in paths])
    assert report.ok, report.failures
    return report


def _check_story(factory: sessionmaker[Session], extractor: Any, folder: Path) -> None:
    first, moved, cancelled = (
        _write(folder, "first.txt", FIRST),
        _write(folder, "moved.txt", MOVED),
        _write(folder, "cancelled.txt", CANCELLED),
    )
    report = _ingest(factory, extractor, first)
    assert report.events_created == 2
    cal = _calendar(factory)
    assert [(e.date, e.place) for e in cal] == [
        (dt.date(2030, 3, 12), "Berlin"),
        (dt.date(2030, 3, 20), "Rome"),
    ]

    report = _ingest(factory, extractor, moved)
    assert (report.events_created, report.events_updated) == (0, 1)
    cal = _calendar(factory)
    berlin = cal[0]
    assert berlin.date == dt.date(2030, 3, 13)
    assert [(c.field, c.old, c.new, c.reported) for c in berlin.changes] == [
        ("date", "2030-03-12", "2030-03-13", "2030-03-06")
    ]
    # Sources are newest first.
    assert [s.published for s in berlin.sources] == [dt.date(2030, 3, 6), dt.date(2030, 3, 4)]
    assert cal[1].date == dt.date(2030, 3, 20)

    report = _ingest(factory, extractor, cancelled)
    assert (report.events_created, report.events_updated) == (0, 1)
    cal = _calendar(factory)
    assert [e.date for e in cal] == [dt.date(2030, 3, 13)]  # Rome is called off
    everything = _calendar(factory, include_cancelled=True)
    rome = everything[1]
    assert rome.status is Status.CANCELLED
    assert rome.date == dt.date(2030, 3, 20)  # a cancelled meeting keeps its date
    assert rome.changes[-1].field == "status" and rome.changes[-1].reported == "2030-03-09"
    assert len(rome.sources) == 2


def test_move_and_cancel_with_fake_extractor(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _check_story(session_factory, FakeExtractor(SCRIPT), tmp_path)


def test_move_and_cancel_with_real_extractor(
    session_factory: sessionmaker[Session], tmp_path: Path, real_extractor: Any
) -> None:
    _check_story(session_factory, real_extractor, tmp_path)


def test_publication_date_decides_not_ingestion_order(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    extractor = FakeExtractor(SCRIPT)
    moved = _write(tmp_path, "moved.txt", MOVED)
    first = _write(tmp_path, "first.txt", FIRST)
    _ingest(session_factory, extractor, moved)
    report = _ingest(session_factory, extractor, first)  # older news, read later
    assert report.events_created == 1  # Rome is new; Berlin already known
    berlin = _calendar(session_factory)[0]
    assert berlin.date == dt.date(2030, 3, 13)  # the newer report still wins
    assert [(c.field, c.reported) for c in berlin.changes] == [("date", "2030-03-06")]


@pytest.mark.parametrize("limit", [1, 2])
def test_limit_and_as_of(
    session_factory: sessionmaker[Session], tmp_path: Path, limit: int
) -> None:
    _ingest(session_factory, FakeExtractor(SCRIPT), _write(tmp_path, "first.txt", FIRST))
    with session_factory() as session:
        assert len(upcoming(session, AS_OF.date(), limit=limit, include_undated=True)) == limit
        later = dt.datetime(2030, 3, 15, tzinfo=dt.UTC)
        assert [e.place for e in upcoming(session, later.date(), include_undated=True)] == ["Rome"]
        assert len(upcoming(session, later.date(), include_undated=True, include_past=True)) == 2
