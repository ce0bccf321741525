"""Claims in the explorer: what the side panel and tooltips say about each claim, and the second way
of drawing them.

A projection (:func:`kg.network.project`) carries a claim as an edge between the two actors of what
it asserts (Iran's accusation that the US backs the rebels: US → rebels, of kind ``claim``), with
its claimants as ids. :func:`claim_details` gives each drawn claim the words a person reads: its
summary, its kind, its date, its claimants and the actors it is about by name, and its sources.
:func:`claims_as_nodes` redraws every claim as a node of its own, claimant → claim → what it is
about, so that the canvas says who claimed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from kg.models import Claim

__all__ = ["CLAIM_NODE", "claim_details", "claim_node_id", "claims_as_nodes"]

#: The prefix of a claim's node id when claims are drawn as nodes (actor ids never contain ``:``).
CLAIM_NODE = "claim:"


def claim_node_id(claim: str) -> str:
    """The node id of a claim drawn as a node."""
    return CLAIM_NODE + claim


def _name(G: nx.MultiDiGraph, ident: str) -> str:
    label = G.nodes[ident].get("label") if ident in G else None
    return str(label) if label else ident.replace("-", " ")


def claim_details(
    G: nx.MultiDiGraph,
    drawn: Iterable[str],
    claims: Mapping[str, Claim],
    kind_label: Callable[[str], str],
    citation: Callable[[Any], dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The details of each claim in ``drawn`` (claim ids), by id.

    With the claim read from the store (``claims``), its summary, kind, date, claimants, what it is
    about and its sources; without (a notebook's projection), what the projection knows: the
    claimants by the names ``G`` gives them.
    """
    out: dict[str, dict[str, Any]] = {}
    for ident in sorted(set(drawn)):
        found = claims.get(ident)
        if found is None:
            edges = [d for *_, d in G.edges(data=True) if d.get("claim") and d.get("statement") == ident]
            first = edges[0] if edges else {}
            kind = first.get("claim_kind")
            out[ident] = {
                "id": ident,
                "summary": None,
                "kind": kind,
                "kind_label": None if kind is None else kind_label(kind + "-claim"),
                "date": None if first.get("start") is None else str(first["start"]),
                "claimants": [{"id": c, "label": _name(G, c)} for c in first.get("claimants", [])],
                "about": [],
                "sources": [citation(c) for c in first.get("sources", [])],
            }
            continue
        out[ident] = {
            "id": ident,
            "summary": found.summary,
            "kind": found.kind,
            "kind_label": kind_label(found.kind + "-claim"),
            "date": found.date,
            "claimants": [{"id": r.id, "label": r.label or _name(G, r.id)} for r in found.claimants],
            "about": [{"id": r.id, "label": r.label or _name(G, r.id)} for r in found.about],
            "sources": [citation(c) for c in found.sources],
        }
    return out


def claims_as_nodes(shown: nx.MultiDiGraph, G: nx.MultiDiGraph, details: Mapping[str, Mapping[str, Any]]) -> None:
    """Redraw the claims of ``shown`` in place as claimant → claim → what it is about.

    Each claim edge of ``shown`` (one per proposition) is replaced by one node for the claim, an
    edge from each claimant to it (the claimant is added from ``G`` when not drawn yet) and an edge
    from it to each actor its propositions join. The claim node's attributes: ``claim`` (its id),
    ``label`` (its kind and date); the new edges: ``kind="claim"``, ``claim=True``, ``role``
    (``claimant`` or ``about``) and the claim's id as ``statement``.
    """
    claim_edges = [(u, v, k, d) for u, v, k, d in shown.edges(keys=True, data=True) if d.get("claim")]
    ends: dict[str, set[str]] = {}
    first: dict[str, dict[str, Any]] = {}
    for u, v, k, d in claim_edges:
        shown.remove_edge(u, v, k)
        ident = d.get("statement", k)
        ends.setdefault(ident, set()).update((u, v))
        first.setdefault(ident, d)
    for ident, actors in sorted(ends.items()):
        d = first[ident]
        detail = details.get(ident, {})
        node = claim_node_id(ident)
        words = detail.get("kind_label") or d.get("claim_kind") or "claim"
        date = detail.get("date") or d.get("start")
        shown.add_node(node, claim=ident, label=f"{words}, {date}" if date else str(words), types=[])
        common = {
            "kind": "claim",
            "claim": True,
            "statement": ident,
            "iri": d.get("iri"),
            "claim_kind": d.get("claim_kind"),
            "proposition_kind": d.get("proposition_kind"),
            "claimants": list(d.get("claimants", [])),
            "start": d.get("start"),
            "status": d.get("status"),
            "sources": list(d.get("sources", [])),
        }
        for claimant in d.get("claimants", []):
            if claimant not in shown:
                shown.add_node(claimant, **(G.nodes[claimant] if claimant in G else {"label": claimant}))
            shown.add_edge(claimant, node, key=f"{ident}:by:{claimant}", role="claimant", **common)
        for actor in sorted(actors):
            shown.add_edge(node, actor, key=f"{ident}:about:{actor}", role="about", **common)
