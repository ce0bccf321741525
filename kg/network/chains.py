"""Backing chains (backers of backers) and the proxy pattern (backers of both sides of a hostility)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import NetEdge, Path, ProxyConflict
from kg.network.projection import BACKING, NEGATIVE
from kg.network.views import check_kinds, check_range, edges_of, labels, net_edge, require_actor, sort_key

__all__ = ["MAX_CHAINS", "MAX_DEPTH", "backing_chains", "proxy_conflicts"]

#: Deepest chain a search follows.
MAX_DEPTH = 6
#: Most chains returned.
MAX_CHAINS = 500


def _steps(G: nx.MultiDiGraph, kinds: frozenset[str] | None, up: bool) -> dict[str, list[tuple[str, NetEdge]]]:
    """For each actor, the next actors of a chain and the edge that leads there.

    ``up``: towards backers (against the direction of support); else towards those backed.
    Symmetric edges lead both ways.
    """
    steps: dict[str, list[tuple[str, NetEdge]]] = {}
    for u, v, k, d in edges_of(G, kinds):
        if u == v:
            continue
        a, b = (v, u) if up else (u, v)
        steps.setdefault(a, []).append((b, net_edge(G, u, v, k, reversed=up)))
        if d.get("symmetric"):
            steps.setdefault(b, []).append((a, net_edge(G, u, v, k, reversed=not up)))
    return steps


def backing_chains(
    G: nx.MultiDiGraph,
    actor: str,
    *,
    direction: str = "backers",
    kinds: Iterable[str] | str | None = BACKING,
    max_depth: int = 3,
    limit: int = 100,
) -> list[Path]:
    """Chains of backing that end at ``actor`` (its backers, their backers...) or start from it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    actor : str
        Actor id (or IRI).
    direction : {"backers", "backed"}
        ``"backers"``: chains ``X → ... → actor``, each path listed from the furthest backer down;
        ``"backed"``: chains ``actor → ... → Y``.
    kinds : iterable of str
        Relation kinds that count as backing (default :data:`BACKING`: the kinds whose edge is ``ck:backs``
        or a sub-property of it, support).
    max_depth : int
        Most steps (1 to :data:`MAX_DEPTH`); depth 1 gives the direct backers.
    limit : int
        Most chains returned (1 to :data:`MAX_CHAINS`), shortest first.

    Returns
    -------
    list of Path
        Ordered by length, then by actors and statements. One statement per step.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("patron", "client", key="s1", kind="support")
    's1'
    >>> G.add_edge("client", "militia", key="s2", kind="support")
    's2'
    >>> [p.nodes for p in backing_chains(G, "militia")]
    [['client', 'militia'], ['patron', 'client', 'militia']]
    """
    node = require_actor(G, actor)
    if direction not in ("backers", "backed"):
        raise InvalidInput(f"direction must be 'backers' or 'backed', not {direction!r}")
    check_range("max_depth", max_depth, 1, MAX_DEPTH)
    check_range("limit", limit, 1, MAX_CHAINS)
    up = direction == "backers"
    steps = _steps(G, check_kinds(G, kinds), up)
    found: list[tuple[list[str], list[NetEdge]]] = []
    frontier: list[tuple[list[str], list[NetEdge]]] = [([node], [])]
    for _ in range(max_depth):
        longer = []
        for nodes, edges in frontier:
            for nxt, edge in steps.get(nodes[-1], []):
                if nxt not in nodes:
                    longer.append(([*nodes, nxt], [*edges, edge]))
            if len(found) + len(longer) >= 4 * limit:
                break  # enough to fill the answer: a dense network could give millions of chains
        longer.sort(key=lambda c: (c[0], [e.statement for e in c[1]]))
        found.extend(longer)
        if len(found) >= limit or not longer:
            break
        frontier = longer
    out = []
    for nodes, edges in found[:limit]:
        if up:  # listed from the furthest backer down to the actor, edges in the same order
            nodes, edges = nodes[::-1], [_flip(e) for e in edges[::-1]]
        out.append(Path(nodes=nodes, edges=edges, labels=labels(G, nodes)))
    return out


def _flip(edge: NetEdge) -> NetEdge:
    return dataclasses.replace(edge, reversed=not edge.reversed)


def proxy_conflicts(
    G: nx.MultiDiGraph,
    *,
    support: Iterable[str] | str | None = BACKING,
    hostility: Iterable[str] | str | None = NEGATIVE,
    require_both: bool = True,
) -> list[ProxyConflict]:
    """Hostilities whose sides have backers: who backs each side of each fight.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    support : iterable of str
        Relation kinds that count as backing (default :data:`BACKING`: the kinds whose edge is ``ck:backs``
        or a sub-property of it, support).
    hostility : iterable of str
        Relation kinds that count as a fight (default ``hostility``).
    require_both : bool
        Keep only fights where both sides have a backer (the proxy pattern); False keeps a fight
        where at least one side has one.

    Returns
    -------
    list of ProxyConflict
        One per hostility statement, with the backing edges of each side and the actors that back
        both sides (``common``), ordered by sides and statement.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("x", "y", key="h", kind="hostility", symmetric=True)
    'h'
    >>> G.add_edge("p", "x", key="s1", kind="support")
    's1'
    >>> G.add_edge("q", "y", key="s2", kind="support")
    's2'
    >>> [(c.side_a, [e.source for e in c.backers_a], c.side_b, [e.source for e in c.backers_b])
    ...  for c in proxy_conflicts(G)]
    [('x', ['p'], 'y', ['q'])]
    """
    backing = check_kinds(G, support)
    fights = check_kinds(G, hostility)
    into: dict[str, list[NetEdge]] = {}
    for u, v, k, _ in edges_of(G, backing):
        into.setdefault(v, []).append(net_edge(G, u, v, k))
    out = []
    for u, v, k, _ in edges_of(G, fights):
        if u == v:
            continue
        a = sorted((e for e in into.get(u, []) if e.source != v), key=sort_key)
        b = sorted((e for e in into.get(v, []) if e.source != u), key=sort_key)
        if (require_both and not (a and b)) or not (a or b):
            continue
        common = sorted({e.source for e in a} & {e.source for e in b})
        out.append(ProxyConflict(net_edge(G, u, v, k), u, v, a, b, common))
    return out
