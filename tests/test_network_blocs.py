"""Blocs of the positive network and who fights whom across them; structural balance and triads."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import network

FIXTURES = Path(__file__).parent / "fixtures" / "network"


def two_camps() -> nx.MultiDiGraph:
    """Allied triangles a-b-c and d-e-f tied by one support c → d; fights a = f (across), a = b
    (inside a camp) and z = a (z belongs to no camp).

    Modularity by hand (7 positive links): two camps 2 × (3/7 − (7/14)²) = 0.357 beats one camp (0).
    """
    G = nx.MultiDiGraph()
    for u, v in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")]:
        G.add_edge(u, v, key=f"{u}{v}", kind="alliance", symmetric=True)
    G.add_edge("c", "d", key="c-backs-d", kind="support")
    for u, v in [("a", "f"), ("a", "b"), ("z", "a")]:
        G.add_edge(u, v, key=f"{u}-fights-{v}", kind="hostility", symmetric=True)
    return G


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, [["a", "b", "c"], ["d", "e", "f"]]),
        ({"method": "greedy"}, [["a", "b", "c"], ["d", "e", "f"]]),
        ({"method": "components"}, [["a", "b", "c", "d", "e", "f"]]),
        ({"resolution": 0.01}, [["a", "b", "c", "d", "e", "f"]]),
        ({"kinds": ["alliance"]}, [["a", "b", "c"], ["d", "e", "f"]]),
        ({"kinds": ["hostility"], "method": "components"}, [["a", "b", "f", "z"]]),
    ],
)
def test_blocs_by_hand(options: dict, expected: list[list[str]]) -> None:
    assert [b.members for b in network.blocs(two_camps(), **options)] == expected


def test_blocs_are_stable_between_runs() -> None:
    runs = {tuple(tuple(b.members) for b in network.blocs(two_camps(), seed=7)) for _ in range(5)}
    assert len(runs) == 1


def test_fights_placed_between_blocs() -> None:
    G = two_camps()
    conflicts = network.bloc_conflicts(G, network.blocs(G))
    assert [(c.bloc_a, c.bloc_b, c.within, c.edge.statement) for c in conflicts] == [
        (1, 1, True, "a-fights-b"),
        (1, 2, False, "a-fights-f"),
        (None, 1, False, "z-fights-a"),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"method": "astrology"}, "astrology"), ({"resolution": 0}, "resolution"), ({"kinds": ["kinship"]}, "kinship")],
)
def test_bad_bloc_arguments(options: dict, message: str) -> None:
    with pytest.raises(kg.InvalidInput, match=message):
        network.blocs(two_camps(), **options)


def triangle(signs: str) -> nx.MultiDiGraph:
    """Actors a, b, c with the pairs (a, b), (a, c), (b, c) signed by ``signs`` ('+' support, '-' hostility)."""
    G = nx.MultiDiGraph()
    for (u, v), sign in zip([("a", "b"), ("a", "c"), ("b", "c")], signs, strict=True):
        if sign == "+":
            G.add_edge(u, v, key=f"{u}{v}", kind="support")
        else:
            G.add_edge(u, v, key=f"{u}{v}", kind="hostility", symmetric=True)
    return G


@pytest.mark.parametrize(
    ("signs", "pattern", "balanced", "reading"),
    [
        ("+++", "+++", True, "friends of friends"),
        ("+--", "+--", True, "the enemy of my enemy is my friend"),
        ("-+-", "+--", True, "the enemy of my enemy is my friend"),
        ("++-", "++-", False, "a hostility between two friends of the same actor"),
        ("---", "---", False, "three mutual enemies"),
    ],
)
def test_triads_by_pattern(signs: str, pattern: str, balanced: bool, reading: str) -> None:
    [t] = network.triads(triangle(signs))
    assert (t.nodes, t.pattern, t.balanced, t.reading) == (["a", "b", "c"], pattern, balanced, reading)
    assert [(s.a, s.b, s.sign, [e.statement for e in s.edges]) for s in t.sides] == [
        ("a", "b", 1 if signs[0] == "+" else -1, ["ab"]),
        ("a", "c", 1 if signs[1] == "+" else -1, ["ac"]),
        ("b", "c", 1 if signs[2] == "+" else -1, ["bc"]),
    ]
    summary = network.balance(triangle(signs))
    assert (summary.balanced, summary.unbalanced, summary.ratio) == (int(balanced), int(not balanced), float(balanced))


def test_a_mixed_pair_closes_no_triad() -> None:
    G = triangle("+++")
    G.add_edge("a", "b", key="ab-war", kind="hostility", symmetric=True)
    assert network.triads(G) == []
    summary = network.balance(G)
    assert summary.ratio is None
    assert [[e.statement for e in pair] for pair in summary.mixed] == [["ab-war", "ab"]]
    assert network.signed_graph(G).edges["a", "b"]["sign"] == 0


def test_balance_filters_and_errors() -> None:
    G = triangle("++-")
    assert network.triads(G, balanced=True) == []
    assert len(network.triads(G, balanced=False)) == 1
    assert network.balance(G, limit=0).triads == [] and network.balance(G, limit=0).unbalanced == 1
    with pytest.raises(kg.InvalidInput, match="both positive and negative"):
        network.triads(G, positive=["support"], negative=["support"])


@pytest.fixture(scope="module")
def crossroads() -> kg.Store:
    store = kg.Store()
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    return store


def test_crossroads_blocs_and_balance(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01")
    # Positive links: patron-north, north-regime, north-militia, militia-regime, south-rebels.
    # Keeping the 4-actor camp whole (Q = 0.16 + 0.16) beats splitting off the patron (0.26).
    found = network.blocs(G)
    assert [b.members for b in found] == [
        ["nw-militia", "nw-north", "nw-patron", "nw-regime"],
        ["nw-rebels", "nw-south"],
    ]
    assert found[1].labels == {"nw-rebels": "Rebels", "nw-south": "South"}
    conflicts = network.bloc_conflicts(G, found)
    assert [(c.bloc_a, c.bloc_b, c.edge.statement) for c in conflicts] == [
        (1, 2, "nw-militia-opposes-rebels"),
        (2, 1, "nw-rebels-oppose-regime"),
    ]
    triads = network.triads(G)
    assert [(t.nodes, t.pattern, t.balanced) for t in triads] == [
        (["nw-militia", "nw-north", "nw-regime"], "+++", True),
        (["nw-militia", "nw-rebels", "nw-regime"], "+--", True),
    ]


def test_seed_blocs_russia_iran_against_the_turkey_backed_side(bundled_store: kg.Store) -> None:
    # 2024-12-01: the SNA-SDF hostility is attested from the reports of that day (Tel Rifaat)
    G = network.project(bundled_store, "2024-12-01")
    found = network.blocs(G)
    bloc_of = {m: b.id for b in found for m in b.members}
    assert bloc_of["russia"] == bloc_of["iran"] == bloc_of["syrian-government"]
    assert bloc_of["turkey"] == bloc_of["syrian-national-army"] == bloc_of["turkey-backed-rebel-factions"]
    assert bloc_of["united-states"] == bloc_of["syrian-democratic-forces"]
    assert len({bloc_of["russia"], bloc_of["turkey"], bloc_of["united-states"]}) == 3
    assert "hayat-tahrir-al-sham" not in bloc_of  # nobody backs or allies with HTS in the graph
    fights = {(c.edge.source, c.edge.target): (c.bloc_a, c.bloc_b) for c in network.bloc_conflicts(G, found)}
    assert fights[("hayat-tahrir-al-sham", "syrian-government")] == (None, bloc_of["russia"])
    assert fights[("syrian-national-army", "syrian-democratic-forces")] == (bloc_of["turkey"], bloc_of["united-states"])


def test_seed_balance_the_enemy_of_my_enemy(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30")
    summary = network.balance(G)
    # Russia backs the Syrian army; both fight the HTS-led rebels: balanced, "+--".
    [t] = [t for t in summary.triads if t.nodes == ["hts-led-rebels", "russia", "syrian-army"]]
    assert (t.pattern, t.balanced) == ("+--", True)
    assert [[e.statement for e in s.edges] for s in t.sides] == [
        ["russia-opposes-hts-led-rebels"],
        ["hts-led-rebels-oppose-syrian-army"],
        ["russia-backs-syrian-army"],
    ]
    assert t.sides[0].edges[0].sources[0].paragraphs == [1]  # 6 is the ministry's statement
    assert summary.balanced + summary.unbalanced == len(summary.triads)
