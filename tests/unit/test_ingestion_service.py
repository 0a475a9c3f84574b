"""The bot's feed-polling job: a failure that lasts is logged once, not every cycle."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.services.ingestion import Ingestion
from bot.settings import Settings


class _Services:
    sessions: Any = None

    def now(self) -> Any:
        return None


def test_a_lasting_poll_failure_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes: list[Exception | None] = [
        OperationalError("SELECT", {}, Exception("database is locked")),
        OperationalError("SELECT", {}, Exception("database is locked")),
        OperationalError("SELECT", {}, Exception("database is locked")),
        None,
    ]

    def poll(*_: object) -> list[Any]:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return []

    monkeypatch.setattr("bot.ingest.feeds.poll_due_feeds", poll)
    ingestion = Ingestion(_Services(), Settings(), extractor=object())  # type: ignore[arg-type]
    with caplog.at_level(logging.DEBUG, logger="bot.services.ingestion"):
        for _ in range(4):
            assert ingestion.poll_due_feeds() == []
    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert levels == [
        ("WARNING", "feed polling failed: database is locked"),
        ("DEBUG", "feed polling failed: database is locked"),
        ("DEBUG", "feed polling failed: database is locked"),
        ("INFO", "feed polling works again"),
    ]
