from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import StoreDep
from kg.claims import claims as kg_claims
from kg.events import events as kg_events
from kg.models import Claim, Event

router = APIRouter(prefix="/api/v1", tags=["claims and events"])


@router.get("/claims", summary="Claims by or about an actor (never facts)")
def claims(
    store: StoreDep,
    claimant: Annotated[str | None, Query(examples=["iranian-officials"])] = None,
    about: Annotated[str | None, Query(examples=["united-states"])] = None,
    kind: Annotated[str | None, Query(examples=["accusation"])] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Claim]:
    return kg_claims(store, claimant=claimant, about=about, kind=kind)[offset : offset + limit]


@router.get("/events", summary="Events by participant, place and period")
def events(
    store: StoreDep,
    actor: Annotated[str | None, Query(examples=["turkey"])] = None,
    place: Annotated[str | None, Query(examples=["aleppo"])] = None,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: Annotated[dt.date | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Event]:
    return kg_events(store, actor=actor, place=place, from_=from_, to=to)[offset : offset + limit]
