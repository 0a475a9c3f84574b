"""Ingestion: article files, HTML pages, article URLs and RSS/Atom feeds into the store."""

from bot.ingest.feeds import poll_due_feeds, poll_feeds
from bot.ingest.service import Failure, IngestReport, Input, ingest
from bot.ingest.sources import expand_inputs

__all__ = [
    "Failure",
    "IngestReport",
    "Input",
    "expand_inputs",
    "ingest",
    "poll_due_feeds",
    "poll_feeds",
]
