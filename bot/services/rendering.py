"""Telegram HTML from Jinja2 templates: escaping, dates, countdowns and message splitting.

Telegram accepts only a few tags (``b i u s a code pre blockquote``) and needs ``< > &``
escaped everywhere else; autoescape does that for every dynamic value. Long digests are split
at event boundaries, which templates mark with ``{{ cut }}`` (before an event) and
``{{ day_cut }}`` (before a day's heading).

The markers are control characters, so control characters are removed from every value a
template prints (``clean_text``, the environment's ``finalize``): text from articles and feeds
can neither split a message inside a tag nor carry characters Telegram refuses.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from bot.domain import Precision
from bot.domain.calendar import EventView

# The bundled templates: the top-level templates/ folder, shipped in the package as
# bot/templates (a symlink in the checkout), found through importlib.resources.
BUNDLED_TEMPLATES = importlib.resources.files("bot") / "templates"
MESSAGE_LIMIT = 4096
EVENT_CUT = "\x1e"
DAY_CUT = "\x1d"
_ALLOWED_SCHEMES = ("http", "https", "tg")
# C0 controls but tab and newline, DEL and C1 controls: never wanted in a message, and the
# cut markers above are among them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """``value`` without control characters (tab and newline stay)."""
    return _CONTROL.sub("", value)


def _finalize(value: Any) -> Any:
    """Applied by Jinja2 to every printed value: the cut markers pass, text is cleaned
    (``Markup`` too, e.g. a ``join`` of escaped values)."""
    if isinstance(value, Markup):
        return value if value in (EVENT_CUT, DAY_CUT) else Markup(clean_text(str(value)))
    if isinstance(value, str):
        return clean_text(value)
    return value


def safe_url(value: object) -> str:
    """A link target Telegram accepts, or "" for anything else (javascript:, garbage)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or (parts.scheme != "tg" and not parts.netloc):
        return ""
    return text


def day_label(day: dt.date | None) -> str:
    """``Tue 28 Oct 2025``."""
    if day is None:
        return "Date to be confirmed"
    return f"{day:%a} {day.day} {day:%b %Y}"


def countdown(day: dt.date | None, today: dt.date, precision: Precision = Precision.DAY) -> str:
    """``today``, ``tomorrow``, ``in 2 days``, ``in 3 weeks``, ``2 days ago``."""
    if day is None:
        return ""
    days = (day - today).days
    if precision is Precision.MONTH:
        return "this month" if (day.year, day.month) == (today.year, today.month) else "later"
    if precision is Precision.WEEK:
        if days < 7:
            return "this week"
        return f"in {days // 7} week{'s' if days // 7 > 1 else ''}"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days < 0:
        return f"{-days} days ago"
    if days < 14:
        return f"in {days} days"
    if days < 60:
        return f"in {days // 7} weeks"
    return f"in {round(days / 30)} months"


def when_label(event: EventView, tz: dt.tzinfo) -> str:
    """The date of an event (all-day: the same in every time zone)."""
    if event.date is None:
        return "date to be confirmed"
    if event.precision is Precision.MONTH:
        return f"{event.date:%B %Y}"
    if event.precision is Precision.WEEK:
        return f"week of {day_label(event.date)}"
    if event.end_date and event.end_date != event.date:
        return f"{day_label(event.date)} – {day_label(event.end_date)}"
    return day_label(event.date)


@dataclass(frozen=True, slots=True)
class Entry:
    """An event in a rendered message, with what the reader needs around it."""

    event: EventView
    when: str
    countdown: str
    mark: str | None = None  # "new", "changed" or None


@dataclass(frozen=True, slots=True)
class Day:
    label: str
    countdown: str
    entries: list[Entry]


def make_entry(event: EventView, tz: dt.tzinfo, today: dt.date, mark: str | None = None) -> Entry:
    return Entry(event, when_label(event, tz), countdown(event.date, today, event.precision), mark)


def group_by_day(entries: Iterable[Entry], tz: dt.tzinfo, today: dt.date) -> list[Day]:
    """Entries grouped under one heading per calendar day in the chat's time zone."""
    days: list[Day] = []
    for entry in entries:
        event = entry.event
        day = event.date
        if event.precision in (Precision.WEEK, Precision.MONTH):
            label = when_label(event, tz)
            relative = entry.countdown
        else:
            label = day_label(day)
            relative = countdown(day, today)
        if days and days[-1].label == label:
            days[-1].entries.append(entry)
        else:
            days.append(Day(label, relative, [entry]))
    return days


class Renderer:
    """Renders the bot's messages from a templates folder (``TEMPLATES_DIR`` overrides)."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        folders = [str(BUNDLED_TEMPLATES)]
        if templates_dir is not None:
            folders.insert(0, str(templates_dir))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
        )
        self.env.filters["url"] = safe_url
        self.env.filters["day"] = day_label
        self.env.globals["cut"] = Markup(EVENT_CUT)
        self.env.globals["day_cut"] = Markup(DAY_CUT)

    def render(self, template: str, /, **context: Any) -> str:
        """One template to a string with the cut markers still in it."""
        return self.env.get_template(template).render(**context)

    def message(self, template: str, /, **context: Any) -> str:
        """One template to one message: cut markers removed, blank lines tidied."""
        text = self.render(template, **context)
        return tidy(text.replace(EVENT_CUT, "").replace(DAY_CUT, ""))

    def messages(self, template: str, /, limit: int = MESSAGE_LIMIT, **context: Any) -> list[str]:
        """One template to as many messages as needed, split at event boundaries."""
        return split_message(self.render(template, **context), limit)


_BLANKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    return _BLANKS.sub("\n\n", text).strip()


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); the raw HTML bounds the parsed text."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split rendered text at its cut markers into messages of at most ``limit`` characters.

    A day heading is kept with its first event and repeated ("continued") when a day's events
    run over into the next message. Lengths are summed as blocks are added (the raw length
    bounds the tidied one), so this is linear in the text.
    """
    pieces: list[tuple[str, str]] = []
    for chunk in re.split(f"([{EVENT_CUT}{DAY_CUT}])", text):
        if chunk in (EVENT_CUT, DAY_CUT):
            pieces.append((chunk, ""))
        elif pieces:
            kind, body = pieces[-1]
            pieces[-1] = (kind, body + chunk)
        else:
            pieces.append(("", chunk))
    messages: list[str] = []
    current: list[str] = []
    size = 0
    heading = ""
    pending_heading = ""
    for kind, body in pieces:
        if kind == DAY_CUT:
            heading = body.strip("\n")
            pending_heading = body
            continue
        block = pending_heading + body
        block_size = tg_len(block)
        if current and size + block_size > limit and tidy("".join(current)):
            messages.append(tidy("".join(current)))
            cont = "" if pending_heading or not heading else f"{heading} <i>(continued)</i>\n"
            current, size = [cont], tg_len(cont)
        current.append(block)
        size += block_size
        pending_heading = ""
    if pending_heading:
        current.append(pending_heading)
    if tidy("".join(current)):
        messages.append(tidy("".join(current)))
    return [part for message in messages for part in _hard_split(message, limit)]


def _hard_split(text: str, limit: int) -> Sequence[str]:
    """Last resort for one block over the limit: split between lines (tags never span lines)."""
    if tg_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while tg_len(line) > limit:  # a single enormous line: cut its text
            if tidy(current):
                parts.append(tidy(current))
            current = ""
            plain = html.escape(html_to_text(line))
            cut = plain[: limit - 1]
            cut = cut[: cut.rfind("&")] if cut.rfind("&") > cut.rfind(";") else cut
            parts.append(cut + "…")
            line = ""
        candidate = f"{current}\n{line}" if current else line
        if tg_len(candidate) > limit:
            parts.append(tidy(current))
            current = line
        else:
            current = candidate
    if tidy(current):
        parts.append(tidy(current))
    return [part for part in parts if part]


_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*"([^"]*)\"""")


def html_to_text(text: str) -> str:
    """Telegram HTML to plain text for a terminal: tags dropped, links as ``label (url)``."""
    out: list[str] = []
    pos = 0
    hrefs: list[str] = []
    for match in _TAG.finditer(text):
        out.append(text[pos : match.start()])
        closing, tag, attrs = match.groups()
        if tag == "a" and not closing:
            found = _HREF.search(attrs)
            hrefs.append(html.unescape(found.group(1)) if found else "")
        elif tag == "a" and closing and hrefs:
            href = hrefs.pop()
            if href:
                out.append(f" ({href})")
        pos = match.end()
    out.append(text[pos:])
    return html.unescape("".join(out).replace(EVENT_CUT, "").replace(DAY_CUT, ""))
