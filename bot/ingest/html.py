"""Article text and metadata from HTML pages (trafilatura), and text from feed HTML."""

from __future__ import annotations

import datetime as dt
import logging
import re

from bot.articles import parse_article
from bot.domain import Article
from bot.errors import ArticleError

# trafilatura logs every page it cannot use; our refusals already say why.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr)\b[^>]*>", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _date(value: object) -> dt.date | None:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def article_from_html(
    html: bytes | str,
    source: str,
    url: str | None = None,
    published: dt.date | None = None,
) -> Article:
    """The main text of a page; its date from the page metadata, else ``published``."""
    import trafilatura

    if isinstance(html, bytes) and b"\x00" in html[:8192]:
        raise ArticleError("binary data, not HTML")
    if not html.strip():
        raise ArticleError("empty document")
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Metadata only: a date guessed from the text is as likely the meeting's as the page's.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        raise ArticleError("no article text found in the HTML")
    date = _date(getattr(doc, "date", None)) or published
    if date is None:
        raise ArticleError("no publication date in the page metadata or the feed entry")
    title = (getattr(doc, "title", None) or "").strip()
    article = parse_article(text, source, date, url)
    if title:
        return Article(article.source, article.published, title[:1000], article.body, url)
    return article


def html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML content: paragraphs kept, scripts and tags dropped."""
    import html as html_lib

    text = _DROP.sub(" ", fragment)
    text = _BLOCK.sub("\n\n", text)
    text = html_lib.unescape(_TAG.sub("", text))
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
