"""Dependencies shared by the routers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from kg import kinds as kind_table
from kg import ontology
from kg.store import Store

__all__ = ["ActorTypesQuery", "AtQuery", "StoreDep", "get_store"]


async def get_store(request: Request) -> Store:
    """The service's store. A coroutine on purpose: FastAPI runs a plain function dependency in its
    thread pool, a thread hop per request for reading one attribute."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def _iso_day(value: object) -> object:
    """Only YYYY-MM-DD text is a day (pydantic would also read "0" as 1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


#: A calendar day given as YYYY-MM-DD.
Day = Annotated[dt.date, BeforeValidator(_iso_day)]

#: The day a read is asked about (default: today).
AtQuery = Annotated[
    Day | None,
    Query(description="As-of date YYYY-MM-DD (default: today).", examples=["2024-11-30"]),
]


#: Actor types, statement kinds (kg.kinds) and claim kinds, read from the ontology: the OpenAPI schema lists
#: them as enums; the library rejects anything else with InvalidInput (422).
ACTOR_TYPES = ontology.actor_types()
STATEMENT_KINDS = sorted(kind_table.names())
CLAIM_KINDS = ontology.claim_kinds()

#: ``types=`` (repeatable): actor classes to keep.
ActorTypesQuery = Annotated[
    list[str] | None,
    Query(
        description="Actor types to keep (default: all); relations need both ends kept.",
        json_schema_extra={"items": {"type": "string", "enum": ACTOR_TYPES}},
    ),
]
