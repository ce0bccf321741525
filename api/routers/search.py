from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import StoreDep
from api.routing import JSONRoute
from kg.models import SearchHit
from kg.read.search import MAX_LIMIT
from kg.read.search import search as kg_search

router = APIRouter(prefix="/api/v1", tags=["search"], route_class=JSONRoute)


@router.get("/search", summary="Find actors, places, events, claims and sources by name")
def search(
    store: StoreDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Search text; text without letters or digits finds nothing.",
            examples=["Hay'at Tahrir al-Sham"],
        ),
    ],
    type: Annotated[Literal["actor", "place", "event", "claim", "source"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> list[SearchHit]:
    """Alias-, case-, accent- and apostrophe-insensitive, and tolerant of word order, articles,
    plurals, transliteration variants, Arabic letter variants and one or two typos; best match
    first."""
    return kg_search(store, q, type=type, limit=limit, offset=offset)
