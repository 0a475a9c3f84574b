"""Delivery: a fake bot answering Forbidden, RetryAfter, ChatMigrated, network errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services.chats import ChatInfo
from bot.services.digests import Digest
from bot.services.schedule import Frequency, Slot
from bot.telegram import delivery as delivery_module
from bot.telegram.delivery import Deliverer, DeliveryError, Pacer

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
    deactivated: list[int] = field(default_factory=list)
    migrated: list[tuple[int, int]] = field(default_factory=list)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    fake = FakeServices()
    ids: dict[int, tuple[int, str]] = {}

    def claim(_: object, chat_id: int, key: str) -> int | None:
        if (chat_id, key) in fake.claimed:
            return None
        fake.claimed.add((chat_id, key))
        ids[len(ids) + 1] = (chat_id, key)
        fake.status[len(ids)] = "pending"
        return len(ids)

    def mark_sent(_: object, delivery_id: int, digest: Digest, message_ids: list[int]) -> None:
        fake.status[delivery_id] = "sent"

    def mark_failed(_: object, delivery_id: int, error: str, message_ids: object = None) -> None:
        fake.status[delivery_id] = f"failed: {error}"

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
    return ChatInfo(chat_id, "private", None, "UTC", dt.time(6), 0, Frequency.DAILY, True, NOW)


def deliverer(bot: FakeBot, sleeps: Sleeps) -> Deliverer:
    pacer = Pacer(rate=0)  # no pacing in unit tests
    return Deliverer(bot, object(), pacer, sleep=sleeps, max_retries=3)  # type: ignore[arg-type]


async def test_forbidden_deactivates_the_chat_and_is_not_retried(world: FakeServices) -> None:
    bot = FakeBot({5: [Forbidden("Forbidden: bot was blocked by the user")]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "daily:x")
    assert outcome == "deactivated"
    assert world.deactivated == [5] and bot.calls == [5]
    assert world.status[1].startswith("failed")


async def test_unauthorized_does_not_deactivate(world: FakeServices) -> None:
    bot = FakeBot({5: [Forbidden("Unauthorized")]})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome == "failed" and world.deactivated == []


# Constructing RetryAfter reads its own deprecated int attribute (PTB 22.x).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_waits_and_retries(world: FakeServices) -> None:
    bot = FakeBot({5: [RetryAfter(dt.timedelta(seconds=3))]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome == "sent" and bot.sent == [(5, "hi")]
    assert sleeps.total >= 3.0
    assert world.status[1] == "sent"


async def test_chat_migrated_moves_and_resends(world: FakeServices) -> None:
    bot = FakeBot({-5: [ChatMigrated(-1005)]})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(-5), Digest(-5, ["hi"]), "k")
    assert outcome == "sent"
    assert world.migrated == [(-5, -1005)] and bot.sent == [(-1005, "hi")]


async def test_network_errors_back_off_then_succeed(world: FakeServices) -> None:
    bot = FakeBot({5: [NetworkError("Bad Gateway"), TimedOut()]})
    sleeps = Sleeps()
    outcome = await deliverer(bot, sleeps).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome == "sent" and sleeps.calls == [1.0, 2.0]


async def test_network_errors_give_up_after_the_retries(world: FakeServices) -> None:
    bot = FakeBot({5: [NetworkError("x")] * 10})
    outcome = await deliverer(bot, Sleeps()).deliver(chat(5), Digest(5, ["hi"]), "k")
    assert outcome == "failed" and len(bot.calls) == 4


async def test_bad_request_is_not_retried(world: FakeServices) -> None:
    bot = FakeBot({5: [BadRequest("Bad Request: chat not found")]})
    with pytest.raises(DeliveryError):
        await deliverer(bot, Sleeps()).send_text(5, "hi", paced=False)
    assert bot.calls == [5]


async def test_each_digest_is_claimed_once(world: FakeServices) -> None:
    bot = FakeBot()
    d = deliverer(bot, Sleeps())
    assert await d.deliver(chat(5), Digest(5, ["hi"]), "daily:2025-10-27") == "sent"
    assert await d.deliver(chat(5), Digest(5, ["hi"]), "daily:2025-10-27") == "skipped"
    assert bot.sent == [(5, "hi")]


async def test_parts_of_one_digest_are_spaced_per_chat(world: FakeServices) -> None:
    bot = FakeBot()
    sleeps = Sleeps()
    d = deliverer(bot, sleeps)
    await d.deliver(chat(5), Digest(5, ["one", "two"]), "k1")
    await d.deliver(chat(-7), Digest(-7, ["one", "two"]), "k2")
    assert sleeps.calls == [delivery_module.PRIVATE_GAP, delivery_module.GROUP_GAP]


async def test_broadcast_reports_every_outcome(world: FakeServices) -> None:
    bot = FakeBot({2: [Forbidden("Forbidden: bot was blocked by the user")]})
    d = deliverer(bot, Sleeps())
    slot = Slot(NOW, "daily:2025-10-27")
    report = await d.broadcast([(chat(i), slot) for i in range(1, 6)])
    assert (report.sent, report.failed, report.deactivated) == (4, 1, 1)
    again = await d.broadcast([(chat(i), slot) for i in range(1, 6)])
    assert again.skipped == 5 and len(bot.sent) == 4


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
