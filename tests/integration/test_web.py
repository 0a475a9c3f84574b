"""The web side on a real database: the page, the .ics feeds, /healthz, /metrics, and the
server started inside a running loop (SQLite, and PostgreSQL when it runs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import socket
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from bot.services import calendar as calendar_service
from bot.services import follows, health
from bot.services.clock import FixedClock
from bot.services.context import Services
from bot.web.app import create_app
from bot.web.server import WebServerError, start, start_for_bot

from .test_bot_services import add_event, calendar, services

__all__ = ["calendar", "services"]  # fixtures used here


def client_for(services: Services) -> httpx.AsyncClient:
    """A client calling the application directly (the real server is tested below)."""
    transport = httpx.ASGITransport(app=create_app(services))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _titles(html: str) -> list[str]:
    return re.findall(r'<span class="title">([^<]+)', html)


async def test_page_lists_upcoming_meetings_by_day_and_filters_them(
    services: Services, calendar: dict[str, int]
) -> None:
    add_event(services, "Leaders meet <script>alert(1)</script>", dt.date(2025, 10, 31))
    client = client_for(services)
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert _titles(html) == [
        "Donald Trump meets Sanae Takaichi",
        "Donald Trump meets Lee Jae Myung",
        "Donald Trump meets Xi Jinping",
        "Donald Trump meets Kim Jong Un",
        "Leaders meet &lt;script&gt;alert(1)&lt;/script&gt;",
    ]  # the past ASEAN summit is not listed; the title is escaped as in the bot
    assert "<script>" not in html
    assert html.index("Tue 28 Oct 2025") < html.index("Wed 29 Oct 2025")
    assert '<span class="place">Tokyo</span>' in html and "Sanae Takaichi" in html
    assert 'class="status status-possible">possible<' in html
    assert 'href="https://news.example/takaichi"' in html
    narrowed = (await client.get("/", params={"person": "Xi Jinping"})).text
    assert _titles(narrowed) == ["Donald Trump meets Xi Jinping"]
    assert '<option value="Xi Jinping" selected>' in narrowed
    assert _titles((await client.get("/", params={"country": "Busan"})).text) == [
        "Donald Trump meets Lee Jae Myung"
    ]
    nothing = (await client.get("/", params={"summit": "G7"})).text
    assert "Nothing upcoming for this filter" in nothing


async def test_calendar_feeds(services: Services, calendar: dict[str, int]) -> None:
    client = client_for(services)
    response = await client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    summaries = [str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries[0] == "Donald Trump meets Sanae Takaichi" and len(summaries) == 4

    assert follows.follow(services, 7, "Xi Jinping")
    token = calendar_service.calendar_token(services, 7)
    assert len(token) >= 32 and calendar_service.calendar_token(services, 7) == token
    mine = await client.get(f"/c/{token}.ics")
    assert mine.status_code == 200
    vevents = Calendar.from_ical(mine.content).walk("VEVENT")
    assert [str(v["SUMMARY"]) for v in vevents] == ["Donald Trump meets Xi Jinping"]

    new = calendar_service.calendar_token(services, 7, reset=True)
    assert new != token
    assert (await client.get(f"/c/{token}.ics")).status_code == 404  # the old address stops working
    assert (await client.get(f"/c/{new}.ics")).status_code == 200
    assert (await client.get("/c/guess.ics")).status_code == 404


def test_ics_offers_a_subscription_link_when_the_bot_has_a_public_address(
    services: Services, calendar: dict[str, int]
) -> None:
    public = dataclasses.replace(
        services,
        config=dataclasses.replace(services.config, public_url="https://summits.example.org/"),
    )
    offer = calendar_service.ics_offer(public, 8)
    token = calendar_service.calendar_token(services, 8)
    assert offer.link == f"webcal://summits.example.org/c/{token}.ics"
    assert offer.https_link == f"https://summits.example.org/c/{token}.ics"
    assert offer.data is None
    assert f"<code>webcal://summits.example.org/c/{token}.ics</code>" in offer.link_message
    reset = calendar_service.ics_offer(public, 8, reset=True)
    assert reset.link is not None and token not in reset.link
    as_file = calendar_service.ics_offer(services, 8)
    assert as_file.link is None and as_file.count == 4
    assert as_file.data is not None and as_file.data.startswith(b"BEGIN:VCALENDAR")


async def test_healthz_and_metrics(services: Services, calendar: dict[str, int]) -> None:
    client = client_for(services)
    assert (await client.get("/healthz")).json() == {
        "status": "ok",
        "database": "ok",
        "last_feed_poll_age_seconds": None,
        "last_dispatcher_tick_age_seconds": None,
    }
    health.beat(services, health.DISPATCHER)
    assert isinstance(services.clock, FixedClock)
    services.clock.advance(dt.timedelta(seconds=90))
    assert (await client.get("/healthz")).json()["last_dispatcher_tick_age_seconds"] == 90.0

    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "summit_events_stored 5.0" in metrics.text
    assert "summit_feeds_failing 0.0" in metrics.text
    assert "summit_extraction_seconds_count" in metrics.text


async def test_the_server_runs_in_the_callers_loop(services: Services) -> None:
    server = await start(services, "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            response = await client.get("/healthz", timeout=10)
        assert response.status_code == 200 and response.json()["database"] == "ok"
        with pytest.raises(WebServerError, match="HTTP_PORT"):
            await start(services, "127.0.0.1", server.port)  # the port is taken
    finally:
        await server.stop()
    with socket.create_server(("127.0.0.1", server.port)):
        pass  # stopped: the port is free again


async def test_the_bot_serves_no_http_when_the_port_is_zero(services: Services) -> None:
    assert await start_for_bot(services, "127.0.0.1", 0) is None


def test_extraction_times_are_observed() -> None:
    from bot.services.metrics import EXTRACTION_SECONDS, TimedExtractor

    class Slow:
        def analyse(self, articles: Iterable[Any]) -> Iterator[Any]:
            for article in articles:
                time.sleep(0.01)
                yield article

    def observed() -> float:
        for metric in EXTRACTION_SECONDS.collect():
            for sample in metric.samples:
                if sample.name.endswith("_count"):
                    return sample.value
        raise AssertionError("no count sample")

    before = observed()
    assert list(TimedExtractor(Slow()).analyse(["a", "b", "c"])) == ["a", "b", "c"]  # type: ignore[arg-type]
    assert observed() == before + 3
