"""Serving the web application with uvicorn inside an asyncio loop that is already running.

The bot starts it beside python-telegram-bot (``start``/``WebServer.stop``); ``summit-bot web``
runs it alone (``serve``). The socket is bound here, so that a port in use is one clear error
instead of uvicorn's exit from the middle of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from bot.errors import SummitBotError
from bot.services.context import Services
from bot.web.app import create_app

log = logging.getLogger(__name__)


class WebServerError(SummitBotError):
    """The HTTP server cannot start (address in use, no permission)."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise WebServerError(
            f"HTTP_HOST/HTTP_PORT: cannot listen on {host}:{port} ({exc.strerror}); "
            "choose another port, e.g. HTTP_PORT=8081"
        ) from exc
    sock.listen(128)
    sock.setblocking(False)
    return sock


@dataclass(slots=True)
class WebServer:
    """A running server: its address, and how to stop it."""

    server: uvicorn.Server
    task: asyncio.Task[None]
    sock: socket.socket
    host: str
    port: int  # the port bound (the one asked for, or the free one found for port 0)

    async def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), timeout)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        finally:
            self.sock.close()


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server in a host's loop: the host (the bot) keeps its signal handlers."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _config(services: Services) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(services),
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=True,
    )


async def start(services: Services, host: str, port: int) -> WebServer:
    """Serve in the running loop; returns once the server accepts connections."""
    sock = bind(host, port)
    server = _EmbeddedServer(_config(services))
    task = asyncio.create_task(server.serve(sockets=[sock]), name="web-server")
    while not server.started:
        if task.done():
            sock.close()
            task.result()  # raises what stopped it
            raise WebServerError("the HTTP server stopped while starting")
        await asyncio.sleep(0.02)
    running = WebServer(server, task, sock, host, int(sock.getsockname()[1]))
    log.info("serving the calendar on http://%s:%s/", host, running.port)
    return running


async def serve(services: Services, host: str, port: int) -> None:
    """Serve until interrupted (``summit-bot web``)."""
    sock = bind(host, port)
    server = uvicorn.Server(_config(services))
    log.info("serving the calendar on http://%s:%s/", host, sock.getsockname()[1])
    try:
        await server.serve(sockets=[sock])
    finally:
        sock.close()


async def start_for_bot(services: Services, host: str, port: int) -> WebServer | None:
    """The bot's web side on ``HTTP_HOST:HTTP_PORT``; None when ``HTTP_PORT`` is 0 (off)."""
    if port == 0:
        log.info("HTTP_PORT=0: the bot serves no HTTP")
        return None
    return await start(services, host, port)
