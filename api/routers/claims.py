from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CLAIM_KINDS, Day, StoreDep
from api.models import ClaimItem
from api.routing import JSONRoute
from kg.models import Event
from kg.read.claims import ROLL_UP_DEPTH
from kg.read.claims import claims as kg_claims
from kg.read.events import events as kg_events

router = APIRouter(prefix="/api/v1", tags=["claims and events"], route_class=JSONRoute)

#: ``include_members=``: roll claims up to the actor asked about (also used by the actor page).
IncludeMembersQuery = Annotated[
    bool,
    Query(
        description=(
            "Also return the claims of the actor's members, parts and office holders (claimant=), "
            f"and the claims about them and about the bodies it leads (about=), up to {ROLL_UP_DEPTH} "
            "statements away, unless a statement certainly did not hold on the claim's date. Each claim then "
            "says through whom and which statements it was found (made_by, concerns). Without "
            "claimant or about it changes nothing."
        )
    ),
]


@router.get("/claims", summary="Claims by or about an actor (never facts)")
def claims(
    store: StoreDep,
    claimant: Annotated[str | None, Query(examples=["iranian-officials"])] = None,
    about: Annotated[str | None, Query(examples=["united-states"])] = None,
    kind: Annotated[str | None, Query(json_schema_extra={"enum": CLAIM_KINDS})] = None,
    include_members: IncludeMembersQuery = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[ClaimItem]:
    return kg_claims(
        store,
        claimant=claimant,
        about=about,
        kind=kind,
        include_members=include_members,
        offset=offset,
        limit=limit,
    )


@router.get("/events", summary="Events by participant, place and period")
def events(
    store: StoreDep,
    actor: Annotated[str | None, Query(examples=["turkey"])] = None,
    place: Annotated[str | None, Query(examples=["aleppo"])] = None,
    from_: Annotated[
        Day | None, Query(alias="from", description="First day of the period (YYYY-MM-DD), on or before `to`.")
    ] = None,
    to: Annotated[Day | None, Query(description="Last day of the period (YYYY-MM-DD).")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[Event]:
    return kg_events(store, actor=actor, place=place, from_=from_, to=to, offset=offset, limit=limit)
