"""The Telegram edge: python-telegram-bot wiring (``app``), the command table (``commands``),
thin handlers, digest delivery and scheduling, and the console chat."""
