"""Words shared by the command line and Telegram: numbers with their nouns, moments in the
bot's one date format."""

from __future__ import annotations

import datetime as dt

from bot.services.rendering import day_label


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the form it takes: ``plural(1, "entry", "entries")``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"


def moment_label(moment: dt.datetime | None) -> str:
    """``Mon 27 Oct 2025, 06:00 UTC`` (``day_label`` with the time), or "never"."""
    if moment is None:
        return "never"
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return f"{day_label(moment.date())}, {moment:%H:%M} UTC"
