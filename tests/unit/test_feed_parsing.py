"""Defensive feed parsing and HTML-to-text, without network or database."""

from __future__ import annotations

import pytest

from bot.ingest.errors import FeedError
from bot.ingest.feeds import parse_feed
from bot.ingest.html import html_to_text
from bot.store.db import normalise_url

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&x;</title></channel></rss>"""

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test desk</title>
<item><title>One</title><link>http://127.0.0.1/a</link>
<pubDate>Mon, 03 Jun 2030 08:00:00 GMT</pubDate><description>Short.</description></item>
</channel></rss>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL])
def test_entity_declarations_are_refused(data: bytes) -> None:
    with pytest.raises(FeedError, match="DTD or entity"):
        parse_feed(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"<rss><channel>", "malformed XML"), (b"<html><body/></html>", "not an RSS")],
)
def test_bad_feeds(data: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse_feed(data)


def test_rss_parses() -> None:
    parsed = parse_feed(RSS)
    assert parsed.feed.title == "Test desk"
    assert parsed.entries[0].link == "http://127.0.0.1/a"


def test_html_to_text_drops_scripts() -> None:
    text = html_to_text("<p>One &amp; two.</p><script>alert('x')</script><p>Three</p>")
    assert text == "One & two.\n\nThree"


def test_postgres_urls_get_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def _feed(encoding: str, title: str, pub_date: str = "Mon, 03 Jun 2030 08:00:00 GMT") -> bytes:
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>{title}</title>
<item><title>{title}</title><link>http://127.0.0.1/a</link>
<pubDate>{pub_date}</pubDate><description>{title}</description></item>
</channel></rss>"""
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("gb2312", "两国领导人将举行峰会"),
        ("gbk", "两国领导人将举行峰会"),
        ("gb18030", "两国领导人将举行峰会"),
        ("big5", "兩國領導人將舉行峰會"),
        ("shift_jis", "首脳会談の日程"),
        ("euc-jp", "首脳会談の日程"),
        ("iso-2022-jp", "首脳会談の日程"),
        ("euc-kr", "정상회담 일정"),
        ("windows-1251", "Встреча лидеров"),
        ("koi8-r", "Встреча лидеров"),
        ("iso-8859-7", "Σύνοδος κορυφής"),
        ("utf-16", "Sommet à Genève"),
    ],
)
def test_feeds_in_multi_byte_and_legacy_encodings(encoding: str, title: str) -> None:
    """expat reads none of the multi-byte encodings: the feed is transcoded first."""
    parsed = parse_feed(_feed(encoding, title))
    assert parsed.feed.title == title
    assert parsed.entries[0].title == title


def test_http_charset_wins_over_a_missing_declaration() -> None:
    data = b'<rss version="2.0"><channel><title>' + "峰会".encode("gb2312") + b"</title>"
    data += b"</channel></rss>"
    parsed = parse_feed(data, headers={"Content-Type": "application/rss+xml; charset=gb2312"})
    assert parsed.feed.title == "峰会"


@pytest.mark.parametrize(
    "pub_date",
    ["0000-01-01T00:00:00Z", "Mon, 00 Jan 0000 00:00:00 GMT", "9999-99-99", "yesterday"],
)
def test_impossible_entry_dates_count_as_none(pub_date: str) -> None:
    from bot.ingest.feeds import _entry_date

    [entry] = parse_feed(_feed("utf-8", "Talks", pub_date)).entries
    assert _entry_date(entry) is None


def test_entry_links_must_be_http() -> None:
    from bot.ingest.feeds import entry_link

    assert entry_link({"link": " http://127.0.0.1/a "}) == "http://127.0.0.1/a"
    for bad in [None, "", "javascript:alert(1)", "file:///etc/passwd", 42, "http://" + "a" * 3000]:
        assert entry_link({"link": bad}) is None
