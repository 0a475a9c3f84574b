"""Delivery states of a digest, shared by the services, the ORM model and the migration, and
the claim that lets one process send it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DeliveryStatus(StrEnum):
    """The state of one (chat, digest key) delivery row.

    ``pending``: claimed, being sent now. ``sent``: Telegram confirmed every part.
    ``failed``: not delivered; retried at ``next_attempt_at`` while the grace period lasts
    (no ``next_attempt_at``: Telegram refused it for good). ``unknown``: a request left the
    process and no answer came (a read timeout, a dropped connection, a crash): Telegram may
    have the message, so it is never sent again.
    """

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to send one digest to one chat now (its delivery row is ``pending``).

    ``sent_message_ids``: the parts an earlier attempt delivered before it failed; the
    attempt goes on from the next part, so no part reaches the chat twice.
    """

    delivery_id: int
    attempt: int
    sent_message_ids: tuple[int, ...] = ()
