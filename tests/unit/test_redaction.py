"""The bot token never reaches a log: messages, arguments, exception text, tracebacks and
stacks, through handlers that exist when redaction starts and handlers added later."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import httpx
import pytest

from bot.telegram import redaction

TOKEN = "123456:ABCdefSECRETghiJKL"
SECRET = TOKEN.split(":", 1)[1]


@pytest.fixture
def root_stream() -> Iterator[io.StringIO]:
    """A handler on the root logger before redaction starts, as ``logging.basicConfig``
    leaves it; redaction is undone afterwards."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    undo = redaction.install([TOKEN])
    yield stream
    undo()
    root.removeHandler(handler)
    root.setLevel(old_level)


def _fail_with_the_token() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    try:
        raise httpx.ConnectError(f"cannot connect to {url}")
    except httpx.ConnectError as exc:
        raise RuntimeError(f"request to {url} failed") from exc


def test_message_exception_and_traceback_are_redacted(root_stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test.redaction")
    log.info("POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    log.warning("the secret half alone: %s", SECRET)
    try:
        _fail_with_the_token()
    except RuntimeError:
        log.exception("handling an update failed")
    log.error("a stack", stack_info=True)
    output = root_stream.getvalue()
    assert "Traceback" in output and "ConnectError" in output and "RuntimeError" in output
    assert output.count("<token>") >= 4  # getMe, the secret, both exceptions
    assert TOKEN not in output and SECRET not in output


def test_handlers_added_later_are_covered(root_stream: io.StringIO) -> None:
    """A library (or a later change) adds its own handler on its own logger."""
    late = io.StringIO()
    handler = logging.StreamHandler(late)
    handler.setFormatter(logging.Formatter("%(message)s\n%(exc_text)s"))
    library = logging.getLogger("some.library")
    library.addHandler(handler)
    try:
        try:
            _fail_with_the_token()
        except RuntimeError:
            library.exception("failed: %s", TOKEN)
    finally:
        library.removeHandler(handler)
    assert "Traceback" in late.getvalue()
    for stream in (late, root_stream):
        assert TOKEN not in stream.getvalue() and SECRET not in stream.getvalue()


def test_a_record_made_elsewhere_is_redacted_by_the_root_handlers_filter(
    root_stream: io.StringIO,
) -> None:
    record = logging.makeLogRecord({"name": "remote", "levelno": logging.ERROR,
                                    "levelname": "ERROR", "msg": f"token {TOKEN}"})  # fmt: skip
    logging.getLogger().handle(record)
    assert TOKEN not in root_stream.getvalue() and "token <token>" in root_stream.getvalue()


def test_a_bad_format_does_not_break_logging(root_stream: io.StringIO) -> None:
    logging.getLogger("bot.test").info("two %s %s", TOKEN)
    assert TOKEN not in root_stream.getvalue()
