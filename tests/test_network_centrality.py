"""Centrality, brokers and bridges: values worked out by hand on small graphs, then the seed graph."""

from __future__ import annotations

import importlib

import networkx as nx
import pytest

import kg
from kg import network
from kg.network.centrality import EXACT_BETWEENNESS


def star() -> nx.MultiDiGraph:
    """hub → a, hub → b, hub → c (support), and an isolated actor."""
    G = nx.MultiDiGraph()
    G.add_node("alone")
    for leaf in "abc":
        G.add_edge("hub", leaf, key=f"hub-{leaf}", kind="support")
    return G


def bowtie() -> nx.MultiDiGraph:
    """Two allied triangles a-b-c and d-e-f tied by c - d (an alliance and a support)."""
    G = nx.MultiDiGraph()
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"), ("c", "d")]:
        G.add_edge(u, v, key=f"{u}{v}", kind="alliance", symmetric=True)
    G.add_edge("c", "d", key="c-backs-d", kind="support")
    G.add_edge("a", "f", key="af", kind="hostility", symmetric=True)
    return G


def values(scores: list[network.Score]) -> dict[str, float]:
    return {s.id: s.value for s in scores}


def test_degree_of_a_star() -> None:
    # Ranked among the 4 actors with an edge: the hub is related to all 3 others, a leaf to 1 of 3.
    scores = network.centrality(star(), "degree")
    assert [s.id for s in scores] == ["hub", "a", "b", "c"]
    assert values(scores) == {"hub": 1.0, "a": 0.333333, "b": 0.333333, "c": 0.333333}


def test_betweenness_of_a_star_and_a_bowtie() -> None:
    # Every path between two leaves goes through the hub: 3 of 3 pairs.
    assert values(network.centrality(star(), "betweenness")) == {"hub": 1.0, "a": 0.0, "b": 0.0, "c": 0.0}
    # c lies on every path from {a, b} to {d, e, f}: 6 of the 10 pairs of the other actors.
    bowtie_scores = values(network.centrality(bowtie(), "betweenness", kinds=["alliance"]))
    assert bowtie_scores["c"] == bowtie_scores["d"] == 0.6
    assert bowtie_scores["a"] == bowtie_scores["e"] == 0.0


def test_pagerank_by_hand() -> None:
    # Star, damping 0.85, dangling leaves spread evenly: h = 0.0375 + 0.6375 l and h + 3 l = 1.
    scores = values(network.centrality(star(), "pagerank"))
    assert scores["hub"] == pytest.approx(0.206186, abs=1e-5)
    assert scores["a"] == pytest.approx(0.264605, abs=1e-5)
    # Two actors, x → y: x = 0.075 + 0.425 y with x + y = 1.
    pair = nx.MultiDiGraph()
    pair.add_edge("x", "y", key="s", kind="support")
    assert values(network.centrality(pair, "pagerank")) == pytest.approx({"x": 0.350877, "y": 0.649123}, abs=1e-5)
    # A symmetric relation counts both ways: an allied triangle is even.
    triangle = nx.MultiDiGraph()
    for u, v in [("p", "q"), ("q", "r"), ("p", "r")]:
        triangle.add_edge(u, v, key=u + v, kind="alliance", symmetric=True)
    assert values(network.centrality(triangle, "pagerank")) == pytest.approx(dict.fromkeys("pqr", 1 / 3), abs=1e-5)


def test_limit_and_kinds() -> None:
    # Alliances only: c and d have 3 allies each, the others 2.
    assert [s.id for s in network.centrality(bowtie(), "degree", kinds=["alliance"], limit=2)] == ["c", "d"]
    # Every kind: a also fights f, so a, c, d and f are related to 3 of 5 others; ties by id.
    assert [s.id for s in network.centrality(bowtie(), "degree", limit=2)] == ["a", "c"]
    assert network.centrality(star(), "degree", kinds=["hostility"]) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "fame"}, "fame"),
        ({"metric": "degree", "limit": 0}, "limit"),
        ({"metric": "degree", "kinds": ["gossip"]}, "gossip"),
    ],
)
def test_bad_centrality_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(kg.InvalidInput, match=message):
        network.centrality(star(), **kwargs)


def test_brokers_and_bridges_of_a_bowtie() -> None:
    result = network.brokers(bowtie())
    assert [(s.id, s.value) for s in result.actors] == [("c", 0.6), ("d", 0.6)]
    # One bridge, c - d, resting on two statements; hostilities are not part of the network.
    assert [[e.statement for e in bridge] for bridge in result.bridges] == [["cd", "c-backs-d"]]


def test_seed_centrality_on_2024_11_30(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30")
    # HTS is related to the most actors (six designating authorities, the government it fights,
    # the forces it leads), Russia to nearly as many; HTS is also the most pointed-to (PageRank).
    top = [s.id for s in network.centrality(G, "degree", limit=3)]
    assert {"hayat-tahrir-al-sham", "russia"} <= set(top)
    assert "hayat-tahrir-al-sham" in [s.id for s in network.centrality(G, "pagerank", limit=3)]
    scores = network.centrality(G, "betweenness")
    assert [s.value for s in scores] == sorted((s.value for s in scores), reverse=True)


def test_seed_brokers_of_the_alliance_network(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30")
    result = network.brokers(G)
    # Russia ties the Syrian army and Assad to the government side; Turkey ties the SNA and the
    # unnamed factions it backs.
    assert {"russia", "turkey"} <= {s.id for s in result.actors}
    assert all(e.sources for bridge in result.bridges for e in bridge)
    assert all(e.kind in ("support", "alliance") for bridge in result.bridges for e in bridge)


def test_betweenness_of_a_large_network_is_estimated_repeatably() -> None:
    G = nx.MultiDiGraph()
    size = EXACT_BETWEENNESS + 100
    for i in range(size - 1):
        G.add_edge(f"n{i:03d}", f"n{i + 1:03d}", key=f"s{i}", kind="alliance", symmetric=True)
    first = network.centrality(G, "betweenness", limit=5)
    assert first == network.centrality(G, "betweenness", limit=5)
    # On a line the middle carries the most shortest paths; the estimate keeps it near the top.
    assert all(abs(int(s.id[1:]) - size // 2) < size // 4 for s in first)


def test_the_betweenness_sample_shrinks_as_the_graph_grows(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("kg.network.centrality")  # the package exports a function of that name
    monkeypatch.setattr(module, "BETWEENNESS_WORK", 250_000)  # a smaller budget keeps the test quick
    assert module.betweenness_sample(nx.path_graph(EXACT_BETWEENNESS)) is None
    assert module.betweenness_sample(nx.path_graph(EXACT_BETWEENNESS + 1)) == module.BETWEENNESS_SAMPLE
    middle = nx.path_graph(1501)
    assert module.MIN_BETWEENNESS_SAMPLE < module.betweenness_sample(middle) < module.BETWEENNESS_SAMPLE
    assert module.betweenness_sample(nx.path_graph(50_000)) == module.MIN_BETWEENNESS_SAMPLE
    # centrality and brokers estimate from that many actors
    seen = []
    real = nx.betweenness_centrality
    monkeypatch.setattr(
        module.nx, "betweenness_centrality", lambda H, k=None, **kw: seen.append(k) or real(H, k=k, **kw)
    )
    G = nx.MultiDiGraph()
    for i in range(1500):
        G.add_edge(f"n{i}", f"n{i + 1}", key=f"s{i}", kind="alliance", symmetric=True)
    network.centrality(G, "betweenness", limit=1)
    network.brokers(G, kinds=["alliance"])
    assert seen == [module.betweenness_sample(middle)] * 2
