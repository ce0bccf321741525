"""Network analytics over the graph as of a date: paths, chains, centrality, blocs, balance, exposure,
changes, and export for Gephi and other tools. Each endpoint projects the graph (``kg.network.project``)
and calls one ``kg.network`` function; errors are the library's (mapped in ``api/errors.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.deps import ActorTypesQuery, AtQuery, Day, StoreDep
from api.routing import JSONRoute
from kg import network
from kg.errors import InvalidInput
from kg.network import Balance, Bloc, BlocConflict, Brokers, Change, Exposure, Path, ProxyConflict, Score
from kg.network.paths import MAX_LENGTH
from kg.network.projection import edge_kinds

router = APIRouter(prefix="/api/v1/network", tags=["network"], route_class=JSONRoute)

#: Relation kinds an edge can have: the statement kinds that derive an edge, and claims.
KIND_NAMES = sorted([*edge_kinds(), "claim"])

Kinds = Annotated[
    list[str] | None,
    Query(
        description="Relation kinds (repeat for several): support, alliance, hostility, designation, claim...",
        json_schema_extra={"items": {"type": "string", "enum": KIND_NAMES}},
    ),
]
Sources = Annotated[list[str] | None, Query(description="Keep statements cited by these source ids.")]
Actor = Annotated[str, Query(description="Actor id (slug).", examples=["iran"])]
ClaimsQuery = Annotated[bool, Query(description="Add claims between actors as edges of kind 'claim'.")]


def _kinds(values: list[str] | None) -> dict[str, Any]:
    """``kinds`` as keyword arguments: absent when not given, so the function's default applies."""
    return {} if values is None else {"kinds": values}


def _ids(values: list[str] | None) -> list[str] | None:
    """Source ids with blank values dropped (``sources=`` alone means no filter)."""
    kept = [v for v in values or [] if v.strip()]
    return kept or None


def network_graph(
    store: StoreDep, at: AtQuery = None, include_claims: ClaimsQuery = False, sources: Sources = None
) -> nx.MultiDiGraph:
    """The projection as of ``at`` (a dependency of every endpoint but ``changes``)."""
    return network.project(store, at, include_claims=include_claims, sources=_ids(sources))


GraphDep = Annotated[nx.MultiDiGraph, Depends(network_graph)]


@dataclass
class Paths:
    at: dt.date
    paths: list[Path]


@dataclass
class Chains:
    at: dt.date
    chains: list[Path]


@dataclass
class Proxies:
    at: dt.date
    conflicts: list[ProxyConflict]


@dataclass
class Ranking:
    at: dt.date
    metric: str
    scores: list[Score]


@dataclass
class Communities:
    at: dt.date
    blocs: list[Bloc]
    conflicts: list[BlocConflict]


@dataclass
class Exposures:
    at: dt.date
    exposures: list[Exposure]


@dataclass
class Changes:
    start: dt.date
    end: dt.date
    changes: list[Change]


@router.get("/path", summary="How two actors are connected: paths, shortest first, each step with its sources")
def path(
    G: GraphDep,
    source: Actor,
    target: Annotated[str, Query(description="Actor id (slug).", examples=["hayat-tahrir-al-sham"])],
    kinds: Kinds = None,
    max_length: Annotated[int, Query(ge=1, le=MAX_LENGTH)] = 3,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ignore_direction: Annotated[bool, Query(description="Walk directed relations both ways.")] = False,
) -> Paths:
    found = network.paths(
        G, source, target, max_length=max_length, limit=limit, ignore_direction=ignore_direction, **_kinds(kinds)
    )
    return Paths(G.graph["at"], found)


@router.get("/chains", summary="Backing chains: an actor's backers and their backers (or whom it backs)")
def chains(
    G: GraphDep,
    actor: Actor,
    direction: Annotated[str, Query(pattern="^(backers|backed)$")] = "backers",
    kinds: Kinds = None,
    max_depth: Annotated[int, Query(ge=1, le=6)] = 3,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Chains:
    found = network.backing_chains(G, actor, direction=direction, max_depth=max_depth, limit=limit, **_kinds(kinds))
    return Chains(G.graph["at"], found)


@router.get("/proxies", summary="The proxy pattern: hostilities and the backers of each side")
def proxies(
    G: GraphDep,
    require_both: Annotated[bool, Query(description="Only fights where both sides have a backer.")] = True,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Proxies:
    return Proxies(G.graph["at"], network.proxy_conflicts(G, require_both=require_both)[:limit])


@router.get(
    "/centrality",
    summary="Actors ranked by degree, betweenness or PageRank",
    description=(
        "Betweenness is exact up to 500 actors; above, it is estimated from shortest paths out of a "
        "seeded sample of actors (at most 200, fewer on large graphs, at least 20: "
        "`kg.network.centrality.betweenness_sample`). It is not interactive on very large networks "
        "(tens of seconds at 100k actors); degree and PageRank are."
    ),
)
def centrality(
    G: GraphDep,
    metric: Annotated[str, Query(pattern="^(degree|betweenness|pagerank)$")] = "degree",
    kinds: Kinds = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Ranking:
    return Ranking(G.graph["at"], metric, network.centrality(G, metric, limit=limit, **_kinds(kinds)))


@router.get("/brokers", summary="Cut points and bridges of the support/alliance network")
def brokers(G: GraphDep, kinds: Kinds = None) -> Brokers:
    return network.brokers(G, **_kinds(kinds))


@router.get("/communities", summary="Blocs of the support/alliance network, and the fights between them")
def communities(
    G: GraphDep,
    kinds: Kinds = None,
    method: Annotated[str, Query(pattern="^(louvain|greedy|components)$")] = "louvain",
    resolution: Annotated[float, Query(gt=0, le=10)] = 1.0,
    seed: Annotated[int, Query(ge=0)] = 0,
) -> Communities:
    found = network.blocs(G, method=method, resolution=resolution, seed=seed, **_kinds(kinds))
    return Communities(G.graph["at"], found, network.bloc_conflicts(G, found))


@router.get("/balance", summary="Structural balance: balanced and unbalanced triads with their statements")
def balance(G: GraphDep, limit: Annotated[int, Query(ge=0, le=500)] = 100) -> Balance:
    return network.balance(G, limit=limit)


@router.get("/exposure", summary="Designated actors (designations in force) and who backs them")
def exposure(
    G: GraphDep,
    backed_only: Annotated[bool, Query(description="Only designated actors that have a backer.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Exposures:
    return Exposures(G.graph["at"], network.designation_exposure(G, backed_only=backed_only)[:limit])


@router.get("/changes", summary="Relations that started or ended between two dates")
def changes(
    store: StoreDep,
    from_: Annotated[Day, Query(alias="from", examples=["2024-11-30"], description="First day, on or before `to`.")],
    to: Annotated[Day, Query(examples=["2026-11-25"])],
    kinds: Kinds = None,
    include_claims: ClaimsQuery = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> Changes:
    if from_ > to:  # the library takes the two days in either order; the API's names say which is first
        raise InvalidInput(f"the period ends before it starts: 'from' {from_} is after 'to' {to}")
    G = network.project(store, to, include_claims=include_claims, holding_only=False)
    return Changes(from_, to, network.changes(G, from_, to, **_kinds(kinds))[:limit])


@router.get(
    "/export",
    summary="The network as of a date as GraphML, GEXF, JSON or JSON-LD; optionally the part around one actor",
    response_class=Response,
)
def export(
    store: StoreDep,
    format: Annotated[str, Query(pattern="^(graphml|gexf|jsonld|json)$")] = "graphml",
    at: AtQuery = None,
    kinds: Kinds = None,
    include_claims: ClaimsQuery = False,
    sources: Sources = None,
    types: ActorTypesQuery = None,
    focus: Annotated[str | None, Query(max_length=200, description="Keep only the actors near this one (id).")] = None,
    depth: Annotated[int, Query(ge=1, le=4, description="Steps from the focus actor.")] = 1,
) -> Response:
    G = network.project(
        store, at, include_claims=include_claims, sources=_ids(sources), actor_types=types or None, **_kinds(kinds)
    )
    if focus is not None and focus.strip():
        G = network.ego_network(G, focus.strip(), depth)
    name = f"conflict-network-{G.graph['at']}.{format}"
    return Response(
        network.export(G, format),
        media_type=network.EXPORT_FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
