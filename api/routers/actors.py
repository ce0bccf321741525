from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query

from api.deps import ACTOR_TYPES, STATEMENT_KINDS, AtQuery, StoreDep
from api.routers.claims import IncludeMembersQuery
from api.routing import JSONRoute
from kg.models import Designation, Entity, Group, Relation, SearchHit
from kg.read.catalog import actors as kg_actors
from kg.read.claims import claims as kg_claims
from kg.read.designations import designations as kg_designations
from kg.read.entities import entity, relation_groups
from kg.read.relations import backed as kg_backed
from kg.read.relations import backers as kg_backers
from kg.read.relations import relations as kg_relations
from kg.store import Store

router = APIRouter(prefix="/api/v1", tags=["actors and places"], route_class=JSONRoute)

ActorId = Annotated[str, Path(description="Entity id (slug)", examples=["hayat-tahrir-al-sham"])]

#: Where each capped group of an entity page is listed in full (path under the entity, query): the
#: relations of the group's statement kinds (from the ontology, see kg.kinds), and designations.
_GROUP_LISTS: dict[str, tuple[str, dict[str, Any]]] = {
    **{
        name: ("relations", {"kind": kinds[0] if len(kinds) == 1 else list(kinds)})
        for name, kinds in relation_groups().items()
        if name != "events"  # listed by /events (below)
    },
    "designations": ("designations", {}),
}


#: The claim groups of an actor page and the /claims parameter each lists.
_CLAIM_GROUPS = {"claims_made": "claimant", "claims_about": "about"}


def _rolled_up_claims(store: Store, page: Entity, group_limit: int) -> Entity:
    """Replace an actor page's claims with those rolled up to the actor (``include_members``)."""
    if page.type != "actor":
        return page
    for name, found in (
        ("claims_made", kg_claims(store, claimant=page.id, include_members=True)),
        ("claims_about", kg_claims(store, about=page.id, include_members=True)),
    ):
        page.groups[name] = Group(count=len(found), items=list(found[:group_limit]))
    return page


def _link_groups(page: Entity, at: Any, include_members: bool = False) -> Entity:
    """Give every capped group the URL of its full, paged list."""
    for name, group in page.groups.items():
        if group.count <= len(group.items):
            continue
        if name in _GROUP_LISTS:
            path, params = _GROUP_LISTS[name]
            query = {**params, **({"at": str(at)} if at else {})}
            group.more = f"/api/v1/actors/{page.id}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
        elif name in _CLAIM_GROUPS:
            group.more = f"/api/v1/claims?{_CLAIM_GROUPS[name]}={page.id}" + (
                "&include_members=true" if include_members else ""
            )
        elif name == "events":
            group.more = f"/api/v1/events?{'actor' if page.type == 'actor' else 'place'}={page.id}"
    return page


@router.get("/actors", summary="Actors in label order, optionally of one type (paged)")
def list_actors(
    store: StoreDep,
    type: Annotated[
        str | None,
        Query(description="An actor type; its subtypes are included.", json_schema_extra={"enum": ACTOR_TYPES}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    total, page = kg_actors(store, type=type, limit=limit, offset=offset)
    items: list[SearchHit] = page
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/actors/{actor_id}", summary="An actor with its statements grouped, as of a date")
def get_actor(
    store: StoreDep,
    actor_id: ActorId,
    at: AtQuery = None,
    group_limit: Annotated[int, Query(ge=1, le=500, description="Items shown per group.")] = 50,
    include_members: IncludeMembersQuery = False,
) -> Entity:
    page = entity(store, actor_id, at=at, group_limit=group_limit)
    if include_members:
        page = _rolled_up_claims(store, page, group_limit)
    return _link_groups(page, at, include_members)


@router.get("/places/{place_id}", summary="A place: where it lies, who controls it, what happened there")
def get_place(
    store: StoreDep,
    place_id: Annotated[str, Path(examples=["aleppo"])],
    at: AtQuery = None,
    group_limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Entity:
    return _link_groups(entity(store, place_id, at=at, group_limit=group_limit), at)


#: ``include_unknown`` of the lists of what holds.
IncludeUnknown = Annotated[
    bool,
    Query(
        description="Also list what may hold on the day (status unknown: a partial date, a participant "
        "that may not exist yet, nothing attesting it by then); each item's status_reason says why."
    ),
]


@router.get("/actors/{actor_id}/backers", summary="Who backs the actor on a date")
def backers(
    store: StoreDep, actor_id: ActorId, at: AtQuery = None, include_unknown: IncludeUnknown = False
) -> list[Relation]:
    return kg_backers(store, actor_id, at, include_unknown=include_unknown)


@router.get("/actors/{actor_id}/backed", summary="Whom the actor backs on a date")
def backed(
    store: StoreDep, actor_id: ActorId, at: AtQuery = None, include_unknown: IncludeUnknown = False
) -> list[Relation]:
    return kg_backed(store, actor_id, at, include_unknown=include_unknown)


@router.get("/actors/{actor_id}/designations", summary="Designations of the actor, each in force or not on a date")
def designations(store: StoreDep, actor_id: ActorId, at: AtQuery = None) -> list[Designation]:
    return kg_designations(store, actor_id, at=at)


@router.get("/actors/{actor_id}/relations", summary="The actor's statements, of some kinds (paged)")
def relations(
    store: StoreDep,
    actor_id: ActorId,
    kind: Annotated[
        list[str] | None,
        Query(
            description="Statement kinds (repeat for several).",
            json_schema_extra={"items": {"type": "string", "enum": STATEMENT_KINDS}},
        ),
    ] = None,
    at: AtQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[Relation]:
    return kg_relations(store, actor_id, kind=kind or None, at=at)[offset : offset + limit]
