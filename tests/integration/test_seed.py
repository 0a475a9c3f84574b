"""The seed article through the real extractor: six upcoming events, re-ingesting is a no-op."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.settings import Settings
from bot.store import upcoming

from .conftest import SEED, snapshot

AS_OF = dt.datetime(2025, 10, 27, 6, tzinfo=dt.UTC)


def test_seed_gives_six_events_in_date_order(
    session_factory: sessionmaker[Session], real_extractor: Any
) -> None:
    report = ingest(session_factory, real_extractor, [file_input(SEED, Settings())])
    assert report.ok and report.new_articles == 1 and report.events_created == 6
    with session_factory() as session:
        events = upcoming(session, AS_OF.date(), include_undated=True)
    dated = [e.date for e in events if e.date]
    assert len(events) == 6
    assert dated == sorted(dated) and dated[0] == dt.date(2025, 10, 27)
    assert all(e.date for e in events[: len(dated)])  # undated ones come last
    assert "Sanae Takaichi" in events[1].participants
    assert all(e.sources and e.sources[0].published == dt.date(2025, 10, 27) for e in events)

    before = snapshot(session_factory)
    again = ingest(session_factory, real_extractor, [file_input(SEED, Settings())])
    assert again.new_articles == 0 and again.duplicates == [str(SEED)]
    assert snapshot(session_factory) == before


def test_events_command_on_the_seed(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--quiet", str(SEED)]) == 0
    assert "1 new article," in capsys.readouterr().out
    assert main(["ingest", "--quiet", str(SEED)]) == 0
    assert "0 new articles, 1 duplicate," in capsys.readouterr().out
    assert main(["events", "--json", "--as-of", "2025-10-27T06:00:00Z"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert len(events) == 6
    dates = [e["date"] for e in events if e["date"]]
    assert dates == sorted(dates) == ["2025-10-27", "2025-10-28", "2025-10-29", "2025-10-30"]
    assert main(["events", "--as-of", "2025-10-27T06:00:00Z"]) == 0
    text = capsys.readouterr().out
    assert text.index("Sanae Takaichi") < text.index("Xi Jinping")
    # A week later the dated meetings are past: only the undated ones are left.
    assert main(["events", "--json", "--as-of", "2025-11-03T06:00:00Z"]) == 0
    assert all(e["date"] is None for e in json.loads(capsys.readouterr().out))
    assert main(["events", "--json", "--all", "--as-of", "2025-11-03T06:00:00Z"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 6
