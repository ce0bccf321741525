"""The SPARQL service description (W3C SPARQL 1.1 Service Description) of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from kg.sparql.formats import GRAPH_TYPES, SOLUTION_TYPES
from kg.store import Store

__all__ = ["service_description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


def service_description(store: Store, endpoint: str) -> bytes:
    """Turtle describing the endpoint: language, result formats, the union default graph and
    one named graph per source."""
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("feature"), sd("EmptyGraphs")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
    ]
    for media in SOLUTION_TYPES + GRAPH_TYPES:
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + _FORMAT_IRIS[media])))
    for graph in store.named_graphs():
        named = ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, a, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph)),
        ]
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={"sd": SD})
    assert body is not None
    return body
