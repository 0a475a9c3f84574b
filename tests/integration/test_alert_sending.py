"""The alerts job (``AlertSender``) on a real database (SQLite, and PostgreSQL when it runs),
through the digests' send path, with a bot that answers as Telegram does when things go wrong:
each change reaches a chat at most once; only a send Telegram provably did not take is
tried again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import Engine, select
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.domain.calendar import AlertStatus
from bot.ingest import ingest
from bot.ingest.sources import file_input
from bot.services import alerts, follows
from bot.services.clock import FixedClock
from bot.services.context import Services
from bot.services.rendering import Renderer
from bot.settings import Settings
from bot.store import make_session_factory
from bot.store.models import AlertRow
from bot.telegram.alerting import AlertSender
from bot.telegram.delivery import MAX_RETRIES, Deliverer

from .conftest import FakeExtractor, meeting, write_article

T0 = dt.datetime(2030, 3, 1, 8, tzinfo=dt.UTC)
ANNOUNCED = ("2030-03-01", "Talks announced", "A meeting is announced.")
MOVED = ("2030-03-03", "Talks moved", "The meeting moved to Bergen.")
SCRIPT = {
    ANNOUNCED[1]: [meeting(["Ana Lund", "Jorge Vera"], "2030-03-10", "Oslo")],
    MOVED[1]: [meeting(["Ana Lund", "Jorge Vera"], "2030-03-14", "Bergen")],
}
NO_ANSWER, BAD_GATEWAY, REFUSED, FINE = 11, 12, 13, 14


def _read_timeout() -> TimedOut:
    """How PTB reports a request sent and never answered."""
    error = TimedOut()
    error.__cause__ = httpx.ReadTimeout("read")
    return error


@dataclass
class FakeBot:
    """``send_message`` fails from a script of errors per chat, then succeeds."""

    script: dict[int, list[Exception]] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)
    sent: list[tuple[int, str]] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        self.calls.append(chat_id)
        errors = self.script.get(chat_id)
        if errors:
            raise errors.pop(0)
        self.sent.append((chat_id, text))
        return type("Message", (), {"message_id": len(self.sent)})()


async def _no_sleep(_: float) -> None:
    return None


def _statuses(services: Services) -> dict[int, AlertStatus]:
    with services.session() as session:
        return {row.chat_id: row.status for row in session.scalars(select(AlertRow))}


def _moved_meeting(engine: Engine, tmp_path: Path, chats: tuple[int, ...]) -> Services:
    """A meeting announced, then (after ``chats`` followed it with alerts on) moved."""
    clock = FixedClock(T0)
    services = Services(make_session_factory(engine), clock, Renderer())

    def report(article: tuple[str, str, str]) -> None:
        clock.advance(dt.timedelta(hours=1))
        path = write_article(tmp_path, f"{article[0]}.txt", *article)
        inputs = [file_input(path, Settings())]
        assert ingest(services.sessions, FakeExtractor(SCRIPT), inputs, now=services.now()).ok

    report(ANNOUNCED)
    for chat_id in chats:
        follows.follow(services, chat_id, "Jorge Vera")
        alerts.set_alerts(services, chat_id, True)
    report(MOVED)
    return services


async def test_each_change_is_sent_at_most_once(engine: Engine, tmp_path: Path) -> None:
    chats = (NO_ANSWER, BAD_GATEWAY, REFUSED, FINE)
    services = _moved_meeting(engine, tmp_path, chats)
    bot = FakeBot(
        {
            NO_ANSWER: [_read_timeout()],
            # Answered 502s: Telegram did not take it, more times than one round retries.
            BAD_GATEWAY: [NetworkError("Bad Gateway") for _ in range(MAX_RETRIES + 1)],
            REFUSED: [BadRequest("Bad Request: message is too long")],
        }
    )
    sender = AlertSender(services, Deliverer(cast(Bot, bot), services, sleep=_no_sleep))
    first = await sender.send_due()
    assert (first.sent, first.failed, first.unknown) == (1, 3, 1)
    assert _statuses(services) == {
        NO_ANSWER: AlertStatus.UNKNOWN,
        BAD_GATEWAY: AlertStatus.RETRY,
        REFUSED: AlertStatus.FAILED,
        FINE: AlertStatus.SENT,
    }
    assert bot.calls.count(NO_ANSWER) == 1, "a request that may have arrived was sent again"

    # The next round: only the one Telegram provably did not take goes out, once.
    second = await sender.send_due()
    assert (second.sent, second.failed) == (1, 0)
    assert _statuses(services)[BAD_GATEWAY] is AlertStatus.SENT
    assert sorted(chat for chat, _ in bot.sent) == [BAD_GATEWAY, FINE]
    assert all("moved from Sun 10 Mar 2030 to Thu 14 Mar 2030" in text for _, text in bot.sent)
    third = await sender.send_due()
    assert (third.sent, third.failed, third.skipped) == (0, 0, 0)
    assert {chat: bot.calls.count(chat) for chat in chats} == {
        NO_ANSWER: 1,
        BAD_GATEWAY: MAX_RETRIES + 2,
        REFUSED: 1,
        FINE: 1,
    }


async def test_a_retry_is_claimed_again_once(engine: Engine, tmp_path: Path) -> None:
    """An alert waiting to be retried is claimed again by the first claim only (a second
    worker asking for it gets None), and keeps its row."""
    services = _moved_meeting(engine, tmp_path, (FINE,))
    (due,) = alerts.due_alerts(services)
    alert_id = alerts.claim(services, due)
    assert alert_id is not None and alerts.claim(services, due) is None
    alerts.mark_failed(services, alert_id, retry=True)
    (again,) = alerts.due_alerts(services)
    assert alerts.claim(services, again) == alert_id
    assert alerts.claim(services, again) is None
    assert alerts.due_alerts(services) == []
