"""The bot's commands with their one-line descriptions (menu, /help)."""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str], ...] = (
    ("next", "the next upcoming meeting"),
    ("upcoming", "the next N meetings (default 5): /upcoming 10"),
    ("digest", "the digest now, as the schedule would post it"),
    ("subscribe", "get a digest on your schedule"),
    ("unsubscribe", "stop the digests"),
    ("settings", "time zone, digest time and frequency"),
    ("timezone", "set the time zone: /timezone Europe/Berlin"),
    ("time", "set the digest time: /time 08:00 (weekly: /time fri 17:00)"),
    ("follow", "only events with a leader, country or summit: /follow Xi Jinping"),
    ("unfollow", "stop following a name: /unfollow Xi Jinping"),
    ("following", "what this chat follows"),
    ("ics", "the upcoming meetings as a calendar file"),
    ("start", "what this bot does"),
    ("help", "all commands"),
)

ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("ingest", "ingest an article URL: /ingest https://…"),
    ("feeds", "the polled feeds and their health"),
    ("stats", "subscribers, events, feeds, last deliveries"),
)
