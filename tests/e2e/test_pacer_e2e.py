"""End to end: one pacer for everything the bot sends. While a broadcast runs within
Telegram's limits (enforced by the fake), people sending /next are answered quickly, and the
fake never has to answer 429."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from tests.fakes.bot_api import FakeBotAPI, Limits
from tests.fakes.bot_process import BotHarness, subscribe_chats

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DUE_AT_START = "2025-10-27T06:00:30Z"
DIGEST = re.compile(r"Summit digest", re.I)


def test_replies_jump_ahead_of_a_broadcast_with_no_429(
    harness: BotHarness, api: FakeBotAPI
) -> None:
    chats = list(range(62_001, 62_181))  # about 6 s at 30 messages/s
    people = list(range(8_001, 8_011))
    subscribe_chats(harness.database_url, chats)
    api.set_limits(Limits())
    harness.start(BOT_NOW=DUE_AT_START)
    api.wait_for_message(lambda m: m.chat_id in chats and DIGEST.search(m.plain_text) is not None,
                         timeout=60)  # fmt: skip

    latencies: list[float] = []
    for person in people:
        before = len(api.sent())
        asked = time.monotonic()
        api.send_text(person, "/next")
        reply = api.next_reply(person, before, timeout=15)
        latencies.append(reply.at - asked)
        assert re.search(r"Takaichi|Emperor", reply.plain_text), reply.plain_text
        time.sleep(0.2)
    digests = api.wait_for_messages(
        lambda m: m.chat_id in chats and DIGEST.search(m.plain_text) is not None,
        len(chats),
        timeout=60,
    )
    last_digest = max(message.at for message in digests)
    print(f"reply latencies: {[round(x, 2) for x in latencies]}")
    assert max(latencies) < 2.0, latencies
    # The replies came during the broadcast, not after it.
    assert api.sent(people[-1])[-1].at < last_digest
    time.sleep(2)
    copies = Counter(m.chat_id for m in api.sent() if DIGEST.search(m.plain_text))
    assert all(copies[chat] == 1 for chat in chats), copies.most_common(3)
    assert api.stats.limit_429s == 0, "the bot crossed Telegram's limits"
