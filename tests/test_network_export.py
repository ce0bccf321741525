"""Export of a projection (GraphML, GEXF, JSON, JSON-LD) and the examples in the docstrings."""

from __future__ import annotations

import doctest
import importlib
import io
import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib

import kg
from kg import network
from kg.namespaces import CK, ST

FIXTURES = Path(__file__).parent / "fixtures" / "network"


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    store = kg.Store()
    kg.load_files(store, [FIXTURES / "crossroads.trig", FIXTURES / "crossroads-second.trig"])
    return network.project(store, "2016-01-01", include_claims=True)


def test_graphml_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.BytesIO(network.export(graph, "graphml")), force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes) and back.number_of_edges() == graph.number_of_edges() == 11
    assert back.nodes["nw-rebels"]["label"] == "Rebels" and back.nodes["nw-rebels"]["types"] == "armed-group"
    d = back.edges["nw-north", "nw-regime", "nw-north-backs-regime"]
    assert (d["kind"], d["support_kinds"], d["start"], d["latest_start"]) == (
        "support",
        "air; weapons",
        "2010-05",
        "2010-05-31",
    )
    assert d["sources"] == "nw-crossroads (row 2) | nw-second (para. 3, 4)"
    cited = json.loads(d["sources_json"])
    assert [(c["source"]["id"], c["paragraphs"], c["locators"]) for c in cited] == [
        ("nw-crossroads", [], ["row 2"]),
        ("nw-second", [3, 4], []),
    ]
    claim = back.edges["nw-north", "nw-rebels", "nw-claim-north-arms-rebels"]
    assert (claim["kind"], claim["claim"], claim["claimants"]) == ("claim", True, "nw-regime")
    assert back.graph["at"] == "2016-01-01"


def test_gexf_round_trip(graph: nx.MultiDiGraph) -> None:
    back = nx.read_gexf(io.BytesIO(network.export(graph, "gexf")))
    assert back.number_of_nodes() == 7 and back.number_of_edges() == 11
    assert back.nodes["nw-south"]["label"] == "South"
    kinds = sorted(d["kind"] for _, _, d in back.edges(data=True))
    assert kinds.count("support") == 4 and kinds.count("claim") == 1


def test_json_is_node_link_data(graph: nx.MultiDiGraph) -> None:
    data = json.loads(network.export(graph, "json"))
    assert data["graph"]["at"] == "2016-01-01" and data["directed"] and data["multigraph"]
    edge = next(e for e in data["edges"] if e["key"] == "nw-south-backs-rebels")
    assert (edge["source"], edge["target"], edge["end"]) == ("nw-south", "nw-rebels", "2020-06-15")
    assert edge["bounds"] == {
        "earliest_start": "2012-03-01",
        "latest_start": "2012-03-31",
        "earliest_end": "2020-06-15",
        "latest_end": "2020-06-15",
    }
    assert edge["sources"][0]["locators"] == ["row 5"]
    assert network.to_json(graph) == data


def test_unknown_export_format(graph: nx.MultiDiGraph) -> None:
    with pytest.raises(kg.InvalidInput, match="pdf"):
        network.export(graph, "pdf")


def test_jsonld_states_what_the_store_holds(bundled_store: kg.Store) -> None:
    """Every triple about a named actor or statement in the JSON-LD is one the store holds."""
    G = network.project(bundled_store, "2024-11-30", include_claims=True)
    doc = rdflib.Dataset()
    doc.parse(data=network.export(G, "jsonld"), format="json-ld")
    triples = [(s, p, o) for s, p, o, _ in doc.quads() if isinstance(s, rdflib.URIRef)]
    assert len(triples) > 3 * G.number_of_edges()
    missing = [
        t
        for t in triples
        if not bundled_store.ask(f"ASK {{ {t[0].n3()} {t[1].n3()} {t[2].n3()} }}")
        and not isinstance(t[2], rdflib.BNode)
    ]
    assert missing == []
    claims = set(doc.subjects(rdflib.RDF.type, rdflib.URIRef(CK + "Claim")))
    assert {str(c) for c in claims} == {d["iri"] for *_, d in G.edges(data=True) if d.get("claim")}
    # a claim's proposition is a proposition, never a statement
    for claim in claims:
        for proposition in doc.objects(claim, rdflib.URIRef(CK + "proposition")):
            assert (proposition, rdflib.RDF.type, rdflib.URIRef(CK + "Proposition")) in doc
            assert (proposition, rdflib.RDF.type, rdflib.URIRef(CK + "Support")) not in doc
    backs = rdflib.URIRef(ST + "russia-backs-syrian-government")
    citations = list(doc.objects(backs, rdflib.URIRef(CK + "citation")))
    paragraphs = {int(p) for c in citations for p in doc.objects(c, rdflib.URIRef(CK + "paragraph"))}
    assert paragraphs and paragraphs <= set(range(1, 19))


MODULES = [
    "projection",
    "paths",
    "chains",
    "centrality",
    "blocs",
    "balance",
    "exposure",
    "changes",
    "export",
    "jsonld",
    "views",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"kg.network.{name}")
    result = doctest.testmod(module, extraglobs={"nx": nx}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "projection"
