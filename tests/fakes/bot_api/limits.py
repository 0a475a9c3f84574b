"""Whether a send goes through: blocked and migrated chats, failures a test injected, the
``retry_after`` penalties they set, and Telegram's flood limits as token buckets."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tests.fakes.bot_api.records import ApiError, Stats, too_many_requests

# Methods that post a message to a chat: these count against the flood limits.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "senddocument",
        "sendphoto",
        "sendaudio",
        "sendvideo",
        "sendanimation",
        "sendvoice",
        "sendsticker",
        "sendlocation",
        "sendpoll",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's flood limits, as token buckets (rate and burst size).

    ``global_burst`` has one message of slack over 30 for network jitter: a client pacing at
    exactly 30/s sees its requests arrive a few milliseconds early or late.
    """

    global_per_second: float = 30.0
    global_burst: float = 31.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0


class _Bucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass(slots=True)
class _Failure:
    method: str
    chat_id: int | None
    error: ApiError
    times: int
    penalty: float  # seconds during which further requests in the same scope get 429


class SendGate:
    """Decides whether a send to a chat goes through, or which error it gets.

    Not locked itself: the server calls it under its state lock.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits
        self.blocked: dict[int, str] = {}  # chat id → the 403 description
        self.migrated: dict[int, int] = {}  # chat id → the supergroup it became
        self._failures: list[_Failure] = []
        self._penalties: dict[int | None, float] = {}  # scope (a chat, None: all) → until
        self._buckets: dict[tuple[str, int], _Bucket] = {}

    def set_limits(self, limits: Limits | None) -> None:
        self.limits = limits
        self._buckets.clear()

    def fail_next(
        self, method: str, error: ApiError, *, chat_id: int | None, times: int, penalty: float
    ) -> None:
        self._failures.append(_Failure(method.lower(), chat_id, error, times, penalty))

    def check(self, method: str, chat_id: int, now: float, stats: Stats) -> None:
        """Raise the ApiError the send gets, if any; otherwise take its flood-limit tokens."""
        if chat_id in self.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id in self.blocked:
            raise ApiError(403, self.blocked[chat_id])
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                if failure.error.code == 429:
                    stats.injected_429s += 1
                    self._penalties[failure.chat_id] = now + failure.penalty
                raise failure.error
        for scope in (None, chat_id):
            until = self._penalties.get(scope, 0.0)
            if now < until:
                stats.premature_retries += 1
                raise too_many_requests(max(1, math.ceil(until - now)))
        if self.limits is not None and method in SEND_METHODS:
            self._take_tokens(self.limits, chat_id, now, stats)

    def _take_tokens(self, limits: Limits, chat_id: int, now: float, stats: Stats) -> None:
        buckets = [self._bucket("global", 0, limits.global_per_second, limits.global_burst, now)]
        buckets.append(
            self._bucket("chat", chat_id, limits.chat_per_second, limits.chat_burst, now)
        )
        if chat_id < 0:
            buckets.append(
                self._bucket(
                    "group", chat_id, limits.group_per_minute / 60.0, limits.group_burst, now
                )
            )
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            stats.limit_429s += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take()

    def _bucket(self, kind: str, key: int, rate: float, burst: float, now: float) -> _Bucket:
        bucket = self._buckets.get((kind, key))
        if bucket is None:
            bucket = self._buckets[(kind, key)] = _Bucket(rate, burst, now)
        return bucket
