"""The HTML graph explorer: ``GET /explorer`` (focus, depth, date and filters in the URL) and its
static files (vis-network from the installed pyvis package, the explorer's script and style).
The page makes no request to another host; a Content-Security-Policy says so to the browser."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import ACTOR_TYPES, ActorTypesQuery, AtQuery, StoreDep
from api.errors import page
from api.routing import JSONRoute
from kg import network, viz
from kg.errors import NotFound
from kg.network.projection import edge_kinds
from kg.store import Store
from kg.store.derived import Derived, derived

router = APIRouter(tags=["explorer"], route_class=JSONRoute)

_KINDS = sorted([*edge_kinds(), "claim"])
_HEADERS = {"Content-Security-Policy": viz.CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


#: Pages kept per store version (the layout of 2,000 nodes costs about a second).
_CACHED_PAGES = 16
#: The pages built in this version (:data:`_CACHED_PAGES` at most, the most recently used), by
#: day, focus, depth and filters: a value derived from the store like the others
#: (:mod:`kg.store.derived`), so dropped with them after a write.
PAGES: Derived[OrderedDict[tuple[object, ...], str]] = derived("explorer:pages", lambda store: OrderedDict())


def _cache(store: Store) -> OrderedDict[tuple[object, ...], str]:
    return PAGES.of(store)


_HTML = {"text/html": {"schema": {"type": "string"}}}

#: The page is HTML, and so are its errors: a person following a link reads what is wrong in words
#: (the same statuses as the REST routes, ``api/errors.py``).
_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The explorer page.", "content": _HTML},
    400: {"description": "Malformed request (an HTML page saying why)", "content": _HTML},
    404: {"description": "Unknown id (an HTML page saying why)", "content": _HTML},
    422: {"description": "Malformed parameter (an HTML page saying which and what it takes)", "content": _HTML},
    503: {"description": "Store unavailable or service overloaded (an HTML page)", "content": _HTML},
}


@router.get("/explorer", response_class=Response, responses=_PAGE, summary="The graph explorer (HTML)")
@page
def explorer(
    store: StoreDep,
    at: AtQuery = None,
    focus: Annotated[str | None, Query(max_length=200, description="Actor id at the centre.")] = None,
    depth: Annotated[int, Query(ge=1, le=4, description="Steps from the focus actor.")] = 1,
    kinds: Annotated[
        list[str] | None,
        Query(
            description="Relation kinds (default: all, claims included).",
            json_schema_extra={"items": {"type": "string", "enum": _KINDS}},
        ),
    ] = None,
    types: ActorTypesQuery = None,
) -> HTMLResponse:
    focus = (focus or "").strip() or None
    key = (at or dt.date.today(), focus, depth, tuple(kinds or ()), tuple(types or ()))
    pages = _cache(store)
    if key in pages:
        pages.move_to_end(key)
        return HTMLResponse(pages[key], headers=_HEADERS)
    G = network.project(store, at, kinds=kinds, actor_types=types, include_claims=kinds is None or "claim" in kinds)
    try:
        model = viz.view_model(G, focus=focus, depth=depth)
    except NotFound as error:  # an unknown focus: show the whole network and say why
        model = viz.view_model(G)
        model["message"] = f"{error}; showing the whole network."
        focus = None
    legend = viz.legend()
    body = viz.page(
        model,
        at=G.graph["at"],
        focus=focus,
        depth=depth,
        kinds=kinds,
        types=types,
        kind_options=[(r["kind"], r["label"]) for r in legend["relations"] if r["kind"] in _KINDS],
        type_options=[(t, t.replace("-", " ")) for t in ACTOR_TYPES],
        legend=legend,
    )
    pages[key] = body
    while len(pages) > _CACHED_PAGES:
        pages.popitem(last=False)
    return HTMLResponse(body, headers=_HEADERS)


@router.get("/explorer/static/{name}", summary="The explorer's script, style and vis-network", include_in_schema=False)
def static(name: str) -> Response:
    found = viz.static_file(name)
    if found is None:
        raise NotFound(f"no static file {name!r}")
    content, media = found
    return Response(content, media_type=media, headers={"Cache-Control": "public, max-age=3600", **_HEADERS})
