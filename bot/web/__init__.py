"""The HTTP side of the bot: the calendar page, iCalendar feeds, /healthz and /metrics."""
