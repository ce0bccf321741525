"""Dependencies shared by the routers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query, Request

from kg.store import Store

__all__ = ["AtQuery", "StoreDep", "get_store"]


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]

#: The day a read is asked about (default: today).
AtQuery = Annotated[
    dt.date | None,
    Query(description="As-of date YYYY-MM-DD (default: today).", examples=["2024-11-30"]),
]
