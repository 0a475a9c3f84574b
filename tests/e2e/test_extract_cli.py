"""`summit-bot extract` and `summit-bot dates` as an operator runs them, on the seed article.

The seed is read from ../shared (published text stays out of the repository).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "corpus" / "000_d2c230fae8be8e2f.txt"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def seed_events() -> list[dict[str, Any]]:
    result = run_cli("extract", "--json", SEED)
    assert result.returncode == 0, result.stderr
    documents = json.loads(result.stdout)
    assert [Path(d["file"]).name for d in documents] == [SEED.name]
    assert documents[0]["published"] == "2025-10-27"
    events: list[dict[str, Any]] = documents[0]["events"]
    return events


def find(events: list[dict[str, Any]], name: str) -> dict[str, Any]:
    matching = [e for e in events if any(name in p for p in e["participants"])]
    matching += [e for e in events if e["summit"] and name in e["summit"]]
    assert len(matching) == 1, (name, events)
    return matching[0]


def test_seed_gives_exactly_the_six_upcoming_events(seed_events: list[dict[str, Any]]) -> None:
    assert len(seed_events) == 6
    for event in seed_events:
        assert set(event) >= {
            "title", "participants", "summit", "place", "date", "end_date", "precision",
            "status", "evidence",
        }  # fmt: skip
        assert event["evidence"]


@pytest.mark.parametrize(
    ("who", "participants", "place", "date", "status"),
    [
        ("Emperor", ["Donald Trump", "Emperor of Japan"], "Tokyo", "2025-10-27", "scheduled"),
        ("Takaichi", ["Donald Trump", "Sanae Takaichi"], "Tokyo", "2025-10-28", "scheduled"),
        ("Lee Jae Myung", ["Donald Trump", "Lee Jae Myung"], "Busan", "2025-10-29", "scheduled"),
        ("Xi Jinping", ["Donald Trump", "Xi Jinping"], "South Korea", "2025-10-30", "scheduled"),
        ("Kim Jong Un", ["Donald Trump", "Kim Jong Un"], "Korean peninsula", None, "possible"),
    ],
)
def test_seed_meetings_field_by_field(
    seed_events: list[dict[str, Any]],
    who: str,
    participants: list[str],
    place: str,
    date: str | None,
    status: str,
) -> None:
    event = find(seed_events, who)
    assert event["participants"] == participants
    assert event["summit"] is None
    assert event["place"] == place
    assert event["date"] == date
    assert event["end_date"] is None
    assert event["precision"] == ("day" if date else "unknown")
    assert event["status"] == status


def test_seed_apec_summit_has_no_date(seed_events: list[dict[str, Any]]) -> None:
    event = find(seed_events, "APEC")
    assert event["summit"] == "Asia-Pacific Economic Cooperation (APEC) summit"
    assert event["participants"] == []
    assert event["date"] is None
    assert event["precision"] == "unknown"
    assert event["status"] == "scheduled"


def test_seed_past_meetings_are_left_out(seed_events: list[dict[str, Any]]) -> None:
    text = json.dumps(seed_events)
    for past in ("ASEAN", "Lula", "Qatar", "Bessent", "Lifeng", "2019", "DMZ"):
        assert past not in json.dumps([e["participants"] + [e["summit"]] for e in seed_events])
    assert "2025-11-01" not in text  # the tariff deadline is not a meeting


def test_dates_command_resolves_the_seed_weekdays() -> None:
    result = run_cli("dates", "--json", SEED)
    assert result.returncode == 0, result.stderr
    expressions = json.loads(result.stdout)[0]["expressions"]
    text = SEED.read_text(encoding="utf-8")
    by_text: dict[str, set[str]] = {}
    for e in expressions:
        assert text[e["start"] : e["end"]] == e["text"]  # offsets into the whole file
        by_text.setdefault(e["text"], set()).add(e["value"])
    assert by_text["Sunday"] == {"2025-10-26"}
    assert "2025-10-28" in by_text["Tuesday's"] | by_text.get("Tuesday", set())
    assert by_text["Wednesday"] == {"2025-10-29"}
    assert by_text["Thursday"] == {"2025-10-30"}
    assert by_text["November 1"] == {"2025-11-01"}


def test_bad_files_are_refused_and_the_rest_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02")
    undated = tmp_path / "undated.txt"
    undated.write_text("Leaders will meet on Friday in Geneva.", encoding="utf-8")
    result = run_cli("extract", "--json", empty, SEED, binary, undated)
    assert result.returncode == 1
    documents = json.loads(result.stdout)
    assert [Path(d["file"]).name for d in documents] == [SEED.name]
    errors = [line for line in result.stderr.splitlines() if line.startswith("summit-bot:")]
    assert len(errors) == 3
    assert any("empty" in line for line in errors)
    assert any("binary" in line for line in errors)
    assert any("no publication date" in line for line in errors)


def test_published_option_dates_plain_text(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(
        "Japanese Prime Minister Shigeru Ishiba will meet Chinese Premier Li Qiang in Beijing "
        "on Thursday.",
        encoding="utf-8",
    )
    result = run_cli("extract", "--json", "--published", "2025-03-03", plain)
    assert result.returncode == 0, result.stderr
    (event,) = json.loads(result.stdout)[0]["events"]
    assert event["date"] == "2025-03-06"
    assert event["place"] == "Beijing"


def test_a_long_article_is_read_up_to_the_ingest_cap(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"
    early = (
        "Japanese Prime Minister Shigeru Ishiba will meet Chinese Premier Li Qiang in Beijing "
        "on Thursday."
    )
    late = (
        "French President Emmanuel Macron will meet German Chancellor Friedrich Merz in Paris "
        "on Friday."
    )
    filler = "\n\n".join(["Markets were calm and trading volumes stayed low today."] * 60)
    long.write_text(f"{early}\n\n{filler}\n\n{late}", encoding="utf-8")
    assert len(long.read_text(encoding="utf-8")) > 3_000
    env = {**os.environ, "MAX_ARTICLE_CHARS": "2000"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "extract", "--json", "--published", "2025-03-03", long],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"long\.txt: only the first part was read; [\d,]+ characters were not",
                     result.stderr), result.stderr  # fmt: skip
    places = [event["place"] for event in json.loads(result.stdout)[0]["events"]]
    assert "Beijing" in places and "Paris" not in places, places
