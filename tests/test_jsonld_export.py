"""The JSON-LD export: compacted with the project's context, one named graph per source, without the
loader's internal triples and the ontology unless asked; the context served at its stable path.

Nothing here fetches the context from the network: rdflib reads the export with the context file
put in place of its IRI, and pyld through a document loader that serves the local file (and
refuses every other address).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

import kg
from api.app import create_app
from api.settings import Settings
from kg.namespaces import CK, ONTOLOGY_GRAPH, PREFIXES, SRC
from kg.ontology import ontology_graph
from kg.read.jsonld import CONTEXT_FILE, CONTEXT_IRI, INTERNAL_PREDICATES, context, export_jsonld
from tests.servers import wipe

SHACL = "http://www.w3.org/ns/shacl#"


def export(store: kg.Store, graph: str | None = None, **options: bool) -> dict[str, Any]:
    out = io.BytesIO()
    export_jsonld(store, out, graph, **options)
    found = json.loads(out.getvalue())
    assert isinstance(found, dict)
    return found


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: the project's context from the repository, nothing else."""
    if url != CONTEXT_IRI:
        raise AssertionError(f"the export asked for {url}")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(CONTEXT_FILE.read_bytes())}


def with_local_context(doc: dict[str, Any]) -> dict[str, Any]:
    assert doc["@context"] == CONTEXT_IRI
    return {**doc, "@context": context()}


def by_rdflib(doc: dict[str, Any]) -> dict[str, rdflib.Graph]:
    """Each named graph of the document as rdflib reads it (the context given locally)."""
    dataset = rdflib.Dataset().parse(data=json.dumps(with_local_context(doc)), format="json-ld")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def by_pyld(doc: dict[str, Any]) -> dict[str, rdflib.Graph]:
    """Each named graph of the document as pyld expands it to N-Quads (the context from the local loader)."""
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": local_loader})
    dataset = rdflib.Dataset().parse(data=nquads, format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def stored(store: kg.Store, graphs: list[str], internal: bool = False) -> dict[str, rdflib.Graph]:
    """The store's graphs as rdflib graphs, without the internal triples unless ``internal``."""
    out = {}
    for name in graphs:
        triples = [t for t in store.triples(name) if internal or t.predicate.value not in INTERNAL_PREDICATES]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        out[name] = rdflib.Graph().parse(data=data, format="nt")
    return out


def same_graphs(got: dict[str, rdflib.Graph], expected: dict[str, rdflib.Graph]) -> None:
    assert sorted(got) == sorted(expected)
    for name, graph in expected.items():
        assert len(got[name]) == len(graph), name
        assert isomorphic(got[name], graph), name  # the same triples, blank nodes renamed


def sources(store: kg.Store) -> list[str]:
    return [g for g in store.named_graphs() if g != ONTOLOGY_GRAPH]


# --- the context ------------------------------------------------------------------------------------


def test_the_context_has_every_prefix_and_a_term_for_each_property_of_the_ontology() -> None:
    found = context()
    assert {k: found[k] for k in PREFIXES} == PREFIXES
    ontology = ontology_graph()
    properties = {
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(CK)
    }
    assert len(properties) > 60
    for prop in properties:
        term = prop.removeprefix(CK)
        definition = found[term]
        iri = definition["@id"] if isinstance(definition, dict) else definition
        assert iri == "ck:" + term
        if (rdflib.URIRef(prop), RDF.type, OWL.ObjectProperty) in ontology:
            assert definition == {"@id": "ck:" + term, "@type": "@id"}
    expanded = jsonld.expand({"@context": CONTEXT_IRI, "prefLabel": "x"}, {"documentLoader": local_loader})
    assert expanded == [{"http://www.w3.org/2004/02/skos/core#prefLabel": [{"@value": "x"}]}]


# --- the export ----------------------------------------------------------------------------------------


def test_the_export_references_the_context_and_holds_one_named_graph_per_source(bundled_store: kg.Store) -> None:
    doc = export(bundled_store)
    assert doc["@context"] == CONTEXT_IRI
    assert set(doc) == {"@context", "@graph"}
    graphs = doc["@graph"]
    assert all(set(g) == {"@id", "@graph"} for g in graphs)
    assert [g["@id"] for g in graphs] == ["src:" + s.removeprefix(SRC) for s in sources(bundled_store)]
    uk = next(g for g in graphs if g["@id"] == "src:uk-proscription")["@graph"]
    statement = next(n for n in uk if n["@id"] == "st:uk-designates-hts")
    assert statement["@type"] == "ck:Designation"
    assert statement["designee"] == "id:hayat-tahrir-al-sham"  # terms and prefixed names, not full IRIs


def test_the_export_has_no_internal_triples_and_no_ontology_or_shapes(bundled_store: kg.Store) -> None:
    out = io.BytesIO()
    export_jsonld(bundled_store, out)
    text = out.getvalue().decode()
    for word in ("searchKey", "contentDigest", SHACL, "sh:", ONTOLOGY_GRAPH + '"', "owl:Class"):
        assert word not in text
    expanded = jsonld.to_rdf(json.loads(text), {"format": "application/n-quads", "documentLoader": local_loader})
    quads = list(ox.parse(expanded, format=ox.RdfFormat.N_QUADS))
    assert len(quads) > 1000
    assert not {q.predicate.value for q in quads} & INTERNAL_PREDICATES
    assert not any(q.predicate.value.startswith(SHACL) for q in quads)
    assert ONTOLOGY_GRAPH not in {q.graph_name.value for q in quads}


def test_rdflib_reads_back_the_store_without_its_internal_triples(bundled_store: kg.Store) -> None:
    same_graphs(by_rdflib(export(bundled_store)), stored(bundled_store, sources(bundled_store)))


def test_pyld_expands_it_to_the_store_without_its_internal_triples(bundled_store: kg.Store) -> None:
    same_graphs(by_pyld(export(bundled_store)), stored(bundled_store, sources(bundled_store)))


@pytest.mark.slow
def test_asked_for_the_export_has_the_internal_triples_and_the_ontology(bundled_store: kg.Store) -> None:
    doc = export(bundled_store, internal=True, ontology=True)
    everything = stored(bundled_store, bundled_store.named_graphs(), internal=True)
    assert ONTOLOGY_GRAPH in everything
    same_graphs(by_rdflib(doc), everything)
    same_graphs(by_pyld(doc), everything)


def test_one_source(bundled_store: kg.Store) -> None:
    graph = SRC + "uk-proscription"
    doc = export(bundled_store, graph)
    assert [g["@id"] for g in doc["@graph"]] == ["src:uk-proscription"]
    got = by_pyld(doc)
    same_graphs(got, stored(bundled_store, [graph]))
    assert len(got[graph]) == 45 - 6  # less 5 search keys and the digest
    with pytest.raises(kg.InvalidInput):
        export(bundled_store, SRC + "no-such-source")


# --- the service ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(bundled_store: kg.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", warm=False), store=bundled_store)) as test_client:
        yield test_client


def test_the_context_is_served_at_its_stable_path(client: TestClient) -> None:
    response = client.get(CONTEXT_IRI.removeprefix("https://w3id.org/conflict-kg"))
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "application/ld+json"
    assert response.json() == json.loads(CONTEXT_FILE.read_bytes())


def test_the_service_exports_compacted_json_ld(client: TestClient, bundled_store: kg.Store) -> None:
    response = client.get("/api/v1/export", params={"format": "jsonld"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@context"] == CONTEXT_IRI and b"searchKey" not in response.content
    same_graphs(by_pyld(doc), stored(bundled_store, sources(bundled_store)))

    asked = client.get("/api/v1/export", params={"format": "jsonld", "internal": "true", "ontology": "true"})
    assert b"contentDigest" in asked.content and SHACL.encode() in asked.content

    one = client.get("/api/v1/export", params={"format": "jsonld", "source": "uk-proscription"}).json()
    assert [g["@id"] for g in one["@graph"]] == ["src:uk-proscription"]


def test_the_other_formats_are_still_the_whole_dump(client: TestClient) -> None:
    nquads = client.get("/api/v1/export", params={"format": "nquads"}).content
    assert (CK + "searchKey").encode() in nquads and ONTOLOGY_GRAPH.encode() in nquads


def test_the_export_over_a_remote_store_is_the_same(oxigraph_server, bundled_store: kg.Store) -> None:
    """Over a SPARQL server (here Oxigraph's) the export reads the same graphs, none of the service's own."""
    remote = oxigraph_server.open()
    try:
        wipe(remote)
        remote.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
        doc = export(remote)
        assert [g["@id"] for g in doc["@graph"]] == [g["@id"] for g in export(bundled_store)["@graph"]]
        same_graphs(by_pyld(doc), stored(bundled_store, sources(bundled_store)))
    finally:
        wipe(remote)
        remote.close()
