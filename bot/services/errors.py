"""Errors of the bot's services; each message is fit to show the user as it is."""

from __future__ import annotations

from bot.errors import SummitBotError


class InvalidInputError(SummitBotError):
    """A command argument that cannot be understood; the message says what would work."""
