"""The HTML graph explorer: ``GET /explorer`` (focus, depth, date, filters and the way claims are
drawn in the URL) and its static files (vis-network from the installed pyvis package, the
explorer's script and style). The page makes no request to another host; a Content-Security-Policy
says so to the browser.

Without ``at`` the page shows the latest date the data speaks about
(:func:`kg.read.overview.latest_day`), not the wall clock's day, and says so. An unknown focus
actor answers 404 with the page of the whole network, saying which id was not found."""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import ACTOR_TYPES, ActorTypesQuery, Day, StoreDep
from api.errors import page
from api.routing import JSONRoute
from kg import network, viz
from kg.errors import NotFound
from kg.network.projection import edge_kinds
from kg.read.claims import claims as read_claims
from kg.read.existence import existence
from kg.read.overview import latest_day
from kg.store import Store
from kg.store.derived import Derived, derived

router = APIRouter(tags=["explorer"], route_class=JSONRoute)

_KINDS = sorted([*edge_kinds(), "claim"])
_HEADERS = {"Content-Security-Policy": viz.CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


#: Pages kept per store version (the layout of 2,000 nodes costs about a second).
_CACHED_PAGES = 16
#: The pages built in this version (:data:`_CACHED_PAGES` at most, the most recently used), by
#: day (and whether the address chose it), focus, depth, filters and claim view: a value derived
#: from the store like the others (:mod:`kg.store.derived`), so dropped with them after a write.
PAGES: Derived[OrderedDict[tuple[object, ...], tuple[int, str]]] = derived(
    "explorer:pages", lambda store: OrderedDict()
)


def _cache(store: Store) -> OrderedDict[tuple[object, ...], tuple[int, str]]:
    return PAGES.of(store)


_HTML = {"text/html": {"schema": {"type": "string"}}}

#: The page is HTML, and so are its errors: a person following a link reads what is wrong in words
#: (the same statuses as the REST routes, ``api/errors.py``). An unknown focus actor is 404 with the
#: explorer itself: the whole network, with a message naming the id.
_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The explorer page.", "content": _HTML},
    400: {"description": "Malformed request (an HTML page saying why)", "content": _HTML},
    404: {"description": "Unknown focus actor: the whole network, with a message naming the id", "content": _HTML},
    422: {"description": "Malformed parameter (an HTML page saying which and what it takes)", "content": _HTML},
    503: {"description": "Store unavailable or service overloaded (an HTML page)", "content": _HTML},
}


@router.get("/explorer", response_class=Response, responses=_PAGE, summary="The graph explorer (HTML)")
@page
def explorer(
    store: StoreDep,
    at: Annotated[
        Day | None,
        Query(
            description="As-of date YYYY-MM-DD (default: the latest date the data speaks about).",
            examples=["2024-11-30"],
        ),
    ] = None,
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
    claims: Annotated[
        Literal["edges", "nodes"],
        Query(
            description="How claims are drawn: 'edges' between the actors of what they assert (as the "
            "network's exports have them), or 'nodes': claimant → claim → the actors it is about."
        ),
    ] = "edges",
) -> HTMLResponse:
    focus = (focus or "").strip() or None
    latest = latest_day(store)
    day = at or latest
    key = (day, at is None, focus, depth, tuple(kinds or ()), tuple(types or ()), claims)
    pages = _cache(store)
    if key in pages:
        pages.move_to_end(key)
        status, body = pages[key]
        return HTMLResponse(body, status_code=status, headers=_HEADERS)
    G = network.project(store, day, kinds=kinds, actor_types=types, include_claims=kinds is None or "claim" in kinds)
    said = {c.id: c for c in read_claims(store)}
    lives = existence(store)
    status = 200
    try:
        model = viz.view_model(G, focus=focus, depth=depth, claims=said, claim_view=claims, existence=lives)
    except NotFound as error:  # an unknown focus: 404, with the whole network and a message saying why
        model = viz.view_model(G, claims=said, claim_view=claims, existence=lives)
        model["message"] = f"{error}; showing the whole network."
        focus = None
        status = 404
    legend = viz.legend()
    body = viz.page(
        model,
        at=G.graph["at"],
        focus=focus,
        depth=depth,
        kinds=kinds,
        types=types,
        kind_options=[(r["kind"], r["label"]) for r in legend["relations"] if r["kind"] in _KINDS],
        type_options=[(t, viz.type_label(t)) for t in ACTOR_TYPES],
        legend=legend,
        latest=latest,
        at_asked=at is not None,
    )
    pages[key] = (status, body)
    while len(pages) > _CACHED_PAGES:
        pages.popitem(last=False)
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


@router.get("/explorer/static/{name}", summary="The explorer's script, style and vis-network", include_in_schema=False)
def static(name: str) -> Response:
    found = viz.static_file(name)
    if found is None:
        raise NotFound(f"no static file {name!r}")
    content, media = found
    return Response(content, media_type=media, headers={"Cache-Control": "public, max-age=3600", **_HEADERS})
