"""HTTP: decodes Bot API requests (form-encoded with JSON values as python-telegram-bot sends
them, JSON or multipart) and writes the JSON answers, over HTTP/1.1 with keep-alive."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import re
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.bot_api.records import UploadedFile

if TYPE_CHECKING:
    from tests.fakes.bot_api.server import FakeBotAPI

# ``FakeBotAPI.handle`` returns this status to close the connection without an answer.
DROP_CONNECTION = 0
# Parameters that are plain strings on the wire; every other form value is JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "inline_message_id",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "emoji",
        "custom_title",
    }
)


def make_server(api: FakeBotAPI, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server (not started) whose requests ``api`` answers."""
    handler = type("Handler", (_Handler,), {"api": api})
    return _Server((host, port), handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog: many clients connect at once


class _Handler(BaseHTTPRequestHandler):
    """Decodes a Bot API request and writes the JSON answer (HTTP/1.1, keep-alive)."""

    api: FakeBotAPI
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed ACK
    server_version = "nginx/1.18.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if parts.path.startswith("/_fake/"):
            self._reply(200, self.api.control(parts.path.removeprefix("/_fake/"), parts.query))
            return
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)/?", parts.path)
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params, files = _decode_body(self.headers.get("Content-Type", ""), body)
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            params.setdefault(key, _decode_value(key, value))
        status, answer = self.api.handle(match.group(1), match.group(2), params, files)
        if status == DROP_CONNECTION:  # a connection lost before the answer
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._reply(status, answer)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if kind == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return decoded, {}
    if kind == "multipart/form-data":
        return _decode_multipart(content_type, body)
    text = body.decode("utf-8")
    return {key: _decode_value(key, value) for key, value in parse_qsl(text)}, {}


def _decode_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    if not message.is_multipart():
        raise ValueError("bad multipart body")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = UploadedFile(name, filename, part.get_content_type(), data)
        else:
            params[name] = _decode_value(name, data.decode("utf-8"))
    return params, files
