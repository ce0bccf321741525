"""A projection as JSON-LD in the project's own ontology, for RDF tools.

Where GraphML, GEXF and JSON describe the drawn network (nodes and edges), JSON-LD describes what
the network stands for, with the ontology's terms: each actor (types and label) and each
statement (its class, the roles the ontology's ``ck:derivesEdge`` names, the as-of bounds derived
from its dates, support kinds and citations). A claim stays a claim: a ``ck:Claim`` with its
claimants and a ``ck:Proposition``, never a statement. Every triple it states about an actor,
statement or claim is one the knowledge graph holds; what only the projection knows (the status
on the day) is left out.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.models import Citation
from kg.names import kind_class
from kg.namespaces import CK, ID, PREFIXES, ST
from kg.network.projection import edge_kinds

__all__ = ["to_jsonld"]

_CONTEXT = {prefix: PREFIXES[prefix] for prefix in ("ck", "skos", "dcterms", "xsd")}

#: The as-of bounds the loader derives from a statement's stated dates (a stated date may be a
#: start, listing, effective or claim date: the bounds say when it holds, whichever it was).
_BOUND_TERMS = {
    "earliest_start": "ck:earliestStart",
    "latest_start": "ck:latestStart",
    "earliest_end": "ck:earliestEnd",
    "latest_end": "ck:latestEnd",
}


def _short(iri: str) -> str:
    return "ck:" + iri.removeprefix(CK) if iri.startswith(CK) else iri


def _ref(G: nx.MultiDiGraph, node: str) -> dict[str, str]:
    return {"@id": G.nodes[node].get("iri") or ID + node}


def _citation(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "ck:Citation", "ck:source": {"@id": c.source.iri}}
    if c.paragraphs:
        out["ck:paragraph"] = [{"@value": str(p), "@type": "xsd:positiveInteger"} for p in c.paragraphs]
    if c.locators:
        out["ck:locator"] = list(c.locators)
    if c.urls:
        out["ck:url"] = [{"@value": u, "@type": "xsd:anyURI"} for u in c.urls]
    if c.verification:
        out["ck:verification"] = c.verification
    return out


def _relation(G: nx.MultiDiGraph, u: str, v: str, kind: str, d: dict[str, Any]) -> dict[str, Any]:
    """The roles, support kinds and flags of a statement (or of a claim's proposition)."""
    rule = edge_kinds()[kind]
    out: dict[str, Any] = {
        "@type": _short(rule.statement_class),
        _short(rule.from_role): _ref(G, u),
        _short(rule.to_role): _ref(G, v),
    }
    if kind == "support" and d.get("support_kinds"):
        out["ck:supportKind"] = [{"@id": _short(kind_class(f"{k}-support"))} for k in d["support_kinds"]]
    if d.get("alleged") is not None:
        out["ck:alleged"] = bool(d["alleged"])
    return out


def _edge(G: nx.MultiDiGraph, u: str, v: str, key: str, d: dict[str, Any]) -> dict[str, Any]:
    iri = d.get("iri") or ST + key
    if d.get("claim"):
        proposition = _relation(G, u, v, d["proposition_kind"], d)
        proposition["ck:statementKind"] = {"@id": proposition["@type"]}
        proposition["@type"] = "ck:Proposition"
        out: dict[str, Any] = {"@id": iri, "@type": "ck:Claim", "ck:proposition": proposition}
        out["ck:claimant"] = [{"@id": G.nodes[c].get("iri") if c in G else ID + c} for c in d.get("claimants", [])]
        if d.get("claim_kind"):
            out["ck:claimKind"] = {"@id": _short(kind_class(f"{d['claim_kind']}-claim"))}
    else:
        out = {"@id": iri, **_relation(G, u, v, d["kind"], d)}
    bounds = d.get("bounds")
    for name in ("earliest_start", "latest_start", "earliest_end", "latest_end"):
        day = getattr(bounds, name, None)
        if day is not None:
            out[_BOUND_TERMS[name]] = {"@value": day.isoformat(), "@type": "xsd:date"}
    out["ck:citation"] = [_citation(c) for c in d.get("sources", [])]
    return out


def to_jsonld(G: nx.MultiDiGraph) -> dict[str, Any]:
    """The actors and statements of ``G`` as a JSON-LD document (context included, no fetching).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="A", types=["state"])
    >>> G.add_edge("a", "b", key="s1", kind="support", support_kinds=["air"])
    's1'
    >>> doc = to_jsonld(G)
    >>> [item["@type"] for item in doc["@graph"]]
    [['ck:State'], [], 'ck:Support']
    >>> doc["@graph"][2]["ck:supportKind"]
    [{'@id': 'ck:AirSupport'}]
    """
    items: list[dict[str, Any]] = []
    for node in sorted(G):
        d = G.nodes[node]
        item: dict[str, Any] = {
            "@id": d.get("iri") or ID + node,
            "@type": [_short(kind_class(t)) for t in d.get("types", [])],
        }
        if d.get("label"):
            item["skos:prefLabel"] = {"@value": d["label"], "@language": "en"}
        items.append(item)
    for u, v, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        items.append(_edge(G, u, v, str(key), d))
    return {"@context": dict(_CONTEXT), "@graph": items}
