"""The exit statuses of every `summit-bot` command (the table in the README)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """0 done, 1 some inputs failed, 2 usage or configuration error."""

    DONE = 0
    SOME_FAILED = 1
    USAGE = 2
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
