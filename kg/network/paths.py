"""Paths between two actors: how is A connected to B, each step with its statement and sources.

Directed statements (support, membership, designation...) are walked along their direction unless
``ignore_direction`` is set; symmetric ones (alliance, hostility) are walked both ways. Parallel
statements between the same two actors give separate paths (one statement per step).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import Path
from kg.network.views import check_kinds, check_range, edges_of, labels, net_edge, require_actor

__all__ = ["MAX_LENGTH", "MAX_PATHS", "paths", "shortest_paths"]

#: Longest path (in steps) a search accepts.
MAX_LENGTH = 8
#: Most paths a search returns.
MAX_PATHS = 500

# A step of a walk: (from, to, key, reversed).
_Step = tuple[str, str, str, bool]


#: Graphs of steps (and their simple ``DiGraph``) built from frozen projections, which cannot change:
#: a projection is cached per store version (:func:`kg.network.project`), so repeated path
#: requests on it reuse these instead of rebuilding them from every edge.
_WALKS: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[tuple[Any, ...], tuple[nx.MultiDiGraph, nx.DiGraph]]] = (
    weakref.WeakKeyDictionary()
)
_WALKS_LOCK = threading.Lock()


def _steps(
    G: nx.MultiDiGraph, kinds: frozenset[str] | None, ignore_direction: bool
) -> tuple[nx.MultiDiGraph, nx.DiGraph]:
    """The graph of steps and its simple form, remembered for a frozen graph."""
    if not nx.is_frozen(G):
        W = _walks(G, kinds, ignore_direction)
        return W, nx.DiGraph(W)
    key = (kinds, ignore_direction)
    with _WALKS_LOCK:
        hit = _WALKS.get(G, {}).get(key)
    if hit is None:
        W = _walks(G, kinds, ignore_direction)
        hit = (nx.freeze(W), nx.freeze(nx.DiGraph(W)))
        with _WALKS_LOCK:
            _WALKS.setdefault(G, {})[key] = hit
    return hit


def _walks(G: nx.MultiDiGraph, kinds: frozenset[str] | None, ignore_direction: bool) -> nx.MultiDiGraph:
    """The graph of possible steps: each edge forward, and backward when it may be walked so."""
    W = nx.MultiDiGraph()
    W.add_nodes_from(G.nodes)
    for u, v, k, d in edges_of(G, kinds):
        W.add_edge(u, v, key=(k, False))
        if ignore_direction or d.get("symmetric"):
            W.add_edge(v, u, key=(k, True))
    return W


def _node_paths(D: nx.DiGraph, source: str, target: str, max_length: int) -> Iterator[list[str]]:
    """Simple node paths from ``source`` to ``target``, shortest first, up to ``max_length`` steps."""
    try:
        for nodes in nx.shortest_simple_paths(D, source, target):
            if len(nodes) - 1 > max_length:
                return
            yield nodes
    except nx.NetworkXNoPath:
        return


def _expand(G: nx.MultiDiGraph, W: nx.MultiDiGraph, nodes: list[str]) -> list[Path]:
    """Every way of walking ``nodes`` with one statement per step."""
    choices: list[list[_Step]] = []
    for a, b in itertools.pairwise(nodes):
        steps = [(b, a, k, True) if back else (a, b, k, False) for (k, back) in W[a][b]]
        choices.append(sorted(steps, key=lambda s: (G.edges[s[0], s[1], s[2]].get("kind", ""), s[2])))
    out = []
    for combo in itertools.product(*choices):
        edges = [net_edge(G, u, v, k, reversed=back) for u, v, k, back in combo]
        out.append(Path(nodes=list(nodes), edges=edges, labels=labels(G, nodes)))
    return out


def _search(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    kinds: Iterable[str] | str | None,
    max_length: int,
    limit: int,
    ignore_direction: bool,
    shortest_only: bool,
) -> list[Path]:
    start, end = require_actor(G, source), require_actor(G, target)
    if start == end:
        raise InvalidInput("source and target are the same actor")
    check_range("max_length", max_length, 1, MAX_LENGTH)
    check_range("limit", limit, 1, MAX_PATHS)
    W, D = _steps(G, check_kinds(G, kinds), ignore_direction)
    found: list[Path] = []
    shortest = None
    for nodes in _node_paths(D, start, end, max_length):
        steps = len(nodes) - 1
        shortest = shortest or steps
        if shortest_only and steps > shortest:
            break
        if len(found) >= limit and (steps > found[-1].length or len(found) >= 4 * limit):
            break  # enough paths: finish the current length only, within reason
        found.extend(_expand(G, W, nodes))
    found.sort(key=lambda p: (p.length, p.nodes, [e.statement for e in p.edges]))
    return found[:limit]


def paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    kinds: Iterable[str] | str | None = None,
    max_length: int = 3,
    limit: int = 50,
    ignore_direction: bool = False,
) -> list[Path]:
    """Simple paths from ``source`` to ``target`` of at most ``max_length`` steps, shortest first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    source, target : str
        Actor ids (or IRIs).
    kinds : iterable of str, optional
        Relation kinds a path may use (default: all).
    max_length : int
        Most steps per path (1 to :data:`MAX_LENGTH`).
    limit : int
        Most paths returned (1 to :data:`MAX_PATHS`); the shortest are kept.
    ignore_direction : bool
        Walk directed statements both ways too ("how are A and B connected at all?").

    Returns
    -------
    list of Path
        Ordered by length, then by the actors and statements on the way.

    Raises
    ------
    NotFound
        ``source`` or ``target`` is not an actor of ``G``.
    InvalidInput
        Bad ``kinds``, ``max_length`` or ``limit``, or ``source == target``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("iran", "gov", key="s1", kind="support")
    's1'
    >>> G.add_edge("hts", "gov", key="s2", kind="hostility", symmetric=True)
    's2'
    >>> [(e.source, e.kind, e.target) for e in paths(G, "iran", "hts")[0].edges]
    [('iran', 'support', 'gov'), ('hts', 'hostility', 'gov')]
    """
    return _search(G, source, target, kinds, max_length, limit, ignore_direction, shortest_only=False)


def shortest_paths(
    G: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    kinds: Iterable[str] | str | None = None,
    limit: int = 50,
    ignore_direction: bool = False,
) -> list[Path]:
    """Every shortest path from ``source`` to ``target`` (empty when there is none).

    Same parameters as :func:`paths`, without a length bound other than :data:`MAX_LENGTH`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> G.add_edge("a", "b", key="s2", kind="support")
    's2'
    >>> [p.edges[0].statement for p in shortest_paths(G, "a", "b")]
    ['s1', 's2']
    >>> shortest_paths(G, "b", "a")
    []
    """
    return _search(G, source, target, kinds, MAX_LENGTH, limit, ignore_direction, shortest_only=True)
