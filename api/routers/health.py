from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import StoreDep
from api.routing import JSONRoute
from kg.read.catalog import quad_count, source_count

router = APIRouter(tags=["service"], route_class=JSONRoute)


@router.get("/healthz", summary="Store reachable, and its size")
def healthz(store: StoreDep, request: Request) -> dict[str, Any]:
    """``warm``: whether the values computed at start-up (api.warm: labels, search index, lists,
    today's network) are ready; until then the first requests needing them wait.
    ``query_sandbox``: what keeps the SPARQL query workers off the network (``none`` when nothing
    could; ``remote server`` when a remote store evaluates the queries)."""
    warmed = getattr(request.app.state, "warm", None)
    pool = getattr(request.app.state, "query_pool", None)
    # both counted once per store version: counting quads reads them all (seconds at 100k actors)
    return {
        "status": "ok",
        "warm": warmed is not None and warmed.is_set(),
        "quads": quad_count(store),
        "sources": source_count(store),
        "query_sandbox": pool.sandbox if pool is not None else None,
    }
