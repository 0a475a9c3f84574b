"""The settings the ingest and web sides added: each bad value is one line naming it."""

from __future__ import annotations

import pytest

from bot.settings import EXPECTED, Settings, SettingsError, load_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("fetch_allow_private", "sometimes"),
        ("fetch_allow_networks", "10.1.0.0/16,intranet"),
        ("feed_max_entries", "0"),
        ("feed_poll_budget_seconds", "0"),
        ("max_article_chars", "-5"),
        ("ingest_workers", "-1"),
        ("ingest_workers", "many"),
        ("user_agent", "Bot\r\nX-Injected: 1"),
        ("http_port", "70000"),
        ("http_port", "-1"),
        ("http_host", "http://127.0.0.1:8080/"),
        ("public_url", "summits.example.org"),
    ],
)
def test_a_bad_new_setting_is_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(**{name: value}, _env_file=None)
    (line,) = str(caught.value).splitlines()
    variable = name.upper()
    assert line.startswith(f"{variable}=") and "; expected " in line, line
    assert f", e.g. {variable}=" in line, line
    # The example given is itself a good value.
    example = line.rsplit(f", e.g. {variable}=", 1)[1]
    load_settings(**{name: example}, _env_file=None)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("http_port", "0", 0),  # the bot serves no HTTP
        ("http_host", "::1", "::1"),
        ("http_host", "localhost", "localhost"),
        ("fetch_allow_networks", "10.1.0.0/16, 192.168.5.7", "10.1.0.0/16, 192.168.5.7"),
        ("public_url", "", None),
        ("ingest_workers", "0", 0),
    ],
)
def test_good_new_settings_load(name: str, value: str, expected: object) -> None:
    assert getattr(load_settings(**{name: value}, _env_file=None), name) == expected


def test_every_setting_says_what_it_expects() -> None:
    """A bad value's line says what is wanted, not just pydantic's words and the default."""
    assert set(EXPECTED) == set(Settings.model_fields) - {"webhook_listen"}
