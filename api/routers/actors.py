from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AtQuery, StoreDep
from kg.designations import designations as kg_designations
from kg.entities import entity
from kg.models import Designation, Entity, Relation
from kg.relations import backed as kg_backed
from kg.relations import backers as kg_backers
from kg.relations import relations as kg_relations

router = APIRouter(prefix="/api/v1/actors", tags=["actors"])

ActorId = Annotated[str, Path(description="Entity id (slug)", examples=["hayat-tahrir-al-sham"])]


@router.get("/{actor_id}", summary="An actor with its statements grouped, as of a date")
def get_actor(
    store: StoreDep,
    actor_id: ActorId,
    at: AtQuery = None,
    group_limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Entity:
    return entity(store, actor_id, at=at, group_limit=group_limit)


@router.get("/{actor_id}/backers", summary="Who backs the actor on a date")
def backers(store: StoreDep, actor_id: ActorId, at: AtQuery = None) -> list[Relation]:
    return kg_backers(store, actor_id, at)


@router.get("/{actor_id}/backed", summary="Whom the actor backs on a date")
def backed(store: StoreDep, actor_id: ActorId, at: AtQuery = None) -> list[Relation]:
    return kg_backed(store, actor_id, at)


@router.get("/{actor_id}/designations", summary="Designations of the actor, each in force or not on a date")
def designations(store: StoreDep, actor_id: ActorId, at: AtQuery = None) -> list[Designation]:
    return kg_designations(store, actor_id, at=at)


@router.get("/{actor_id}/relations", summary="The actor's statements of one kind (paged)")
def relations(
    store: StoreDep,
    actor_id: ActorId,
    kind: Annotated[str | None, Query(examples=["support"])] = None,
    at: AtQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Relation]:
    return kg_relations(store, actor_id, kind=kind, at=at)[offset : offset + limit]
