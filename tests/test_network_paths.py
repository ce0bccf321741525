"""Paths between actors: on small named graphs worked out by hand, on the Crossroads fixture and on the
seed graph (competency question 10: how is Iran connected to HTS on 2024-11-30?)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import network

FIXTURES = Path(__file__).parent / "fixtures" / "network"


def diamond() -> nx.MultiDiGraph:
    """a → b → d and a → c → d (support), plus a symmetric hostility d = e and a second a → b.

    Hand count from a to e: a-b-d-e twice (two statements a → b) and a-c-d-e once, all three steps.
    """
    G = nx.MultiDiGraph()
    G.add_node("lonely", label="Lonely")
    G.add_edge("a", "b", key="ab1", kind="support", statement="ab1")
    G.add_edge("a", "b", key="ab2", kind="support", statement="ab2")
    G.add_edge("b", "d", key="bd", kind="support", statement="bd")
    G.add_edge("a", "c", key="ac", kind="support", statement="ac")
    G.add_edge("c", "d", key="cd", kind="support", statement="cd")
    G.add_edge("e", "d", key="ed", kind="hostility", statement="ed", symmetric=True)
    return G


def chain() -> nx.MultiDiGraph:
    """x → y → z (support) and a shortcut x ⇢ z that is a designation."""
    G = nx.MultiDiGraph()
    G.add_edge("x", "y", key="xy", kind="support")
    G.add_edge("y", "z", key="yz", kind="support")
    G.add_edge("x", "z", key="xz", kind="designation")
    return G


def steps(path: network.Path) -> list[tuple[str, str, str, bool]]:
    return [(e.source, e.statement, e.target, e.reversed) for e in path.edges]


def test_parallel_statements_give_separate_paths_shortest_first() -> None:
    found = network.paths(diamond(), "a", "e")
    assert [p.nodes for p in found] == [["a", "b", "d", "e"], ["a", "b", "d", "e"], ["a", "c", "d", "e"]]
    assert steps(found[0]) == [("a", "ab1", "b", False), ("b", "bd", "d", False), ("e", "ed", "d", True)]
    assert [e.statement for e in found[1].edges] == ["ab2", "bd", "ed"]


def test_direction_matters_unless_ignored() -> None:
    G = diamond()
    assert network.paths(G, "d", "a") == []
    back = network.paths(G, "d", "a", ignore_direction=True, max_length=2)
    assert [p.nodes for p in back] == [["d", "b", "a"], ["d", "b", "a"], ["d", "c", "a"]]
    assert all(e.reversed for p in back for e in p.edges)
    # A symmetric relation is walked both ways without ignoring direction.
    assert [p.nodes for p in network.paths(G, "d", "e")] == [["d", "e"]]


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (None, [["x", "z"], ["x", "y", "z"]]),
        (["support"], [["x", "y", "z"]]),
        (["designation"], [["x", "z"]]),
        (["hostility"], []),
    ],
)
def test_kinds_restrict_the_relations_walked(kinds: list[str] | None, expected: list[list[str]]) -> None:
    assert [p.nodes for p in network.paths(chain(), "x", "z", kinds=kinds)] == expected


def test_max_length_and_limit_bound_the_answer() -> None:
    G = diamond()
    assert network.paths(G, "a", "e", max_length=2) == []
    assert len(network.paths(G, "a", "e", limit=1)) == 1
    assert [p.nodes for p in network.paths(chain(), "x", "z", max_length=1)] == [["x", "z"]]


def test_shortest_paths_are_all_of_minimal_length() -> None:
    assert [p.nodes for p in network.shortest_paths(chain(), "x", "z")] == [["x", "z"]]
    assert len(network.shortest_paths(diamond(), "a", "e")) == 3
    assert network.shortest_paths(diamond(), "a", "lonely") == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda G: network.paths(G, "nobody", "a"), kg.NotFound, "nobody"),
        (lambda G: network.paths(G, "a", "nobody"), kg.NotFound, "nobody"),
        (lambda G: network.paths(G, "a", "a"), kg.InvalidInput, "same actor"),
        (lambda G: network.paths(G, "a", "e", max_length=0), kg.InvalidInput, "max_length"),
        (lambda G: network.paths(G, "a", "e", max_length=99), kg.InvalidInput, "max_length"),
        (lambda G: network.paths(G, "a", "e", limit=0), kg.InvalidInput, "limit"),
        (lambda G: network.paths(G, "a", "e", kinds=["friendship"]), kg.InvalidInput, "friendship"),
    ],
)
def test_bad_arguments(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call(diamond())


@pytest.fixture(scope="module")
def crossroads() -> kg.Store:
    store = kg.Store()
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    return store


def test_crossroads_how_north_and_south_are_connected(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01")
    fights = ["support", "alliance", "hostility"]
    # South backs the rebels: walking from North to South needs to go against a support.
    assert network.paths(G, "nw-north", "nw-south", kinds=fights, max_length=4) == []
    found = network.paths(G, "nw-north", "nw-south", kinds=fights, max_length=4, ignore_direction=True)
    assert [p.nodes for p in found] == [
        ["nw-north", "nw-militia", "nw-rebels", "nw-south"],
        ["nw-north", "nw-regime", "nw-rebels", "nw-south"],
        ["nw-north", "nw-militia", "nw-regime", "nw-rebels", "nw-south"],
        ["nw-north", "nw-regime", "nw-militia", "nw-rebels", "nw-south"],
    ]
    # Any relation, two steps: North backs the militia that South designates; North designates
    # the rebels that South backs.
    short = network.shortest_paths(G, "nw-north", "nw-south", ignore_direction=True)
    assert [[(e.kind, e.statement) for e in p.edges] for p in short] == [
        [("support", "nw-north-backs-militia"), ("designation", "nw-south-designates-militia")],
        [("designation", "nw-north-designates-rebels"), ("support", "nw-south-backs-rebels")],
    ]
    # In 2021 South no longer backs the rebels.
    later = network.project(crossroads, "2021-01-01")
    assert network.paths(later, "nw-north", "nw-south", max_length=6, ignore_direction=True) == []


def test_seed_how_iran_is_connected_to_hts(bundled_store: kg.Store) -> None:
    """Competency question 10: Iran backs the Syrian government, which HTS fights; each step sourced."""
    G = network.project(bundled_store, "2024-11-30")
    found = network.paths(G, "iran", "hayat-tahrir-al-sham")
    assert found, "no path from Iran to HTS"
    best = found[0]
    assert best.nodes == ["iran", "syrian-government", "hayat-tahrir-al-sham"]
    assert [(e.source, e.kind, e.target) for e in best.edges] == [
        ("iran", "support", "syrian-government"),
        ("hayat-tahrir-al-sham", "hostility", "syrian-government"),
    ]
    assert [e.statement for e in best.edges] == ["iran-backs-syrian-government", "hts-opposes-syrian-government"]
    # Each step rests on the article, with its paragraphs (other sources may add to it).
    cited = [{c.source.id: c.paragraphs for c in e.sources} for e in best.edges]
    assert cited[0]["aleppo-offensive-article"] == [12]
    assert cited[1]["aleppo-offensive-article"] == [2, 5]
    assert best.labels["hayat-tahrir-al-sham"] == "Hay'at Tahrir al-Sham"
    assert network.shortest_paths(G, "iran", "hayat-tahrir-al-sham") == [best]


def test_seed_claims_do_not_connect_the_us_to_the_rebels(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30", include_claims=True)
    facts = ["support", "alliance", "hostility", "membership", "leadership", "part-of", "affiliation"]
    assert network.paths(G, "united-states", "hts-led-rebels", kinds=facts, max_length=2) == []
    [claimed] = network.paths(G, "united-states", "hts-led-rebels", kinds=["claim"], max_length=1, limit=1)
    assert claimed.edges[0].claim and claimed.edges[0].proposition_kind == "support"
