"""The one table of the bot's commands: registration, the command menus and /help read it.

A new command is one row here: its name, its handler, one line of help and who may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import Update

from bot.telegram.common import Context
from bot.telegram.handlers import admin, alerts, basic, events, follows, subscription
from bot.telegram.handlers import settings as prefs

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


class Scope(StrEnum):
    """Who may use a command (the handlers check; the menus and /help follow)."""

    EVERYONE = "everyone"
    GROUP_ADMIN = "group admin"  # anyone in a private chat; only administrators in a group
    OPERATOR = "operator"  # the users listed in ADMIN_IDS


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    help: str
    scope: Scope = Scope.EVERYONE


@dataclass(frozen=True, slots=True)
class CommandTable:
    commands: tuple[Command, ...]

    def visible(self, *, operator: bool) -> tuple[Command, ...]:
        """The commands a user sees in the menu and /help: operators see every one."""
        return tuple(c for c in self.commands if operator or c.scope is not Scope.OPERATOR)


COMMANDS = CommandTable(
    (
        Command("next", events.next_meeting, "the next upcoming meeting"),
        Command("upcoming", events.upcoming, "the next N meetings (default 5): /upcoming 10"),
        Command("digest", events.digest, "the digest now, as the schedule would post it"),
        Command(
            "ics",
            events.ics,
            "the upcoming meetings for your calendar; /ics reset gives a new address",
        ),
        Command("following", follows.following, "what this chat follows"),
        Command("settings", prefs.settings_command, "time zone, digest time and frequency"),
        Command("start", basic.start, "what this bot does"),
        Command("help", basic.help_command, "all commands"),
        Command(
            "subscribe", subscription.subscribe, "get a digest on your schedule", Scope.GROUP_ADMIN
        ),
        Command("unsubscribe", subscription.unsubscribe, "stop the digests", Scope.GROUP_ADMIN),
        Command(
            "timezone",
            prefs.timezone,
            "set the time zone: /timezone Europe/Berlin",
            Scope.GROUP_ADMIN,
        ),
        Command(
            "time",
            prefs.time_command,
            "set the digest time: /time 08:00 (weekly: /time fri 17:00)",
            Scope.GROUP_ADMIN,
        ),
        Command(
            "follow",
            follows.follow,
            "only events with a leader, country or summit: /follow Xi Jinping",
            Scope.GROUP_ADMIN,
        ),
        Command(
            "unfollow",
            follows.unfollow,
            "stop following a name: /unfollow Xi Jinping",
            Scope.GROUP_ADMIN,
        ),
        Command(
            "alerts",
            alerts.alerts,
            "hear at once when a followed meeting changes: /alerts on",
            Scope.GROUP_ADMIN,
        ),
        Command("ingest", admin.ingest, "ingest an article URL: /ingest https://…", Scope.OPERATOR),
        Command("feeds", admin.feeds, "the polled feeds and their health", Scope.OPERATOR),
        Command(
            "stats", admin.stats, "subscribers, events, feeds, last deliveries", Scope.OPERATOR
        ),
    )
)
