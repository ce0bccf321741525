"""Helpers shared by the analytics: checking arguments, reading edges, simple views of a projection.

The analytics take a projection (:func:`kg.network.project`) or any ``MultiDiGraph`` built the
same way: nodes keyed by actor id with a ``label``; edges keyed by statement id with at least
``kind`` (and optionally ``symmetric``, ``statement``, ``start``, ``end``, ``sources``...).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from kg.errors import InvalidInput, NotFound
from kg.namespaces import slug
from kg.network.models import NetEdge

__all__ = [
    "EdgeKey",
    "check_kinds",
    "check_range",
    "edges_of",
    "ego_network",
    "label",
    "labels",
    "net_edge",
    "require_actor",
    "sort_key",
    "undirected",
]

#: An edge of a MultiDiGraph: (from, to, key).
EdgeKey = tuple[str, str, str]


def require_actor(G: nx.MultiDiGraph, actor: str) -> str:
    """The node id of ``actor`` (an id or an IRI); :class:`NotFound` when it is not in ``G``."""
    node = slug(actor)
    if node not in G:
        raise NotFound(f"no actor {actor!r} in the network")
    return node


def ego_network(G: nx.MultiDiGraph, focus: str, depth: int = 1) -> nx.MultiDiGraph:
    """The actors within ``depth`` steps of ``focus`` (either direction) and every edge among them.

    Raises :class:`NotFound` when ``focus`` (an id or an IRI) is not in ``G`` and
    :class:`InvalidInput` when ``depth`` is not from 1 to 6.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(ego_network(G, "b"))
    ['a', 'b', 'c']
    """
    check_range("depth", depth, 1, 6)
    node = slug(focus)
    if node not in G:
        raise NotFound(f"no actor {focus!r} in the network on {G.graph.get('at', 'this date')} (with these filters)")
    kept = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), node, cutoff=depth)
    return G.subgraph(kept)


def check_kinds(G: nx.MultiDiGraph, kinds: Iterable[str] | str | None) -> frozenset[str] | None:
    """Validate a choice of edge kinds (None: every kind); :class:`InvalidInput` on unknown ones.

    Kinds are the statement kinds of the ontology plus ``"claim"``; a kind absent from ``G`` is
    accepted (it selects nothing).
    """
    if kinds is None:
        return None
    from kg.network.projection import edge_kinds

    if isinstance(kinds, str):
        kinds = [kinds]
    chosen = frozenset(kinds)
    known = set(edge_kinds()) | {"claim"} | {d.get("kind") for _, _, d in G.edges(data=True)}
    unknown = sorted(chosen - known)
    if unknown or not chosen:
        names = ", ".join(map(repr, unknown)) or "(none given)"
        raise InvalidInput(f"unknown relation kind {names}; known: {', '.join(sorted(k for k in known if k))}")
    return chosen


def check_range(name: str, value: int, low: int, high: int) -> int:
    """``value`` when ``low <= value <= high``; :class:`InvalidInput` naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be an integer from {low} to {high}, not {value!r}")
    return value


def edges_of(G: nx.MultiDiGraph, kinds: frozenset[str] | None) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """Edges ``(u, v, key, data)`` whose kind is in ``kinds`` (all when None), in a stable order."""
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        if kinds is None or d.get("kind") in kinds:
            yield u, v, k, d


def net_edge(G: nx.MultiDiGraph, u: str, v: str, key: str, *, reversed: bool = False) -> NetEdge:
    """The :class:`NetEdge` of edge ``(u, v, key)`` of ``G``."""
    d = G.edges[u, v, key]
    return NetEdge(
        source=u,
        target=v,
        kind=d.get("kind", ""),
        statement=d.get("statement", str(key)),
        start=d.get("start"),
        end=d.get("end"),
        sources=list(d.get("sources", [])),
        iri=d.get("iri"),
        status=d.get("status"),
        symmetric=bool(d.get("symmetric", False)),
        support_kinds=list(d.get("support_kinds", [])),
        alleged=d.get("alleged"),
        claim=bool(d.get("claim", False)),
        claimants=list(d.get("claimants", [])),
        claim_kind=d.get("claim_kind"),
        proposition_kind=d.get("proposition_kind"),
        reversed=reversed,
        status_reason=d.get("status_reason"),
        status_bound=None if d.get("status_bound") is None else str(d["status_bound"]),
    )


def sort_key(edge: NetEdge) -> tuple[str, str, str, str]:
    return (edge.kind, edge.source, edge.target, edge.statement)


def label(G: nx.MultiDiGraph, node: str) -> str | None:
    label: str | None = G.nodes[node].get("label")
    return label


def labels(G: nx.MultiDiGraph, nodes: Iterable[str]) -> dict[str, str | None]:
    return {n: label(G, n) for n in nodes}


def undirected(G: nx.MultiDiGraph, kinds: frozenset[str] | None, *, isolated: bool = False) -> nx.Graph:
    """A simple undirected graph of the edges of ``kinds``: one link per pair of actors.

    Each link has ``weight`` (the number of statements behind it) and ``edges`` (their keys).
    Actors without such an edge are left out unless ``isolated``.
    """
    H = nx.Graph()
    if isolated:
        H.add_nodes_from(G.nodes)
    for u, v, k, _ in edges_of(G, kinds):
        if u == v:
            continue
        if H.has_edge(u, v):
            H.edges[u, v]["weight"] += 1
            H.edges[u, v]["edges"].append((u, v, k))
        else:
            H.add_edge(u, v, weight=1, edges=[(u, v, k)])
    return H
