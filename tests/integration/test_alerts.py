"""Immediate alerts of changes to followed meetings: each change once per chat, claimed
before it is sent (SQLite, and PostgreSQL when it runs)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.domain import Status
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.services import alerts, chats, follows
from bot.services.clock import FixedClock
from bot.services.context import Services
from bot.services.errors import InvalidInputError
from bot.services.rendering import Renderer
from bot.settings import Settings
from bot.store import make_session_factory

from .conftest import FakeExtractor, meeting, write_article

T0 = dt.datetime(2030, 3, 1, 8, tzinfo=dt.UTC)
ANNOUNCED = ("2030-03-01", "Talks announced", "Two meetings are announced.")
MOVED = ("2030-03-03", "Talks moved", "One meeting moved to Bergen.")
CALLED_OFF = ("2030-03-04", "Talks called off", "The meeting was called off.")
SCRIPT = {
    ANNOUNCED[1]: [
        meeting(["Ana Lund", "Jorge Vera"], "2030-03-10", "Oslo"),
        meeting(["Mia Berg", "Tom Hale"], "2030-03-11", "Rome"),
    ],
    MOVED[1]: [
        meeting(["Ana Lund", "Jorge Vera"], "2030-03-14", "Bergen"),
        meeting(["Mia Berg", "Tom Hale"], "2030-03-12", "Rome"),  # not followed
    ],
    CALLED_OFF[1]: [meeting(["Ana Lund", "Jorge Vera"], "2030-03-14", status=Status.CANCELLED)],
}


def test_alerts_of_changes_are_sent_once(engine: Engine, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    services = Services(make_session_factory(engine), clock, Renderer())
    extractor = FakeExtractor(SCRIPT)

    def report(article: tuple[str, str, str]) -> None:
        clock.advance(dt.timedelta(hours=1))
        path = write_article(tmp_path, f"{article[0]}.txt", *article)
        inputs = [file_input(path, Settings())]
        assert ingest(services.sessions, extractor, inputs, now=services.now()).ok

    report(ANNOUNCED)
    follows.follow(services, 5, "Jorge Vera")
    assert alerts.set_alerts(services, 5, True) is False
    assert alerts.alerts_on(services, 5)
    assert alerts.due_alerts(services) == []  # what was recorded before is not news

    report(MOVED)
    due = alerts.due_alerts(services)
    assert [(a.chat_id, a.event.title) for a in due] == [(5, "Ana Lund meets Jorge Vera")]
    assert due[0].message == (
        "🔔 <b>Change</b>: Ana Lund meets Jorge Vera: moved from Sun 10 Mar 2030 to "
        "Thu 14 Mar 2030; now in Bergen (was Oslo)"
    )
    claimed = alerts.claim(services, due[0])
    assert claimed is not None
    assert alerts.claim(services, due[0]) is None  # claimed once: never sent twice
    alerts.mark_sent(services, claimed)
    assert alerts.due_alerts(services) == []

    report(CALLED_OFF)
    due = alerts.due_alerts(services)
    assert [a.message for a in due] == ["🔔 <b>Change</b>: Ana Lund meets Jorge Vera: cancelled"]
    alerts.set_alerts(services, 5, False)
    assert alerts.due_alerts(services) == []


def test_a_blocked_chat_gets_no_alerts(engine: Engine) -> None:
    services = Services(make_session_factory(engine), FixedClock(T0), Renderer())
    alerts.set_alerts(services, 6, True)
    chats.subscribe(services, 6, "private")
    chats.deactivate(services, 6, "blocked")
    assert not alerts.alerts_on(services, 6)


@pytest.mark.parametrize(("args", "expected"), [([], None), (["on"], True), (["OFF"], False)])
def test_alerts_switch(args: list[str], expected: bool | None) -> None:
    assert alerts.parse_switch(args) is expected


def test_alerts_switch_refuses_other_words() -> None:
    with pytest.raises(InvalidInputError, match="/alerts on"):
        alerts.parse_switch(["maybe"])
