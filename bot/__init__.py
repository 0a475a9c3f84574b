"""Summit Digest Bot: upcoming summits and leaders' meetings from the news, posted to Telegram."""

__version__ = "0.1.0"
