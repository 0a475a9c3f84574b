"""Delivery records on a real database: a failed digest is due again with back-off until the
grace period ends; an unknown one never is; /stats counts them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot.domain.delivery import DeliveryStatus
from bot.services import chats, digests
from bot.services.clock import FixedClock
from bot.services.context import ServiceConfig, Services
from bot.services.rendering import Renderer
from bot.store import make_session_factory, upgrade_database
from bot.store.db import make_engine
from bot.store.models import DeliveryRow

UTC = dt.UTC
SLOT = dt.datetime(2025, 10, 27, 6, 0, tzinfo=UTC)
KEY = "daily:2025-10-27"


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    svc = Services(
        make_session_factory(engine),
        FixedClock(SLOT - dt.timedelta(hours=1)),
        Renderer(),
        ServiceConfig(missed_digest_grace=dt.timedelta(hours=3)),
    )
    chats.subscribe(svc, 1, "private")
    chats.set_digest_time(svc, 1, "06:00")
    yield svc
    engine.dispose()


def at(services: Services, moment: dt.datetime) -> None:
    assert isinstance(services.clock, FixedClock)
    services.clock.set(moment)


def due(services: Services) -> list[tuple[int, str]]:
    return [(chat.chat_id, slot.key) for chat, slot in digests.due_chats(services)]


def test_a_failed_delivery_is_retried_with_back_off_within_the_grace(services: Services) -> None:
    now = SLOT + dt.timedelta(seconds=30)
    at(services, now)
    assert due(services) == [(1, KEY)]
    delays = []
    for attempt in range(1, 20):
        claim = digests.claim(services, 1, KEY)
        assert claim is not None and claim.attempt == attempt
        assert digests.claim(services, 1, KEY) is None  # one sender at a time
        digests.mark_failed(services, claim.delivery_id, "Bad Gateway", [], retry=True)
        with services.session() as session:
            row = session.get(DeliveryRow, claim.delivery_id)
            assert row is not None and row.status is DeliveryStatus.FAILED
            assert row.next_attempt_at is not None
            retry_at = row.next_attempt_at
        delays.append(retry_at - now)
        at(services, retry_at - dt.timedelta(seconds=1))
        assert due(services) == [], "retried before its back-off ran out"
        now = retry_at
        at(services, now)
        if now - SLOT > services.config.missed_digest_grace:
            assert due(services) == [], "retried after the grace period"
            break
        assert due(services) == [(1, KEY)]
    minutes = [delay.total_seconds() / 60 for delay in delays]
    assert minutes[:6] == [1, 2, 4, 8, 16, 30]
    assert now - SLOT > services.config.missed_digest_grace, "the retries stopped too early"
    counts = digests.delivery_counts(services)
    assert counts[DeliveryStatus.FAILED] == 1


def test_a_retry_succeeds_and_keeps_the_parts_sent_before(services: Services) -> None:
    at(services, SLOT + dt.timedelta(seconds=30))
    first = digests.claim(services, 1, KEY)
    assert first is not None
    digests.mark_failed(services, first.delivery_id, "Bad Gateway", [41], retry=True)
    at(services, SLOT + dt.timedelta(minutes=2))
    second = digests.claim(services, 1, KEY)
    assert second == digests.Claim(first.delivery_id, 2, (41,))
    digest = digests.build_digest(services, chats.get_chat(services, 1))
    digests.mark_sent(services, second.delivery_id, digest, [41, 42])
    at(services, SLOT + dt.timedelta(minutes=30))
    assert due(services) == [] and digests.claim(services, 1, KEY) is None
    assert digests.delivery_counts(services)[DeliveryStatus.SENT] == 1


def test_failed_for_good_and_unknown_are_never_due_again(services: Services) -> None:
    at(services, SLOT + dt.timedelta(seconds=30))
    chats.subscribe(services, 2, "private")
    chats.set_digest_time(services, 2, "06:00")
    refused = digests.claim(services, 1, KEY)
    unknown = digests.claim(services, 2, KEY)
    assert refused is not None and unknown is not None
    digests.mark_failed(services, refused.delivery_id, "Bad Request: x", [], retry=False)
    digests.mark_unknown(services, unknown.delivery_id, "no answer: Timed out", [])
    for minutes in (1, 5, 60):
        at(services, SLOT + dt.timedelta(minutes=minutes))
        assert due(services) == []
        assert digests.claim(services, 1, KEY) is None and digests.claim(services, 2, KEY) is None
    counts = digests.delivery_counts(services)
    assert counts[DeliveryStatus.FAILED] == 1 and counts[DeliveryStatus.UNKNOWN] == 1
    assert counts.retrying == 0
