"""Designation exposure (designated actors and their backers) and change over time."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg
from kg import network

FIXTURES = Path(__file__).parent / "fixtures" / "network"


@pytest.fixture(scope="module")
def crossroads() -> kg.Store:
    store = kg.Store()
    kg.load_files(store, [FIXTURES / "crossroads.trig"])
    return store


def exposed(G: nx.MultiDiGraph, **options) -> list[tuple[str, list[str], list[tuple[str, str | None, str | None]]]]:
    return [
        (x.id, [e.source for e in x.designations], [(e.source, e.start, e.end) for e in x.backers])
        for x in network.designation_exposure(G, **options)
    ]


def test_exposure_by_hand() -> None:
    G = nx.MultiDiGraph()
    G.add_edge("state", "group", key="d1", kind="designation")
    G.add_edge("union", "group", key="d2", kind="designation")
    G.add_edge("patron", "group", key="s1", kind="support", start="2016")
    G.add_edge("state", "sect", key="d3", kind="designation")
    G.add_edge("patron", "friend", key="s2", kind="support")
    # group: 2 designations, 1 backer; sect: 1 designation, none; friend is not designated.
    assert exposed(G) == [("group", ["state", "union"], [("patron", "2016", None)]), ("sect", ["state"], [])]
    assert exposed(G, backed_only=True) == [("group", ["state", "union"], [("patron", "2016", None)])]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Both designations in force, each designee backed by the other side's patron.
        (
            "2016-01-01",
            [
                ("nw-militia", ["nw-south"], [("nw-north", None, None)]),
                ("nw-rebels", ["nw-north"], [("nw-south", "2012-03", "2020-06-15")]),
            ],
        ),
        # South's listing of the militia ended in 2019 and its support of the rebels on 2020-06-15.
        ("2021-01-01", [("nw-rebels", ["nw-north"], [])]),
        # Before any listing.
        ("2012-01-01", []),
    ],
)
def test_crossroads_exposure(crossroads: kg.Store, at: str, expected: list) -> None:
    assert exposed(network.project(crossroads, at, include_claims=True)) == expected


def test_seed_exposure(bundled_store: kg.Store) -> None:
    before = {x.id: x for x in network.designation_exposure(network.project(bundled_store, "2024-11-30"))}
    hts = before["hayat-tahrir-al-sham"]
    # Competency question 2, as a network: the authorities designating HTS that day, and no backer.
    authorities = {"united-states", "russia", "turkey", "un-security-council", "united-kingdom", "canada"}
    assert {e.source for e in hts.designations} >= authorities
    assert hts.backers == []
    us = [e for e in hts.designations if e.source == "united-states"]
    assert [(e.start, e.end) for e in us] == [("2012-12-10", "2025-07-08")]
    # al-Sharaa's UN listing has no listing date and no dated source before its end: it may hold
    # that day (unknown), so he is not certainly exposed
    assert "ahmed-al-sharaa" not in before
    everything = network.project(bundled_store, "2024-11-30", holding_only=False)
    listing = everything.edges["un-security-council", "ahmed-al-sharaa", "un-designates-ahmed-al-sharaa"]
    assert (listing["status"], listing["status_reason"]) == ("unknown", "unattested")
    # Competency question 3: on 2026-11-25 only Turkey and Russia still designate HTS.
    after = {x.id: x for x in network.designation_exposure(network.project(bundled_store, "2026-11-25"))}
    assert {e.source for e in after["hayat-tahrir-al-sham"].designations} == {"russia", "turkey"}
    assert "ahmed-al-sharaa" not in after  # taken off the UN list on 2025-11-06
    lifted = network.project(bundled_store, "2026-11-25", holding_only=False)
    listing = lifted.edges["un-security-council", "ahmed-al-sharaa", "un-designates-ahmed-al-sharaa"]
    assert (listing["status"], listing["status_reason"]) == ("does-not-hold", "ended")


def changed(G: nx.MultiDiGraph, start: str, end: str, **options) -> list[tuple[str, str | None, bool, str]]:
    return [(c.change, c.date, c.certain, c.edge.statement) for c in network.changes(G, start, end, **options)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            "2016-01-01",
            "2021-01-01",
            [
                ("ended", "2019", True, "nw-south-designates-militia"),
                ("ended", "2020-06-15", True, "nw-south-backs-rebels"),
            ],
        ),
        (
            "2010-06-01",
            "2012-12-31",
            [
                ("started", "2010", False, "nw-north-backs-regime"),  # "2010" straddles 2010-06-01
                ("started", "2011-03-15", True, "nw-rebels-oppose-regime"),
                ("started", "2012-03", True, "nw-south-backs-rebels"),
            ],
        ),
        ("2019-06-01", "2019-12-31", [("ended", "2019", False, "nw-south-designates-militia")]),
        # The period is (start, end]: a change on its first day happened before it, one on its last day in it.
        ("2011-03-15", "2012-12-31", [("started", "2012-03", True, "nw-south-backs-rebels")]),
        ("2011-03-14", "2011-03-15", [("started", "2011-03-15", True, "nw-rebels-oppose-regime")]),
        ("2021-01-01", "2030-01-01", []),
    ],
)
def test_crossroads_changes(crossroads: kg.Store, start: str, end: str, expected: list) -> None:
    G = network.project(crossroads, end, holding_only=False)
    assert changed(G, start, end) == expected
    assert changed(G, start, end, include_uncertain=False) == [c for c in expected if c[2]]


def test_changes_options_and_errors(crossroads: kg.Store) -> None:
    G = network.project(crossroads, "2014-12-31", holding_only=False, include_claims=True)
    assert (
        changed(G, "2014-01-01", "2014-12-31")
        == [
            ("started", "2014-02-01", True, "nw-claim-north-arms-rebels"),
            ("started", "2015-01-01", True, "nw-south-designates-militia"),
        ][:1]
    )
    assert changed(G, "2010-01-01", "2020-12-31", kinds=["designation"]) == [
        ("started", "2013-06-01", True, "nw-north-designates-rebels"),
        ("started", "2015-01-01", True, "nw-south-designates-militia"),
        ("ended", "2019", True, "nw-south-designates-militia"),
    ]
    with pytest.raises(kg.InvalidInput, match="holding_only=False"):
        network.changes(network.project(crossroads, "2016-01-01"), "2010-01-01", "2020-01-01")
    # the two days bound the period in either order; a one-day period has no changes
    assert changed(G, "2020-12-31", "2010-01-01", kinds=["designation"]) == changed(
        G, "2010-01-01", "2020-12-31", kinds=["designation"]
    )
    assert changed(G, "2016-01-01", "2016-01-01") == []
    with pytest.raises(kg.InvalidInput, match="date"):
        network.changes(G, "2020-02-30", "2021-01-01")


def test_seed_changes_between_the_offensive_and_two_years_later(bundled_store: kg.Store) -> None:
    G = network.project(bundled_store, "2026-11-25", holding_only=False)
    found = changed(G, "2024-11-30", "2026-11-25")
    # Competency question 3: the US designation ends, with the date its revocation took effect.
    assert ("ended", "2025-07-08", True, "us-designates-hts") in found
    assert {
        ("ended", "2024-12-08", True, "assad-president-of-syria"),
        ("started", "2025-01-29", True, "ahmed-al-sharaa-transitional-president-of-syria"),
        ("ended", "2025-11", True, "uk-designates-hts"),
        ("ended", "2025-12-05", True, "canada-designates-hts"),
        ("ended", "2026-02-27", True, "un-designates-hts"),
    } <= set(found)
    # The Russian and Turkish designations go on: no change.
    assert not {"russia-designates-hts", "turkey-designates-hts"} & {c[3] for c in found}
    assert all("2024-11-30" < (c[1] or "") <= "2026-11-25" for c in found)
    assert [c[1] for c in found] == sorted(c[1] or "" for c in found)
