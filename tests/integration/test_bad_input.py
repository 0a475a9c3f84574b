"""Bad inputs: each is one clear line, the batch goes on, nothing stored changes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.domain import Article
from bot.ingest import ingest
from bot.ingest.fetch import make_client
from bot.ingest.sources import expand_inputs
from bot.plural import plural
from bot.settings import Settings
from bot.store.models import ArticleRow

from .conftest import (
    FakeAnalysis,
    FakeExtractor,
    LocalServer,
    count,
    meeting,
    snapshot,
    write_article,
)

GOOD_BODY = (
    "GENEVA – The foreign ministers of Norway and Chile will meet in Geneva on June 3, their "
    "offices said, to prepare a joint proposal on ocean protection.\n\nThe meeting follows a "
    "year of talks between their diplomats."
)
PAGE = """<html><head><title>Ministers to meet</title>
<meta property="article:published_time" content="2025-05-02T10:00:00Z"></head>
<body><article><h1>Ministers to meet in Oslo</h1><p>{body}</p></article></body></html>"""


def _bad_files(folder: Path) -> list[Path]:
    folder.mkdir()
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "latin1.txt").write_bytes(
        " date 2025-05-01 Caf\xe9\n\nUn caf\xe9 \xe0 Paris.".encode("latin-1")
    )
    (folder / "empty.txt").write_bytes(b"  \n")
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(11 * 1024 * 1024)  # sparse: 11 MB without writing them
    (folder / "scripts.html").write_text(
        "<html><body>" + "<script>document.write('x'.repeat(99))</script>" * 500 + "</body></html>"
    )
    (folder / "undated.html").write_text(
        PAGE.replace("article:published_time", "x")
        .replace('content="2025-05-02T10:00:00Z"', "")
        .format(body=GOOD_BODY)
    )
    (folder / "nodate.txt").write_text("Just a paragraph without the date line.\n")
    return sorted(folder.iterdir())


def test_bad_files_fail_alone(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    extractor = FakeExtractor(
        {"Ministers meet": [meeting(["Ana Lund", "Jorge Vera"], "2025-06-03")]}
    )
    good = write_article(tmp_path, "good.txt", "2025-05-01", "Ministers meet", GOOD_BODY)
    bad = _bad_files(tmp_path / "bad")
    inputs, failures = expand_inputs([str(p) for p in bad], settings, lambda: httpx.Client())
    assert failures == []
    before = snapshot(session_factory)
    report = ingest(session_factory, extractor, inputs)
    assert snapshot(session_factory) == before
    reasons = {Path(f.source).name: f.reason for f in report.failures}
    assert reasons == {
        "binary.txt": "binary data, not text",
        "latin1.txt": "not valid UTF-8 text (bad byte at offset 20)",
        "empty.txt": "empty document",
        "huge.txt": "too big: 11.0 MB (the limit is 10 MB)",
        "scripts.html": "no article text found in the HTML",
        "undated.html": "no publication date in the page metadata or the feed entry",
        "nodate.txt": reasons["nodate.txt"],
    }
    assert reasons["nodate.txt"].startswith("no publication date")
    assert all("\n" not in r for r in reasons.values())

    # The same bad inputs around a good one: the good one is stored, the batch goes on.
    inputs, _ = expand_inputs([str(bad[0]), str(good), str(bad[-1])], settings, httpx.Client)
    report = ingest(session_factory, extractor, inputs)
    assert (report.new_articles, len(report.failures), report.events_created) == (1, 2, 1)


def test_bad_urls_fail_alone(
    session_factory: sessionmaker[Session], server: LocalServer, settings: Settings
) -> None:
    ok = server.add(
        "/ok", PAGE.format(body=GOOD_BODY), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    urls = [
        server.url("/missing"),
        server.add("/error", "boom", status=500),
        server.add("/slow", "late", delay=3.0),
        server.add("/big", b"x" * (2 * 1024 * 1024)),
        ok,
        "ftp://127.0.0.1/file",
    ]
    client = make_client(settings)
    inputs, _ = expand_inputs(urls, settings, lambda: client)
    report = ingest(session_factory, FakeExtractor(), inputs)
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in report.failures}
    assert reasons == {
        "missing": "HTTP 404 Not Found",
        "error": "HTTP 500 Internal Server Error",
        "slow": "timed out after 2 s",
        "big": "too big: 2 MB (the limit is 1 MB)",
        "file": "not an http(s) URL: 'ftp://127.0.0.1/file'",
    }
    assert report.new_articles == 1
    with session_factory() as session:
        row = session.query(ArticleRow).one()
        assert (row.url, str(row.published), row.title) == (
            ok,
            "2025-05-02",
            "Ministers to meet in Oslo",
        )


def test_cli_reports_each_failure_and_exits_non_zero(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_files(tmp_path / "bad")
    code = main(["ingest", "--quiet", str(tmp_path / "bad"), str(tmp_path / "nowhere.txt")])
    out, err = capsys.readouterr()
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(bad) + 1
    assert "error: " + str(tmp_path / "nowhere.txt") + ": no such file or folder" in errors
    assert "0 new articles, 0 duplicates" in out and plural(len(bad) + 1, "failure") in out


def test_nothing_changes_on_duplicate_text_under_another_name(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    a = write_article(tmp_path, "a.txt", "2025-05-01", "Ministers meet", GOOD_BODY)
    b = write_article(tmp_path, "b.txt", "2025-05-01", "Ministers meet", "  " + GOOD_BODY.upper())
    inputs, _ = expand_inputs([str(a), str(b), str(a)], settings, httpx.Client)
    report = ingest(session_factory, FakeExtractor(), inputs)
    assert report.new_articles == 1 and len(report.duplicates) == 2
    assert count(session_factory, ArticleRow) == 1


def test_html_file_is_read_with_its_metadata_date(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    page = tmp_path / "page.html"
    script = "<script>var tracker = {a: 1};</script>" * 50
    page.write_text(PAGE.format(body=GOOD_BODY).replace("<body>", "<body>" + script))
    inputs, _ = expand_inputs([str(tmp_path)], settings, httpx.Client)
    report = ingest(session_factory, FakeExtractor(), inputs)
    assert report.ok and report.new_articles == 1
    with session_factory() as session:
        row = session.query(ArticleRow).one()
        assert (str(row.published), row.url) == ("2025-05-02", None)
        assert "tracker" not in row.text and "Geneva on June 3" in row.text


class CrashingExtractor(FakeExtractor):
    """Fails on the article titled "Boom", like an extractor bug on one odd document."""

    def analyse(self, articles: Iterable[Article]) -> Iterator[FakeAnalysis]:
        for result in super().analyse(articles):
            if result.article.title == "Boom":
                raise IndexError("list index out of range")
            yield result


def test_extractor_crash_costs_one_document(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    paths = [
        write_article(tmp_path, f"{i}.txt", "2025-05-01", title, f"Text {i}. {GOOD_BODY}")
        for i, title in enumerate(["One", "Two", "Boom", "Four"])
    ]
    inputs, _ = expand_inputs([str(p) for p in paths], settings, httpx.Client)
    report = ingest(session_factory, CrashingExtractor(), inputs)
    assert report.new_articles == 3
    assert [str(f) for f in report.failures] == [
        f"{paths[2]}: extraction failed: IndexError: list index out of range"
    ]


def _limit_memory() -> None:  # in the child: an endless read would hit this, not the machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.slow
def test_dev_zero_and_a_fifo_are_refused_by_the_cli(tmp_path: Path) -> None:
    """`summit-bot ingest /dev/zero FIFO` ends at once with two clear refusals."""
    import os
    import subprocess
    import sys

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", "--quiet", "/dev/zero", str(fifo)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: /dev/zero: not a regular file (a character device)",
        f"error: {fifo}: not a regular file (a FIFO)",
    ]
    assert "0 new articles" in run.stdout and "2 failures" in run.stdout


def test_a_long_article_is_read_in_part_and_says_so(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings
) -> None:
    paragraph = "Officials said the ministers would also discuss fishing quotas and ports. " * 10
    body = GOOD_BODY + "\n\n" + "\n\n".join([paragraph.strip()] * 300)
    path = write_article(tmp_path, "long.txt", "2025-05-01", "Ministers meet", body)
    extractor = FakeExtractor()
    inputs, _ = expand_inputs([str(path)], settings, httpx.Client)
    report = ingest(session_factory, extractor, inputs, max_chars=20_000)
    assert report.new_articles == 1 and report.ok
    [(label, left_out)] = report.truncated
    assert label == str(path) and left_out > 150_000
    assert "1 too long, read only in part" in report.summary()
    assert report.notes() == [
        f"{path}: only the first part was read; {left_out:,} characters were not"
    ]
    with session_factory() as session:
        stored = session.query(ArticleRow).one()
        assert len(stored.text) <= 20_000 and stored.text.startswith(GOOD_BODY[:40])
