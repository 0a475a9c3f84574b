"""Domain errors: each carries a message fit to show a user as it is."""


class SummitBotError(Exception):
    """Base of every error the bot turns into a clear message at the edge."""


class ModelNotInstalledError(SummitBotError):
    """No spaCy English model could be loaded."""


class ArticleError(SummitBotError):
    """An input that cannot be read as an article (binary, empty, too big, no date)."""
