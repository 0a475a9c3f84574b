"""Delivery: a fake bot answering Forbidden, RetryAfter, ChatMigrated, network errors.

Network errors are raised the way PTB raises them: an answered error status (502) is a
``NetworkError`` without a cause; a client-side failure carries the ``httpx`` error as its
cause, which tells whether the request can have reached Telegram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.chat import ChatKind, Frequency
from bot.domain.delivery import Claim
from bot.services.chats import ChatInfo
from bot.services.digests import Digest
from bot.services.schedule import Slot
from bot.telegram import delivery as delivery_module
from bot.telegram.delivery import (
    Deliverer,
    DeliveryError,
    DeliveryOutcome,
    Pacer,
    handle_chat_error,
    may_have_reached_telegram,
)

NOW = dt.datetime(2025, 10, 27, 6, 0, tzinfo=dt.UTC)


@dataclass
class FakeMessage:
    message_id: int


@dataclass
class FakeBot:
    """Answers send_message from a script of exceptions (per chat), then succeeds."""

    script: dict[int, list[Exception]] = field(default_factory=dict)
    sent: list[tuple[int, str]] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> FakeMessage:
        self.calls.append(chat_id)
        errors = self.script.get(chat_id)
        if errors:
            raise errors.pop(0)
        self.sent.append((chat_id, text))
        return FakeMessage(len(self.sent))


@dataclass
class FakeServices:
    """Records what the deliverer asks of the services (patched in below)."""

    claimed: set[tuple[int, str]] = field(default_factory=set)
    status: dict[int, str] = field(default_factory=dict)
    message_ids: dict[int, list[int]] = field(default_factory=dict)
    resume: dict[tuple[int, str], tuple[int, ...]] = field(default_factory=dict)
    deactivated: list[int] = field(default_factory=list)
    migrated: list[tuple[int, int]] = field(default_factory=list)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    fake = FakeServices()
    ids: dict[int, tuple[int, str]] = {}

    def claim(_: object, chat_id: int, key: str) -> Claim | None:
        if (chat_id, key) in fake.claimed:
            return None
        fake.claimed.add((chat_id, key))
        ids[len(ids) + 1] = (chat_id, key)
        fake.status[len(ids)] = "pending"
        return Claim(len(ids), 1, fake.resume.get((chat_id, key), ()))

    def mark_sent(_: object, delivery_id: int, digest: Digest, message_ids: list[int]) -> None:
        fake.status[delivery_id] = "sent"
        fake.message_ids[delivery_id] = list(message_ids)

    def mark_failed(
        _: object, delivery_id: int, error: str, message_ids: Any = (), *, retry: bool = False
    ) -> None:
        fake.status[delivery_id] = f"{'retry' if retry else 'failed'}: {error}"
        fake.message_ids[delivery_id] = list(message_ids)

    def mark_unknown(_: object, delivery_id: int, error: str, message_ids: Any = ()) -> None:
        fake.status[delivery_id] = f"unknown: {error}"
        fake.message_ids[delivery_id] = list(message_ids)

    def deactivate(_: object, chat_id: int, reason: str) -> bool:
        fake.deactivated.append(chat_id)
        return True

    def migrate(_: object, old: int, new: int) -> None:
        fake.migrated.append((old, new))

    class Builder:
        def __init__(self, services: object, chats: object, now: object = None) -> None:
            pass

        def build(self, chat: ChatInfo, key: str | None = None) -> Digest:
            return Digest(chat.chat_id, [f"digest for {chat.chat_id}"], {}, key)

    ds = delivery_module.digest_service
    cs = delivery_module.chat_service
    monkeypatch.setattr(ds, "claim", claim)
    monkeypatch.setattr(ds, "mark_sent", mark_sent)
    monkeypatch.setattr(ds, "mark_failed", mark_failed)
    monkeypatch.setattr(ds, "mark_unknown", mark_unknown)
    monkeypatch.setattr(ds, "DigestBuilder", Builder)
    monkeypatch.setattr(cs, "deactivate", deactivate)
    monkeypatch.setattr(cs, "migrate_chat", migrate)
    return fake


class Sleeps:
    def __init__(self) -> None:
        self.total = 0.0
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.total += seconds


def chat(chat_id: int) -> ChatInfo:
    return ChatInfo(
        chat_id, ChatKind.PRIVATE, None, "UTC", dt.time(6), 0, Frequency.DAILY, True, NOW
    )


def deliverer(bot: FakeBot, sleeps: Sleeps) -> Deliverer:
    pacer = Pacer(rate=0)  # no pacing in unit tests
    return Deliverer(bot, object(), pacer, sleep=sleeps, max_retries=3)  # type: ignore[arg-type]


async def test_forbidden_deactivates_the_chat_and_is_not_retried(world: FakeServices) -> None:
    bot = FakeBot({5: [Forbidden("Forbidden: bot was blocked by the user")]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "daily:x")
    assert outcome is DeliveryOutcome.DEACTIVATED
    assert world.deactivated == [5] and bot.calls == [5]
    assert world.status[1].startswith("failed"), "a blocked chat is not retried"


async def test_unauthorized_does_not_deactivate(world: FakeServices) -> None:
    bot = FakeBot({5: [Forbidden("Unauthorized")]})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.REFUSED and world.deactivated == []
    assert world.status[1].startswith("failed")


async def test_chat_errors_are_handled_in_one_place(world: FakeServices) -> None:
    services: Any = object()
    assert await handle_chat_error(services, -5, ChatMigrated(-1005)) == -1005
    assert await handle_chat_error(services, 6, Forbidden("Unauthorized")) is None
    assert await handle_chat_error(services, 7, Forbidden("Forbidden: bot was blocked")) is None
    assert world.migrated == [(-5, -1005)] and world.deactivated == [7]


# Constructing RetryAfter reads its own deprecated int attribute (PTB 22.x).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_waits_and_retries(world: FakeServices) -> None:
    bot = FakeBot({5: [RetryAfter(dt.timedelta(seconds=3))]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.SENT and bot.sent == [(5, "hi")]
    assert sleeps.total >= 3.0
    assert world.status[1] == "sent"


async def test_chat_migrated_moves_and_resends(world: FakeServices) -> None:
    bot = FakeBot({-5: [ChatMigrated(-1005)]})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(-5), Digest(-5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.SENT
    assert world.migrated == [(-5, -1005)] and bot.sent == [(-1005, "hi")]


def answered(description: str = "Bad Gateway") -> NetworkError:
    """A 5xx answer, as PTB raises it: Telegram (or its proxy) answered, nothing was posted."""
    return NetworkError(description)


def caused_by(error: NetworkError, cause: Exception) -> NetworkError:
    """A client-side failure, as PTB raises it (``raise TimedOut from httpx.ReadTimeout``)."""
    error.__cause__ = cause
    return error


def connect_failed() -> NetworkError:
    return caused_by(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused"))


def read_timed_out() -> NetworkError:
    return caused_by(TimedOut(), httpx.ReadTimeout("read"))


def dropped_mid_response() -> NetworkError:
    return caused_by(
        NetworkError("httpx.RemoteProtocolError: Server disconnected"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    )


@pytest.mark.parametrize(
    ("error", "reached"),
    [
        (answered(), False),
        (answered("Internal Server Error (500)"), False),
        (connect_failed(), False),
        (caused_by(TimedOut(), httpx.ConnectTimeout("connect")), False),
        (caused_by(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), False),
        (read_timed_out(), True),
        (caused_by(TimedOut(), httpx.WriteTimeout("write")), True),
        (dropped_mid_response(), True),
        (caused_by(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), True),
        (TimedOut(), True),  # no cause: which timeout is not known, so it may have arrived
    ],
)
def test_which_errors_prove_the_message_was_not_taken(error: NetworkError, reached: bool) -> None:
    assert may_have_reached_telegram(error) is reached


async def test_errors_before_sending_back_off_then_succeed(world: FakeServices) -> None:
    bot = FakeBot({5: [answered(), connect_failed()]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.SENT and sleeps.calls == [1.0, 2.0]
    assert bot.sent == [(5, "hi")] and world.status[1] == "sent"


@pytest.mark.parametrize("error", [read_timed_out(), dropped_mid_response()])
async def test_no_answer_after_sending_is_unknown_and_never_resent(
    world: FakeServices, error: NetworkError
) -> None:
    """Telegram may have posted the message: resending could give the chat two copies."""
    bot = FakeBot({5: [error]})
    d = deliverer(bot, Sleeps())
    outcome = await d.deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.UNKNOWN
    assert bot.calls == [5], "a request that may have arrived was sent again"
    assert world.status[1].startswith("unknown")
    # The next tick does not send it either: the row holds the key.
    assert await d.deliver(chat(5), Digest(5, ["hi"]), "k") is DeliveryOutcome.SKIPPED
    assert bot.calls == [5]


async def test_unknown_part_keeps_the_parts_delivered_before(world: FakeServices) -> None:
    bot = FakeBot()
    parts = iter([None, read_timed_out()])

    async def send(chat_id: int, text: str, **_: Any) -> FakeMessage:
        error = next(parts)
        bot.calls.append(chat_id)
        if error is not None:
            raise error
        bot.sent.append((chat_id, text))
        return FakeMessage(len(bot.sent))

    bot.send_message = send  # type: ignore[method-assign]
    outcome = await deliverer(bot, Sleeps()).deliver(chat(5), Digest(5, ["one", "two"]), "k")
    assert outcome is DeliveryOutcome.UNKNOWN and world.message_ids[1] == [1]


async def test_errors_before_sending_fail_for_a_later_tick(world: FakeServices) -> None:
    bot = FakeBot({5: [answered()] * 10})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome is DeliveryOutcome.FAILED and len(bot.calls) == 4
    assert world.status[1].startswith("retry"), "a 502 storm must not end the day's digest"


async def test_a_retry_goes_on_from_the_first_part_not_delivered(world: FakeServices) -> None:
    world.resume[(5, "k")] = (11,)
    bot = FakeBot()
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["one", "two"]), "k")
    assert outcome is DeliveryOutcome.SENT
    assert bot.sent == [(5, "two")] and world.message_ids[1] == [11, 1]
    assert sleeps.calls == []


async def test_bad_request_is_not_retried(world: FakeServices) -> None:
    bot = FakeBot({5: [BadRequest("Bad Request: chat not found")]})
    with pytest.raises(DeliveryError) as raised:
        await deliverer(bot, Sleeps()).send_text(5, "hi", paced=False)
    assert bot.calls == [5] and raised.value.outcome is DeliveryOutcome.REFUSED


async def test_each_digest_is_claimed_once(world: FakeServices) -> None:
    bot = FakeBot()
    d = deliverer(bot, Sleeps())
    assert await d.deliver(chat(5), Digest(5, ["hi"]), "daily:2025-10-27") == "sent"
    assert await d.deliver(chat(5), Digest(5, ["hi"]), "daily:2025-10-27") == "skipped"
    assert DeliveryOutcome.SENT == "sent"  # a StrEnum: logs and reports read as before
    assert bot.sent == [(5, "hi")]


async def test_parts_of_one_digest_are_spaced_per_chat(world: FakeServices) -> None:
    bot = FakeBot()
    sleeps = Sleeps()
    d = deliverer(bot, sleeps)
    await d.deliver(chat(5), Digest(5, ["one", "two"]), "k1")
    await d.deliver(chat(-7), Digest(-7, ["one", "two"]), "k2")
    assert sleeps.calls == [delivery_module.PRIVATE_GAP, delivery_module.GROUP_GAP]


async def test_broadcast_reports_every_outcome(world: FakeServices) -> None:
    bot = FakeBot({2: [Forbidden("Forbidden: bot was blocked by the user")], 3: [read_timed_out()]})
    d = deliverer(bot, Sleeps())
    slot = Slot(NOW, "daily:2025-10-27")
    report = await d.broadcast([(chat(i), slot) for i in range(1, 6)])
    assert (report.sent, report.failed, report.deactivated, report.unknown) == (3, 2, 1, 1)
    again = await d.broadcast([(chat(i), slot) for i in range(1, 6)])
    assert again.skipped == 5 and len(bot.sent) == 3


async def test_pacer_spaces_sends_evenly() -> None:
    clock = [0.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    pacer = Pacer(rate=30, monotonic=lambda: clock[0], sleep=sleep)
    for _ in range(31):
        await pacer.wait()
    # 31 sends take a full second: never more than 30 within one second.
    assert clock[0] == pytest.approx(1.0)
    pacer.pause(5)
    await pacer.wait()
    assert clock[0] == pytest.approx(6.0)


async def test_with_the_shared_pacer_digests_wait_there_as_bulk(world: FakeServices) -> None:
    """The first part's slot is taken before the claim; later parts wait in the shared
    pacer with the bulk priority; the deliverer keeps no pace of its own."""
    from bot.telegram.pacer import FloodLimits, Priority, SharedPacer

    shared = SharedPacer(FloodLimits(overall=100, window=0.1, chat_gap=0.01))
    bot = FakeBot()
    bot.rate_limiter = shared  # type: ignore[attr-defined]
    limits: list[dict[str, Any]] = []
    plain_send = bot.send_message

    async def send(chat_id: int, text: str, **kwargs: Any) -> FakeMessage:
        limits.append(kwargs["rate_limit_args"])
        if not kwargs["rate_limit_args"]["acquired"]:
            await shared.acquire(chat_id, kwargs["rate_limit_args"]["priority"])
        return await plain_send(chat_id, text)

    bot.send_message = send  # type: ignore[method-assign]
    sleeps = Sleeps()
    d = Deliverer(bot, object(), sleep=sleeps)  # type: ignore[arg-type]
    assert d.shared is shared
    report = await d.broadcast([(chat(5), Slot(NOW, "k"))])
    assert report.sent == 1 and bot.sent == [(5, "digest for 5")]
    outcome = await d.deliver(chat(6), Digest(6, ["one", "two"]), "k")
    assert outcome is DeliveryOutcome.SENT and sleeps.calls == []
    # The broadcast took the first slot; deliver() leaves the first part's slot to its
    # caller too; the second part waits in the pacer.
    assert limits[0] == {"priority": Priority.BULK, "acquired": True}
    assert [entry["acquired"] for entry in limits] == [True, True, False]
    assert shared.granted == 2
    await shared.shutdown()
