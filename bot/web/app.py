"""The bot's web side: the calendar as a page and as iCalendar feeds, health and metrics.

Starlette (ASGI) served by uvicorn: it runs in the bot's own asyncio loop beside
python-telegram-bot, needs no second HTTP stack (the bot already speaks httpx, and Starlette's
test client is httpx), and renders the page with the bot's Jinja2 environment. The services
are blocking (SQLAlchemy): every handler runs them in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.domain.calendar import EventView
from bot.nlp.people import mentions_person
from bot.services import calendar as calendar_service
from bot.services import events as event_service
from bot.services import health
from bot.services.context import Services
from bot.services.metrics import registry_for
from bot.services.rendering import group_by_day, make_entry
from bot.store.queries import matches_follows

log = logging.getLogger(__name__)

ICS_TYPE = "text/calendar; charset=utf-8"
PAGE_TEMPLATE = "web/calendar.html.j2"
# Meetings the page lists at most.
PAGE_LIMIT = 300
# How long calendar apps and proxies may keep a copy (seconds).
ICS_MAX_AGE = 900

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Filters:
    """The page's filter: a person, a country (or place) and a summit, each optional."""

    person: str = ""
    country: str = ""
    summit: str = ""

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def value(name: str) -> str:
            return " ".join(str(query.get(name, "")).split())[:100]

        return cls(value("person"), value("country"), value("summit"))

    def keep(self, event: EventView) -> bool:
        if self.person and not any(mentions_person(p, self.person) for p in event.participants):
            return False
        if self.country and not matches_follows(event, [self.country]):
            return False
        return not self.summit or (event.summit or "").casefold() == self.summit.casefold()

    @property
    def active(self) -> bool:
        return bool(self.person or self.country or self.summit)


def _choices(events: Sequence[EventView]) -> dict[str, list[str]]:
    """The values the filter offers: those of the meetings listed."""
    people = {p for e in events for p in e.participants}
    places = {e.place for e in events if e.place}
    summits = {e.summit for e in events if e.summit}
    return {
        "people": sorted(people, key=str.casefold),
        "places": sorted(places, key=str.casefold),
        "summits": sorted(summits, key=str.casefold),
    }


def create_app(services: Services) -> Starlette:
    """The web application on ``services`` (``PUBLIC_URL`` makes the page's webcal:// link)."""
    public_url = services.config.public_url
    registry = registry_for(services)

    async def blocking(function: Callable[..., _T], *args: Any) -> _T:
        return await run_in_threadpool(function, *args)

    def page_html(filters: Filters, base_url: str) -> str:
        events = event_service.for_everyone(services, limit=PAGE_LIMIT, include_undated=True)
        today = services.now().astimezone(dt.UTC).date()
        shown = [e for e in events if filters.keep(e)]
        entries = [make_entry(e, dt.UTC, today) for e in shown]
        feed = f"{(public_url or base_url).rstrip('/')}/calendar.ics"
        return services.renderer.render(
            PAGE_TEMPLATE,
            days=group_by_day(entries, dt.UTC, today),
            count=len(shown),
            total=len(events),
            filters=filters,
            choices=_choices(events),
            ics_url="/calendar.ics",
            webcal_url="webcal://" + feed.split("://", 1)[-1],
            today=today,
        )

    async def page(request: Request) -> Response:
        filters = Filters.from_query(request.query_params)
        html = await blocking(page_html, filters, str(request.base_url))
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

    def ics_response(data: bytes, filename: str) -> Response:
        return Response(
            data,
            media_type=ICS_TYPE,
            headers={
                "Content-Disposition": f'inline; filename="{filename}"',
                "Cache-Control": f"max-age={ICS_MAX_AGE}",
            },
        )

    async def everyone_ics(request: Request) -> Response:
        data = await blocking(calendar_service.everyone_ics, services)
        return ics_response(data, "summits.ics")

    async def chat_ics(request: Request) -> Response:
        token = str(request.path_params["token"])
        data = await blocking(calendar_service.chat_ics, services, token)
        if data is None:
            return Response("No calendar at this address.\n", status_code=404)
        return ics_response(data, "my-summits.ics")

    async def healthz(request: Request) -> Response:
        report = await blocking(health.check, services)
        return JSONResponse(report.to_json(), status_code=200 if report.database_ok else 503)

    async def metrics(request: Request) -> Response:
        body = await blocking(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[
            Route("/", page),
            Route("/calendar.ics", everyone_ics),
            Route("/c/{token:str}.ics", chat_ics),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
        ]
    )
