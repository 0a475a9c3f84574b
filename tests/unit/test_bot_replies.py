"""Text from articles cannot break a message; long admin replies are split like the others."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.calendar import EventView, SourceLink
from bot.services.rendering import (
    DAY_CUT,
    EVENT_CUT,
    MESSAGE_LIMIT,
    Renderer,
    clean_text,
    group_by_day,
    html_to_text,
    make_entry,
    tg_len,
)
from bot.services.stats import Stats
from tests.unit.test_bot_rendering import assert_telegram_html

UTC = dt.UTC
TODAY = dt.date(2025, 10, 27)
# What an article could carry: both split markers, other C0 and C1 controls, DEL.
HOSTILE = f"Kim{EVENT_CUT} meets{DAY_CUT} Lee\x00\x07\x1b[31m\x7f\x85 in Busan"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


def test_clean_text_keeps_tabs_newlines_and_letters() -> None:
    assert clean_text(HOSTILE) == "Kim meets Lee[31m in Busan"
    kept = "Tab\there\nnext line, Ünïcödé, 東京"
    assert clean_text(kept) == kept


def test_split_markers_from_an_article_do_not_split_a_message(renderer: Renderer) -> None:
    """A title with the markers, in a digest long enough to be split: every part is valid
    Telegram HTML and no control character reaches Telegram."""
    events = [
        EventView(
            id=i,
            title=f"{HOSTILE} {i} " + "x" * 200,
            date=TODAY + dt.timedelta(days=i // 5),
            place=HOSTILE,
            sources=(SourceLink(HOSTILE, f"https://example.com/{i}"),),
        )
        for i in range(40)
    ]
    entries = [make_entry(event, UTC, TODAY) for event in events]
    parts = renderer.messages(
        "digest.html.j2",
        period="p",
        days=group_by_day(entries, UTC, TODAY),
        follows=[HOSTILE],
        removed=[HOSTILE],
        chat=None,
    )
    assert len(parts) > 1
    for part in parts:
        assert tg_len(part) <= MESSAGE_LIMIT
        assert_telegram_html(part)
        assert clean_text(part) == part, "a control character reached the message"
    joined = html_to_text("\n".join(parts))
    for i in range(40):
        assert joined.count(f"Kim meets Lee[31m in Busan {i} ") == 1


def stats_with_feeds(count: int) -> Stats:
    feeds = [
        f"https://feeds.example.org/{i:03d}/"
        + "world/" * 10
        + "rss.xml — ⚠️ 3 errors: "
        + "HTTP 503 Service Unavailable " * 2
        for i in range(count)
    ]
    return Stats(chats=3, subscribed=2, feeds=feeds, deliveries=["d1", "d2"], unknown=1)


@pytest.mark.parametrize("template", ["stats.html.j2", "feeds.html.j2"])
def test_stats_and_feeds_with_many_feeds_are_split(renderer: Renderer, template: str) -> None:
    stats = stats_with_feeds(60)
    parts = (
        renderer.messages(template, stats=stats)
        if template == "stats.html.j2"
        else renderer.messages(template, feeds=stats.feeds)
    )
    assert sum(tg_len(part) for part in parts) > MESSAGE_LIMIT
    assert len(parts) > 1
    for part in parts:
        assert tg_len(part) <= MESSAGE_LIMIT
        assert_telegram_html(part)
    joined = "\n".join(parts)
    for i in range(60):
        assert joined.count(f"https://feeds.example.org/{i:03d}/") == 1


def test_stats_shows_failed_and_unknown_deliveries(renderer: Renderer) -> None:
    stats = Stats(delivered=7, failed=2, retrying=1, unknown=3)
    (text,) = renderer.messages("stats.html.j2", stats=stats)
    plain = html_to_text(text)
    assert "7 sent · 2 failed (1 to retry) · 3 unknown" in plain
    assert "none yet" in plain
