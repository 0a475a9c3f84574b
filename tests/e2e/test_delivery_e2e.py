"""End to end: scheduled digests and how delivery handles Telegram's answers.

Chats are subscribed through the bot's own services before it starts, with a digest time of
06:00 UTC set at 05:00; the bot then starts at ``BOT_NOW=...T06:00:30Z``, so the 06:00 digest
is due (missed by 30 s) and goes out at start. The scheduled path (a digest arriving at the
minute a chat chose with /time) has its own test.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections import Counter
from collections.abc import Callable

import pytest

from tests.fakes.bot_api import Call, FakeBotAPI, Limits, SentMessage
from tests.fakes.bot_process import (
    ADMIN_ID,
    BOT_NOW,
    BotHarness,
    chat_subscribed,
    deliveries,
    subscribe_chats,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DUE_AT_START = "2025-10-27T06:00:30Z"
NEXT_DAY = "2025-10-28T06:00:30Z"
DIGEST = re.compile(r"Summit digest", re.I)


def _is_digest(message: SentMessage) -> bool:
    return bool(DIGEST.search(message.plain_text))


def _digests(api: FakeBotAPI, chat_id: int) -> list[SentMessage]:
    return [m for m in api.sent(chat_id) if _is_digest(m)]


def _sends_to(api: FakeBotAPI, chat_id: int, since: float = 0.0) -> list[Call]:
    return [c for c in api.calls("sendMessage") if c.chat_id == chat_id and c.at >= since]


def _wait(condition: object, timeout: float, what: str, harness: BotHarness) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{harness.log()[-4000:]}")


def test_scheduled_digest_arrives_at_its_minute(harness: BotHarness, api: FakeBotAPI) -> None:
    chat = 5101
    launched = time.monotonic()
    harness.start()  # BOT_NOW=2025-10-27T06:00:00Z, the bot's clock then runs in real time
    bot_start = dt.datetime.fromisoformat(BOT_NOW.replace("Z", "+00:00"))
    before = len(api.sent())
    api.send_text(chat, "/subscribe")
    api.next_reply(chat, before, timeout=15)
    # The bot's clock is at most (now - launched) past BOT_NOW; pick a minute >= 25 s ahead.
    estimate = bot_start + dt.timedelta(seconds=time.monotonic() - launched)
    target = (estimate + dt.timedelta(seconds=25)).replace(second=0, microsecond=0)
    target += dt.timedelta(minutes=1)
    before = len(api.sent())
    api.send_text(chat, f"/time {target:%H:%M}")
    assert f"{target:%H:%M}" in api.next_reply(chat, before, timeout=15).plain_text

    # In wall-clock time the minute comes no earlier than this (the bot's clock origin is
    # after our launch) and a little later at most (its start-up time).
    earliest = launched + (target - bot_start).total_seconds()
    digest = api.wait_for_message(
        lambda m: m.chat_id == chat and _is_digest(m),
        timeout=earliest - time.monotonic() + 45,
        after=before,
    )
    assert digest.at >= earliest - 1.0, f"digest {earliest - digest.at:.1f}s before its minute"
    assert digest.at <= earliest + 30.0, f"digest {digest.at - earliest:.1f}s late"
    assert re.search(r"Takaichi", digest.plain_text), digest.plain_text
    assert len(_digests(api, chat)) == 1


def test_missed_digest_is_sent_once_on_start(harness: BotHarness, api: FakeBotAPI) -> None:
    chats = [5201, 5202]
    subscribe_chats(harness.database_url, chats)
    harness.start(BOT_NOW=DUE_AT_START)
    api.wait_for_messages(lambda m: m.chat_id in chats and _is_digest(m), 2, timeout=60)
    # /digest shows the same text the schedule posted.
    scheduled = _digests(api, chats[0])[0].plain_text
    before = len(api.sent())
    api.send_text(chats[0], "/digest")
    assert api.next_reply(chats[0], before, timeout=15).plain_text == scheduled
    harness.processes[-1].stop()
    # A restart in the same minute does not send it again.
    harness.start(BOT_NOW=DUE_AT_START)
    time.sleep(5)
    assert [len(_digests(api, chat)) for chat in chats] == [2, 1]  # the scheduled + /digest


def test_blocked_chat_is_deactivated(harness: BotHarness, api: FakeBotAPI) -> None:
    blocked, fine = 5301, 5302
    subscribe_chats(harness.database_url, [blocked, fine])
    api.block_chat(blocked)
    harness.start(BOT_NOW=DUE_AT_START)
    api.wait_for_message(lambda m: m.chat_id == fine and _is_digest(m), timeout=60)
    refused = api.wait_for_call(
        "sendMessage", lambda c: c.chat_id == blocked and c.status == 403, timeout=30
    )
    assert refused.response["description"] == "Forbidden: bot was blocked by the user"
    _wait(
        lambda: chat_subscribed(harness.database_url, blocked) is False,
        15,
        "the blocked chat to be deactivated",
        harness,
    )
    assert chat_subscribed(harness.database_url, fine) is True
    assert len(_sends_to(api, blocked)) == 1, "a blocked chat must not be retried"
    assert harness.processes[-1].running

    # The next day's digests: the fine chat gets one, the blocked one is not even tried.
    harness.processes[-1].stop()
    restarted = time.monotonic()
    harness.start(BOT_NOW=NEXT_DAY)
    api.wait_for_messages(lambda m: m.chat_id == fine and _is_digest(m), 2, timeout=60)
    time.sleep(2)
    assert _sends_to(api, blocked, since=restarted) == []


def test_retry_after_is_honoured_for_a_digest(harness: BotHarness, api: FakeBotAPI) -> None:
    chat = 5401
    subscribe_chats(harness.database_url, [chat])
    api.fail_next("sendMessage", chat_id=chat, retry_after=3)
    harness.start(BOT_NOW=DUE_AT_START)
    digest = api.wait_for_message(lambda m: m.chat_id == chat and _is_digest(m), timeout=60)
    (limited,) = [c for c in _sends_to(api, chat) if c.status == 429]
    assert digest.at - limited.at >= 3.0 - 0.05, "the bot retried before retry_after ran out"
    assert api.stats.injected_429s == 1 and api.stats.premature_retries == 0
    assert len(_digests(api, chat)) == 1
    assert harness.processes[-1].running


def test_retry_after_is_honoured_for_a_reply(harness: BotHarness, api: FakeBotAPI) -> None:
    harness.start()
    chat = 5402
    api.fail_next("sendMessage", chat_id=chat, retry_after=2)
    before = len(api.sent())
    api.send_text(chat, "/next")
    reply = api.next_reply(chat, before, timeout=30)
    (limited,) = [c for c in _sends_to(api, chat) if c.status == 429]
    assert reply.at - limited.at >= 2.0 - 0.05
    assert re.search(r"Takaichi|Emperor", reply.plain_text, re.I)
    assert api.stats.premature_retries == 0
    # Still alive and answering.
    before = len(api.sent())
    api.send_text(chat, "/help")
    api.next_reply(chat, before, timeout=15)


def test_migrated_group_moves_its_subscription(harness: BotHarness, api: FakeBotAPI) -> None:
    old, new = -5501, -1000000005501
    subscribe_chats(harness.database_url, [old])
    api.migrate_chat(old, new)
    harness.start(BOT_NOW=DUE_AT_START)
    api.wait_for_message(lambda m: m.chat_id == new and _is_digest(m), timeout=60)
    _wait(
        lambda: chat_subscribed(harness.database_url, new) is True,
        15,
        "the subscription to move to the supergroup",
        harness,
    )
    assert not chat_subscribed(harness.database_url, old)


def test_sigkill_mid_broadcast_then_restart_delivers_exactly_once(
    harness: BotHarness, api: FakeBotAPI
) -> None:
    chats = list(range(60_001, 60_501))
    subscribe_chats(harness.database_url, chats)
    api.set_limits(Limits())
    kill_at = 200
    seen: list[int] = []

    def kill_in_the_middle(params: dict[str, object]) -> None:
        # Telegram has this message; the bot dies before it hears back.
        seen.append(1)
        if len(seen) == kill_at:
            harness.processes[-1].kill()

    api.on_call("sendMessage", kill_in_the_middle)
    started = time.monotonic()
    harness.start(BOT_NOW=DUE_AT_START)
    _wait(lambda: not harness.processes[-1].running, 90, "the kill mid-broadcast", harness)
    delivered_before_kill = len({m.chat_id for m in api.sent() if _is_digest(m)})
    assert 0 < delivered_before_kill < len(chats)

    harness.start(BOT_NOW=DUE_AT_START)
    # Deliveries claimed but not yet posted when the bot died are ``unknown`` and never resent
    # (at most once): the sends in flight, a handful at most.
    _wait(
        lambda: len({m.chat_id for m in api.sent() if _is_digest(m)}) >= len(chats) - 10
        and not _deliveries(harness.database_url, "pending"),
        120,
        "every chat to have its digest",
        harness,
    )
    time.sleep(3)  # let any duplicate show up
    per_chat: dict[int, list[str]] = {}
    for message in api.sent():
        per_chat.setdefault(message.chat_id, []).append(message.text)
    reference = per_chat[chats[0]]
    duplicated = [chat for chat in chats if len(per_chat.get(chat, [])) > len(reference)]
    assert not duplicated, f"{len(duplicated)} chats got the digest twice: {duplicated[:10]}"
    missing = {chat for chat in chats if chat not in per_chat}
    assert missing <= _deliveries(harness.database_url, "unknown"), missing
    assert len(missing) <= 10, missing
    assert all(per_chat[chat] == reference for chat in chats if chat not in missing)
    assert api.stats.limit_429s == 0, "the broadcast exceeded Telegram's limits"
    print(f"500 chats, killed after {kill_at} sends: {time.monotonic() - started:.1f}s in all")


def test_sigkill_at_a_random_moment_never_duplicates(harness: BotHarness, api: FakeBotAPI) -> None:
    """A crash at a random moment of the broadcast: no chat ever gets the digest twice, some
    chats had it before the kill and the restarted bot reaches the rest. A chat whose
    delivery was claimed but whose request had not reached Telegram when the bot died
    cannot be told from one whose message arrived, so it is not resent (at most once): such
    chats must be the bot's ``unknown`` deliveries, one or two at most (the sends in
    flight)."""
    chats = list(range(61_001, 61_501))
    subscribe_chats(harness.database_url, chats)
    api.set_limits(Limits())
    harness.start(BOT_NOW=DUE_AT_START)
    # 500 chats take about 17 s at 29.5 messages/s: the kill lands inside the broadcast.
    api.wait_for_message(lambda m: m.chat_id in chats and _is_digest(m), timeout=60)
    delay = random.uniform(0.2, 10.0)
    print(f"killing {delay:.2f}s after the first digest")
    time.sleep(delay)
    harness.processes[-1].kill()
    time.sleep(0.5)  # answers to requests already in the fake
    before = {m.chat_id for m in api.sent() if _is_digest(m)}
    assert 0 < len(before) < len(chats), f"the kill missed the broadcast ({len(before)} sent)"

    harness.start(BOT_NOW=DUE_AT_START)
    _wait(
        lambda: len({m.chat_id for m in api.sent() if _is_digest(m)}) >= len(chats) - 2,
        120,
        "the restarted bot to reach (nearly) every chat",
        harness,
    )
    time.sleep(3)  # the last sends, and any duplicate
    copies = Counter(m.chat_id for m in api.sent() if _is_digest(m))
    assert max(copies.values()) == 1, [c for c, n in copies.items() if n > 1][:10]
    after = set(copies) - before
    assert after, "the restarted bot sent nothing"
    missing = set(chats) - set(copies)
    unknown = _deliveries(harness.database_url, "unknown")
    print(
        f"{len(before)} chats reached before the kill, {len(after)} after, "
        f"{len(missing)} not reached, unknown: {unknown}"
    )
    assert before | after | missing == set(chats)
    assert missing <= unknown, (missing, unknown)
    assert len(missing) <= 2, missing
    assert api.stats.limit_429s == 0


@pytest.mark.parametrize("fault", ["answer held back past the timeout", "connection dropped"])
def test_no_answer_after_telegram_took_the_digest_is_unknown_and_never_resent(
    harness: BotHarness, api: FakeBotAPI, converse: Callable[..., str], fault: str
) -> None:
    """Telegram posts the digest but the bot hears nothing back (its read timeout is 5 s):
    the chat has its copy, the row says ``unknown``, and neither this bot nor a restarted
    one sends it again. /stats counts it."""
    chat, other = 5601, 5602
    subscribe_chats(harness.database_url, [chat, other])
    if fault == "connection dropped":
        api.faults.drop_answer("sendMessage", chat_id=chat)
    else:
        api.faults.hold_answer("sendMessage", 7.0, chat_id=chat)
    harness.start(BOT_NOW=DUE_AT_START)
    api.wait_for_message(lambda m: m.chat_id == other and _is_digest(m), timeout=60)
    api.wait_for_message(lambda m: m.chat_id == chat and _is_digest(m), timeout=60)
    expected = {chat: ("unknown", 1), other: ("sent", 1)}
    _wait(
        lambda: deliveries(harness.database_url) == expected,
        30,
        "the deliveries to be marked unknown and sent",
        harness,
    )
    time.sleep(2)
    assert len(_sends_to(api, chat)) == 1, "a digest Telegram may have was sent again"

    # A restart in the same minute: the digest is still due by the clock, but not resent.
    harness.processes[-1].stop()
    harness.start(BOT_NOW=DUE_AT_START)
    stats = converse(ADMIN_ID, "/stats", timeout=20)
    assert re.search(r"1 sent · 0 failed \(0 to retry\) · 1 unknown", stats), stats
    assert len(_sends_to(api, chat)) == 1
    assert [len(_digests(api, c)) for c in (chat, other)] == [1, 1]


def test_a_502_storm_then_recovery_delivers_each_digest_once(
    harness: BotHarness, api: FakeBotAPI
) -> None:
    """Every send is answered 502 for 20 s: the bot's retries within the broadcast run out,
    the deliveries are ``failed`` with a next attempt, and a later tick (within the grace
    period) delivers every chat's digest exactly once."""
    chats = list(range(5701, 5711))
    subscribe_chats(harness.database_url, chats)
    api.faults.storm("sendMessage", seconds=20)
    started = time.monotonic()
    harness.start(BOT_NOW=DUE_AT_START)
    _wait(
        lambda: {c for c, (status, _) in deliveries(harness.database_url).items()
                 if status == "failed"} == set(chats),
        60,
        "every delivery to fail during the storm",
        harness,
    )  # fmt: skip
    assert api.sent() == [] and api.faults.storm_errors >= len(chats)
    # The first retry comes a minute after the failure, at a minute tick: about 90 s.
    api.wait_for_messages(lambda m: m.chat_id in chats and _is_digest(m), len(chats), timeout=180)
    time.sleep(3)  # any duplicate
    copies = Counter(m.chat_id for m in api.sent() if _is_digest(m))
    assert copies == Counter(dict.fromkeys(chats, 1)), copies
    rows = deliveries(harness.database_url)
    assert all(rows[c][0] == "sent" and rows[c][1] >= 2 for c in chats), rows
    elapsed = time.monotonic() - started
    print(f"{api.faults.storm_errors} × 502, then every chat had its digest after {elapsed:.0f}s")
    assert harness.processes[-1].running


def _deliveries(database_url: str, status: str) -> set[int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT chat_id FROM digest_deliveries WHERE status = :s"), {"s": status}
            )
            return {int(row[0]) for row in rows}
    finally:
        engine.dispose()
