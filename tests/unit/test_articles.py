"""Reading articles: the seed format, plain text, and clear refusals of bad input."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bot.articles import cap_article, parse_article, read_article_file, read_regular_file
from bot.errors import ArticleError


def test_header_gives_date_title_and_body_offset() -> None:
    text = " date 2025-10-27 Leaders to meet\n\nThe body starts here."
    article = parse_article(text, "a.txt")
    assert article.published == dt.date(2025, 10, 27)
    assert article.title == "Leaders to meet"
    assert article.body == "The body starts here."
    assert text[article.body_offset :] == article.body


def test_plain_text_takes_the_given_date() -> None:
    article = parse_article("Leaders will meet on Friday.", "b.txt", dt.date(2024, 5, 6))
    assert article.published == dt.date(2024, 5, 6)
    assert article.body_offset == 0


def test_plain_text_without_date_is_refused() -> None:
    with pytest.raises(ArticleError, match="no publication date"):
        parse_article("Leaders will meet on Friday.", "c.txt")


def test_unreadable_header_date_is_refused() -> None:
    with pytest.raises(ArticleError, match="unreadable publication date"):
        parse_article(" date 2025-13-45 Title\n\nBody.", "d.txt")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b" date 2025-10-27 T\n\n\xff\xfe bad bytes", "UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=reason):
        read_article_file(path)


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b" date 2025-10-27 T\n\n" + b"word " * 1000)
    with pytest.raises(ArticleError, match="too big"):
        read_article_file(path, max_bytes=1000)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read"):
        read_article_file(tmp_path / "missing.txt")


def test_devices_are_refused_before_reading() -> None:
    with pytest.raises(ArticleError, match=r"not a regular file \(a character device\)"):
        read_article_file(Path("/dev/zero"))


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match=r"not a regular file \(a FIFO\)"):
        read_article_file(fifo)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="is a folder"):
        read_regular_file(tmp_path, 100)


def test_a_file_that_claims_no_size_is_read_only_to_the_limit() -> None:
    """/proc files are regular with st_size 0: the limit holds on the bytes read."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        pytest.skip("needs /proc")
    assert maps.stat().st_size == 0
    with pytest.raises(ArticleError, match="too big: more than"):
        read_regular_file(maps, 100)


def test_long_articles_are_cut_at_a_paragraph_and_say_how_much_was_left() -> None:
    paragraph = "The leaders will meet in Oslo on Friday to talk about fishing. " * 20
    body = "\n\n".join([paragraph.strip()] * 200)
    article = parse_article(body, "long.txt", dt.date(2025, 5, 1))
    capped, left_out = cap_article(article, 10_000)
    assert len(capped.body) <= 10_000 and capped.body.endswith("fishing.")
    assert left_out == len(article.body) - len(capped.body) > 0
    assert capped.published == article.published and capped.title == article.title
    same, none = cap_article(article, len(article.body))
    assert same is article and none == 0


def test_an_article_without_breaks_is_cut_at_the_cap() -> None:
    article = parse_article("x" * 5000, "blob.txt", dt.date(2025, 5, 1))
    capped, left_out = cap_article(article, 1000)
    assert (len(capped.body), left_out) == (1000, 4000)
