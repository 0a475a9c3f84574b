"""The shared pacer on a small scale (5 calls in 0.2 s overall, 0.05 s between two messages
to one chat, 3 in 0.3 s to one group): sliding windows, priorities, pauses, dropped replies."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.pacer import FloodLimits, Priority, ReplyDropped, SharedPacer, _Waiter

LIMITS = FloodLimits(overall=5, window=0.2, chat_gap=0.05, group=3, group_window=0.3)


class Recording(SharedPacer):
    """Records (grant time, chat, priority) of every slot handed out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(LIMITS, **kwargs)
        self.grants: list[tuple[float, int | str | None, Priority]] = []

    def _grant(self, waiter: _Waiter, now: float) -> None:
        self.grants.append((now, waiter.chat, waiter.priority))
        super()._grant(waiter, now)


@pytest.fixture
async def pacer() -> Any:
    limiter = Recording()
    yield limiter
    await limiter.shutdown()


def times(pacer: Recording, chat: object = ...) -> list[float]:
    return [t for t, c, _ in pacer.grants if chat is ... or c == chat]


def spaced(granted: list[float], count: int, window: float) -> bool:
    """No ``window`` holds more than ``count`` of the grants."""
    return all(granted[i + count] - granted[i] >= window for i in range(len(granted) - count))


async def test_no_window_ever_holds_more_than_the_limit(pacer: Recording) -> None:
    started = time.monotonic()
    await asyncio.gather(*(pacer.acquire(chat) for chat in range(1, 21)))
    granted = times(pacer)
    assert len(granted) == 20
    assert spaced(granted, 5, LIMITS.window)
    # Sliding, not a bucket that lets a burst through: 20 take three full windows.
    assert time.monotonic() - started >= 3 * LIMITS.window
    assert time.monotonic() - started < 3 * LIMITS.window + 0.2


async def test_chat_and_group_limits(pacer: Recording) -> None:
    bulk = Priority.BULK
    await asyncio.gather(
        *(pacer.acquire(7, bulk) for _ in range(4)), *(pacer.acquire(-5, bulk) for _ in range(5))
    )
    private, group = times(pacer, 7), times(pacer, -5)
    assert len(private) == 4 and len(group) == 5
    assert spaced(private, 1, LIMITS.chat_gap) and spaced(group, 1, LIMITS.chat_gap)
    assert spaced(group, 3, LIMITS.group_window)


async def test_a_chat_waiting_for_its_own_limit_does_not_hold_up_others(pacer: Recording) -> None:
    await pacer.acquire(7)
    await asyncio.gather(pacer.acquire(7), pacer.acquire(8))
    assert [c for _, c, _ in pacer.grants] == [7, 8, 7]


async def test_replies_jump_ahead_of_a_broadcast(pacer: Recording) -> None:
    bulk = [asyncio.create_task(pacer.acquire(chat, Priority.BULK)) for chat in range(100, 130)]
    await asyncio.sleep(0.05)  # the broadcast is queued and under way
    asked = time.monotonic()
    await pacer.acquire(42)  # a person's /next
    assert time.monotonic() - asked < LIMITS.window / LIMITS.overall + 0.02
    await asyncio.gather(*bulk)
    order = [chat for _, chat, _ in pacer.grants]
    assert 1 <= order.index(42) <= 3, order  # after the broadcast's first slots only
    assert spaced(times(pacer), 5, LIMITS.window)


async def test_a_broadcast_is_spaced_evenly_not_in_bursts(pacer: Recording) -> None:
    await asyncio.gather(*(pacer.acquire(chat, Priority.BULK) for chat in range(100, 112)))
    gap = LIMITS.window / LIMITS.overall
    granted = times(pacer)
    # Evenly: never two at once (a late wake-up is made up within half a gap), and the
    # average is the gap, not more (wake-up delays do not add up).
    assert spaced(granted, 1, gap / 2)
    assert 11 * gap - 0.005 <= granted[-1] - granted[0] <= 11 * gap + 0.03


async def test_a_pause_stops_every_slot(pacer: Recording) -> None:
    await pacer.acquire(1)
    paused_at = time.monotonic()
    pacer.pause(0.3)
    await asyncio.gather(pacer.acquire(2), pacer.acquire(3, Priority.BULK))
    assert time.monotonic() - paused_at >= 0.3
    assert min(times(pacer)[1:]) - paused_at >= 0.3 - 0.01


async def test_a_flood_of_replies_to_one_chat_drops_the_oldest(pacer: Recording) -> None:
    pacer.pause(0.2)
    replies = [asyncio.create_task(pacer.acquire(9)) for _ in range(6)]
    results = await asyncio.gather(*replies, return_exceptions=True)
    dropped = [r for r in results if isinstance(r, ReplyDropped)]
    assert len(dropped) == 3 and results[3:] == [None, None, None]
    assert pacer.dropped == 3


# Constructing RetryAfter reads its own deprecated int attribute (PTB 22.x).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_429_that_still_comes_pauses_everything_and_is_retried(pacer: Recording) -> None:
    answers: list[Exception | None] = [RetryAfter(dt.timedelta(seconds=0.25)), None]
    calls: list[float] = []

    async def send(**_: Any) -> dict[str, Any]:
        calls.append(time.monotonic())
        error = answers.pop(0)
        if error is not None:
            raise error
        return {"message_id": 1}

    result = await pacer.process_request(send, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert result == {"message_id": 1} and pacer.pauses == 1
    assert calls[1] - calls[0] >= 0.25 - 0.01
    # Reads are not paced; answers to buttons count overall only.
    await pacer.process_request(send_ok, (), {}, "getChatMember", {"chat_id": 5}, None)
    await pacer.process_request(send_ok, (), {}, "answerCallbackQuery", {}, None)
    assert [c for _, c, _ in pacer.grants] == [5, 5, None]


async def send_ok(**_: Any) -> bool:
    return True
