from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import StoreDep
from kg.catalog import sources
from kg.warm import quads

router = APIRouter(tags=["service"])


@router.get("/healthz", summary="Store reachable, and its size")
def healthz(store: StoreDep) -> dict[str, Any]:
    # both counted once per store version: counting quads reads them all (seconds at 100k actors)
    return {"status": "ok", "quads": quads(store), "sources": len(sources(store))}
