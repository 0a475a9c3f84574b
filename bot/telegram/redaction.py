"""Keep the bot token out of every log line, tracebacks included.

HTTP libraries put the token in URLs (``/bot<token>/sendMessage``), and exceptions repeat them
in their text. Redaction therefore happens when a record is *created* (a log record factory),
so that every handler sees the redacted record, including handlers added later and handlers
on other loggers; the same ``RedactingFilter`` also sits on the root logger's handlers for
records made elsewhere (``logging.makeLogRecord``). It rewrites the message, the formatted
exception (``exc_text``, which formatters use instead of formatting ``exc_info`` again) and
the stack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

REPLACEMENT = "<token>"
# The secret half of a token ("123456:<secret>") is redacted on its own too, when it is long
# enough not to match ordinary words.
_MIN_SECRET = 8

_formatter = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Replaces the secrets in a record's message, exception text and stack."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        parts: set[str] = set()
        for secret in secrets:
            if secret:
                parts.add(secret)
                tail = secret.split(":", 1)[-1]
                if len(tail) >= _MIN_SECRET:
                    parts.add(tail)
        # Longest first, so the whole token goes before its secret half.
        self.secrets = sorted(parts, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REPLACEMENT)
        return text

    def _contains(self, text: str) -> bool:
        return any(secret in text for secret in self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format: the handler reports it, unredacted args
            message = str(record.msg)
            record.args = None
            record.msg = message
        if self._contains(message):
            record.msg = self.redact(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text and self._contains(record.exc_text):
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info and self._contains(record.stack_info):
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str]) -> Callable[[], None]:
    """Redact ``secrets`` in every record from now on; returns a function that undoes it."""
    redactor = RedactingFilter(secrets)
    if not redactor.secrets:
        return lambda: None
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redactor.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redactor)

    def undo() -> None:
        logging.setLogRecordFactory(previous)
        for handler in handlers:
            handler.removeFilter(redactor)

    return undo
