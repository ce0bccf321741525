"""Structural balance: the signed network (support and alliance +, hostility −) and its triads.

A triangle of three actors related pairwise is *balanced* when the product of its signs is
positive: three friends (``+++``), or two friends with a common enemy (``+--``, "the enemy of my
enemy is my friend"). It is *unbalanced* with one hostile pair among friends (``++-``) or three
mutual enemies (``---``). A pair related both ways (a backer that also fights its client) is
*mixed* (sign 0) and closes no triad.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import Balance, NetEdge, Triad, TriadSide
from kg.network.projection import NEGATIVE, POSITIVE
from kg.network.views import check_kinds, edges_of, net_edge, sort_key

__all__ = ["READINGS", "balance", "mixed_pairs", "signed_graph", "triads"]

#: What each pattern of signs (minus signs last) means.
READINGS = {
    "+++": "friends of friends",
    "+--": "the enemy of my enemy is my friend",
    "++-": "a hostility between two friends of the same actor",
    "---": "three mutual enemies",
}


def signed_graph(
    G: nx.MultiDiGraph,
    *,
    positive: Iterable[str] | str | None = POSITIVE,
    negative: Iterable[str] | str | None = NEGATIVE,
) -> nx.Graph:
    """The signed network: one undirected link per pair of actors, with ``sign`` and ``edges``.

    ``sign`` is +1 when only positive statements relate the pair, −1 when only negative ones, 0
    (mixed) when both; ``edges`` lists the statements (:class:`NetEdge`) behind the link.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s", kind="support")
    's'
    >>> G.add_edge("b", "c", key="h", kind="hostility", symmetric=True)
    'h'
    >>> sorted((u, v, d["sign"]) for u, v, d in signed_graph(G).edges(data=True))
    [('a', 'b', 1), ('b', 'c', -1)]
    """
    plus, minus = check_kinds(G, positive), check_kinds(G, negative)
    if plus is None or minus is None:
        raise InvalidInput("positive and negative relation kinds must both be given")
    if plus & minus:
        raise InvalidInput(f"a kind cannot be both positive and negative: {', '.join(sorted(plus & minus))}")
    S = nx.Graph()
    for sign, chosen in ((1, plus), (-1, minus)):
        for u, v, k, _ in edges_of(G, chosen):
            if u == v:
                continue
            if not S.has_edge(u, v):
                S.add_edge(u, v, signs=set(), edges=[])
            S.edges[u, v]["signs"].add(sign)
            S.edges[u, v]["edges"].append(net_edge(G, u, v, k))
    for _, _, d in S.edges(data=True):
        signs = d.pop("signs")
        d["sign"] = signs.pop() if len(signs) == 1 else 0
        d["edges"].sort(key=sort_key)
    return S


def mixed_pairs(S: nx.Graph) -> list[list[NetEdge]]:
    """The pairs of a signed graph related both positively and negatively, with their statements."""
    return [d["edges"] for _, _, d in sorted(S.edges(data=True), key=lambda e: tuple(sorted(e[:2]))) if d["sign"] == 0]


def triads(
    G: nx.MultiDiGraph,
    *,
    positive: Iterable[str] | str | None = POSITIVE,
    negative: Iterable[str] | str | None = NEGATIVE,
    balanced: bool | None = None,
) -> list[Triad]:
    """Every triangle of the signed network, balanced or not, with the statements behind each side.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    positive, negative : iterable of str
        Relation kinds counted as + and − (default :data:`POSITIVE` and :data:`NEGATIVE`: the
        ontology's positive kinds, support and alliance, and its negative one, hostility).
    balanced : bool, optional
        Keep only balanced (True) or unbalanced (False) triads.

    Returns
    -------
    list of Triad
        Nodes sorted; sides in the order (n0, n1), (n0, n2), (n1, n2); ``pattern`` lists the signs
        plus first (``"+--"``); ``reading`` says what it means (:data:`READINGS`). Ordered by nodes.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s", kind="support")
    's'
    >>> G.add_edge("a", "c", key="h1", kind="hostility", symmetric=True)
    'h1'
    >>> G.add_edge("b", "c", key="h2", kind="hostility", symmetric=True)
    'h2'
    >>> [(t.nodes, t.pattern, t.balanced) for t in triads(G)]
    [(['a', 'b', 'c'], '+--', True)]
    """
    return _triads(signed_graph(G, positive=positive, negative=negative), balanced)


def _triads(S: nx.Graph, balanced: bool | None) -> list[Triad]:
    """The triangles of a signed graph whose three sides have a sign (+1 or -1)."""
    signed = nx.Graph((u, v, d) for u, v, d in S.edges(data=True) if d["sign"] != 0)
    out = []
    for a in sorted(signed):
        for b, c in _pairs_after(signed, a):
            nodes = [a, b, c]
            sides = [TriadSide(x, y, signed.edges[x, y]["sign"], signed.edges[x, y]["edges"]) for x, y in _sides(nodes)]
            minus = sum(1 for s in sides if s.sign < 0)
            pattern = "+" * (3 - minus) + "-" * minus
            ok = minus % 2 == 0
            if balanced is None or balanced == ok:
                out.append(Triad(nodes, sides, pattern, ok, READINGS[pattern]))
    return out


def balance(
    G: nx.MultiDiGraph,
    *,
    positive: Iterable[str] | str | None = POSITIVE,
    negative: Iterable[str] | str | None = NEGATIVE,
    limit: int | None = None,
) -> Balance:
    """How balanced the signed network is: counts, the triads (first ``limit``) and the mixed pairs.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edges_from([("a", "b"), ("b", "c"), ("a", "c")], kind="hostility", symmetric=True)
    [0, 0, 0]
    >>> result = balance(G)
    >>> result.balanced, result.unbalanced, result.triads[0].reading
    (0, 1, 'three mutual enemies')
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InvalidInput(f"limit must be a non-negative integer, not {limit!r}")
    S = signed_graph(G, positive=positive, negative=negative)
    found = _triads(S, None)
    ok = sum(1 for t in found if t.balanced)
    return Balance(
        balanced=ok,
        unbalanced=len(found) - ok,
        ratio=round(ok / len(found), 6) if found else None,
        triads=found if limit is None else found[:limit],
        mixed=mixed_pairs(S),
    )


def _sides(nodes: list[str]) -> list[tuple[str, str]]:
    a, b, c = nodes
    return [(a, b), (a, c), (b, c)]


def _pairs_after(S: nx.Graph, a: str) -> list[tuple[str, str]]:
    """Pairs (b, c) with a < b < c such that a, b and c are pairwise linked."""
    later = sorted(n for n in S[a] if n > a)
    return [(b, c) for i, b in enumerate(later) for c in later[i + 1 :] if S.has_edge(b, c)]
