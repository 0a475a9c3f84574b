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
