"""Direct edges and as-of bounds are derived by the loader from statement nodes, never from claims."""

from __future__ import annotations

import pytest

import kg
from kg.namespaces import SRC

ARTICLE = SRC + "aleppo-offensive-article"
TIMELINE = SRC + "offensive-timeline"

#: Every statement whose class carries a ck:derivesEdge rule, with its two ends.
STATEMENT_ENDS = """
    ?st a ?kind .
    ?kind ck:derivesEdge [ ck:edgeProperty ?edge ; ck:fromRole ?fromRole ; ck:toRole ?toRole ] .
    ?st ?fromRole ?a ; ?toRole ?b .
"""


@pytest.mark.parametrize(
    ("edge", "graph"),
    [
        ("id:russia ck:backs id:syrian-government", ARTICLE),
        ("id:russia ck:backs id:syrian-government", TIMELINE),
        ("id:iran ck:backs id:syrian-government", ARTICLE),
        ("id:united-states ck:backs id:syrian-democratic-forces", ARTICLE),
        ("id:turkey ck:designates id:hayat-tahrir-al-sham", SRC + "turkey-designations"),
        ("id:hts-led-rebels ck:controls id:aleppo", ARTICLE),
        ("id:turkey ck:participatedIn id:idlib-de-escalation-agreement-2020", ARTICLE),
        ('id:hayat-tahrir-al-sham ck:formerlyKnownAs "Nusra Front"@en', ARTICLE),
        ("id:syrian-army ck:partOf id:syrian-government", ARTICLE),
    ],
)
def test_direct_edge_is_derived_in_the_statements_graph(bundled_store, edge, graph):
    assert bundled_store.ask(f"ASK {{ GRAPH <{graph}> {{ {edge} }} }}")


@pytest.mark.parametrize(
    ("a", "edge", "b"),
    [
        ("bashar-al-assad", "alliedWith", "russia"),
        ("hayat-tahrir-al-sham", "opposes", "syrian-government"),
        ("russia", "opposes", "hts-led-rebels"),
        ("syrian-national-army", "opposes", "syrian-democratic-forces"),
    ],
)
def test_symmetric_edges_go_both_ways(bundled_store, a, edge, b):
    assert bundled_store.ask(f"ASK {{ id:{a} ck:{edge} id:{b} . id:{b} ck:{edge} id:{a} }}")


@pytest.mark.parametrize(
    ("a", "edge", "b"),
    [("syrian-government", "backs", "russia"), ("syrian-government", "leads", "bashar-al-assad")],
)
def test_asymmetric_edges_go_one_way(bundled_store, a, edge, b):
    assert bundled_store.ask(f"ASK {{ id:{b} ck:{edge} id:{a} }}")
    assert not bundled_store.ask(f"ASK {{ id:{a} ck:{edge} id:{b} }}")


def test_every_statement_has_its_direct_edge(bundled_store):
    assert bundled_store.ask("ASK { " + STATEMENT_ENDS + " }")
    missing = bundled_store.select(
        "SELECT ?st ?edge WHERE { " + STATEMENT_ENDS + " FILTER NOT EXISTS { ?a ?edge ?b } }"
    )
    assert missing == []


def test_every_direct_edge_rests_on_a_statement(bundled_store):
    unsupported = bundled_store.select(
        """
        SELECT ?a ?edge ?b WHERE {
          ?kind ck:derivesEdge [ ck:edgeProperty ?edge ; ck:fromRole ?fromRole ; ck:toRole ?toRole ] .
          ?a ?edge ?b .
          FILTER NOT EXISTS { ?st a ?kind ; ?fromRole ?a ; ?toRole ?b }
          FILTER NOT EXISTS { ?st a ?kind ; ?fromRole ?b ; ?toRole ?a .
                              ?edge a owl:SymmetricProperty }
        }
        """
    )
    assert unsupported == []


def test_claim_propositions_never_become_edges(bundled_store):
    # Positive control: the same pattern over statements finds edges.
    assert bundled_store.ask("ASK { " + STATEMENT_ENDS + " ?a ?edge ?b }")
    leaked = bundled_store.select(
        """
        SELECT ?proposition ?a ?edge ?b WHERE {
          ?claim ck:proposition ?proposition .
          ?proposition a ck:Proposition ; ck:statementKind ?kind ; ?fromRole ?a ; ?toRole ?b .
          ?kind ck:derivesEdge [ ck:edgeProperty ?edge ; ck:fromRole ?fromRole ; ck:toRole ?toRole ] .
          ?a ?edge ?b .
          FILTER NOT EXISTS { ?st a ?kind ; ?fromRole ?a ; ?toRole ?b }
        }
        """
    )
    assert leaked == []


def test_accused_states_back_nobody_but_the_sdf(bundled_store):
    """Iran's accusation (a claim) must not make the US or Israel backers of the rebels."""
    assert not bundled_store.ask("ASK { id:israel ck:backs ?x }")
    backed = bundled_store.select("SELECT DISTINCT ?x WHERE { id:united-states ck:backs ?x }")
    assert [r["x"] for r in backed] == ["https://w3id.org/conflict-kg/id/syrian-democratic-forces"]
    assert not bundled_store.ask(
        "ASK { ?anyone ck:backs ?rebels VALUES ?rebels { id:hts-led-rebels id:hayat-tahrir-al-sham } }"
    )


def test_propositions_get_no_dates_or_bounds(bundled_store):
    assert bundled_store.ask("ASK { ?p a ck:Proposition }")
    assert not bundled_store.ask(
        """
        ASK { ?p a ck:Proposition ; ?bound ?d
              VALUES ?bound { ck:earliestStart ck:latestStart ck:earliestEnd ck:latestEnd } }
        """
    )


@pytest.mark.parametrize(
    ("statement", "graph", "bounds"),
    [
        # days: the start and the end (the fall of the Assad government) are both full dates
        (
            "russia-air-support-syrian-government",
            TIMELINE,
            {
                "earliestStart": "2015-09-30",
                "latestStart": "2015-09-30",
                "earliestEnd": "2024-12-08",
                "latestEnd": "2024-12-08",
            },
        ),
        # a month end narrowed to two days (the first day without the proscription is 10 or 11
        # November 2025: ck:endNotBefore, ck:endNotAfter), a year start
        (
            "uk-designates-hts",
            SRC + "uk-proscription",
            {
                "earliestStart": "2017-01-01",
                "latestStart": "2017-12-31",
                "earliestEnd": "2025-11-10",
                "latestEnd": "2025-11-11",
            },
        ),
        # a year end, no start
        (
            "aleppo-rebels-held-parts-of-aleppo-until-2016",
            ARTICLE,
            {"earliestEnd": "2016-01-01", "latestEnd": "2016-12-31"},
        ),
    ],
)
def test_as_of_bounds_are_derived(bundled_store, statement, graph, bounds):
    rows = bundled_store.select(
        f"""
        SELECT ?p ?d WHERE {{ GRAPH <{graph}> {{
          st:{statement} ?p ?d
          VALUES ?p {{ ck:earliestStart ck:latestStart ck:earliestEnd ck:latestEnd }} }} }}
        """
    )
    assert {r["p"].rsplit("#", 1)[1]: r["d"].isoformat() for r in rows} == bounds


# --- removal -------------------------------------------------------------------------------------


def test_derived_edges_leave_with_their_source(loaded_store):
    assert kg.remove_source(loaded_store, ARTICLE) is True
    assert ARTICLE not in loaded_store.named_graphs()
    # stated only by the article: gone
    for edge in (
        "id:bashar-al-assad ck:alliedWith id:russia",
        "id:russia ck:alliedWith id:bashar-al-assad",
        "id:russia ck:opposes id:hts-led-rebels",
        "id:turkey ck:backs id:turkey-backed-rebel-factions",
    ):
        assert not loaded_store.ask(f"ASK {{ {edge} }}"), edge
    # also stated by the timeline: still there, now resting on the timeline alone
    assert loaded_store.ask(f"ASK {{ GRAPH <{TIMELINE}> {{ id:russia ck:backs id:syrian-government }} }}")
    assert loaded_store.ask("ASK { id:hayat-tahrir-al-sham ck:opposes id:syrian-government }")
    # resting on the timeline alone: Russia's backing is attested by the reports of the 2016
    # recapture of Aleppo and its air support is dated (2015-09-30); Iran's backing has no dated
    # source left (the timeline dates only its end), so it may hold but is no longer certain
    assert [r.subject.id for r in kg.backers(loaded_store, "syrian-government", at="2024-11-30")] == [
        "russia",
        "russia",
    ]
    maybe = kg.backers(loaded_store, "syrian-government", at="2024-11-30", include_unknown=True)
    assert sorted((r.subject.id, r.status_reason) for r in maybe) == [
        ("iran", "unattested"),
        ("russia", "attested"),
        ("russia", "started"),
    ]
    assert kg.remove_source(loaded_store, TIMELINE) is True
    assert not loaded_store.ask("ASK { id:russia ck:backs id:syrian-government }")


def test_removing_a_source_leaves_the_others_untouched(loaded_store, bundled_store):
    uk = SRC + "uk-proscription"
    expected = len(bundled_store) - len(bundled_store.triples(uk))
    assert kg.remove_source(loaded_store, uk) is True
    assert len(loaded_store) == expected
    assert "united-kingdom" not in {d.authority.id for d in kg.designations(loaded_store, "hayat-tahrir-al-sham")}
    assert not loaded_store.ask("ASK { id:united-kingdom ck:designates ?x }")
