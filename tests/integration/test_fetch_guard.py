"""The address guard end to end, against servers on loopback only: loopback spellings and
redirects into the network are refused before any request reaches them, and the bot's
/ingest reply does not tell one failure from another."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.ingest.errors import FetchError
from bot.ingest.fetch import fetch, make_client
from bot.services.ingestion import Ingestion
from bot.settings import Settings

from .conftest import FakeExtractor, LocalServer

PAGE = b"<html><body><p>an ordinary page</p></body></html>"


@pytest.fixture
def secret() -> Iterator[LocalServer]:
    """An "internal" server on another loopback address (127.0.0.2) that must get nothing."""
    srv = LocalServer("127.0.0.2")
    srv.add("/secret", b"internal data")
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _fetch(settings: Settings, url: str) -> bytes:
    with make_client(settings) as client:
        return fetch(client, url, 100_000, 2.0).content


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "127.1", "0x7f000001", "2130706433", "[::1]",
     "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"],
)  # fmt: skip
def test_loopback_in_any_spelling_is_refused(server: LocalServer, host: str) -> None:
    server.add("/page", PAGE)
    port = server.httpd.server_address[1]
    with pytest.raises(FetchError, match=r"^refused: .* is not a public address$"):
        _fetch(Settings(), f"http://{host}:{port}/page")
    assert server.requests == []


def test_octal_spelling_is_not_a_url(server: LocalServer) -> None:
    port = server.httpd.server_address[1]
    with pytest.raises(FetchError, match="not a valid URL"):
        _fetch(Settings(), f"http://0177.0.0.1:{port}/page")
    assert server.requests == []


def test_allow_private_lets_the_intranet_in(server: LocalServer) -> None:
    server.add("/page", PAGE)
    port = server.httpd.server_address[1]
    assert _fetch(Settings(fetch_allow_private=True), f"http://127.1:{port}/page") == PAGE


def test_every_redirect_hop_is_checked(server: LocalServer, secret: LocalServer) -> None:
    """The "public" server (127.0.0.1, allowed by FETCH_ALLOW_NETWORKS for the test) sends
    redirects into the "internal" one; each is refused before it is followed."""
    settings = Settings(fetch_allow_networks="127.0.0.1/32")
    port = server.httpd.server_address[1]
    server.add("/page", PAGE)
    server.add("/same-site", status=301, headers={"Location": "/page"})
    server.add("/to-secret", status=302, headers={"Location": secret.url("/secret")})
    server.add("/to-v6", status=307, headers={"Location": f"http://[::1]:{port}/page"})
    server.add("/to-hex", status=308, headers={"Location": f"http://0x7f000002:{port}/page"})
    server.add("/chain", status=302, headers={"Location": "/to-secret"})
    server.add("/loop", status=302, headers={"Location": "/loop"})
    server.add("/to-file", status=302, headers={"Location": "file:///etc/passwd"})

    assert _fetch(settings, server.url("/same-site")) == PAGE
    for path in ["/to-secret", "/to-v6", "/to-hex", "/chain"]:
        with pytest.raises(FetchError, match=r"^refused: "):
            _fetch(settings, server.url(path))
    with pytest.raises(FetchError, match="too many redirects"):
        _fetch(settings, server.url("/loop"))
    with pytest.raises(FetchError, match="not an http"):
        _fetch(settings, server.url("/to-file"))
    assert secret.requests == []
    assert [p for p, _ in server.requests].count("/loop") == 6  # bounded: 1 + 5 redirects


def test_bot_ingest_reports_the_failure_not_its_reason(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.services.context import services_from_settings
    from bot.store import upgrade_database

    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    settings = Settings(database_url=url, fetch_timeout_seconds=2.0)
    ingestion = Ingestion(services_from_settings(settings), settings, FakeExtractor())
    port = server.httpd.server_address[1]
    with caplog.at_level(logging.WARNING):
        report = ingestion.ingest_url(f"http://127.1:{port}/secret")
    assert report.new_articles == 0 and len(report.failures) == 1
    assert "not a public address" in caplog.text  # the operator's log has the reason
    assert server.requests == []


@pytest.fixture
async def admin_chat(tmp_path: Path) -> AsyncIterator[Any]:
    from bot.services.clock import FixedClock
    from bot.services.context import services_from_settings
    from bot.store import upgrade_database
    from bot.telegram.app import build_application
    from bot.telegram.console import ConsoleRequest
    from tests.integration.test_bot_handlers import ADMIN, NOW, Chat

    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    upgrade_database(url)
    # Loopback allowed, so that the answers differ underneath: an open port answers 404,
    # a closed one refuses the connection, a slow one times out.
    settings = Settings(
        database_url=url,
        admin_ids=[ADMIN],
        telegram_bot_token=None,
        fetch_allow_private=True,
        fetch_timeout_seconds=1.0,
    )
    services = services_from_settings(settings, clock=FixedClock(NOW))
    request = ConsoleRequest(out=lambda _: None, files_dir=tmp_path)
    app = build_application(settings, services=services, request=request, poll_feeds=False)
    app.bot_data["state"].ingestion = Ingestion(services, settings, FakeExtractor())
    await app.initialize()
    yield Chat(app, request, ADMIN, ADMIN)
    await app.shutdown()


async def test_ingest_reply_is_the_same_for_every_failure(
    admin_chat: Any, server: LocalServer
) -> None:
    """/ingest must not become a port scanner: open, closed and slow ports read the same."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    server.add("/slow", PAGE, delay=2.0)
    urls = [server.url("/missing"), f"http://127.0.0.1:{closed}/x", server.url("/slow")]
    replies = []
    for url in urls:
        text = await admin_chat.text(f"/ingest {url}")
        replies.append(text.replace(url, "URL"))
    assert replies[0] == replies[1] == replies[2], replies
    assert "Could not fetch" in replies[0]
    for word in ["404", "refused", "timed out", "ConnectError", "network"]:
        assert word not in replies[0]


def test_https_keeps_the_host_name_while_connecting_to_the_checked_address(
    tmp_path: Path,
) -> None:
    """The name is resolved by the guard (here a fake resolver: "news.test" -> 127.0.0.1),
    the socket goes to that address, and TLS still sends the name (SNI) and checks the
    certificate against it; the Host header is the name too."""
    import http.server
    import ssl
    import subprocess
    import threading

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    seen: dict[str, str | None] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["host"] = self.headers.get("Host")
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: Any) -> None:
            pass

    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)

    def sni(_sock: Any, name: str | None, _ctx: Any) -> None:
        seen["sni"] = name

    server_tls.sni_callback = sni
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        lookups: list[str] = []

        def resolver(host: str, _port: int) -> list[str]:
            lookups.append(host)
            return ["127.0.0.1"]

        client_tls = ssl.create_default_context(cafile=str(cert))
        settings = Settings(fetch_allow_networks="127.0.0.1/32")
        with make_client(settings, resolver, client_tls) as client:
            page = fetch(client, f"https://news.test:{port}/story", 100_000, 5.0)
        assert page.content == PAGE
        assert lookups == ["news.test"]
        assert seen == {"sni": "news.test", "host": f"news.test:{port}"}

        # A name whose certificate does not match is refused by TLS, not silently accepted.
        def other(host: str, _port: int) -> list[str]:
            return ["127.0.0.1"]

        with make_client(settings, other, client_tls) as client, pytest.raises(FetchError):
            fetch(client, f"https://other.test:{port}/story", 100_000, 5.0)
    finally:
        httpd.shutdown()
        httpd.server_close()
