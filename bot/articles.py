"""Reading articles: the seed file format and plain text, with clear refusals for bad input.

The seed format is a first line `` date YYYY-MM-DD Title``, a blank line, then the body.
Plain text needs the publication date from the caller.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from bot.domain import Article
from bot.errors import ArticleError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Characters of an article body that reach the extractor (the MAX_ARTICLE_CHARS setting).
# Some 8,000 words, longer than news articles are; spaCy's peak memory grows with the
# length of a document (measured: ~360 MB for ingesting 50,000 characters, ~530 MB for
# 100,000), and this keeps the process under 400 MB.
DEFAULT_MAX_CHARS = 50_000
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


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is refused.

    Devices (``/dev/zero``), FIFOs and sockets are refused before a byte is read: they have
    no size, may never end, or (a FIFO without a writer) never answer. The file is opened
    without blocking and checked on the open descriptor, and at most ``max_bytes + 1``
    bytes are read, so a file that grows while it is read cannot exhaust memory either.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ArticleError("is a folder, not an article file")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(f"not a regular file ({_file_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise ArticleError(_too_big(info.st_size, max_bytes))
        with os.fdopen(fd, "rb", buffering=0) as handle:
            fd = -1  # closed by the handle from here on
            data = _read_at_most(handle, max_bytes + 1)
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise ArticleError(f"too big: more than {max_bytes / 1024 / 1024:g} MB")
    return data


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = handle.read(min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def read_article_file(
    path: Path,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Read one article file, refusing it with a one-line reason when it is not usable."""
    data = read_regular_file(path, max_bytes)
    return parse_article(decode_document(data, max_bytes), str(path), published)


def cap_article(article: Article, max_chars: int = DEFAULT_MAX_CHARS) -> tuple[Article, int]:
    """The article with at most ``max_chars`` characters of body, and how many were left out.

    The extraction's cost grows with the length of a document, and a news article is far
    shorter than the default cap: what is longer is cut at the last paragraph (or sentence)
    break before the cap, and the caller reports that the rest was not read.
    """
    body = article.body
    if len(body) <= max_chars:
        return article, 0
    cut = body.rfind("\n\n", 0, max_chars)
    if cut < max_chars // 2:
        cut = max(body.rfind(". ", 0, max_chars) + 1, 0)
    if cut < max_chars // 2:
        cut = max_chars
    kept = body[:cut].rstrip()
    return replace(article, body=kept), len(body) - len(kept)


def left_out_note(label: str, left_out: int) -> str:
    """What is said of an article ``cap_article`` cut: ``left_out`` characters were not read."""
    return f"{label}: only the first part was read; {left_out:,} characters were not"


def _too_big(size: int, limit: int) -> str:
    return f"too big: {size / 1024 / 1024:.1f} MB (the limit is {limit / 1024 / 1024:g} MB)"
