"""Faults of the network between the bot and Telegram: answers held back after the message was
posted (the client times out although Telegram has the message), connections closed instead
of an answer, and storms of 5xx answers for a while or at random."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

from tests.fakes.bot_api.records import ApiError


@dataclass(slots=True)
class _AnswerFault:
    """After ``method`` was handled (a message posted), hold the answer back ``delay``
    seconds, then send it, or close the connection without one (``drop``)."""

    method: str
    chat_id: int | None
    delay: float
    drop: bool
    times: float  # math.inf: every call (at ``rate``)
    rate: float = 1.0


@dataclass(slots=True)
class _Storm:
    """Answer ``method`` with ``error`` (nothing posted) until ``until``, or at random with
    probability ``rate``."""

    method: str
    error: ApiError
    until: float = math.inf
    rate: float = 1.0


class Faults:
    """The network faults of one fake server. Thread-safe (runs under the server's lock)."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._answers: list[_AnswerFault] = []
        self._storms: list[_Storm] = []
        self.delayed_answers = 0  # answers held back past a client timeout (or meant to be)
        self.dropped_answers = 0
        self.storm_errors = 0

    def hold_answer(
        self, method: str, seconds: float, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        self._answers.append(_AnswerFault(method.lower(), chat_id, seconds, False, times))

    def hold_answers(self, method: str, seconds: float, *, rate: float) -> None:
        """From now on, hold back the answer of a random ``rate`` of the calls."""
        self._answers.append(_AnswerFault(method.lower(), None, seconds, False, math.inf, rate))

    def drop_answer(self, method: str, *, chat_id: int | None = None, times: int = 1) -> None:
        self._answers.append(_AnswerFault(method.lower(), chat_id, 0.0, True, times))

    def storm(
        self,
        method: str,
        seconds: float = math.inf,
        *,
        rate: float = 1.0,
        code: int = 502,
        description: str = "Bad Gateway",
    ) -> None:
        self._storms.append(
            _Storm(method.lower(), ApiError(code, description), time.monotonic() + seconds, rate)
        )

    def calm(self) -> None:
        """End every storm and answer fault."""
        self._answers.clear()
        self._storms.clear()

    def storm_error(self, method: str, now: float) -> ApiError | None:
        """The 5xx to answer instead of handling the call, if a storm is on."""
        for storm in self._storms:
            hit = storm.rate >= 1.0 or self._random.random() < storm.rate
            if storm.method == method and now < storm.until and hit:
                self.storm_errors += 1
                return storm.error
        return None

    def answer_fault(self, method: str, chat_id: int | None) -> _AnswerFault | None:
        """The fault for the answer of a handled call (counted down), if any."""
        for fault in self._answers:
            if fault.method == method and fault.chat_id in (None, chat_id):
                if fault.rate < 1.0 and self._random.random() >= fault.rate:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._answers.remove(fault)
                if fault.drop:
                    self.dropped_answers += 1
                else:
                    self.delayed_answers += 1
                return fault
        return None
