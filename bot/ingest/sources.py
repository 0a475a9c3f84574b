"""Turning command-line targets (files, folders, URLs) into inputs read one at a time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from bot.articles import read_article_file, read_regular_file
from bot.domain import Article
from bot.ingest.fetch import check_url, fetch
from bot.ingest.html import article_from_html
from bot.ingest.service import Failure, Input
from bot.settings import Settings

HTML_SUFFIXES = frozenset({".html", ".htm"})
# What a folder contributes; a file named explicitly is read whatever its name.
FOLDER_SUFFIXES = HTML_SUFFIXES | {".txt"}


def is_url(target: str) -> bool:
    """Anything with a scheme; those other than http(s) are then refused by name."""
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", target) is not None


def read_html_file(path: Path, max_bytes: int, published: dt.date | None = None) -> Article:
    return article_from_html(read_regular_file(path, max_bytes), str(path), None, published)


def read_url(
    client: httpx.Client, url: str, settings: Settings, published: dt.date | None = None
) -> Article:
    """An article page: fetched with the size cap, its text and date from the HTML."""
    page = fetch(client, check_url(url), settings.fetch_max_bytes, settings.fetch_timeout_seconds)
    return article_from_html(page.content, url, url, published)


def file_input(path: Path, settings: Settings, published: dt.date | None = None) -> Input:
    if path.suffix.lower() in HTML_SUFFIXES:
        return Input(str(path), lambda: read_html_file(path, settings.max_article_bytes, published))
    return Input(str(path), lambda: read_article_file(path, published, settings.max_article_bytes))


def url_input(
    get_client: Callable[[], httpx.Client],
    url: str,
    settings: Settings,
    published: dt.date | None = None,
) -> Input:
    return Input(url, lambda: read_url(get_client(), url, settings, published))


def expand_inputs(
    targets: Sequence[str],
    settings: Settings,
    get_client: Callable[[], httpx.Client],
    published: dt.date | None = None,
) -> tuple[list[Input], list[Failure]]:
    """Inputs for files, folders (their .txt/.html files, recursively, sorted) and URLs."""
    inputs: list[Input] = []
    failures: list[Failure] = []
    for target in targets:
        if is_url(target):
            inputs.append(url_input(get_client, target, settings, published))
            continue
        path = Path(target)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                failures.append(Failure(target, "folder has no .txt or .html files"))
            inputs.extend(file_input(p, settings, published) for p in files)
        elif path.exists():
            inputs.append(file_input(path, settings, published))
        else:
            failures.append(Failure(target, "no such file or folder"))
    return inputs, failures
