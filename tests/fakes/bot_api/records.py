"""What the fake records and answers: calls, sent messages, uploaded files, error answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class Call:
    """One request the fake answered."""

    method: str  # as Telegram spells it, e.g. "sendMessage"
    params: dict[str, Any]
    at: float  # time.monotonic() when it arrived
    status: int = 0  # the HTTP status answered; 0 while the call is being handled
    response: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None


@dataclass(slots=True)
class SentMessage:
    """A message the bot posted successfully (sendMessage, sendDocument...)."""

    method: str
    chat_id: int
    message_id: int
    text: str  # text or caption exactly as the bot sent it (with its HTML markup)
    params: dict[str, Any]
    message: dict[str, Any]  # the Message object the fake answered (and later edits)
    at: float
    document: UploadedFile | None = None

    @property
    def plain_text(self) -> str:
        """The text as a user sees it: tags removed, entities decoded."""
        return str(self.message.get("text") or self.message.get("caption") or "")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons of the message as it is now (after edits), flattened."""
        markup = self.message.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]


class ApiError(Exception):
    """An error answer: HTTP status, description and optional ``parameters``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass(slots=True)
class Stats:
    """Counters of what the fake answered."""

    limit_429s: int = 0  # 429s answered because an enforced limit was exceeded
    injected_429s: int = 0  # 429s answered because a test asked for one
    premature_retries: int = 0  # requests that came before an earlier retry_after ran out
    sends_ok: int = 0


def iter_texts(messages: list[SentMessage]) -> Iterator[str]:
    """The plain texts of messages, for readable assertions."""
    return (message.plain_text for message in messages)
