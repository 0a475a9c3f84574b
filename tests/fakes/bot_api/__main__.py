"""``python -m tests.fakes.bot_api --port 8081 [--limits]``: the fake as a server process."""

from __future__ import annotations

import argparse
import time

from tests.fakes.bot_api.limits import Limits
from tests.fakes.bot_api.server import DEFAULT_TOKEN, FakeBotAPI


def _serve_forever(api: FakeBotAPI) -> None:
    print(f"Fake Bot API on {api.url} (token {api.token}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.bot_api", description="A fake Telegram Bot API on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's flood limits")
    args = parser.parse_args(argv)
    api = FakeBotAPI(args.token, host=args.host, port=args.port)
    if args.limits:
        api.set_limits(Limits())
    with api:
        _serve_forever(api)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
