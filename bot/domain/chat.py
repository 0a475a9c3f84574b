"""A chat's settings states, shared by the services, the ORM models and the migrations."""

from __future__ import annotations

from enum import StrEnum


class Frequency(StrEnum):
    """How often a chat gets its digest."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class FollowKind(StrEnum):
    """What a follow names. Follows added by /follow match any of them (``any``)."""

    PERSON = "person"
    COUNTRY = "country"
    SUMMIT = "summit"
    ANY = "any"
