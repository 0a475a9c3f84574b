"""The `summit-bot` command line: one sub-command module per area of the bot.

Each module in this package exposes ``register(subparsers)`` that adds its sub-commands and
sets ``handler`` (a function taking the parsed arguments and returning an exit status).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot import __version__
from bot.errors import SummitBotError

# Sub-command modules, in the order their commands are listed in --help.
_MODULES = ("bot.cli.extract", "bot.cli.store", "bot.cli.telegram", "bot.cli.web")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="summit-bot",
        description="Find upcoming summits and meetings in the news and post them to Telegram.",
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args))
    except SummitBotError as exc:
        print(f"summit-bot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
