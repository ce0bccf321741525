"""The explorer's view model: the part of a projection to draw, with styles and positions.

:func:`view_model` cuts a projection (:func:`kg.network.project`) to an ego network (``focus`` and
``depth``), caps the number of drawn nodes (the best connected first, with a message saying so),
computes positions in Python (a seeded spring layout, so large graphs draw at once with physics off)
and returns plain JSON-ready data: vis-network node and edge options (pyvis's option names) and, for
the side panel, each statement's details. Nothing here is HTML: the page inserts every string as text.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import rdflib
from rdflib.namespace import RDFS

from kg import kinds as kind_table
from kg import ontology
from kg.names import kind_name
from kg.namespaces import CK
from kg.network.projection import edge_kinds
from kg.network.views import ego_network
from kg.viz.layout import layout

__all__ = ["EDGE_STYLES", "MAX_NODES", "NODE_STYLES", "PHYSICS_LIMIT", "legend", "view_model"]

#: The most nodes drawn; beyond, the best connected are kept and the page says so.
MAX_NODES = 2500
#: Beyond this many nodes physics is off (positions from the server's layout only).
PHYSICS_LIMIT = 300

#: Colour, dash pattern and width of each relation kind (claims included), as the ontology gives
#: them (``ck:displayColour``, ``ck:displayDashes``, ``ck:displayWidth``; see :mod:`kg.kinds`):
#: dashes so that kinds read without colour vision.
EDGE_STYLES: dict[str, dict[str, Any]] = {name: style.options() for name, style in kind_table.styles().items()}
#: How a kind the ontology gives no style is drawn.
_OTHER_EDGE = {"color": "#868e96", "dashes": [1, 3], "width": 1}

#: Colour and shape of each actor type, in order of precedence for actors of several types.
NODE_STYLES: dict[str, dict[str, str]] = {
    "state": {"color": "#1864ab", "shape": "square"},
    "intergovernmental-organisation": {"color": "#0b7285", "shape": "hexagon"},
    "coalition": {"color": "#5f3dc4", "shape": "star"},
    "armed-group": {"color": "#c92a2a", "shape": "triangle"},
    "government": {"color": "#364fc7", "shape": "diamond"},
    "armed-force": {"color": "#d9480f", "shape": "triangleDown"},
    "person": {"color": "#2b8a3e", "shape": "dot"},
    "political-organisation": {"color": "#e67700", "shape": "diamond"},
}
_OTHER_NODE = {"color": "#495057", "shape": "dot"}


@functools.cache
def _labels() -> dict[str, str]:
    """English ``rdfs:label`` of every ontology class, by kebab-case name."""
    graph = ontology.ontology_graph()
    out: dict[str, str] = {}
    for cls, label in graph.subject_objects(RDFS.label):
        english = getattr(label, "language", None) in (None, "en")
        if isinstance(cls, rdflib.URIRef) and str(cls).startswith(CK) and english:
            out.setdefault(kind_name(str(cls)), str(label))
    return out


def _label(name: str) -> str:
    return _labels().get(name, name.replace("-", " "))


def _node_style(types: Iterable[str]) -> tuple[str, dict[str, str]]:
    chosen = set(types)
    for name, style in NODE_STYLES.items():
        if name in chosen:
            return name, style
    other = sorted(chosen)
    return (other[0] if other else "actor"), _OTHER_NODE


def legend() -> dict[str, list[dict[str, Any]]]:
    """The legend: each relation kind and actor type with its ontology label and style."""
    kinds = sorted({*edge_kinds(), "claim"}, key=lambda k: (k not in EDGE_STYLES, k))
    relations = [{"kind": k, "label": _label(k), **EDGE_STYLES.get(k, _OTHER_EDGE)} for k in kinds]
    relations = [r | {"label": "claim (not a fact)"} if r["kind"] == "claim" else r for r in relations]
    types = [{"type": t, "label": _label(t), **s} for t, s in NODE_STYLES.items()]
    types.append({"type": "other", "label": "other actor", **_OTHER_NODE})
    return {"relations": relations, "types": types}


def _induced(G: nx.MultiDiGraph, nodes: set[str]) -> nx.MultiDiGraph:
    """A plain graph of ``nodes`` and the edges among them (networkx's subgraph views are slow to
    read many times, and the drawing reads every edge several times)."""
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in nodes)
    H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in nodes and v in nodes)
    return H


def _citation(c: Any) -> dict[str, Any]:
    return {
        "id": c.source.id,
        "title": c.source.label,
        "date": c.date,
        "paragraphs": list(c.paragraphs),
        "locators": list(c.locators),
        "urls": list(c.urls),
    }


def view_model(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = MAX_NODES,
    isolated: bool = False,
    highlight: Iterable[str] = (),
    seed: int = 0,
) -> dict[str, Any]:
    """What the explorer draws, as JSON-ready data.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`).
    focus : str, optional
        An actor id: keep only actors within ``depth`` steps of it (either direction).
    depth : int
        Steps from ``focus``.
    max_nodes : int
        The most nodes drawn; the best connected are kept, and ``message`` says how many were left out.
    isolated : bool
        Also draw actors without any relation (always true for the focus and highlighted actors).
    highlight : iterable of str
        Actor ids drawn larger, like the focus (e.g. the actors of a path).
    seed : int
        Seed of the layout.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (vis-network options plus details), ``physics``, ``message``, ``total``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> len(view_model(G)["edges"])
    1
    """
    kept = set(ego_network(G, focus, depth)) if focus is not None else set(G)
    marked = {n for n in highlight if n in kept} | ({focus} if focus is not None else set())
    shown = _induced(G, kept)
    if not isolated:
        shown.remove_nodes_from([n for n, degree in shown.degree() if degree == 0 and n not in marked])
    total = shown.number_of_nodes()
    message = None
    if total > max_nodes:
        ranked = sorted(shown, key=lambda n: (n not in marked, -shown.degree(n), n))[:max_nodes]
        shown = _induced(shown, set(ranked))
        message = (
            f"Showing the {max_nodes} best connected of {total} actors: "
            "choose a focus actor or filter by relation kind or actor type to see the rest."
        )
    n = shown.number_of_nodes()
    scale = 120 * math.sqrt(max(n, 1))
    positions = layout(shown, seed=seed)
    nodes = []
    for node in sorted(shown):
        d = shown.nodes[node]
        kind, style = _node_style(d.get("types", []))
        x, y = positions[node]
        nodes.append(
            {
                "id": node,
                "label": d.get("label") or node,
                "iri": d.get("iri"),
                "types": list(d.get("types", [])),
                "group_type": kind,
                "shape": style["shape"],
                "color": style["color"],
                "size": 22 if node in marked else 12,
                "borderWidth": 4 if node in marked else 1,
                "x": round(float(x) * scale, 1),
                "y": round(float(y) * scale, 1),
                "degree": shown.degree(node),
            }
        )
    edges: list[dict[str, Any]] = []
    seen: dict[frozenset[str], int] = {}
    for u, v, key, d in sorted(shown.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        pair = frozenset((u, v))
        seen[pair] = rank = seen.get(pair, -1) + 1  # parallel relations curve apart, all drawn
        kind = d.get("kind", "")
        style = EDGE_STYLES.get(kind, _OTHER_EDGE)
        edges.append(
            {
                "id": f"e{len(edges)}",
                "from": u,
                "to": v,
                "statement": d.get("statement", key),
                "iri": d.get("iri"),
                "kind": kind,
                "kind_label": _label(kind),
                "proposition_kind": d.get("proposition_kind"),
                "claim": bool(d.get("claim")),
                "claimants": list(d.get("claimants", [])),
                "claim_kind": d.get("claim_kind"),
                "alleged": d.get("alleged"),
                "symmetric": bool(d.get("symmetric")),
                "start": None if d.get("start") is None else str(d["start"]),
                "end": None if d.get("end") is None else str(d["end"]),
                "status": d.get("status"),
                "status_reason": d.get("status_reason"),
                "status_bound": None if d.get("status_bound") is None else str(d["status_bound"]),
                "support_kinds": list(d.get("support_kinds", [])),
                "sources": [_citation(c) for c in d.get("sources", [])],
                "color": style["color"],
                "dashes": style["dashes"],
                "width": style["width"],
                "arrows": "" if d.get("symmetric") else "to",
                "smooth": {
                    "enabled": rank > 0,
                    "type": "curvedCW" if rank % 2 else "curvedCCW",
                    "roundness": round(0.15 * ((rank + 1) // 2), 2),
                },
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "physics": n <= PHYSICS_LIMIT,
        "message": message,
        "total": total,
    }
