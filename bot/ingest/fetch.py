"""HTTP GET with a timeout for the whole transfer, a byte cap and conditional requests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from bot.ingest.errors import FetchError
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def make_client(settings: Settings) -> httpx.Client:
    """The one HTTP client of a run: timeouts, redirects, our User-Agent."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.fetch_timeout_seconds),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": settings.user_agent},
    )


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(f"not an http(s) URL: {url!r}")
    return url


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def fetch(
    client: httpx.Client,
    url: str,
    max_bytes: int,
    timeout: float,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET ``url``: its body, or a ``not_modified`` answer to the validators given.

    httpx's timeouts apply to each read; ``timeout`` also bounds the whole transfer, so a
    server that trickles bytes cannot hold the batch.
    """
    check_url(url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(str(response.url), 304, b"", dict(response.headers))
            if response.status_code >= 400:
                reason = response.reason_phrase or "error"
                raise FetchError(f"HTTP {response.status_code} {reason}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"too big: {_mb(int(declared))} (the limit is {_mb(max_bytes)})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"too big: more than {_mb(max_bytes)}")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
                chunks.append(chunk)
            return Fetched(
                str(response.url), response.status_code, b"".join(chunks), dict(response.headers)
            )
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"network error: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None
