"""`summit-bot ingest | feeds | events | db`: the store and ingestion from the command line."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.status import ExitStatus
from bot.ingest.opml import OpmlFeed
from bot.services.rendering import day_label
from bot.services.wording import moment_label, plural
from bot.settings import Settings, get_settings

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.orm import Session, sessionmaker

    from bot.domain.calendar import EventView
    from bot.ingest.service import ExtractorLike, IngestReport

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

    feeds = subparsers.add_parser(
        "feeds", help="RSS/Atom feeds: add, remove, list, poll, import, export"
    )
    feed_cmds = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = feed_cmds.add_parser(
        "add", help="subscribe to a feed (fetched once first: its title and entry count)"
    )
    add.add_argument("url")
    _add_no_check(add)
    add.set_defaults(handler=cmd_feeds_add)
    opml_in = feed_cmds.add_parser("import", help="subscribe to every feed of an OPML file")
    opml_in.add_argument("file", type=Path, metavar="FILE.opml")
    _add_no_check(opml_in)
    opml_in.set_defaults(handler=cmd_feeds_import)
    opml_out = feed_cmds.add_parser("export", help="the feeds as OPML 2.0, for feed readers")
    opml_out.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)"
    )
    opml_out.set_defaults(handler=cmd_feeds_export)
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
    events.add_argument(
        "--all", action="store_true", help="every stored event, past and cancelled ones too"
    )
    events.add_argument("--limit", type=int, default=None, metavar="N")
    events.set_defaults(handler=cmd_events)

    db = subparsers.add_parser("db", help="database schema")
    db_cmds = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_cmds.add_parser("upgrade", help="apply the migrations (also done at start)")
    upgrade.set_defaults(handler=cmd_db_upgrade)


def _add_no_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-check", action="store_true", help="subscribe without fetching the feed first"
    )


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
    return ExitStatus.DONE if full.ok else ExitStatus.SOME_FAILED


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """What one fetch of a feed found."""

    title: str | None
    entries: int


def check_feed(client: httpx.Client, url: str, settings: Settings) -> FeedCheck:
    """Fetch ``url`` once and parse it as a feed; a ``SummitBotError`` says why it is not one."""
    from bot.ingest.errors import FeedError
    from bot.ingest.feeds import parse_feed
    from bot.ingest.fetch import fetch

    page = fetch(client, url, settings.fetch_max_bytes, settings.fetch_timeout_seconds)
    if page.content.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise FeedError("an HTML page, not an RSS or Atom feed (give the feed's own address)")
    parsed = parse_feed(page.content, page.url)
    title = " ".join(str(parsed.feed.get("title") or "").split()) or None
    return FeedCheck(title, len(parsed.entries))


def _subscribe(
    factory: sessionmaker[Session],
    feeds: Sequence[OpmlFeed],
    check: bool,
    settings: Settings,
) -> ExitStatus:
    """Subscribe to each feed (checked by one fetch unless ``check`` is False): one line
    each; SOME_FAILED when a feed was refused."""
    from bot.errors import SummitBotError
    from bot.ingest.feeds import add_feed, list_feeds
    from bot.ingest.fetch import check_url, make_client
    from bot.store.db import session_scope

    with factory() as session:
        subscribed = {feed.url for feed in list_feeds(session)}
    status = ExitStatus.DONE
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(make_client(settings)) if check else None
        for feed in feeds:
            if feed.url in subscribed:
                print(f"already subscribed: {feed.url}")
                continue
            try:
                check_url(feed.url)
                found = check_feed(client, feed.url, settings) if client else None
            except SummitBotError as exc:
                print(f"error: {feed.url}: not added: {exc}", file=sys.stderr)
                status = ExitStatus.SOME_FAILED
                continue
            title = (found.title if found else None) or feed.title
            with session_scope(factory, write=True) as session:
                row, _ = add_feed(session, feed.url, dt.datetime.now(dt.UTC))
                if title and not row.title:
                    row.title = title[:1000]
            subscribed.add(feed.url)
            if found is None:
                print(f"added (not checked): {feed.url}")
            else:
                print(
                    f"added: {feed.url} — {found.title or '(untitled)'}, "
                    f"{plural(found.entries, 'entry', 'entries')}"
                )
    return status


def cmd_feeds_add(args: argparse.Namespace) -> int:
    settings = get_settings()
    return _subscribe(_open_store(settings), [OpmlFeed(args.url)], not args.no_check, settings)


def cmd_feeds_import(args: argparse.Namespace) -> int:
    from bot.errors import SummitBotError
    from bot.ingest.opml import read_opml

    try:
        feeds = read_opml(args.file.read_bytes())
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    except SummitBotError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    if not feeds:
        print(f"{args.file}: no feeds in this OPML file")
        return ExitStatus.DONE
    settings = get_settings()
    return _subscribe(_open_store(settings), feeds, not args.no_check, settings)


def cmd_feeds_export(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import list_feeds
    from bot.ingest.opml import write_opml

    with _open_store(get_settings())() as session:
        feeds = [OpmlFeed(feed.url, feed.title) for feed in list_feeds(session)]
    document = write_opml(feeds, dt.datetime.now(dt.UTC), "Summit Digest Bot feeds")
    if args.output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
    else:
        args.output.write_bytes(document)
        print(f"{plural(len(feeds), 'feed')} written to {args.output}")
    return ExitStatus.DONE


def cmd_feeds_remove(args: argparse.Namespace) -> int:
    """Idempotent like ``add``: a feed that is not subscribed is already removed."""
    from bot.ingest.feeds import remove_feed
    from bot.store.db import session_scope

    factory = _open_store(get_settings())
    with session_scope(factory, write=True) as session:
        removed = remove_feed(session, args.url)
    print(f"removed: {args.url}" if removed else f"not subscribed (nothing to remove): {args.url}")
    return ExitStatus.DONE


def cmd_feeds_list(args: argparse.Namespace) -> int:
    from bot.ingest.feeds import list_feeds

    factory = _open_store(get_settings())
    with factory() as session:
        feeds = list_feeds(session)
    if args.json:
        print(json.dumps([_feed_json(f) for f in feeds], indent=2))
        return ExitStatus.DONE
    if not feeds:
        print("no feeds: add one with `summit-bot feeds add URL`")
    for feed in feeds:
        print(f"{feed.url}  [{feed.health}]")
        print(
            f"    {feed.title or '(untitled)'}; {plural(feed.articles, 'article')}; "
            f"last success {moment_label(feed.last_success)}; "
            f"next poll {moment_label(feed.next_poll_at)}"
        )
    return ExitStatus.DONE


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
        state = (
            "not modified" if result.not_modified else plural(result.entries, "entry", "entries")
        )
        print(f"{result.url}: {state}; {result.report.summary()}")
        for note in result.notes() + result.report.notes():
            print(f"    {note}")
        for failure in result.report.failures:
            failed = True
            print(f"error: {failure}", file=sys.stderr)
    return ExitStatus.SOME_FAILED if failed else ExitStatus.DONE


def _format_day(event: EventView) -> str:
    """The event's date as Telegram shows it (``when_label``: one format for both)."""
    from bot.services.rendering import when_label

    return when_label(event, dt.UTC)


def render_text(
    events: Sequence[EventView], as_of: dt.datetime, out: TextIO, *, everything: bool = False
) -> None:
    """The calendar as text; ``everything`` is ``events --all`` (past and cancelled too)."""
    if everything:
        heading = f"All stored summits and meetings, past and cancelled ones too ({len(events)})"
    else:
        heading = f"Upcoming summits and meetings as of {moment_label(as_of)}"
    print(heading, file=out)
    if not events:
        print("(nothing stored)" if everything else "(nothing upcoming)", file=out)
    for event in events:
        mark = "" if event.status.value == "scheduled" else f" [{event.status.value}]"
        place = f" — {event.place}" if event.place else ""
        print(f"\n{_format_day(event)}: {event.title}{place}{mark}", file=out)
        for change in event.changes:
            old, new, reported = (_as_day(v) for v in (change.old, change.new, change.reported))
            print(f"    changed {change.field}: {old} -> {new} (reported {reported})", file=out)
        for source in reversed(event.sources):  # oldest first
            where = source.url or source.source
            published = day_label(source.published)
            print(f"    source: {published} {source.title[:80]} <{where}>", file=out)


def _as_day(value: object) -> str:
    """An ISO date (as the change history stores it) in the bot's date format; else as is."""
    try:
        return day_label(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def cmd_events(args: argparse.Namespace) -> int:
    from bot.services.calendar import to_ics
    from bot.services.clock import clock_from_setting
    from bot.store.queries import upcoming

    settings = get_settings()
    factory = _open_store(settings)
    as_of = args.as_of or clock_from_setting(settings.bot_now).now()
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=dt.UTC)
    with factory() as session:
        events = upcoming(
            session,
            as_of.astimezone(dt.UTC).date(),
            limit=args.limit,
            include_undated=True,
            include_past=args.all,
            include_cancelled=args.all or args.ics,
        )
    if args.ics:
        sys.stdout.buffer.write(to_ics(events, as_of))
        sys.stdout.flush()
    elif args.json:
        print(json.dumps([e.to_json() for e in events], indent=2, ensure_ascii=False))
    else:
        render_text(events, as_of, sys.stdout, everything=args.all)
    return ExitStatus.DONE


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
    return ExitStatus.DONE
