"""Blocs: communities of the positive (support/alliance) network, and who fights whom across them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import Bloc, BlocConflict
from kg.network.projection import NEGATIVE, POSITIVE
from kg.network.views import check_kinds, edges_of, labels, net_edge, undirected

__all__ = ["METHODS", "bloc_conflicts", "blocs"]

#: Community methods :func:`blocs` knows.
METHODS = ("louvain", "greedy", "components")


def blocs(
    G: nx.MultiDiGraph,
    *,
    kinds: Iterable[str] | str | None = POSITIVE,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int = 0,
) -> list[Bloc]:
    """Communities of the network of ``kinds`` (by default support and alliance), direction ignored.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    kinds : iterable of str
        Relation kinds that tie a bloc together (default :data:`POSITIVE`, the kinds the ontology
        calls positive: support and alliance).
    method : {"louvain", "greedy", "components"}
        ``louvain``: Louvain modularity communities (networkx, with ``seed``); ``greedy``: greedy
        modularity (Clauset-Newman-Moore); ``components``: connected components (every actor tied
        to another by a chain of positive relations).
    resolution : float
        Modularity resolution (> 0): below 1 favours larger blocs, above 1 smaller ones.
    seed : int
        Random seed of Louvain, so that the answer does not change between runs.

    Returns
    -------
    list of Bloc
        Actors with at least one relation of ``kinds``; blocs numbered from 1, largest first, then
        by their first member; members sorted. Each pair of actors counts once per statement
        (weight).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")], kind="support")
    [0, 0, 0, 0]
    >>> [b.members for b in blocs(G)]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or not resolution > 0:
        raise InvalidInput(f"resolution must be a positive number, not {resolution!r}")
    H = undirected(G, check_kinds(G, kinds))
    if not len(H):
        return []
    if method == "louvain":
        parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    elif method == "greedy":
        parts = nx.community.greedy_modularity_communities(H, weight="weight", resolution=resolution)
    else:
        parts = list(nx.connected_components(H))
    ordered = sorted((sorted(p) for p in parts), key=lambda m: (-len(m), m))
    return [Bloc(id=i, members=m, labels=labels(G, m)) for i, m in enumerate(ordered, start=1)]


def bloc_conflicts(
    G: nx.MultiDiGraph,
    groups: Sequence[Bloc],
    *,
    kinds: Iterable[str] | str | None = NEGATIVE,
) -> list[BlocConflict]:
    """Each hostility placed between the blocs of its two sides.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    groups : sequence of Bloc
        Blocs, as :func:`blocs` returns them.
    kinds : iterable of str
        Relation kinds that count as a fight (default :data:`NEGATIVE`, the kinds the ontology
        calls negative: hostility).

    Returns
    -------
    list of BlocConflict
        One per statement, ordered by blocs (actors in no bloc last) then statement; ``within`` marks
        a fight between two members of the same bloc.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b"), ("x", "y")], kind="support")
    [0, 0]
    >>> G.add_edge("b", "x", key="h", kind="hostility", symmetric=True)
    'h'
    >>> [(c.bloc_a, c.bloc_b, c.within) for c in bloc_conflicts(G, blocs(G))]
    [(1, 2, False)]
    """
    member_of = {n: b.id for b in groups for n in b.members}
    out = []
    for u, v, k, _ in edges_of(G, check_kinds(G, kinds)):
        a, b = member_of.get(u), member_of.get(v)
        out.append(BlocConflict(a, b, a is not None and a == b, net_edge(G, u, v, k)))
    big = 1 << 30
    return sorted(out, key=lambda c: (c.bloc_a or big, c.bloc_b or big, c.edge.statement))
