"""Benchmark: one digest to many subscribed chats through the loopback fake Bot API, and the
/next handler's time with many events stored.

    .venv/bin/python -m bench.broadcast                  # 10,000 chats (about 6 minutes)
    .venv/bin/python -m bench.broadcast --chats 600      # about 20 s at 30 messages/s
    .venv/bin/python -m bench.broadcast --skip-limited --events 100000

Run it as a module from the project root (``-m``): the fake is imported from ``tests.fakes``.

Phases, each using the bot's own code (``bot.telegram.delivery.Deliverer`` for the fan-out,
``bot.services`` and ``bot.store`` for the data, the /next handler of ``bot.telegram``):

(a) Telegram's limits enforced by the fake (30 messages/s overall, 1/s per chat, 20/min per
    group): elapsed time against the ideal N/30 s (target: within 5%) and the 429s the fake
    answered (target: 0).
(b) No limits: sends per second.
(c) /next handler time, p50/p95, with ``--events`` events stored (target: p95 < 50 ms).
(d) Telegram's limits enforced, and faults: 10% of the sends are posted but their answer is
    held back past the bot's 5 s read timeout, 5% are answered 502 (``--timeouts``,
    ``--errors``). Dispatcher ticks are simulated (the bot's clock moves a minute per
    broadcast, so failed deliveries come due again) until nothing is due or the grace period
    ends. Reports the most copies of the digest one chat got (target: <= 1), the chats that
    have it within the grace period (target: >= 99.9% of the reachable chats), how many
    deliveries ended ``unknown`` (the message arrived, the answer did not) and the time
    against the ideal N/30 s.
(e) Replies during a broadcast, limits enforced: the broadcast runs while ``--users`` people
    send /next at random moments; every call goes through the bot's one ``SharedPacer``.
    Reports the 429s (target 0), the reply latency p50 and p95 (target p95 <= 2 s) and the
    broadcast time against the ideal (N + replies)/30 s (target within 5%).

The fake runs in its own process (``python -m tests.fakes.bot_api``), as Telegram would; the
database is a fresh SQLite file in a temporary folder (``--workdir`` to keep it). Chats and
events are written in bulk as the store's rows (events by ``tests.fakes.calendar``, the one
builder of synthetic event rows), not through 10,000 /subscribe commands.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, Defaults, ExtBot
from telegram.request import HTTPXRequest

from bot.domain import Status
from bot.domain.delivery import DeliveryStatus
from bot.services.clock import FixedClock
from bot.services.context import ServiceConfig, Services
from bot.services.digests import delivery_counts, due_chats
from bot.services.rendering import Renderer
from bot.settings import Settings
from bot.store import make_session_factory, upgrade_database
from bot.store.models import ArticleRow, ChatRow, EventRow, MentionRow
from bot.telegram.app import build_application
from bot.telegram.delivery import DEFAULT_WORKERS, Deliverer, Pacer
from tests.fakes.bot_api import DEFAULT_TOKEN
from tests.fakes.bot_process import SEED, bot_env, run_cli
from tests.fakes.calendar import synthetic_events, synthetic_mentions

ROOT = Path(__file__).resolve().parent.parent  # the fake's process runs from here
TELEGRAM_RATE = 30.0  # messages per second, Telegram's overall limit
DAY_ONE = dt.datetime(2025, 10, 27, 6, 0, 30, tzinfo=dt.UTC)  # the 06:00 digest is due
SUBSCRIBED_AT = dt.datetime(2025, 10, 27, 5, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- the fake


@dataclass
class FakeServer:
    """The fake Bot API in a child process, driven through its ``/_fake/`` endpoints."""

    process: subprocess.Popen[bytes]
    url: str

    @classmethod
    def start(cls) -> FakeServer:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.bot_api", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = cls(process, f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                server.control("stats")
                return server
            except OSError:
                time.sleep(0.1)
        process.kill()
        raise RuntimeError("the fake Bot API did not start")

    def control(self, action: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/_fake/{action}", timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read())["result"]
            return answer

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --------------------------------------------------------------------------- data


def services_for(database_url: str, moment: dt.datetime) -> Services:
    return Services(
        make_session_factory(database_url),
        FixedClock(moment),
        Renderer(),
        ServiceConfig(default_timezone="UTC"),
    )


def prepare_database(workdir: Path, database_url: str, seed: bool) -> None:
    upgrade_database(database_url)
    if seed and SEED.exists():
        started = time.monotonic()
        run_cli(["ingest", "--quiet", str(SEED)], bot_env(workdir, database_url), workdir)
        print(f"  ingested the seed article in {time.monotonic() - started:.1f} s")


def add_chats(services: Services, count: int, first_id: int = 1_000_000) -> list[int]:
    """``count`` private chats subscribed at 05:00 to a daily 06:00 UTC digest."""
    ids = list(range(first_id, first_id + count))
    rows = [
        {
            "chat_id": chat_id,
            "type": "private",
            "title": None,
            "timezone": "UTC",
            "digest_time": dt.time(6, 0),
            "digest_weekday": 0,
            "frequency": "daily",
            "active": True,
            "created_at": SUBSCRIBED_AT,
            "updated_at": SUBSCRIBED_AT,
        }
        for chat_id in ids
    ]
    with services.session() as session:
        session.execute(insert(ChatRow), rows)
    return ids


PEOPLE = (
    "Donald Trump",
    "Xi Jinping",
    "Sanae Takaichi",
    "Lee Jae Myung",
    "Emmanuel Macron",
    "Olaf Scholz",
    "Narendra Modi",
    "Luiz Inacio Lula da Silva",
    "Anthony Albanese",
    "Cyril Ramaphosa",
)
PLACES = ("Tokyo", "Busan", "Brussels", "Geneva", "New Delhi", "Brasilia", "Canberra", "Paris")


def add_events(services: Services, count: int) -> None:
    """``count`` events (with one source article per 100) spread over three years from
    2025-10-20: some past, some undated, most upcoming."""
    rng = random.Random(20251027)
    start = dt.date(2025, 10, 20)
    with services.session() as session:
        existing = session.scalar(select(func.count()).select_from(EventRow)) or 0
        articles = []
        for index in range(count // 100 + 1):
            articles.append(
                {
                    "source": f"bench://article/{index}",
                    "url": f"https://news.example/{existing}/{index}",
                    "title": f"Leaders to meet, report {index}",
                    "published": start,
                    "text": "Synthetic benchmark article.",
                    "content_hash": f"bench-{existing}-{index}",
                    "word_count": 3,
                    "ingested_at": SUBSCRIBED_AT,
                }
            )
        session.execute(insert(ArticleRow), articles)
        first_article = session.scalar(
            select(func.min(ArticleRow.id)).where(ArticleRow.source == "bench://article/0")
        )
        assert first_article is not None
        # The random draws, in the order the benchmark has always made them.
        draws: list[tuple[list[str], str, int | None]] = []
        for index in range(count):
            pair = rng.sample(PEOPLE, 2)
            place = rng.choice(PLACES)
            draws.append((pair, place, None if index % 20 == 0 else rng.randrange(1100)))
        events = synthetic_events(
            count,
            start,
            people=lambda i: draws[i][0],
            place_of=lambda i: draws[i][1],
            day_of=lambda i: draws[i][2],
            status_of=lambda i: Status.POSSIBLE if i % 7 == 0 else Status.SCHEDULED,
            stamp=SUBSCRIBED_AT,
            key_prefix=f"bench:{existing}",
        )
        session.execute(insert(EventRow), events)
        first_event = session.scalar(
            select(func.min(EventRow.id)).where(EventRow.key == f"bench:{existing}:0")
        )
        assert first_event is not None
        mentions = synthetic_mentions(events, first_event, lambda i: first_article + i // 100)
        session.execute(insert(MentionRow), mentions)


# --------------------------------------------------------------------------- phases


def bot_application(fake: FakeServer, services: Services, database_url: str) -> Application:  # type: ignore[type-arg]
    """The bot's own application (handlers, defaults, PTB's AIORateLimiter), not started."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_url=fake.url,
        database_url=database_url,
    )
    return build_application(settings, services=services, poll_feeds=False)


def unlimited_bot(fake: FakeServer) -> ExtBot:  # type: ignore[type-arg]
    """The bot's defaults (HTML) without PTB's rate limiter, for the no-limits phase."""
    return ExtBot(
        DEFAULT_TOKEN,
        base_url=f"{fake.url}/bot",
        base_file_url=f"{fake.url}/file/bot",
        request=HTTPXRequest(connection_pool_size=64, read_timeout=30, write_timeout=30),
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )


@dataclass
class FaultRun:
    ticks: int = 0
    seconds: float = 0.0  # wall time spent in broadcasts
    simulated_minutes: int = 0  # the bot's clock from the slot to the last tick
    sent: int = 0
    unknown: int = 0
    failed_attempts: int = 0


async def broadcast_with_faults(
    fake: FakeServer, services: Services, database_url: str, *, workers: int
) -> FaultRun:
    """Broadcast as the dispatcher does, one simulated tick a minute, until nothing is due or
    the grace period has passed."""
    assert isinstance(services.clock, FixedClock)
    slot_time = services.clock.now()
    grace = services.config.missed_digest_grace
    run = FaultRun()
    application = bot_application(fake, services, database_url)
    async with application:
        deliverer = Deliverer(application.bot, services, workers=workers)
        while services.clock.now() - slot_time <= grace:
            due = due_chats(services)
            if due:
                run.ticks += 1
                started = time.monotonic()
                report = await deliverer.broadcast(due)
                run.seconds += time.monotonic() - started
                run.sent += report.sent
                run.unknown += report.unknown
                run.failed_attempts += report.failed - report.unknown - report.deactivated
                print(
                    f"    tick {run.ticks}: {len(due):,} due, {report.sent:,} sent, "
                    f"{report.unknown:,} unknown, {report.failed - report.unknown:,} to retry "
                    f"later, {report.seconds:.1f} s"
                )
            elif not _retries_pending(services):
                break
            services.clock.set(services.clock.now() + dt.timedelta(minutes=1))
            run.simulated_minutes += 1
    return run


async def broadcast_with_replies(
    fake: FakeServer, services: Services, database_url: str, *, users: int, workers: int
) -> tuple[float, list[float], int]:
    """(broadcast seconds, reply latencies in seconds, replies sent) while ``users`` people
    send /next at random moments of the broadcast."""
    due = due_chats(services)
    expected = (len(due) + users) / TELEGRAM_RATE
    rng = random.Random(11)
    latencies: list[float] = []
    application = bot_application(fake, services, database_url)
    async with application:
        deliverer = Deliverer(application.bot, services, workers=workers)

        async def ask(index: int) -> None:
            await asyncio.sleep(rng.uniform(0.0, expected * 0.9))
            chat_id = 9_000_000 + index
            update = Update.de_json(next_update(index + 1, chat_id), application.bot)
            started = time.monotonic()
            await application.process_update(update)
            latencies.append(time.monotonic() - started)

        started = time.monotonic()
        broadcast_task = asyncio.create_task(deliverer.broadcast(due))
        await asyncio.gather(*(ask(index) for index in range(users)))
        report = await broadcast_task
        elapsed = time.monotonic() - started
    if report.failures:
        print(f"  failures: {report.failures[:5]}")
    return elapsed, latencies, report.sent


def next_update(update_id: int, chat_id: int) -> dict[str, Any]:
    """A /next message from a person in a private chat, as Telegram sends it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Bench"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Bench"},
            "text": "/next",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


def _retries_pending(services: Services) -> bool:
    return delivery_counts(services).retrying > 0


async def broadcast(
    fake: FakeServer, services: Services, database_url: str, *, limited: bool, workers: int
) -> tuple[float, int, int]:
    """Deliver the due digest to every due chat; (seconds, sent, failed).

    Limited: the bot as it runs (its Deliverer's pacer and PTB's rate limiter). Unlimited:
    neither, to measure what the delivery code itself can do."""
    due = due_chats(services)
    if limited:
        application = bot_application(fake, services, database_url)
        async with application:
            deliverer = Deliverer(application.bot, services, workers=workers)
            started = time.monotonic()
            report = await deliverer.broadcast(due)
            elapsed = time.monotonic() - started
    else:
        async with unlimited_bot(fake) as bot:
            deliverer = Deliverer(bot, services, Pacer(rate=0), workers=workers)
            started = time.monotonic()
            report = await deliverer.broadcast(due)
            elapsed = time.monotonic() - started
    if report.failures:
        print(f"  failures: {report.failures[:5]}")
    return elapsed, report.sent, report.failed


def fake_ceiling(fake: FakeServer, count: int, threads: int = 4) -> float:
    """Requests/s the fake answers to plain ``http.client`` senders (no PTB, no bot code)."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(fake.url)

    def sender(first: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
        for index in range(count // threads):
            connection.request(
                "POST",
                f"/bot{DEFAULT_TOKEN}/sendMessage",
                body=f"chat_id={first + index}&text=bench",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            connection.getresponse().read()
        connection.close()

    workers = [
        threading.Thread(target=sender, args=(7_000_000 + k * count,)) for k in range(threads)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (count // threads) * threads / (time.monotonic() - started)


async def raw_sends(fake: FakeServer, count: int, concurrency: int = 16) -> float:
    """Sends/s of bare ``Bot.send_message`` calls: the ceiling the fake and PTB allow."""
    async with unlimited_bot(fake) as bot:
        semaphore = asyncio.Semaphore(concurrency)

        async def one(chat_id: int) -> None:
            async with semaphore:
                await bot.send_message(chat_id, "<b>Summit digest</b> · bench")

        started = time.monotonic()
        await asyncio.gather(*(one(5_000_000 + index) for index in range(count)))
        return count / (time.monotonic() - started)


async def next_handler_times(
    fake: FakeServer, services: Services, database_url: str, samples: int, chat_ids: list[int]
) -> tuple[list[float], list[float]]:
    """Milliseconds per /next: the whole update through the bot's application (its
    CommandHandler, the handler, the reply to the fake), and the service call alone."""
    from bot.services import meetings

    application = bot_application(fake, services, database_url)
    handler_ms: list[float] = []
    service_ms: list[float] = []
    async with application:
        for index in range(samples):
            chat_id = chat_ids[index % len(chat_ids)]
            update = Update.de_json(next_update(index + 1, chat_id), application.bot)
            started = time.perf_counter()
            await application.process_update(update)
            handler_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            meetings.next_meeting(services, chat_id)
            service_ms.append((time.perf_counter() - started) * 1000)
    return handler_ms, service_ms


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--chats", type=int, default=10_000, help="subscribed chats (10,000)")
    parser.add_argument("--events", type=int, default=100_000, help="events for /next (100,000)")
    parser.add_argument("--samples", type=int, default=300, help="/next calls timed (300)")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"concurrent deliveries ({DEFAULT_WORKERS})",
    )
    parser.add_argument("--skip-limited", action="store_true", help="skip phase (a)")
    parser.add_argument("--skip-unlimited", action="store_true", help="skip phase (b)")
    parser.add_argument("--skip-next", action="store_true", help="skip phase (c)")
    parser.add_argument("--skip-faults", action="store_true", help="skip phase (d)")
    parser.add_argument("--skip-replies", action="store_true", help="skip phase (e)")
    parser.add_argument("--users", type=int, default=100, help="(e) people sending /next (100)")
    parser.add_argument("--timeouts", type=float, default=0.10, help="(d) held answers (0.10)")
    parser.add_argument("--errors", type=float, default=0.05, help="(d) 502 answers (0.05)")
    parser.add_argument("--no-seed", action="store_true", help="do not ingest the seed article")
    parser.add_argument("--workdir", type=Path, help="keep the database here")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="summit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database_url = f"sqlite:///{database}"
    os.environ["DATABASE_URL"] = database_url
    print(f"database {database}")

    prepare_database(workdir, database_url, seed=not args.no_seed)
    services = services_for(database_url, DAY_ONE)
    started = time.monotonic()
    chat_ids = add_chats(services, args.chats)
    print(f"  subscribed {len(chat_ids):,} chats in {time.monotonic() - started:.1f} s")

    fake = FakeServer.start()
    failed = False
    try:
        if not args.skip_limited:
            fake.control("limits?on=1")
            fake.control("clear")
            print(f"\n(a) {args.chats:,} chats, Telegram's limits enforced by the fake")
            elapsed, sent, errors = asyncio.run(
                broadcast(fake, services, database_url, limited=True, workers=args.workers)
            )
            stats = fake.control("stats")
            ideal = sent / TELEGRAM_RATE
            ratio = elapsed / ideal if ideal else float("inf")
            ok = stats["limit_429s"] == 0 and ratio <= 1.05 and sent == args.chats
            failed |= not ok
            print(f"    sent {sent:,} (failed {errors}), chats reached {stats['chats_reached']:,}")
            print(f"    elapsed {elapsed:.1f} s, ideal at 30/s {ideal:.1f} s: {ratio:.3f}× ideal")
            print(f"    429 answered: {stats['limit_429s']}  -> {'OK' if ok else 'MISSED TARGET'}")

        if not args.skip_unlimited:
            fake.control("limits?on=0")
            fake.control("clear")
            # The next day's digest, so that every chat is due again.
            services.clock = FixedClock(DAY_ONE + dt.timedelta(days=1))
            print(f"\n(b) {args.chats:,} chats, no limits")
            elapsed, sent, errors = asyncio.run(
                broadcast(fake, services, database_url, limited=False, workers=args.workers)
            )
            print(
                f"    the fake alone (http.client, 4 threads): "
                f"{fake_ceiling(fake, 4000):,.0f} requests/s"
            )
            bare = asyncio.run(raw_sends(fake, min(args.chats, 3000), args.workers))
            print(f"    bare PTB Bot.send_message, {args.workers} at a time: {bare:,.0f} sends/s")
            print(
                f"    sent {sent:,} (failed {errors}) in {elapsed:.1f} s: "
                f"{sent / elapsed:,.0f} sends/s"
            )

        if not args.skip_faults:
            fake.control("limits?on=1")
            fake.control("clear")
            fake.control(f"faults?hold={args.timeouts}&seconds=6&errors={args.errors}")
            services.clock = FixedClock(DAY_ONE + dt.timedelta(days=2))  # a new digest
            print(
                f"\n(d) {args.chats:,} chats, limits enforced, {args.timeouts:.0%} of the answers "
                f"held back past the read timeout, {args.errors:.0%} answered 502"
            )
            # Every chat's fault is logged by the bot; the figures below sum them up.
            logging.getLogger("bot.telegram.delivery").setLevel(logging.CRITICAL)
            run = asyncio.run(
                broadcast_with_faults(fake, services, database_url, workers=args.workers)
            )
            logging.getLogger("bot.telegram.delivery").setLevel(logging.NOTSET)
            fake.control("faults")
            stats = fake.control("stats")
            counts = delivery_counts(services)
            reached = stats["chats_reached"]
            share = reached / args.chats
            ideal = args.chats / TELEGRAM_RATE
            ok = stats["max_copies"] <= 1 and share >= 0.999
            failed |= not ok
            print(
                f"    {run.ticks} broadcast(s) over {run.simulated_minutes} simulated minutes; "
                f"502s answered {stats['storm_errors']:,}, answers held back "
                f"{stats['delayed_answers']:,}"
            )
            print(
                f"    deliveries: {counts[DeliveryStatus.SENT]:,} sent, "
                f"{counts[DeliveryStatus.UNKNOWN]:,} unknown (posted, no answer; never resent), "
                f"{counts[DeliveryStatus.FAILED]:,} failed"
            )
            print(
                f"    copies per chat: at most {stats['max_copies']} (target <= 1); "
                f"chats with the digest: {reached:,} of {args.chats:,} = {share:.2%} "
                f"(target >= 99.9%)"
            )
            print(
                f"    elapsed {run.seconds:.1f} s in broadcasts, ideal at 30/s {ideal:.1f} s: "
                f"{run.seconds / ideal:.3f}× ideal, 429 answered: {stats['limit_429s']}"
                f"  -> {'OK' if ok else 'MISSED TARGET'}"
            )

        if not args.skip_replies:
            fake.control("limits?on=1")
            fake.control("clear")
            services.clock = FixedClock(DAY_ONE + dt.timedelta(days=3))  # a new digest
            print(
                f"\n(e) {args.chats:,} chats, limits enforced, {args.users} people sending /next "
                "during the broadcast"
            )
            elapsed, latencies, sent = asyncio.run(
                broadcast_with_replies(
                    fake, services, database_url, users=args.users, workers=args.workers
                )
            )
            stats = fake.control("stats")
            ideal = (sent + len(latencies)) / TELEGRAM_RATE
            p95 = percentile(latencies, 0.95) if latencies else float("inf")
            ratio = elapsed / ideal if ideal else float("inf")
            ok = stats["limit_429s"] == 0 and p95 <= 2.0 and ratio <= 1.05
            failed |= not ok
            print(
                f"    replies {len(latencies)}: p50 {statistics.median(latencies):.2f} s, "
                f"p95 {p95:.2f} s (target <= 2 s); 429 answered: {stats['limit_429s']}"
            )
            print(
                f"    broadcast {sent:,} sent in {elapsed:.1f} s, ideal ({sent:,} + "
                f"{len(latencies)} replies)/30 = {ideal:.1f} s: {ratio:.3f}× ideal"
                f"  -> {'OK' if ok else 'MISSED TARGET'}"
            )

        if not args.skip_next:
            services.clock = FixedClock(DAY_ONE)
            started = time.monotonic()
            add_events(services, args.events)
            with services.session() as session:
                stored = session.scalar(select(func.count()).select_from(EventRow))
            print(
                f"\n(c) /next with {stored:,} events stored "
                f"(added in {time.monotonic() - started:.1f} s), {args.samples} calls"
            )
            handler_ms, service_ms = asyncio.run(
                next_handler_times(fake, services, database_url, args.samples, chat_ids[:50])
            )
            p95 = percentile(handler_ms, 0.95)
            failed |= p95 >= 50
            print(
                f"    handler (with its reply): p50 {statistics.median(handler_ms):.1f} ms, "
                f"p95 {p95:.1f} ms  -> {'OK' if p95 < 50 else 'MISSED TARGET'} (< 50 ms)"
            )
            print(
                f"    service only:             p50 {statistics.median(service_ms):.1f} ms, "
                f"p95 {percentile(service_ms, 0.95):.1f} ms"
            )
    finally:
        fake.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
