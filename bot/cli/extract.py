"""`summit-bot extract` and `summit-bot dates`: what the engine finds in article files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.articles import cap_article, left_out_note, read_article_file
from bot.domain import Article
from bot.errors import ArticleError
from bot.nlp.pipeline import ArticleAnalysis, Extractor
from bot.settings import get_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    extract = subparsers.add_parser(
        "extract",
        help="list the upcoming meetings reported by article files",
        description="Find the upcoming summits and meetings each article reports.",
    )
    _add_common(extract)
    extract.set_defaults(handler=run_extract)

    dates = subparsers.add_parser(
        "dates",
        help="list every date expression in article files and its resolved value",
        description="Show each date expression found and the calendar value it resolves to.",
    )
    _add_common(dates)
    dates.set_defaults(handler=run_dates)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print JSON (the scorers' form)")
    parser.add_argument(
        "--published",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="publication date for plain-text files (overrides a file's own date line)",
    )


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-10-27") from None


def _read_all(
    files: list[Path], published: dt.date | None, failures: list[str]
) -> Iterator[Article]:
    settings = get_settings()
    for path in files:
        try:
            article = read_article_file(path, published, settings.max_article_bytes)
        except ArticleError as exc:
            failures.append(f"{path}: {exc}")
            print(f"summit-bot: {path}: {exc}", file=sys.stderr)
            continue
        # The same cap as ingest: the extraction's cost grows with the length of a document.
        article, left_out = cap_article(article, settings.max_article_chars)
        if left_out:
            print(f"summit-bot: {left_out_note(str(path), left_out)}", file=sys.stderr)
        yield article


def _analyses(args: argparse.Namespace, failures: list[str]) -> Iterator[ArticleAnalysis]:
    settings = get_settings()
    extractor = Extractor(settings.spacy_model, settings.nlp_batch_size)
    articles = _read_all(args.files, args.published, failures)
    yield from extractor.analyse(articles)


class _JsonList:
    """Prints a JSON list one item at a time, so memory does not grow with the batch."""

    def __init__(self) -> None:
        self._count = 0

    def add(self, item: dict[str, Any]) -> None:
        sys.stdout.write("[\n" if self._count == 0 else ",\n")
        sys.stdout.write(json.dumps(item, indent=2, ensure_ascii=False))
        self._count += 1

    def close(self) -> None:
        sys.stdout.write("[]\n" if self._count == 0 else "\n]\n")


def run_extract(args: argparse.Namespace) -> int:
    failures: list[str] = []
    output = _JsonList()
    for analysis in _analyses(args, failures):
        record = {
            "file": analysis.article.source,
            "published": analysis.article.published.isoformat(),
            "events": [event.to_json() for event in analysis.events],
        }
        if args.json:
            output.add(record)
        else:
            _print_events(record)
    if args.json:
        output.close()
    return 1 if failures else 0


def _print_events(record: dict[str, Any]) -> None:
    events = record["events"]
    print(f"{record['file']} (published {record['published']}): {len(events)} upcoming")
    if not events:
        return
    rows = [
        (
            _when(e),
            e["precision"],
            e["status"],
            e["title"],
            e["place"] or "",
        )
        for e in events
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        cells = [str(cell).ljust(widths[i]) for i, cell in enumerate(row[:4])]
        print("  " + "  ".join(cells) + (f"  @ {row[4]}" if row[4] else ""))
    print()


def _when(event: dict[str, Any]) -> str:
    """ "2025-07-08", "2025-07-08 to 2025-07-10", or "?" when the date is not known."""
    if not event["date"]:
        return "?"
    return f"{event['date']} to {event['end_date']}" if event["end_date"] else event["date"]


def run_dates(args: argparse.Namespace) -> int:
    failures: list[str] = []
    output = _JsonList()
    for analysis in _analyses(args, failures):
        offset = analysis.article.body_offset
        expressions = [expression.shifted(offset) for expression in analysis.dates]
        record = {
            "file": analysis.article.source,
            "published": analysis.article.published.isoformat(),
            "expressions": [
                {
                    "text": e.text,
                    "start": e.start,
                    "end": e.end,
                    "value": e.value,
                    "precision": e.precision.value,
                    "tense": e.tense,
                    "rule": e.rule,
                }
                for e in expressions
            ],
        }
        if args.json:
            output.add(record)
        else:
            print(f"{record['file']} (published {record['published']})")
            for e in expressions:
                rule = f"[{e.rule}]" if e.rule else ""
                print(f"  {e.start:>6}-{e.end:<6} {e.value or '?':<12} {e.text!r:<32} {rule}")
    if args.json:
        output.close()
    return 1 if failures else 0
