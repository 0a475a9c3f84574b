"""`summit-bot web`: the calendar page and feeds, /healthz and /metrics, without the bot."""

from __future__ import annotations

import argparse
import asyncio

from bot.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = subparsers.add_parser(
        "web",
        help="serve the calendar page and its .ics feeds (HTTP_HOST:HTTP_PORT) without the bot",
        description=(
            "Serve / (the upcoming meetings), /calendar.ics, /c/<token>.ics, /healthz and "
            "/metrics from the database, without running the Telegram bot."
        ),
    )
    web.add_argument("--host", default=None, help="listen address (default: HTTP_HOST)")
    web.add_argument("--port", type=int, default=None, help="port (default: HTTP_PORT)")
    web.set_defaults(handler=cmd_web)


def cmd_web(args: argparse.Namespace) -> int:
    from bot.services.context import services_from_settings
    from bot.store import make_engine, upgrade_database
    from bot.web.server import serve

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade_database(engine)
        services = services_from_settings(settings, engine=engine)
        host = args.host or settings.http_host
        port = settings.http_port if args.port is None else args.port
        asyncio.run(serve(services, host, port))
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    return 0
