"""The projection to networkx: which actors and statements, as of which day, with which attributes.

Fixture: tests/fixtures/network/crossroads.trig (the statements and their dates are drawn at the
top of the file); crossroads-second.trig dates one of its statements more precisely.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import network

FIXTURES = Path(__file__).parent / "fixtures" / "network"

UNDATED = {"nw-patron-backs-north", "nw-north-backs-militia", "nw-militia-allied-with-regime"}
UNDATED |= {"nw-militia-opposes-rebels", "nw-envoy-office-north"}


@pytest.fixture(scope="module")
def crossroads() -> kg.Store:
    store = kg.Store()
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    return store


def statements(G) -> set[str]:
    return {d["statement"] for _, _, d in G.edges(data=True)}


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # North's support started "2010": unknown during 2010, certain from its last day.
        ("2010-06-01", UNDATED),
        ("2010-12-31", UNDATED | {"nw-north-backs-regime"}),
        # The hostility starts 2011-03-15; South's support "2012-03" holds from 2012-03-31.
        ("2011-03-15", UNDATED | {"nw-north-backs-regime", "nw-rebels-oppose-regime"}),
        ("2012-03-30", UNDATED | {"nw-north-backs-regime", "nw-rebels-oppose-regime"}),
        (
            "2016-01-01",
            UNDATED
            | {"nw-north-backs-regime", "nw-rebels-oppose-regime", "nw-south-backs-rebels"}
            | {"nw-south-designates-militia", "nw-north-designates-rebels"},
        ),
        # The designation ended "2019": unknown during 2019, over on 2019-12-31.
        (
            "2019-06-01",
            UNDATED
            | {"nw-north-backs-regime", "nw-rebels-oppose-regime", "nw-south-backs-rebels"}
            | {"nw-north-designates-rebels"},
        ),
        # 2020-06-15 is the first day without South's support.
        (
            "2020-06-14",
            UNDATED
            | {"nw-north-backs-regime", "nw-rebels-oppose-regime", "nw-south-backs-rebels"}
            | {"nw-north-designates-rebels"},
        ),
        ("2020-06-15", UNDATED | {"nw-north-backs-regime", "nw-rebels-oppose-regime", "nw-north-designates-rebels"}),
    ],
)
def test_only_what_certainly_holds_on_the_day(crossroads: kg.Store, at: str, expected: set[str]) -> None:
    assert statements(network.project(crossroads, at)) == expected


def test_actors_are_nodes_with_their_attributes(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01")
    # Every actor, even one without an edge that day; never a place.
    assert set(G.nodes) == {"nw-patron", "nw-north", "nw-south", "nw-regime", "nw-rebels", "nw-militia", "nw-envoy"}
    assert G.nodes["nw-rebels"] == {
        "id": "nw-rebels",
        "iri": "https://w3id.org/conflict-kg/id/nw-rebels",
        "label": "Rebels",
        "types": ["armed-group"],
    }


def test_edges_are_keyed_by_statement_and_carry_dates_and_sources(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01")
    d = G.edges["nw-south", "nw-rebels", "nw-south-backs-rebels"]
    assert (d["kind"], d["group"], d["start"], d["end"], d["status"]) == (
        "support",
        "support",
        "2012-03",
        "2020-06-15",
        "holds",
    )
    assert d["support_kinds"] == ["training"] and d["symmetric"] is False and d["claim"] is False
    [citation] = d["sources"]
    assert (citation.source.id, citation.locators) == ("nw-crossroads", ["row 5"])
    assert G.edges["nw-north", "nw-regime", "nw-north-backs-regime"]["support_kinds"] == ["air", "weapons"]


def test_symmetric_kinds_are_one_edge_marked_symmetric(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01")
    assert G.has_edge("nw-rebels", "nw-regime", "nw-rebels-oppose-regime")
    assert not G.has_edge("nw-regime", "nw-rebels")
    assert G.edges["nw-rebels", "nw-regime", "nw-rebels-oppose-regime"]["symmetric"] is True
    assert G.edges["nw-militia", "nw-regime", "nw-militia-allied-with-regime"]["symmetric"] is True


def test_designations_point_from_authority_to_designee(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01", kinds=["designation"])
    assert sorted((u, v) for u, v in G.edges()) == [("nw-north", "nw-rebels"), ("nw-south", "nw-militia")]


@pytest.mark.parametrize(
    ("at", "included"),
    [("2014-01-31", False), ("2014-02-01", True), ("2016-01-01", True)],
)
def test_claims_only_when_asked_and_once_made(crossroads: kg.Store, at: str, included: bool) -> None:
    assert not any(d["claim"] for _, _, d in network.project(crossroads, at).edges(data=True))
    G = network.project(crossroads, at, include_claims=True)
    claims = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d["claim"]]
    if not included:
        assert claims == []
        return
    [(u, v, key, d)] = claims
    assert (u, v, key) == ("nw-north", "nw-rebels", "nw-claim-north-arms-rebels")
    assert (d["kind"], d["proposition_kind"], d["claim_kind"], d["claimants"]) == (
        "claim",
        "support",
        "accusation",
        ["nw-regime"],
    )
    assert d["support_kinds"] == ["weapons"] and d["sources"][0].locators == ["row 12"]
    # The accusation never becomes a support statement.
    assert not any(d["kind"] == "support" for d in G.get_edge_data("nw-north", "nw-rebels").values())


def test_kinds_and_actor_types_filter(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2016-01-01", kinds=["hostility"])
    assert statements(G) == {"nw-rebels-oppose-regime", "nw-militia-opposes-rebels"}
    states = network.project(crossroads, "2016-01-01", actor_types=["state"])
    assert set(states.nodes) == {"nw-patron", "nw-north", "nw-south"}
    assert statements(states) == {"nw-patron-backs-north"}
    groups = network.project(crossroads, "2016-01-01", actor_types=["armed-group", "government"])
    assert statements(groups) == {
        "nw-militia-allied-with-regime",
        "nw-rebels-oppose-regime",
        "nw-militia-opposes-rebels",
    }


def test_two_sources_intersect_their_dates_and_can_be_filtered(store: kg.Store) -> None:
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    # The first source alone: "2010" is not yet certain on 2010-06-01.
    assert "nw-north-backs-regime" not in statements(network.project(store, "2010-06-01"))
    kg.load_files(store, [FIXTURES / "crossroads-second.trig"])
    # With "2010-05" from the second source the start is certain from 2010-05-31.
    assert "nw-north-backs-regime" not in statements(network.project(store, "2010-05-30"))
    G = network.project(store, "2010-06-01")
    d = G.edges["nw-north", "nw-regime", "nw-north-backs-regime"]
    assert d["start"] == "2010-05"
    assert [(c.source.id, c.paragraphs, c.locators) for c in d["sources"]] == [
        ("nw-crossroads", [], ["row 2"]),
        ("nw-second", [3, 4], []),
    ]
    only = network.project(store, "2016-01-01", sources=["nw-second"])
    assert statements(only) == {"nw-north-backs-regime"}
    [citation] = only.edges["nw-north", "nw-regime", "nw-north-backs-regime"]["sources"]
    assert citation.source.id == "nw-second"


def test_all_statements_with_their_status(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2010-06-01", holding_only=False)
    status = {d["statement"]: d["status"] for _, _, d in G.edges(data=True)}
    assert status["nw-north-backs-regime"] == "unknown"
    assert status["nw-south-backs-rebels"] == "does-not-hold"
    assert status["nw-patron-backs-north"] == "holds"
    assert len(status) == 10


def test_projection_is_recomputed_after_a_write(store: kg.Store) -> None:
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    assert network.project(store, "2016-01-01").number_of_edges() == 10
    kg.remove_source(store, "https://w3id.org/conflict-kg/source/nw-crossroads")
    assert network.project(store, "2016-01-01").number_of_edges() == 0


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"at": "2016-13-01"}, kg.InvalidInput, "not a valid date"),
        ({"at": "2016"}, kg.InvalidInput, "full date"),
        ({"kinds": ["friendship"]}, kg.InvalidInput, "friendship"),
        ({"kinds": []}, kg.InvalidInput, "none given"),
        ({"actor_types": ["planet"]}, kg.InvalidInput, "planet"),
        ({"sources": ["nowhere"]}, kg.NotFound, "nowhere"),
    ],
)
def test_bad_options_say_what_is_wrong(crossroads: kg.Store, options: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        network.project(crossroads, **options)


def test_seed_graph_on_2024_11_30(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30")
    backers = sorted(u for u, _, d in G.in_edges("syrian-government", data=True) if d["kind"] == "support")
    assert backers == ["iran", "russia", "russia"]
    # Places and events are never nodes; claims are no edges.
    assert "aleppo" not in G and "aleppo-offensive-2024" not in G
    assert not any(d["claim"] for _, _, d in G.edges(data=True))
    designators = {u for u, _, d in G.in_edges("hayat-tahrir-al-sham", data=True) if d["kind"] == "designation"}
    assert designators >= {"united-states", "russia", "turkey", "un-security-council", "united-kingdom", "canada"}


def test_seed_accusation_never_makes_the_us_a_backer(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2024-11-30", include_claims=True)
    us = {(v, d["kind"]) for _, v, d in G.out_edges("united-states", data=True)}
    assert ("hts-led-rebels", "claim") in us
    assert ("hts-led-rebels", "support") not in us
    claimants = {c for _, v, d in G.out_edges("united-states", data=True) if d["claim"] for c in d["claimants"]}
    assert claimants == {"iranian-officials", "abbas-araghchi"}


def test_seed_designations_on_2026_11_25(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2026-11-25", kinds=["designation"])
    assert {u for u, _ in G.in_edges("hayat-tahrir-al-sham")} == {"russia", "turkey"}


def test_a_projection_is_kept_frozen_until_the_store_changes(store: kg.Store) -> None:
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    first = network.project(store, "2010-06-01")
    assert network.project(store, "2010-06-01") is first  # same day and options: the same graph
    assert network.project(store, "2010-06-01", kinds=["support"]) is not first
    with pytest.raises(nx.NetworkXError):
        first.add_edge("nw-north", "nw-regime", key="made-up")  # shared between callers: read-only
    kg.load_files(store, [FIXTURES / "crossroads-second.trig"])
    again = network.project(store, "2010-06-01")
    assert again is not first
    assert "nw-north-backs-regime" in statements(again) and "nw-north-backs-regime" not in statements(first)


def test_paths_on_a_frozen_projection_follow_each_request_s_options() -> None:
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", key="s1", kind="support")
    G.add_edge("c", "b", key="h1", kind="hostility", symmetric=True)
    G = nx.freeze(G)
    assert [p.nodes for p in network.paths(G, "a", "c")] == [["a", "b", "c"]]
    assert network.paths(G, "a", "c", kinds=["support"]) == []  # steps remembered per kinds
    assert network.paths(G, "b", "a") == []
    assert [p.nodes for p in network.paths(G, "b", "a", ignore_direction=True)] == [["b", "a"]]
    assert [p.nodes for p in network.paths(G, "a", "c")] == [["a", "b", "c"]]
