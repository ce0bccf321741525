"""Designation exposure: which actors are designated (as terrorist) and who backs them, each edge dated."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.network.models import Exposure, NetEdge
from kg.network.projection import BACKING
from kg.network.views import check_kinds, edges_of, label, net_edge, sort_key

__all__ = ["designation_exposure"]


def designation_exposure(
    G: nx.MultiDiGraph,
    *,
    designation: Iterable[str] | str | None = ("designation",),
    backing: Iterable[str] | str | None = BACKING,
    backed_only: bool = False,
) -> list[Exposure]:
    """Designated actors with the designations against them and the actors that back them.

    On a projection as of a day (:func:`kg.network.project`), the designation edges are those in
    force that day, and the backing edges those that hold; every edge carries its dates and sources.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection.
    designation : iterable of str
        Relation kinds that designate (default ``designation``: authority → designee).
    backing : iterable of str
        Relation kinds that count as backing (default :data:`BACKING`: the kinds whose edge is ``ck:backs``
        or a sub-property of it, support).
    backed_only : bool
        Keep only designated actors that have at least one backer.

    Returns
    -------
    list of Exposure
        Ordered by number of backers (most first), then number of designations, then id.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("state", "group", key="d1", kind="designation", start="2014-05-15")
    'd1'
    >>> G.add_edge("patron", "group", key="s1", kind="support", start="2016")
    's1'
    >>> [(x.id, [e.source for e in x.designations], [(e.source, e.start) for e in x.backers])
    ...  for x in designation_exposure(G)]
    [('group', ['state'], [('patron', '2016')])]
    """
    listing, support = check_kinds(G, designation), check_kinds(G, backing)
    designated: dict[str, list[NetEdge]] = {}
    for u, v, k, _ in edges_of(G, listing):
        designated.setdefault(v, []).append(net_edge(G, u, v, k))
    backers: dict[str, list[NetEdge]] = {}
    for u, v, k, _ in edges_of(G, support):
        if v in designated:
            backers.setdefault(v, []).append(net_edge(G, u, v, k))
    out = [
        Exposure(
            id=node,
            label=label(G, node),
            designations=sorted(edges, key=sort_key),
            backers=sorted(backers.get(node, []), key=sort_key),
        )
        for node, edges in designated.items()
        if backers.get(node) or not backed_only
    ]
    return sorted(out, key=lambda x: (-len(x.backers), -len(x.designations), x.id))
