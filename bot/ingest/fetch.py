"""HTTP GET with a timeout for the whole transfer, a byte cap, conditional requests, and
the address guard (``bot.ingest.addresses``) on every connection.

The guard sits where the connection is made: httpcore asks our network backend to connect
to ``host:port``; the backend resolves the name once, checks every address, and connects to
one of those checked addresses. The request keeps its host name, so the ``Host`` header and
TLS (SNI and certificate check) are unchanged, and a second DNS answer (rebinding) is never
asked for. Redirects are followed here, one hop at a time, so each hop's URL is checked and
its connection goes through the same guard.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.ingest.addresses import (
    AddressPolicy,
    RefusedAddress,
    Resolver,
    checked_addresses,
    parse_networks,
    system_resolver,
)
from bot.ingest.errors import FetchError
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the policy allows, and to exactly the ones it checked."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.resolver = resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, self.policy, self.resolver)
        except RefusedAddress:
            raise
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        last: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # checked_addresses never returns an empty list
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise RefusedAddress(path, "unix socket")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on a connection pool whose connections go through ``GuardedBackend``.

    No proxies (a proxy would make the connection we check): ``trust_env`` is off.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(trust_env=False)
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
        # httpx has no parameter for httpcore's network backend: its pool is made again
        # with one (the same arguments HTTPTransport gives it, for a pool without proxy).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, resolver),
        )


def address_policy(settings: Settings) -> AddressPolicy:
    return AddressPolicy(
        allow_private=settings.fetch_allow_private,
        allowed_networks=parse_networks(settings.fetch_allow_networks),
    )


def make_client(
    settings: Settings,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.Client:
    """The one HTTP client of a run: timeouts, the address guard, our User-Agent.

    Redirects are not followed by httpx: ``fetch`` follows them itself, checking each hop.
    ``resolver`` and ``ssl_context`` (the system's CAs by default) are for tests.
    """
    return httpx.Client(
        transport=GuardedTransport(address_policy(settings), resolver, ssl_context),
        timeout=httpx.Timeout(settings.fetch_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
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

    httpx's timeouts apply to each read; ``timeout`` also bounds the whole transfer, all
    redirect hops included, so a server that trickles bytes cannot hold the batch.
    """
    check_url(url)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        request = client.build_request("GET", url, headers=headers)
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(str(request.url))
            response = client.send(request, stream=True)
            try:
                if response.is_redirect and response.next_request is not None:
                    request = response.next_request
                    if time.monotonic() > deadline:
                        raise FetchError(f"timed out after {timeout:g} s")
                    continue
                return _read(response, max_bytes, timeout, deadline)
            finally:
                response.close()
        raise FetchError("too many redirects")
    except RefusedAddress as exc:
        log.warning("fetch %s refused: %s", url, exc)
        raise FetchError(f"refused: {exc.host} is not a public address") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid URL: {exc}") from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"network error: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None


def _read(response: httpx.Response, max_bytes: int, timeout: float, deadline: float) -> Fetched:
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
