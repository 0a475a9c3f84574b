"""Reading articles: the seed format, plain text, and clear refusals of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.articles import parse_article, read_article_file
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
