"""Every setting of the bot, read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Settings with their defaults; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # NLP
    spacy_model: str = "en_core_web_sm"
    nlp_batch_size: int = 4
    max_article_bytes: int = 10 * 1024 * 1024

    # Storage
    database_url: str = "sqlite:///data/summit-bot.sqlite3"

    # Ingestion
    feed_poll_minutes: int = 30
    fetch_timeout_seconds: float = 20.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    user_agent: str = "SummitDigestBot/0.1 (+https://github.com/summit-digest-bot)"

    # Fetching and feeds: the address guard, caps and time budgets (issue 8).
    # Only public addresses are fetched, unless FETCH_ALLOW_PRIVATE=true (an operator who
    # ingests from an intranet) or the address is in FETCH_ALLOW_NETWORKS ("10.1.0.0/16,...").
    fetch_allow_private: bool = False
    fetch_allow_networks: str = ""
    # New entries of one feed ingested per poll; the rest wait for the next poll.
    feed_max_entries: int = 200
    # Seconds one poll of the due feeds may take before the rest is left for the next poll.
    feed_poll_budget_seconds: float = 600.0
    # Characters of an article that reach the extractor; the rest is not read (and said so).
    max_article_chars: int = 50_000
    # Processes that run the extraction of `summit-bot ingest` (0: one per core, at most 4);
    # each holds a copy of the model. Storing stays in one process.
    ingest_workers: int = 0

    @field_validator("fetch_allow_networks", mode="after")
    @classmethod
    def _networks(cls, value: str) -> str:
        from bot.ingest.addresses import parse_networks

        parse_networks(value)  # a ValueError names the entry that is not a network
        return value

    # Telegram
    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    templates_dir: Path | None = None
    default_timezone: str = "UTC"
    default_digest_time: dt.time = dt.time(8, 0)
    missed_digest_grace_hours: float = 3.0

    # Demos and tests: the bot behaves as if it were this moment.
    bot_now: dt.datetime | None = None

    log_level: str = "INFO"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("bot_now", mode="after")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value

    @field_validator(
        "telegram_bot_token",
        "webhook_url",
        "webhook_secret",
        "bot_now",
        "templates_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
