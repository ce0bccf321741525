"""Actor pages for people: ``GET /actors/{id}`` answers HTML (the same actor as JSON stays at
``/api/v1/actors/{id}``), with its style sheet at ``/static/actor.css``.

``at`` is read like the REST routes' (``YYYY-MM-DD``, default today), but a mistake answers a
readable HTML page (422), as does an unknown id (404): a person following a link should not meet
raw JSON. The pages are left out of the OpenAPI schema, which documents the JSON twin.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.actor_page import CSP, actor_page, error_page
from api.deps import StoreDep
from api.errors import page
from kg.errors import InvalidInput, NotFound
from kg.read.entities import entity
from kg.timeline import parse_at

__all__ = ["GROUP_LIMIT", "router"]

router = APIRouter(tags=["pages"])

#: Items shown per group of statements or claims (the page says when a group has more).
GROUP_LIMIT = 500

_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
_STATIC = Path(__file__).resolve().parent.parent / "static"


def _day(at: str | None) -> str | None:
    """``at`` checked as the REST routes check it (only ``YYYY-MM-DD`` is a day); InvalidInput else."""
    if at is None or at == "":
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", at):
        raise InvalidInput(f"'at' must be a date written YYYY-MM-DD, not {at!r}")
    parse_at(at)  # an impossible day (2024-02-30) raises InvalidInput
    return at


@router.get("/actors/{actor_id}", include_in_schema=False, response_class=HTMLResponse)
@page
def actor(
    request: Request,
    store: StoreDep,
    actor_id: str,
    at: Annotated[str | None, Query(description="As-of date YYYY-MM-DD (default: today).")] = None,
) -> HTMLResponse:
    title = request.app.title
    try:
        day = _day(at)
    except InvalidInput as exc:
        body = error_page(422, "Not a date", f"{exc}. Leave it out to read the graph as of today.", title)
        return HTMLResponse(body, status_code=422, headers=_HEADERS)
    try:
        page = entity(store, actor_id, at=day, group_limit=GROUP_LIMIT)
    except NotFound:
        message = f"There is no actor {actor_id!r} in the graph."
        return HTMLResponse(error_page(404, "No such actor", message, title), status_code=404, headers=_HEADERS)
    if page.type != "actor":
        name = page.label or page.id
        message = f"{name} is not an actor (it is a {page.type}): its data is in the REST API."
        if page.type == "place":
            links = [(f"/api/v1/places/{quote(page.id, safe='')}", f"{name} as JSON")]
        else:
            links = [(f"/api/v1/search?{urlencode({'q': name})}", f"search for {name}")]
        body = error_page(404, "Not an actor", message, title, links)
        return HTMLResponse(body, status_code=404, headers=_HEADERS)
    return HTMLResponse(actor_page(page, title), headers=_HEADERS)


@router.get("/static/actor.css", include_in_schema=False)
def actor_style() -> Response:
    return Response(_css(), media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


@functools.cache
def _css() -> bytes:
    return (_STATIC / "actor.css").read_bytes()
