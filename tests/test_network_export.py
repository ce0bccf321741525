"""Export of a projection (GraphML, GEXF, JSON), the pyvis view, and the examples in the docstrings."""

from __future__ import annotations

import doctest
import importlib
import io
import json
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import network

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


def test_view_keeps_parallel_edges_and_sanitises_text(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("a", label="</script><b>HREF=x</b>")
    G.add_edge("a", "b", key="s1", kind="support", statement="s1")
    G.add_edge("a", "b", key="s2", kind="support", statement="s2")
    G.add_edge("a", "c", key="h", kind="hostility", statement="h", symmetric=True)
    G.add_node("alone", label="Alone")
    view = network.view(G, highlight=["a"])
    assert "</script><b>" not in view.html
    assert "\\u2039/script\\u203a\\u2039b\\u203a" in view.html  # ‹/script›‹b›, JSON-escaped
    assert "HREF" not in view.html
    assert view.html.count('"from": "a"') == 3  # both parallel statements are drawn
    assert '"Alone"' not in view.html and '"Alone"' in network.view(G, isolated=True).html
    frame = view._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script>" not in frame
    assert view.save(tmp_path / "view.html").read_text(encoding="utf-8") == view.html
    with pytest.raises(kg.InvalidInput, match="height"):
        network.view(G, height="600px; background: red")


def test_view_of_a_projection(graph: nx.MultiDiGraph) -> None:
    html = network.view(graph).html
    assert "North" in html and "nw-claim-north-arms-rebels" in html
    assert "source: nw-second (para. 3, 4)" in html


MODULES = ["projection", "paths", "chains", "centrality", "blocs", "balance", "exposure", "changes", "export", "view"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"kg.network.{name}")
    result = doctest.testmod(module, extraglobs={"nx": nx}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "projection"
