"""The `summit-bot` command line: one sub-command module per area of the bot.

Each module in this package exposes ``register(subparsers)`` that adds its sub-commands and
sets ``handler`` (a function taking the parsed arguments and returning an ``ExitStatus``).
Every setting is checked before a command runs: a bad one is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli.status import ExitStatus
from bot.errors import SummitBotError
from bot.settings import Settings, SettingsError, check_environment, get_settings

# Sub-command modules, in the order their commands are listed in --help.
_MODULES = ("bot.cli.extract", "bot.cli.store", "bot.cli.telegram", "bot.cli.web")
# Commands that never open the database, so its checks (and the default ./data/) are skipped.
_WITHOUT_DATABASE = frozenset({"extract", "dates"})
# Libraries whose INFO lines are per-request chatter: they are shown only at DEBUG.
_CHATTY_LOGGERS = ("httpx", "httpcore")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summit-bot",
        description="Find upcoming summits and meetings in the news and post them to Telegram.",
        epilog="Exit status: 0 done, 1 some inputs failed, 2 usage or configuration error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


class DemoteToDebug(logging.Filter):
    """Turns a chatty library's INFO records into DEBUG ones (shown only when debugging)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def configure_logging(settings: Settings, verbose: bool) -> None:
    """LOG_LEVEL (or DEBUG with ``-v``) on stderr; httpx's request lines at DEBUG."""
    level = logging.DEBUG if verbose else settings.log_level_number
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger().setLevel(level)
    for name in _CHATTY_LOGGERS:
        chatty = logging.getLogger(name)
        if not any(isinstance(f, DemoteToDebug) for f in chatty.filters):
            chatty.addFilter(DemoteToDebug())


def _refuse(error: SettingsError) -> ExitStatus:
    for line in str(error).splitlines():
        print(f"summit-bot: {line}", file=sys.stderr)
    return ExitStatus.USAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors exit with 2 here
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return ExitStatus.USAGE
    try:
        settings = get_settings()
        check_environment(settings, database=args.command not in _WITHOUT_DATABASE)
    except SettingsError as exc:
        return _refuse(exc)
    configure_logging(settings, args.verbose)
    try:
        return int(handler(args))
    except SettingsError as exc:
        return _refuse(exc)
    except SummitBotError as exc:
        print(f"summit-bot: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
