"""OPML 2.0, the list of feeds that feed readers exchange: read (safely) and written.

Reading refuses DTDs and entities (defusedxml), as feeds do. Every ``outline`` with an
``xmlUrl`` is a feed, however deep its folders nest.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.ingest.errors import FeedError


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None = None


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds an OPML document lists, in document order, each URL once."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused OPML with a DTD or entities ({exc.__class__.__name__})") from None
    except ParseError as exc:
        raise FeedError(f"malformed OPML: {exc}") from None
    if root.tag != "opml" or root.find("body") is None:
        raise FeedError("not an OPML document (no <opml> with a <body>)")
    feeds: dict[str, OpmlFeed] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url and url not in feeds:
            title = (outline.get("title") or outline.get("text") or "").strip()
            feeds[url] = OpmlFeed(url, title or None)
    return list(feeds.values())


def write_opml(feeds: Iterable[OpmlFeed], created: dt.datetime, title: str) -> bytes:
    """An OPML 2.0 document of ``feeds`` (UTF-8, with the XML declaration)."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = email.utils.format_datetime(created)
    body = SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    indent(root)
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
