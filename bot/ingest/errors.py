"""Ingestion errors; like every SummitBotError, the message is one line fit to show."""

from bot.errors import ArticleError, SummitBotError


class FetchError(SummitBotError):
    """A network fetch failed: timeout, refused, HTTP error status, or too big."""


class FeedError(SummitBotError):
    """A feed document that is refused: malformed or hostile XML, or not a feed."""


__all__ = ["ArticleError", "FeedError", "FetchError"]
