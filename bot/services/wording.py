"""Words shared by the command line and Telegram: numbers with their nouns, moments in the
bot's one date format."""

from __future__ import annotations

import datetime as dt

from bot.plural import plural
from bot.services.rendering import day_label

__all__ = ["moment_label", "plural"]


def moment_label(moment: dt.datetime | None) -> str:
    """``Mon 27 Oct 2025, 06:00 UTC`` (``day_label`` with the time), or "never"."""
    if moment is None:
        return "never"
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return f"{day_label(moment.date())}, {moment:%H:%M} UTC"
