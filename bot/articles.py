"""Reading articles: the seed file format and plain text, with clear refusals for bad input.

The seed format is a first line `` date YYYY-MM-DD Title``, a blank line, then the body.
Plain text needs the publication date from the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.domain import Article
from bot.errors import ArticleError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_HEADER = re.compile(r"^[ \t\ufeff]*date[ \t]+(?P<date>\S+)[ \t]*(?P<title>[^\n]*)\n")


def parse_article(
    text: str,
    source: str,
    published: dt.date | None = None,
    url: str | None = None,
) -> Article:
    """Make an Article from text in the seed format, or plain text with ``published``.

    A date given by the caller wins over the header's; an article with neither is refused.
    """
    if not text.strip():
        raise ArticleError("empty document")
    if "\x00" in text:
        raise ArticleError("binary data, not text")
    title = ""
    body_offset = 0
    header = _HEADER.match(text)
    if header:
        title = header["title"].strip()
        body_offset = header.end()
        if published is None:
            try:
                published = dt.date.fromisoformat(header["date"])
            except ValueError:
                raise ArticleError(
                    f"unreadable publication date {header['date']!r} (expected YYYY-MM-DD)"
                ) from None
    if published is None:
        raise ArticleError(
            "no publication date: give one with --published YYYY-MM-DD "
            "or start the file with a line ' date YYYY-MM-DD Title'"
        )
    # Skip the blank line(s) after the header, keeping offsets into the whole text.
    while body_offset < len(text) and text[body_offset] in "\r\n":
        body_offset += 1
    body = text[body_offset:]
    if not body.strip():
        raise ArticleError("the article has a header but no body")
    if not title:
        title = next((line.strip() for line in body.splitlines() if line.strip()), "")[:200]
    return Article(
        source=source,
        published=published,
        title=title,
        body=body,
        url=url,
        body_offset=body_offset,
    )


def decode_document(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes to text, refusing what is empty, too big, binary or not UTF-8."""
    if not data.strip():
        raise ArticleError("empty document")
    if len(data) > max_bytes:
        raise ArticleError(_too_big(len(data), max_bytes))
    if b"\x00" in data[:8192]:
        raise ArticleError("binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"not valid UTF-8 text (bad byte at offset {exc.start})") from None
    # Offsets are counted in characters of the text as read; normalise line ends only.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article_file(
    path: Path,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read one article file, refusing it with a one-line reason when it is not usable."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ArticleError(_too_big(size, max_bytes))
        if path.is_dir():
            raise ArticleError("is a folder, not an article file")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from None
    return parse_article(decode_document(data, max_bytes), str(path), published)


def _too_big(size: int, limit: int) -> str:
    return f"too big: {size / 1024 / 1024:.1f} MB (the limit is {limit / 1024 / 1024:g} MB)"
