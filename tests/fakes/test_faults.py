"""The fake's network faults, seen through a real python-telegram-bot ``Bot`` and httpx: each
fault raises what the bot's delivery code must classify (sent or not, known or not)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.telegram.delivery import may_have_reached_telegram
from tests.fakes.bot_api import FakeBotAPI

READ_TIMEOUT = 0.5


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=2)
    async with Bot(api.token, base_url=api.base_url, request=request) as client:
        yield client


async def test_an_answer_held_back_times_out_after_the_message_was_posted(
    api: FakeBotAPI, bot: Bot
) -> None:
    api.faults.hold_answer("sendMessage", READ_TIMEOUT * 3, chat_id=42)
    with pytest.raises(TimedOut) as raised:
        await bot.send_message(42, "hello")
    assert isinstance(raised.value.__cause__, httpx.ReadTimeout)
    assert may_have_reached_telegram(raised.value)
    assert [m.text for m in api.sent(42)] == ["hello"], "the fake posts it before holding"
    await bot.send_message(42, "again")  # one call only: the next is answered at once
    assert api.faults.delayed_answers == 1


async def test_a_dropped_connection_is_an_unknown_outcome(api: FakeBotAPI, bot: Bot) -> None:
    api.faults.drop_answer("sendMessage", chat_id=42)
    with pytest.raises(NetworkError) as raised:
        await bot.send_message(42, "hello")
    assert isinstance(raised.value.__cause__, httpx.HTTPError)
    assert may_have_reached_telegram(raised.value)
    assert len(api.sent(42)) == 1 and api.faults.dropped_answers == 1


async def test_a_502_storm_posts_nothing_and_proves_it(api: FakeBotAPI, bot: Bot) -> None:
    api.faults.storm("sendMessage", seconds=60)
    for _ in range(3):
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(42, "hello")
        assert raised.value.message == "Bad Gateway"
        assert not may_have_reached_telegram(raised.value)
    assert api.sent(42) == [] and api.faults.storm_errors == 3
    api.faults.calm()
    await bot.send_message(42, "hello")
    assert len(api.sent(42)) == 1


async def test_a_refused_connection_proves_nothing_was_sent(api: FakeBotAPI) -> None:
    api.stop()  # nothing listens on the port any more
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, connect_timeout=2)
    with pytest.raises(NetworkError) as raised:  # getMe, the first call, fails the same way
        async with Bot(api.token, base_url=api.base_url, request=request) as client:
            await client.send_message(42, "hello")
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert not may_have_reached_telegram(raised.value)


def test_random_faults_from_the_control_endpoint(api: FakeBotAPI) -> None:
    api.control("faults", "hold=0.5&seconds=0&errors=0.25")
    for chat in range(200):
        api.handle(api.token, "sendMessage", {"chat_id": chat, "text": "x"}, {})
    snapshot = api.snapshot()
    assert 20 <= snapshot["storm_errors"] <= 80
    assert 30 <= snapshot["delayed_answers"] <= 120  # half of those posted
    assert snapshot["sends_ok"] == 200 - snapshot["storm_errors"]
    assert snapshot["max_copies"] == 1
    api.control("faults", "")
    reached = api.sent()[0].chat_id
    api.handle(api.token, "sendMessage", {"chat_id": reached, "text": "x"}, {})
    assert api.snapshot()["max_copies"] == 2
