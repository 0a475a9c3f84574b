"""Telegram's ``parse_mode=HTML``: the tags it accepts, the visible text, the length limits."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.telegram.objects import utf16_len
from tests.fakes.bot_api.records import ApiError

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")


def telegram_html_to_text(text: str) -> str:
    """Parse ``parse_mode=HTML`` text like Telegram: the visible text, or ApiError(400)."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        chunk = text[pos:] if lt < 0 else text[pos:lt]
        out.append(html.unescape(chunk))
        if lt < 0:
            break
        match = _TAG_RE.match(text, lt)
        if match is None:
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset '
                f"{len(text[:lt].encode())}",
            )
        closing, name, _attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in _ALLOWED_TAGS:
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte '
                f"offset {len(text[:lt].encode())}",
            )
        if closing:
            if not stack or stack[-1] != name:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                    f'{len(text[:lt].encode())}, expected "</{stack[-1] if stack else ""}>", '
                    f'found "</{name}>"',
                )
            stack.pop()
        else:
            stack.append(name)
        pos = match.end()
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start "
            f'tag "{stack[-1]}"',
        )
    return "".join(out)


def visible_text(text: Any, parse_mode: Any, limit: int, empty: str, *, validate: bool) -> str:
    """The text a user would see, checked as Telegram checks it: not empty (``empty`` is the
    error), valid HTML when ``validate`` and the parse mode is HTML, at most ``limit`` long."""
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, empty)
    plain = (
        telegram_html_to_text(text)
        if validate and str(parse_mode or "").upper() == "HTML"
        else text
    )
    if not plain.strip():
        raise ApiError(400, empty)
    if utf16_len(plain) > limit:
        raise ApiError(
            400,
            "Bad Request: message is too long"
            if limit == MAX_MESSAGE_LENGTH
            else "Bad Request: message caption is too long",
        )
    return plain
