"""Export a projection for other tools: GraphML and GEXF (Gephi, Cytoscape, yEd), JSON and JSON-LD.

GraphML and GEXF take only plain values as attributes: lists become ``"; "``-joined text, and the
sources of an edge become JSON text (``sources_json``) next to a readable ``sources`` summary.
JSON is networkx's node-link form, with every attribute as plain JSON; JSON-LD
(:mod:`kg.network.jsonld`) states the actors and statements in the ontology's terms.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import asdict, is_dataclass
from typing import Any

import networkx as nx

from kg.errors import InvalidInput
from kg.models import Citation
from kg.network.jsonld import to_jsonld
from kg.timeline import Bounds

__all__ = ["EXPORT_FORMATS", "export", "to_json"]

#: Export format → media type.
EXPORT_FORMATS = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "jsonld": "application/ld+json",
    "json": "application/json",
}


_STATED = ("earliest_start", "latest_start", "earliest_end", "latest_end")


def _plain(value: Any) -> Any:
    """A value as plain JSON data (dataclasses as dicts, dates as ISO text)."""
    if isinstance(value, Bounds):  # the four stated bounds always, existence and attestation when known
        return {k: None if v is None else v.isoformat() for k, v in asdict(value).items() if k in _STATED or v}
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_json(G: nx.MultiDiGraph) -> dict[str, Any]:
    """The graph as node-link JSON data (``nodes``, ``edges``, ``graph``...), plain values only.

    Examples
    --------
    >>> G = nx.MultiDiGraph(at=dt.date(2024, 11, 30))
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> data = to_json(G)
    >>> data["graph"]["at"], data["edges"][0]["key"]
    ('2024-11-30', 's1')
    """
    return _plain(nx.node_link_data(G, edges="edges"))


def _summary(citations: list[Citation]) -> str:
    parts = []
    for c in citations:
        where = [f"para. {', '.join(map(str, c.paragraphs))}"] if c.paragraphs else []
        where += c.locators
        parts.append(f"{c.source.id}" + (f" ({'; '.join(where)})" if where else ""))
    return " | ".join(parts)


def _flat(attrs: dict[str, Any]) -> dict[str, Any]:
    """Attributes that GraphML and GEXF accept: text, numbers and booleans; None dropped."""
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if key == "sources":
            out["sources"] = _summary(value)
            out["sources_json"] = json.dumps(_plain(value), ensure_ascii=False)
        elif key == "bounds":
            out.update({k: v for k, v in _plain(value).items() if v is not None})
        elif isinstance(value, bool | int | float | str):
            out[key] = value
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, list | tuple | set | frozenset):
            out[key] = "; ".join(str(v) for v in value)
        else:
            out[key] = json.dumps(_plain(value), ensure_ascii=False)
    return out


def _flat_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    F = nx.MultiDiGraph(**_flat(dict(G.graph)))
    for n, d in G.nodes(data=True):
        F.add_node(n, **_flat(d))
    for u, v, k, d in G.edges(keys=True, data=True):
        F.add_edge(u, v, key=k, **_flat(d))
    return F


def export(G: nx.MultiDiGraph, fmt: str = "graphml") -> bytes:
    """The graph serialised as ``graphml``, ``gexf``, ``json`` or ``jsonld`` (UTF-8 bytes).

    Raises
    ------
    InvalidInput
        An unknown format.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support", support_kinds=["air", "weapons"])
    's1'
    >>> b"air; weapons" in export(G, "graphml")
    True
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt in ("json", "jsonld"):
        data = to_json(G) if fmt == "json" else to_jsonld(G)
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    flat = _flat_graph(G)
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8")
    else:
        nx.write_gexf(flat, buffer, encoding="utf-8")
    return buffer.getvalue()
