"""`summit-bot ingest | feeds | events | db`: the store and ingestion from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from bot.settings import Settings, get_settings

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.orm import Session, sessionmaker

    from bot.ingest.service import ExtractorLike, IngestReport
    from bot.store.queries import StoredEvent

# Alembic reports every step at INFO (some on import); a current schema is not news.
logging.getLogger("alembic").setLevel(logging.WARNING)

# Progress is shown from this many inputs on.
PROGRESS_MIN = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = subparsers.add_parser(
        "ingest",
        help="store articles (files, folders, .html files, article URLs) and their events",
        description="Store articles and consolidate the meetings they report into the calendar.",
    )
    ingest.add_argument("targets", nargs="+", metavar="PATH|URL")
    ingest.add_argument(
        "--published",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication date for inputs that do not carry one",
    )
    ingest.add_argument("--quiet", action="store_true", help="no progress indicator")
    ingest.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes that run the extraction (default INGEST_WORKERS: one per core, max 4)",
    )
    ingest.set_defaults(handler=cmd_ingest)

    feeds = subparsers.add_parser("feeds", help="RSS/Atom feeds: add, remove, list, poll")
    feed_cmds = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = feed_cmds.add_parser("add", help="subscribe to a feed")
    add.add_argument("url")
    add.set_defaults(handler=cmd_feeds_add)
    remove = feed_cmds.add_parser("remove", help="unsubscribe (stored articles stay)")
    remove.add_argument("url")
    remove.set_defaults(handler=cmd_feeds_remove)
    lst = feed_cmds.add_parser("list", help="feeds with their health")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_feeds_list)
    poll = feed_cmds.add_parser("poll", help="poll feeds now")
    poll.add_argument("--due", action="store_true", help="only the feeds whose time has come")
    poll.set_defaults(handler=cmd_feeds_poll)

    events = subparsers.add_parser("events", help="upcoming events in date order, with sources")
    fmt = events.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON instead of text")
    fmt.add_argument("--ics", action="store_true", help="an iCalendar file on standard output")
    events.add_argument(
        "--as-of", type=_parse_moment, metavar="ISO-DATETIME", help="answer as if it were then"
    )
    events.add_argument("--all", action="store_true", help="past and cancelled events too")
    events.add_argument("--limit", type=int, default=None, metavar="N")
    events.set_defaults(handler=cmd_events)

    db = subparsers.add_parser("db", help="database schema")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_cmds.add_parser("upgrade", help="apply the migrations (also done at start)")
    upgrade.set_defaults(handler=cmd_db_upgrade)


def _parse_moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO date-time: {value!r} (e.g. 2025-10-27T06:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _open_store(settings: Settings) -> sessionmaker[Session]:
    from bot.store import make_session_factory, upgrade_database
    from bot.store.db import make_engine

    engine = make_engine(settings.database_url)
    upgrade_database(engine)
    return make_session_factory(engine)


def _extractor(settings: Settings) -> ExtractorLike:
    from bot.nlp.pipeline import Extractor

    return Extractor(settings.spacy_model, settings.nlp_batch_size)


class ProgressPrinter:
    """A bar on a terminal; elsewhere (logs, pipes) a line every tenth of the batch."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream = stream or sys.stderr
        self._tty = stream.isatty()
        self._last_tenth = -1

    def __call__(self, done: int, total: int, label: str) -> None:
        if total < PROGRESS_MIN:
            return
        if self._tty:
            width = 30
            filled = width * done // total
            name = label[-40:]
            self._stream.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}"
            )
            if done >= total:
                self._stream.write("\n")
        else:
            tenth = 10 * done // total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self._stream.write(f"ingest: {done}/{total}\n")
        self._stream.flush()


def print_report(
    report: IngestReport, out: TextIO | None = None, err: TextIO | None = None
) -> None:
    out, err = out or sys.stdout, err or sys.stderr
    for label in report.duplicates:
        print(f"duplicate (already stored): {label}", file=out)
    for failure in report.failures:
        print(f"error: {failure}", file=err)
    for note in report.notes():
        print(f"note: {note}", file=out)
    print(report.summary(), file=out)


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.ingest.fetch import make_client
    from bot.ingest.service import IngestReport, ingest
    from bot.ingest.sources import expand_inputs
    from bot.ingest.workers import ParallelExtractor, make_extractor

    settings = get_settings()
    factory = _open_store(settings)
    clients: list[httpx.Client] = []

    def get_client() -> httpx.Client:
        if not clients:
            clients.append(make_client(settings))
        return clients[0]

    inputs, failures = expand_inputs(args.targets, settings, get_client, args.published)
    progress = None if args.quiet else ProgressPrinter()
    extractor = make_extractor(settings, args.workers, len(inputs))
    try:
        report = ingest(
            factory,
            extractor,
            inputs,
            total=len(inputs),
            progress=progress,
            max_chars=settings.max_article_chars,
        )
    finally:
        for client in clients:
            client.close()
        if isinstance(extractor, ParallelExtractor):
            extractor.close()
    full = IngestReport(failures=list(failures))
    full.add(report)
    print_report(full)
    return 0 if full.ok else 1


def cmd_feeds_add(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import add_feed
    from bot.store.db import session_scope

    factory = _open_store(get_settings())
    with session_scope(factory, write=True) as session:
        _, created = add_feed(session, args.url, dt.datetime.now(dt.UTC))
    print(f"{'added' if created else 'already subscribed'}: {args.url}")
    return 0


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import remove_feed
    from bot.store.db import session_scope

    factory = _open_store(get_settings())
    with session_scope(factory, write=True) as session:
        removed = remove_feed(session, args.url)
    print(f"removed: {args.url}" if removed else f"not subscribed: {args.url}")
    return 0 if removed else 1


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def cmd_feeds_list(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import list_feeds

    factory = _open_store(get_settings())
    with factory() as session:
        feeds = list_feeds(session)
    if args.json:
        print(json.dumps([_feed_json(f) for f in feeds], indent=2))
        return 0
    if not feeds:
        print("no feeds: add one with `summit-bot feeds add URL`")
    for feed in feeds:
        print(f"{feed.url}  [{feed.health}]")
        print(
            f"    {feed.title or '(untitled)'}; {feed.articles} article(s); "
            f"last success {_when(feed.last_success)}; next poll {_when(feed.next_poll_at)}"
        )
    return 0


def _feed_json(feed: Any) -> dict[str, Any]:
    data = (
        dict(feed.__dict__)
        if hasattr(feed, "__dict__")
        else {name: getattr(feed, name) for name in feed.__slots__}
    )
    return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in data.items()}


def cmd_feeds_poll(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import poll_feeds

    settings = get_settings()
    factory = _open_store(settings)
    results = poll_feeds(factory, _extractor(settings), only_due=args.due, settings=settings)
    if not results:
        print("no feeds to poll")
    failed = False
    for result in results:
        if result.error:
            failed = True
            print(f"error: {result.url}: {result.error}", file=sys.stderr)
            continue
        state = "not modified" if result.not_modified else f"{result.entries} entries"
        print(f"{result.url}: {state}; {result.report.summary()}")
        for note in result.notes() + result.report.notes():
            print(f"    {note}")
        for failure in result.report.failures:
            failed = True
            print(f"error: {failure}", file=sys.stderr)
    return 1 if failed else 0


def _format_day(event: StoredEvent) -> str:
    e = event.event
    if e.date is None:
        return "date unknown"
    text = e.date.strftime("%a %d %b %Y")
    if event.last_day and event.last_day != e.date:
        text += event.last_day.strftime(" – %a %d %b")
    if e.precision.value in ("week", "month"):
        text = f"{e.precision.value} of {e.date.isoformat()}"
    return text


def render_text(events: Sequence[StoredEvent], as_of: dt.datetime, out: TextIO) -> None:
    print(f"Upcoming summits and meetings as of {as_of:%Y-%m-%d %H:%M %Z}", file=out)
    if not events:
        print("(nothing upcoming)", file=out)
    for stored in events:
        e = stored.event
        mark = "" if e.status.value == "scheduled" else f" [{e.status.value}]"
        place = f" — {e.place}" if e.place else ""
        print(f"\n{_format_day(stored)}: {stored.title}{place}{mark}", file=out)
        for change in stored.changes:
            print(
                f"    changed {change['field']}: {change['old']} -> {change['new']} "
                f"(reported {change['reported']})",
                file=out,
            )
        for source in stored.sources:
            where = source.url or source.source
            print(f"    source: {source.published} {source.title[:80]} <{where}>", file=out)


def cmd_events(args: argparse.Namespace) -> int:
    from bot.store.ics import events_to_ics
    from bot.store.queries import default_now, upcoming_events

    settings = get_settings()
    factory = _open_store(settings)
    as_of = args.as_of or default_now()
    with factory() as session:
        events = upcoming_events(
            session,
            as_of,
            limit=args.limit,
            include_past=args.all,
            include_cancelled=args.all or args.ics,
        )
    if args.ics:
        sys.stdout.buffer.write(events_to_ics(events, as_of))
        sys.stdout.flush()
    elif args.json:
        print(json.dumps([e.to_json() for e in events], indent=2, ensure_ascii=False))
    else:
        render_text(events, as_of, sys.stdout)
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store import upgrade_database
    from bot.store.db import make_engine
    from bot.store.migrate import current_revision

    settings = get_settings()
    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        print(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return 0
