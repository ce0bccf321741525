"""Centrality (degree, betweenness, PageRank) and the brokers and bridges of a network."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import Brokers, NetEdge, Score
from kg.network.projection import POSITIVE
from kg.network.views import check_kinds, edges_of, label, net_edge, sort_key, undirected

__all__ = [
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_WORK",
    "EXACT_BETWEENNESS",
    "METRICS",
    "MIN_BETWEENNESS_SAMPLE",
    "betweenness_sample",
    "brokers",
    "centrality",
]

#: Centrality measures :func:`centrality` knows.
METRICS = ("degree", "betweenness", "pagerank")
#: Betweenness is exact up to this many actors...
EXACT_BETWEENNESS = 500
#: ...and above, estimated from shortest paths out of at most this many sampled actors (seeded,
#: repeatable)...
BETWEENNESS_SAMPLE = 200
#: ...fewer on a large graph: each sampled actor costs one breadth-first search of the whole graph,
#: so the sample is cut to keep (actors + links) x sample near this many steps...
BETWEENNESS_WORK = 2_000_000
#: ...but never below this many actors (under it the ranking is noise).
MIN_BETWEENNESS_SAMPLE = 20


def betweenness_sample(H: nx.Graph) -> int | None:
    """How many actors the betweenness of ``H`` is estimated from (None: computed exactly).

    Exact up to :data:`EXACT_BETWEENNESS` actors; above, :data:`BETWEENNESS_SAMPLE` actors, fewer
    when the graph is so large that the searches would exceed :data:`BETWEENNESS_WORK` steps, but
    at least :data:`MIN_BETWEENNESS_SAMPLE`. At 100k actors one search takes about a second (2 cores),
    so even the minimum sample takes tens of seconds there: betweenness is not interactive at that size.

    >>> betweenness_sample(nx.path_graph(100)) is None
    True
    >>> betweenness_sample(nx.path_graph(1000))
    200
    >>> betweenness_sample(nx.path_graph(100_000))
    20
    """
    if len(H) <= EXACT_BETWEENNESS:
        return None
    size = H.number_of_nodes() + H.number_of_edges()
    return max(MIN_BETWEENNESS_SAMPLE, min(BETWEENNESS_SAMPLE, BETWEENNESS_WORK // max(size, 1)))


def _betweenness(H: nx.Graph) -> dict[str, float]:
    """Normalised betweenness: exact up to :data:`EXACT_BETWEENNESS` actors, else a seeded estimate
    from :func:`betweenness_sample` actors (docs/performance.md)."""
    k = betweenness_sample(H)
    return nx.betweenness_centrality(H, k=k, normalized=True, seed=0)


def _directed(G: nx.MultiDiGraph, kinds: frozenset[str] | None) -> nx.DiGraph:
    """A simple directed graph of the edges of ``kinds``; symmetric edges point both ways."""
    D = nx.DiGraph()
    for u, v, _, d in edges_of(G, kinds):
        if u != v:
            D.add_edge(u, v)
            if d.get("symmetric"):
                D.add_edge(v, u)
    return D


def centrality(
    G: nx.MultiDiGraph,
    metric: str = "degree",
    *,
    kinds: Iterable[str] | str | None = None,
    limit: int | None = None,
) -> list[Score]:
    """Actors ranked by a centrality measure over the edges of ``kinds``, highest first.

    Only actors with at least one edge of ``kinds`` are ranked. Parallel statements between two
    actors count once.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    metric : {"degree", "betweenness", "pagerank"}
        ``degree``: share of the other actors one is directly related to (direction ignored);
        ``betweenness``: share of shortest paths between others that pass through the actor
        (direction ignored, normalised; above :data:`EXACT_BETWEENNESS` actors, estimated from
        sampled actors with a fixed seed, fewer the larger the graph: :func:`betweenness_sample`;
        not interactive at 100k actors); ``pagerank``: PageRank
        (damping 0.85) over the edges in their direction, symmetric ones both ways: high for actors
        that much of the network points to (the backed, the led, the designated).
    kinds : iterable of str, optional
        Relation kinds to use (default: all).
    limit : int, optional
        Keep the first ``limit`` actors.

    Returns
    -------
    list of Score
        Ordered by value (highest first), then by id; values rounded to 6 places.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("hub", "a"), ("hub", "b"), ("hub", "c")], kind="support")
    [0, 0, 0]
    >>> [(s.id, s.value) for s in centrality(G, "degree")][:2]
    [('hub', 1.0), ('a', 0.333333)]
    """
    if metric not in METRICS:
        raise InvalidInput(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidInput(f"limit must be a positive integer, not {limit!r}")
    chosen = check_kinds(G, kinds)
    if metric == "pagerank":
        D = _directed(G, chosen)
        values = nx.pagerank(D, alpha=0.85) if len(D) else {}
    else:
        H = undirected(G, chosen)
        if metric == "degree":
            values = nx.degree_centrality(H) if len(H) > 1 else dict.fromkeys(H, 0.0)
        else:
            values = _betweenness(H)
    ranked = sorted(((round(float(v), 6), n) for n, v in values.items()), key=lambda p: (-p[0], p[1]))
    scores = [Score(n, label(G, n), v) for v, n in ranked]
    return scores if limit is None else scores[:limit]


def brokers(G: nx.MultiDiGraph, *, kinds: Iterable[str] | str | None = POSITIVE) -> Brokers:
    """The actors and links that hold a network together (by default the support/alliance network).

    Brokers are cut points: removing one splits its part of the network in two or more. Bridges are
    links (pairs of actors, with every statement between them) whose removal splits it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    kinds : iterable of str
        Relation kinds of the network (default ``support`` and ``alliance``); direction ignored.

    Returns
    -------
    Brokers
        ``actors``: cut points with their betweenness, highest first; ``bridges``: the statements
        behind each bridge, ordered by actors.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b"), ("b", "c")], kind="alliance", symmetric=True)
    [0, 0]
    >>> result = brokers(G)
    >>> [s.id for s in result.actors], [[(e.source, e.target) for e in b] for b in result.bridges]
    (['b'], [[('a', 'b')], [('b', 'c')]])
    """
    H = undirected(G, check_kinds(G, kinds))
    between = _betweenness(H)
    cut = sorted(nx.articulation_points(H), key=lambda n: (-between[n], n))
    actors = [Score(n, label(G, n), round(float(between[n]), 6)) for n in cut]
    bridges: list[list[NetEdge]] = []
    for a, b in sorted(tuple(sorted(pair)) for pair in nx.bridges(H)):
        bridges.append(sorted((net_edge(G, u, v, k) for u, v, k in H.edges[a, b]["edges"]), key=sort_key))
    return Brokers(actors=actors, bridges=bridges)
