"""The explorer's view model: the part of a projection to draw, with styles and positions.

:func:`view_model` cuts a projection (:func:`kg.network.project`) to an ego network (``focus`` and
``depth``), caps the number of drawn nodes (the best connected first, with a message saying so),
computes positions in Python (a seeded spring layout, so large graphs draw at once with physics off)
and returns plain JSON-ready data: vis-network node and edge options (pyvis's option names) and, for
the side panel and the tooltips, each statement's and each claim's details, with every actor named
(``names``: ids are for machines). Claims are drawn as edges between the actors of what they assert,
or, with ``claim_view="nodes"``, as claimant → claim → what it is about (:mod:`kg.viz.claims`).
Nothing here is HTML: the page inserts every string as text.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import rdflib
from rdflib.namespace import RDFS

from kg import kinds as kind_table
from kg import ontology
from kg.errors import InvalidInput
from kg.models import Claim
from kg.names import kind_name
from kg.namespaces import CK
from kg.network.projection import edge_kinds
from kg.network.views import ego_network
from kg.read.existence import Existence
from kg.viz.claims import claim_details, claims_as_nodes
from kg.viz.layout import layout

__all__ = ["CLAIM_VIEWS", "EDGE_STYLES", "MAX_NODES", "NODE_STYLES", "PHYSICS_LIMIT", "legend", "view_model"]

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

#: Colour and shape of each actor type (every subclass of ``ck:Actor``, :func:`kg.ontology.actor_types`;
#: a test checks that none is missing), in order of precedence for actors of several types.
NODE_STYLES: dict[str, dict[str, str]] = {
    "state": {"color": "#1864ab", "shape": "square"},
    "intergovernmental-organisation": {"color": "#0b7285", "shape": "hexagon"},
    "coalition": {"color": "#5f3dc4", "shape": "star"},
    "armed-group": {"color": "#c92a2a", "shape": "triangle"},
    "government": {"color": "#364fc7", "shape": "diamond"},
    "government-body": {"color": "#4c6ef5", "shape": "hexagon"},
    "armed-force": {"color": "#d9480f", "shape": "triangleDown"},
    "person": {"color": "#2b8a3e", "shape": "dot"},
    "political-organisation": {"color": "#e67700", "shape": "diamond"},
    "civil-organisation": {"color": "#0ca678", "shape": "square"},
    "media": {"color": "#d6336c", "shape": "square"},
    "collective": {"color": "#862e9c", "shape": "dot"},
}
_OTHER_NODE = {"color": "#495057", "shape": "dot"}
#: How a claim is drawn as a node (``claim_view="nodes"``): a box in the claims' colour.
_CLAIM_NODE = {"color": EDGE_STYLES.get("claim", _OTHER_EDGE)["color"], "shape": "box"}

#: The ways of drawing claims: between the actors of what they assert, or as nodes of their own.
CLAIM_VIEWS = ("edges", "nodes")

#: On-screen size in pixels of the labels at the default zoom: the least and the most connected
#: actor's (the page scales the font to the zoom that fits the drawing; a focus or highlighted
#: actor gets the largest).
LABEL_PX = (12, 18)


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


def type_label(name: str) -> str:
    """An actor type's (or any ontology class's) English label: ``government-body`` → ``government body``."""
    return _label(name)


def legend() -> dict[str, list[dict[str, Any]]]:
    """The legend: each relation kind and each actor type of the ontology with its label and style
    (an actor type without a style of its own is listed with the fallback's)."""
    kinds = sorted({*edge_kinds(), "claim"}, key=lambda k: (k not in EDGE_STYLES, k))
    relations = [{"kind": k, "label": _label(k), **EDGE_STYLES.get(k, _OTHER_EDGE)} for k in kinds]
    relations = [r | {"label": "claim (not a fact)"} if r["kind"] == "claim" else r for r in relations]
    names = [*NODE_STYLES, *(t for t in ontology.actor_types() if t not in NODE_STYLES)]
    types = [{"type": t, "label": _label(t), **NODE_STYLES.get(t, _OTHER_NODE)} for t in names]
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


def _label_px(degree: int, most: int, marked: bool) -> int:
    """A label's on-screen size at the default zoom: larger for better connected actors."""
    low, high = LABEL_PX
    if marked:
        return high
    return low + round((high - low) * math.sqrt(degree / most)) if most else low


def _date(value: Any) -> str | None:
    return None if value is None else str(value)


def _span(first: dt.date | None, last: dt.date | None) -> str | None:
    """A day known to lie between ``first`` and ``last``, in words: a day, a month, a year or a range.

    >>> _span(dt.date(2015, 10, 1), dt.date(2015, 10, 31))
    '2015-10'
    """
    if first is None or last is None:
        return None if first is None and last is None else f"{'after ' + str(first) if first else 'by ' + str(last)}"
    if first == last:
        return first.isoformat()
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return str(first.year)
    if (
        first.day == 1
        and (first.year, first.month) == (last.year, last.month)
        and last.month != (last + dt.timedelta(1)).month
    ):
        return first.isoformat()[:7]
    return f"between {first.isoformat()} and {last.isoformat()}"


def _lifetime(existence: Mapping[str, Existence], node_iri: str | None) -> dict[str, str | None]:
    """When an actor came into being and ceased, as far as the data says (None: not known)."""
    found = existence.get(node_iri or "")
    if found is None:
        return {"founded": None, "dissolved": None}
    return {"founded": _span(found[0], found[1]), "dissolved": _span(found[2], found[3])}


def view_model(
    G: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    max_nodes: int = MAX_NODES,
    isolated: bool = False,
    highlight: Iterable[str] = (),
    seed: int = 0,
    claims: Mapping[str, Claim] | None = None,
    claim_view: str = "edges",
    existence: Mapping[str, Existence] | None = None,
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
    claims : mapping of str to Claim, optional
        The claims read from the store (:func:`kg.read.claims.claims`), by id: their summaries,
        kinds, dates, claimants, what they are about and their sources go to ``claims``. Without
        them, a claim's details are what the projection carries.
    claim_view : str
        ``"edges"``: a claim is an edge between the actors of what it asserts (as in the
        projection and its exports); ``"nodes"``: a node of its own, claimant → claim → actors.
    existence : mapping, optional
        Actors' foundings and dissolutions by IRI (:func:`kg.read.existence.existence`): each
        node's ``founded`` and ``dissolved`` (a day, a month, a year or a range; None: not known).

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (vis-network options plus details), ``claims`` (details of each
        drawn claim, by id), ``names`` (id → name of every actor a node, an edge or a claim
        mentions), ``claim_view``, ``physics``, ``message``, ``total``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> len(view_model(G)["edges"])
    1
    """
    if claim_view not in CLAIM_VIEWS:
        raise InvalidInput(f"claim_view must be one of {', '.join(CLAIM_VIEWS)}, not {claim_view!r}")
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
    drawn_claims = {d.get("statement", k) for *_, k, d in shown.edges(keys=True, data=True) if d.get("claim")}
    details = claim_details(G, drawn_claims, claims or {}, _label, _citation)
    for u, v, key, d in sorted(shown.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if d.get("claim"):  # what each claim asserts, between which drawn actors (kept in either view)
            kind = d.get("proposition_kind")
            said = {"kind": kind, "kind_label": None if kind is None else _label(kind), "from": u, "to": v}
            details[d.get("statement", key)].setdefault("asserts", []).append(said)
    if claim_view == "nodes":
        claims_as_nodes(shown, G, details)
    n = shown.number_of_nodes()
    scale = 120 * math.sqrt(max(n, 1))
    positions = layout(shown, seed=seed)
    most = max((shown.degree(v) for v in shown), default=0)
    nodes = []
    for node in sorted(shown):
        d = shown.nodes[node]
        claim = d.get("claim")
        kind, style = ("claim", _CLAIM_NODE) if claim else _node_style(d.get("types", []))
        x, y = positions[node]
        nodes.append(
            {
                "id": node,
                "label": d.get("label") or node,
                "iri": d.get("iri"),
                "types": list(d.get("types", [])),
                "type_labels": [_label(t) for t in d.get("types", [])],
                "claim": claim,
                "group_type": kind,
                "shape": style["shape"],
                "color": style["color"],
                "size": 22 if node in marked else 12,
                "borderWidth": 4 if node in marked else 1,
                "x": round(float(x) * scale, 1),
                "y": round(float(y) * scale, 1),
                "degree": shown.degree(node),
                "label_px": _label_px(shown.degree(node), most, node in marked),
                **_lifetime(existence or {}, d.get("iri")),
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
                "proposition_label": None if d.get("proposition_kind") is None else _label(d["proposition_kind"]),
                "claim": bool(d.get("claim")),
                "role": d.get("role"),
                "claimants": list(d.get("claimants", [])),
                "claim_kind": d.get("claim_kind"),
                "alleged": d.get("alleged"),
                "symmetric": bool(d.get("symmetric")),
                "start": _date(d.get("start")),
                "end": _date(d.get("end")),
                "status": d.get("status"),
                "status_reason": d.get("status_reason"),
                "status_bound": _date(d.get("status_bound")),
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
    names = {v: str(shown.nodes[v].get("label") or v) for v in shown if not shown.nodes[v].get("claim")}
    for detail in details.values():
        for ref in (*detail["claimants"], *detail["about"]):
            names.setdefault(ref["id"], ref["label"])
    return {
        "nodes": nodes,
        "edges": edges,
        "claims": details,
        "names": names,
        "claim_view": claim_view,
        "physics": n <= PHYSICS_LIMIT,
        "message": message,
        "total": total,
    }
