"""The data audit of issue 18: each fix pinned on the bundled data.

Article paragraphs: 2 standfirst, 6 the Defence Ministry's statement (and a hedged remark), 8 the
airport according to the rebels and military sources, 10 the army's statements, 17 the
redeployment in the article's own voice. Reference rows: ``../shared/reference/facts.md``.
"""

from __future__ import annotations

import pytest

import kg
from kg.namespaces import SRC

HTS = "hayat-tahrir-al-sham"
ARTICLE = SRC + "aleppo-offensive-article"
TIMELINE = SRC + "offensive-timeline"


def _by(bundled_store, authority):
    [found] = [d for d in kg.designations(bundled_store, HTS, at="2024-11-30") if d.authority.id == authority]
    return found


# --- the airport: claim-only (paragraph 8 attributes it) -----------------------------------------


def test_airport_control_is_a_claim_and_no_edge(bundled_store):
    assert not bundled_store.ask("ASK { ?x ck:controls id:aleppo-international-airport }")
    assert not bundled_store.ask("ASK { ?st a ck:TerritorialControl ; ck:place id:aleppo-international-airport }")
    claimants = bundled_store.select(
        """
        SELECT DISTINCT ?who WHERE { GRAPH src:aleppo-offensive-article {
          ?c a ck:Claim ; ck:claimant ?who ; ck:citation/ck:paragraph 8 ;
             ck:proposition [ ck:controller id:hts-led-rebels ; ck:place id:aleppo-international-airport ] } }
        """
    )
    assert {r["who"].rsplit("/", 1)[1] for r in claimants} == {"hts-led-rebels", "military-sources"}
    # the capture the article states in its own voice is of parts of the city
    capture = kg.events(bundled_store, place="aleppo-international-airport")
    assert capture == []


# --- own-voice paragraphs instead of the ministry's (6) and the army's (10) statements -------------

FACTS_CITING = """
SELECT DISTINCT ?fact WHERE {{ GRAPH src:aleppo-offensive-article {{
  ?fact a ?type ; ck:citation/ck:paragraph {p} .
  FILTER NOT EXISTS {{ ?fact a ck:Claim }} }} }}
"""


def test_no_fact_rests_on_the_armys_statements(bundled_store):
    assert bundled_store.select(FACTS_CITING.format(p=10)) == []


def test_paragraph_6_backs_only_what_it_says_in_the_articles_voice(bundled_store):
    facts = {r["fact"].rsplit("/", 1)[1] for r in bundled_store.select(FACTS_CITING.format(p=6))}
    # the hedged remark on the attack (second sentence) and the naming of Russia's ministry and air force
    assert facts == {
        "aleppo-offensive-2024",
        "russian-defence-ministry-part-of-russia",
        "russian-air-force-part-of-russia",
    }
    strikes = {r.id: r for r in kg.relations(bundled_store, "russia", kind="support")}
    air = [s for s in strikes["russia-air-support-syrian-government"].sources if s.source.iri == ARTICLE]
    assert [s.paragraphs for s in air] == [[1]]


@pytest.mark.parametrize(
    ("fact", "paragraphs"),
    [
        ("syrian-army-redeployment-aleppo-2024", [17]),
        ("russian-airstrikes-2024-11", [1]),
    ],
)
def test_events_cite_the_articles_own_voice(bundled_store, fact, paragraphs):
    rows = bundled_store.select(
        f"SELECT ?p WHERE {{ GRAPH src:aleppo-offensive-article {{ id:{fact} ck:citation/ck:paragraph ?p }} }} "
        "ORDER BY ?p"
    )
    assert [r["p"] for r in rows] == paragraphs


# --- designations ----------------------------------------------------------------------------------


def test_un_2013_listing_is_entry_qde_115_and_qde_137_comes_in_2014(bundled_store):
    un = _by(bundled_store, "un-security-council")
    assert un.entry_id == "QDe.115"
    assert un.listed == "2013-05-30"
    entries = [(a.effective, a.entry_id) for a in un.amendments if a.entry_id]
    assert entries == [("2013-05-30", "QDe.115"), ("2014-05-14", "QDe.137")]


@pytest.mark.parametrize(
    ("day", "in_force"),
    [("2025-11-05", True), ("2025-11-09", True), ("2025-11-10", None), ("2025-11-11", False), ("2025-11-12", False)],
)
def test_uk_proscription_ends_on_10_or_11_november_2025(bundled_store, day, in_force):
    [uk] = [d for d in kg.designations(bundled_store, HTS, at=day) if d.authority.id == "united-kingdom"]
    assert uk.in_force is in_force
    assert uk.ended == "2025-11"  # the month stays the end date; the two days narrow it


def test_only_the_2020_russian_ruling_says_no_lifting_was_found(bundled_store):
    notes = {d.id: d.note for d in kg.designations(bundled_store, HTS) if d.authority.id == "russia"}
    assert "no lifting" in notes["russia-designates-hts"]
    assert "no lifting of the ban" not in notes["russia-designates-nusra-front-2014"]
    assert "say nothing about whether" in notes["russia-designates-nusra-front-2014"]


def test_us_names_al_nusrah_front_from_2012_and_its_alias_ends_in_2014(bundled_store):
    us = _by(bundled_store, "united-states")
    added = {a.effective: a.names_added for a in us.amendments}
    assert added["2012-12-10"] == ["al-Nusrah Front"]
    assert added["2014-05-15"] == []  # designated in its own right: no name added
    assert us.alias_of is None  # not an alias over the whole designation
    rows = bundled_store.select(
        "SELECT ?eff WHERE { st:us-designates-hts ck:amendment "
        "[ ck:aliasOf id:al-qaida-in-iraq ; ck:effectiveDate ?eff ] }"
    )
    assert [str(r["eff"]) for r in rows] == ["2012-12-10"]
    assert not bundled_store.ask("ASK { VALUES ?d { st:us-designates-hts st:un-designates-hts } ?d ck:aliasOf ?x }")


# --- inferred dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["russia-air-support-syrian-government", "russia-backs-syrian-government", "assad-president-of-syria"],
)
def test_inferred_dates_are_cited_as_partial_and_say_from_what(bundled_store, statement):
    rows = bundled_store.select(
        f"""
        SELECT ?locator ?v WHERE {{ GRAPH src:offensive-timeline {{
          st:{statement} ck:citation [ ck:locator ?locator ; ck:verification ?v ] }} }}
        """
    )
    inferred = [r for r in rows if "inferred" in r["locator"]]
    assert inferred and all(r["v"] == "partial" for r in inferred)
    assert any("2024-12-08" in r["locator"] for r in inferred)


def test_russian_air_support_dates_are_both_inferred(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?v WHERE { GRAPH src:offensive-timeline {
          st:russia-air-support-syrian-government ck:citation/ck:verification ?v } }
        """
    )
    assert {r["v"] for r in rows} == {"partial"}


@pytest.mark.parametrize(
    ("day", "status"),
    [("2024-11-28", "holds"), ("2024-11-29", "unknown"), ("2024-12-07", "unknown"), ("2024-12-08", "does-not-hold")],
)
def test_government_control_of_aleppo_ends_between_the_rebels_entry_and_the_fall(bundled_store, day, status):
    [control] = [
        r
        for r in kg.relations(bundled_store, "aleppo", kind="territorial-control", at=day)
        if r.id == "syrian-government-controls-aleppo-since-2016"
    ]
    assert control.status == status


# --- labels and identifiers ------------------------------------------------------------------------


def test_the_article_graph_holds_no_arabic_label_and_no_wikidata_id(bundled_store):
    assert not bundled_store.ask(
        "ASK { GRAPH src:aleppo-offensive-article { ?x ?p ?l FILTER(isLiteral(?l) && lang(?l) = 'ar') } }"
    )
    assert not bundled_store.ask("ASK { GRAPH src:aleppo-offensive-article { ?x skos:exactMatch ?q } }")
    # the reference sources still give them
    assert kg.entity(bundled_store, "russia").identifiers.get("wikidata") == "Q159"
    for ident, arabic in [(HTS, "هيئة تحرير الشام"), ("syrian-democratic-forces", "قوات سوريا الديمقراطية")]:
        rows = bundled_store.select(
            f"SELECT ?g WHERE {{ GRAPH ?g {{ id:{ident} skos:prefLabel ?l FILTER(lang(?l) = 'ar') }} }}"
        )
        assert [r["g"] for r in rows] == [SRC + "arabic-names"]
        assert kg.entity(bundled_store, ident).labels["ar"] == arabic


@pytest.mark.parametrize("ident", [HTS, "syrian-democratic-forces", "syrian-national-army"])
def test_no_label_is_both_preferred_and_alternative(bundled_store, ident):
    assert not bundled_store.ask(f"ASK {{ id:{ident} skos:prefLabel ?l ; skos:altLabel ?l }}")


# --- event types, hedges, former names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "not_type"),
    [("syrian-army-redeployment-aleppo-2024", "Withdrawal"), ("rebels-enter-aleppo-2024", "Capture")],
)
def test_event_types_are_no_stronger_than_the_text(bundled_store, event, not_type):
    types = {r["t"].rsplit("#", 1)[1] for r in bundled_store.select(f"SELECT ?t WHERE {{ id:{event} a ?t }}")}
    assert types == {"Event"}
    assert not_type not in types


def test_the_hedge_of_paragraph_6_is_kept(bundled_store):
    [row] = bundled_store.select(
        "SELECT ?n WHERE { GRAPH src:aleppo-offensive-article { id:aleppo-offensive-2024 ck:note ?n } }"
    )
    assert "regarded" in row["n"] and "boldest" in row["n"]


def test_one_former_name_one_edge(bundled_store):
    rows = bundled_store.select(
        "SELECT ?name ?g WHERE { GRAPH ?g { id:hayat-tahrir-al-sham ck:formerlyKnownAs ?name } }"
    )
    nusra = [(r["name"], r["g"]) for r in rows if "nusr" in r["name"].lower()]
    assert nusra == [("Nusra Front", ARTICLE)]
