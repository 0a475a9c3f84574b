"""Templates: Telegram HTML escaping, dates and countdowns, splitting long digests."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.domain import Precision, Status
from bot.domain.calendar import EventView, SourceLink
from bot.services.rendering import (
    MESSAGE_LIMIT,
    Renderer,
    countdown,
    group_by_day,
    html_to_text,
    make_entry,
    safe_url,
    split_message,
    tg_len,
)

UTC = dt.UTC
TODAY = dt.date(2025, 10, 27)
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}


class _TagCheck(HTMLParser):
    """Collects tags and checks they are Telegram's and balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def assert_telegram_html(text: str) -> None:
    check = _TagCheck()
    check.feed(text)
    check.close()
    assert not check.stack, f"unclosed tags: {check.stack}"
    assert check.tags <= ALLOWED_TAGS, check.tags - ALLOWED_TAGS
    # No bare < or & outside tags and entities.
    stripped = re.sub(r"</?[a-z]+(\s[^>]*)?>", "", text)
    assert "<" not in stripped and ">" not in stripped
    assert not re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", stripped)


def event(
    ident: int,
    title: str = "Donald Trump meets Sanae Takaichi",
    day: dt.date = dt.date(2025, 10, 28),
    **kwargs: object,
) -> EventView:
    kwargs.setdefault("place", "Tokyo")
    kwargs.setdefault("sources", (SourceLink("AFP report", "https://example.com/a?x=1&y=2"),))
    return EventView(id=ident, title=title, date=day, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


def test_countdown() -> None:
    assert countdown(TODAY, TODAY) == "today"
    assert countdown(TODAY + dt.timedelta(days=1), TODAY) == "tomorrow"
    assert countdown(TODAY + dt.timedelta(days=2), TODAY) == "in 2 days"
    assert countdown(TODAY + dt.timedelta(days=21), TODAY) == "in 3 weeks"
    assert countdown(TODAY + dt.timedelta(days=10), TODAY, Precision.WEEK) == "in 1 week"
    assert countdown(None, TODAY) == ""


def test_safe_url_keeps_web_links_only() -> None:
    assert safe_url("https://example.com/x") == "https://example.com/x"
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("example.com") == ""
    assert safe_url(None) == ""


def test_hostile_text_is_escaped(renderer: Renderer) -> None:
    hostile = event(
        1,
        title='<script>alert("x")</script> & <b>Kim</b>',
        place='Busan <DMZ> & "Seoul"',
        status=Status.POSSIBLE,
        sources=(
            SourceLink('He said "yes" <b>', 'https://example.com/?q="><script>'),
            SourceLink("evil", "javascript:alert(1)"),
        ),
    )
    entries = [make_entry(hostile, UTC, TODAY)]
    text = renderer.message(
        "digest.html.j2",
        period="Mon 27 Oct – Mon 10 Nov 2025",
        days=group_by_day(entries, UTC, TODAY),
        follows=["<Kim>"],
        removed=[],
        chat=None,
    )
    assert_telegram_html(text)
    assert "&lt;script&gt;" in text and "&amp; &lt;b&gt;Kim&lt;/b&gt;" in text
    assert 'href="https://example.com/?q=&#34;&gt;&lt;script&gt;"' in text
    assert "javascript:" not in text
    assert "(possible)" in text
    plain = html_to_text(text)
    assert '<script>alert("x")</script> & <b>Kim</b>' in plain


def test_next_card_has_date_countdown_place_and_sources(renderer: Renderer) -> None:
    card = make_entry(event(1), UTC, TODAY)
    text = renderer.message("next.html.j2", entry=card, later=None, follows=[])
    assert_telegram_html(text)
    plain = html_to_text(text)
    assert "Tue 28 Oct 2025" in plain and "tomorrow" in plain and "Tokyo" in plain
    assert '<a href="https://example.com/a?x=1&amp;y=2">example.com</a>' in text


def test_nothing_upcoming_is_said_in_words(renderer: Renderer) -> None:
    text = renderer.message("next.html.j2", entry=None, later=None, follows=["APEC"])
    assert "Nothing upcoming" in text and "APEC" in text


def test_status_and_change_marks(renderer: Renderer) -> None:
    entries = [
        make_entry(event(1, status=Status.POSTPONED), UTC, TODAY, "changed"),
        make_entry(event(2, status=Status.CANCELLED), UTC, TODAY, "new"),
    ]
    text = renderer.message(
        "digest.html.j2", period="p", days=group_by_day(entries, UTC, TODAY), follows=[],
        removed=[], chat=None,
    )  # fmt: skip
    assert "postponed" in text and "cancelled" in text
    assert "🆕" in text and "changed" in text


def test_all_day_dates_do_not_move_with_the_chats_time_zone() -> None:
    # Events are all-day (no time of day is ever known): the 29th is the 29th in Tokyo too.
    late = event(1, day=dt.date(2025, 10, 29))
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    days = group_by_day([make_entry(late, tokyo, TODAY)], tokyo, TODAY)
    assert days[0].label == "Wed 29 Oct 2025"
    assert days[0].entries[0].when == "Wed 29 Oct 2025"


def test_long_digest_is_split_at_event_boundaries(renderer: Renderer) -> None:
    events = [
        event(i, title=f"Meeting number {i} " + "x" * 150, day=TODAY + dt.timedelta(days=i // 8))
        for i in range(120)
    ]
    entries = [make_entry(e, UTC, TODAY) for e in events]
    parts = renderer.messages(
        "digest.html.j2", period="p", days=group_by_day(entries, UTC, TODAY), follows=[],
        removed=[], chat=None,
    )  # fmt: skip
    assert len(parts) > 1
    for part in parts:
        assert tg_len(part) <= MESSAGE_LIMIT
        assert_telegram_html(part)
        # Each part starts with a header or a day heading, never mid-event.
        assert part.startswith("<b>")
    joined = "\n".join(parts)
    for i in range(120):
        assert joined.count(f"Meeting number {i} ") == 1
    assert "(continued)" in joined


def test_split_message_plain_and_hard_cases() -> None:
    assert split_message("short") == ["short"]
    huge = "\x1e" + "<b>" + "y" * 5000 + "</b>"
    parts = split_message("Header\n" + huge, 4096)
    assert all(tg_len(p) <= 4096 for p in parts)


def test_templates_dir_overrides_one_template(tmp_path: Path) -> None:
    (tmp_path / "help.html.j2").write_text("custom help: {{ commands | length }}")
    renderer = Renderer(tmp_path)
    assert renderer.message("help.html.j2", commands=[1, 2], admin_commands=[], is_admin=False) == (
        "custom help: 2"
    )
    # Templates not overridden still come from the bundled folder.
    assert "Nothing upcoming" in renderer.message(
        "next.html.j2", entry=None, later=None, follows=[]
    )
