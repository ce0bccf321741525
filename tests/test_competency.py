"""The twelve competency questions (/work/shared/competency-questions.md), each answered twice:
through the Python API and through SPARQL written here, both with the answer's sources.

Expected answers are worked out by hand from data/sources/aleppo-offensive-article.trig and
data/reference/*.trig.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

import kg
from kg.models import Citation
from kg.namespaces import CK, ID, SRC, ST, slug
from kg.terms import iri
from kg.text import search_key

OFFENSIVE_DAY = "2024-11-30"
LATER_DAY = "2026-11-25"
ARTICLE = "aleppo-offensive-article"
TIMELINE = "offensive-timeline"
HTS = "hayat-tahrir-al-sham"

#: The as-of rule in SPARQL: the statement ?st certainly holds on ?at (see kg.timeline).
HOLDS_AT = """
    FILTER NOT EXISTS { ?st ck:latestStart ?ls FILTER(?ls > ?at) }
    FILTER NOT EXISTS { ?st ck:earliestEnd ?ee FILTER(?ee <= ?at) }
"""


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def by_source(citations: list[Citation]) -> dict[str, Citation]:
    return {c.source.id: c for c in citations}


def assert_sourced(citations: list[Citation]) -> None:
    """At least one citation, each saying where in its source (paragraphs or a locator)."""
    assert citations
    for c in citations:
        assert c.paragraphs or c.locators, c


def rows_by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


# ---------------------------------------------------------------------------------------------
# Q1 Who backs the Syrian government on 2024-11-30?  Russia (with air support) and Iran.
# ---------------------------------------------------------------------------------------------


def test_q1_backers_of_syrian_government_api(bundled_store):
    found = kg.backers(bundled_store, "syrian-government", at=OFFENSIVE_DAY)
    assert {r.subject.id for r in found} == {"russia", "iran"}
    assert {r.subject.id for r in found if "air" in r.support_kinds} == {"russia"}
    for r in found:
        assert r.object.id == "syrian-government"
        assert r.status == "holds"
        assert by_source(r.sources)[ARTICLE].paragraphs, r.id
    paragraphs = {r.id: by_source(r.sources)[ARTICLE].paragraphs for r in found}
    assert paragraphs == {
        # the headline (1) says it in the article's voice; paragraph 6 is the ministry's statement
        "russia-air-support-syrian-government": [1],
        "russia-backs-syrian-government": [12],
        "iran-backs-syrian-government": [12],
    }


def test_q1_backers_of_syrian_government_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?backer ?st ?kind ?source ?paragraph ?at WHERE {
          ?st a ck:Support ; ck:subject ?backer ; ck:object id:syrian-government ;
              ck:supportKind ?kind ; ck:citation ?c .
          ?c ck:source ?source .
          OPTIONAL { ?c ck:paragraph ?paragraph }
          """
        + HOLDS_AT
        + "}",
        {"at": day(OFFENSIVE_DAY)},
    )
    assert {slug(r["backer"]) for r in rows} == {"russia", "iran"}
    assert {(slug(r["backer"]), r["kind"]) for r in rows} >= {("russia", CK + "AirSupport")}
    for statement, cites in rows_by(rows, "st").items():
        article = {r["paragraph"] for r in cites if r["source"] == SRC + ARTICLE and "paragraph" in r}
        assert article, f"{statement} has no article paragraph"


# ---------------------------------------------------------------------------------------------
# Q2 Which authorities designate HTS on 2024-11-30?  US, Russia, Turkey (article); UN, UK, Canada.
# ---------------------------------------------------------------------------------------------

ALL_DESIGNATORS_2024 = {"united-states", "russia", "turkey", "un-security-council", "united-kingdom", "canada"}


def test_q2_designations_of_hts_2024_api(bundled_store):
    found = kg.designations(bundled_store, HTS, at=OFFENSIVE_DAY)
    in_force = [d for d in found if d.in_force]
    assert {d.authority.id for d in in_force} == ALL_DESIGNATORS_2024
    assert all(d.in_force for d in found)
    named_by_article = {d.authority.id for d in in_force if ARTICLE in by_source(d.sources)}
    assert named_by_article == {"united-states", "russia", "turkey"}
    for d in in_force:
        assert_sourced(d.sources)
        if ARTICLE in by_source(d.sources):
            assert by_source(d.sources)[ARTICLE].paragraphs == [7]


def test_q2_designations_of_hts_2024_sparql(bundled_store):
    query = (
        """
        SELECT ?authority ?st ?source ?at WHERE {
          ?st a ck:Designation ; ck:designee id:hayat-tahrir-al-sham ; ck:authority ?authority ;
              ck:citation/ck:source ?source .
          """
        + HOLDS_AT
        + "}"
    )
    rows = bundled_store.select(query, {"at": day(OFFENSIVE_DAY)})
    assert {slug(r["authority"]) for r in rows} == ALL_DESIGNATORS_2024
    from_article = {slug(r["authority"]) for r in rows if r["source"] == SRC + ARTICLE}
    assert from_article == {"united-states", "russia", "turkey"}
    paragraphs = bundled_store.select(
        """
        SELECT DISTINCT ?p WHERE { GRAPH src:aleppo-offensive-article {
          ?st a ck:Designation ; ck:citation/ck:paragraph ?p } }
        """
    )
    assert [r["p"] for r in paragraphs] == [7]


# ---------------------------------------------------------------------------------------------
# Q3 Which authorities designate HTS on 2026-11-25?  Turkey and Russia; the US ended 2025-07-08.
# ---------------------------------------------------------------------------------------------


def test_q3_designations_of_hts_2026_api(bundled_store):
    found = kg.designations(bundled_store, HTS, at=LATER_DAY)
    assert {d.authority.id for d in found if d.in_force} == {"turkey", "russia"}
    only = kg.designations(bundled_store, HTS, at=LATER_DAY, in_force_only=True)
    assert {d.authority.id for d in only} == {"turkey", "russia"}
    us = [d for d in found if d.authority.id == "united-states"]
    assert len(us) == 1
    assert us[0].in_force is False
    assert us[0].status == "does-not-hold"
    assert us[0].ended == "2025-07-08"
    assert us[0].end_announced == "2025-06-23"
    assert_sourced(us[0].sources)
    ended = {d.authority.id: d.ended for d in found if d.in_force is False}
    assert ended == {
        "united-states": "2025-07-08",
        "united-kingdom": "2025-11",
        "canada": "2025-12-05",
        "un-security-council": "2026-02-27",
    }


def test_q3_designations_of_hts_2026_sparql(bundled_store):
    query = (
        """
        SELECT DISTINCT ?authority ?at WHERE {
          ?st a ck:Designation ; ck:designee id:hayat-tahrir-al-sham ; ck:authority ?authority ;
              ck:citation/ck:source ?source .
          """
        + HOLDS_AT
        + "}"
    )
    rows = bundled_store.select(query, {"at": day(LATER_DAY)})
    assert {slug(r["authority"]) for r in rows} == {"turkey", "russia"}
    us = bundled_store.select(
        """
        SELECT ?end ?locator WHERE {
          st:us-designates-hts ck:authority id:united-states ; ck:endDate ?end ;
              ck:citation [ ck:source src:us-fto-designations ; ck:locator ?locator ] .
        }
        """
    )
    assert {r["end"] for r in us} == {dt.date(2025, 7, 8)}
    assert any("revocation" in r["locator"] for r in us)


# ---------------------------------------------------------------------------------------------
# Q4 Under which earlier name was HTS known, according to the article?  The Nusra Front;
#    with the reference data also Jabhat Fath al-Sham.
# ---------------------------------------------------------------------------------------------


def test_q4_former_names_of_hts_api(bundled_store):
    found = {r.id: r for r in kg.relations(bundled_store, HTS, kind="former-name")}
    assert set(found) == {"hts-formerly-nusra-front", "hts-formerly-jabhat-fath-al-sham"}
    nusra = found["hts-formerly-nusra-front"]
    assert nusra.subject.id == HTS
    assert nusra.object is None
    # One former name, one edge: the article's "Nusra Front" (the spelling "al-Nusrah Front" is an
    # alternative label of HTS, not a second former name).
    assert nusra.values == ["Nusra Front"]
    assert all("nusr" in search_key(v) for v in nusra.values)
    assert by_source(nusra.sources)[ARTICLE].paragraphs == [7]
    jfs = found["hts-formerly-jabhat-fath-al-sham"]
    assert jfs.values == ["Jabhat Fath al-Sham"]
    assert jfs.end == "2017-01-28"
    assert set(by_source(jfs.sources)) == {TIMELINE}


def test_q4_former_names_of_hts_sparql(bundled_store):
    article = bundled_store.select(
        """
        SELECT ?name ?p WHERE { GRAPH src:aleppo-offensive-article {
          ?st a ck:FormerName ; ck:subject id:hayat-tahrir-al-sham ; ck:name ?name ;
              ck:citation/ck:paragraph ?p } }
        """
    )
    assert [(r["name"], r["p"]) for r in article] == [("Nusra Front", 7)]
    names = bundled_store.select("SELECT ?name WHERE { id:hayat-tahrir-al-sham ck:formerlyKnownAs ?name }")
    assert sorted(r["name"] for r in names) == ["Jabhat Fath al-Sham", "Nusra Front"]


# ---------------------------------------------------------------------------------------------
# Q5 Who backs the Syrian Democratic Forces?  The United States.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", [OFFENSIVE_DAY, None])
def test_q5_backers_of_sdf_api(bundled_store, at):
    found = kg.backers(bundled_store, "syrian-democratic-forces", at=at)
    assert [r.subject.id for r in found] == ["united-states"]
    assert by_source(found[0].sources)[ARTICLE].paragraphs == [17]
    assert_sourced(found[0].sources)


def test_q5_backers_of_sdf_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?backer ?st ?p WHERE {
          ?backer ck:backs id:syrian-democratic-forces .
          ?st a ck:Support ; ck:subject ?backer ; ck:object id:syrian-democratic-forces ;
              ck:citation [ ck:source src:aleppo-offensive-article ; ck:paragraph ?p ] .
        }
        """
    )
    assert {(slug(r["backer"]), slug(r["st"]), r["p"]) for r in rows} == {
        ("united-states", "us-backs-syrian-democratic-forces", 17)
    }


# ---------------------------------------------------------------------------------------------
# Q6 What did Iranian officials claim, about whom?  An accusation that the US and Israel
#    instigated the offensive; a claim only: neither backs HTS or the rebels.
# ---------------------------------------------------------------------------------------------


def test_q6_iranian_accusation_api(bundled_store):
    found = kg.claims(bundled_store, claimant="iranian-officials")
    assert [c.id for c in found] == ["claim-iranian-officials-us-israel-instigated-offensive"]
    claim = found[0]
    assert claim.kind == "accusation"
    assert {"united-states", "israel"} <= {a.id for a in claim.about}
    assert by_source(claim.sources)[ARTICLE].paragraphs == [15]
    assert {(p.kind, p.fields["subject"], p.fields["object"]) for p in claim.propositions} == {
        ("support", "united-states", "hts-led-rebels"),
        ("support", "israel", "hts-led-rebels"),
    }
    assert not any(p.asserted for p in claim.propositions)
    for target in (HTS, "hts-led-rebels"):
        for at in (OFFENSIVE_DAY, None):
            backers = {r.subject.id for r in kg.backers(bundled_store, target, at=at)}
            assert not backers & {"united-states", "israel"}, (target, at)
    assert kg.backed(bundled_store, "israel", at=OFFENSIVE_DAY) == []
    assert [r.object.id for r in kg.backed(bundled_store, "united-states", at=OFFENSIVE_DAY)] == [
        "syrian-democratic-forces"
    ]


def test_q6_iranian_accusation_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?claim ?kind ?about ?p WHERE {
          ?claim a ck:Claim ; ck:claimant id:iranian-officials ; ck:claimKind ?kind ; ck:about ?about ;
                 ck:citation [ ck:source src:aleppo-offensive-article ; ck:paragraph ?p ] .
        }
        """
    )
    assert {slug(r["claim"]) for r in rows} == {"claim-iranian-officials-us-israel-instigated-offensive"}
    assert {r["kind"] for r in rows} == {CK + "AccusationClaim"}
    assert {r["p"] for r in rows} == {15}
    assert {ID + "united-states", ID + "israel"} <= {r["about"] for r in rows}
    assert not bundled_store.ask(
        """
        ASK { VALUES ?accused { id:united-states id:israel }
              VALUES ?rebels { id:hayat-tahrir-al-sham id:hts-led-rebels }
              { ?accused ck:backs ?rebels } UNION
              { ?st a ck:Support ; ck:subject ?accused ; ck:object ?rebels } }
        """
    )
    assert not bundled_store.ask("ASK { id:israel ck:backs ?anyone }")
    # the accusation's propositions are there, unasserted
    assert bundled_store.ask(
        """
        ASK { ?claim ck:claimant id:iranian-officials ;
                     ck:proposition [ a ck:Proposition ; ck:statementKind ck:Support ;
                                      ck:subject id:israel ; ck:object id:hts-led-rebels ] }
        """
    )


# ---------------------------------------------------------------------------------------------
# Q7 Which states were party to the 2020 de-escalation agreement?  Turkey and Russia.
# ---------------------------------------------------------------------------------------------


def test_q7_parties_to_idlib_agreement_api(bundled_store):
    found = [e for e in kg.events(bundled_store, actor="turkey") if e.id == "idlib-de-escalation-agreement-2020"]
    assert len(found) == 1
    agreement = found[0]
    parties = {p.actor.id for p in agreement.participants if "party" in p.roles}
    assert parties == {"turkey", "russia"}
    assert agreement.date == "2020-03-05"
    assert by_source(agreement.sources)[ARTICLE].paragraphs == [13]
    assert_sourced(agreement.sources)


def test_q7_parties_to_idlib_agreement_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?party ?st ?source WHERE {
          ?st a ck:Participation ; ck:event id:idlib-de-escalation-agreement-2020 ;
              ck:participant ?party ; ck:role ck:PartyRole ; ck:citation/ck:source ?source .
          ?party a ck:State .
        }
        """
    )
    assert {slug(r["party"]) for r in rows} == {"turkey", "russia"}
    assert {(slug(r["party"]), slug(r["source"])) for r in rows} == {
        (party, source) for party in ("turkey", "russia") for source in (ARTICLE, TIMELINE)
    }


# ---------------------------------------------------------------------------------------------
# Q8 Whom does Turkey back, according to the article?  Unnamed rebel factions; not HTS.
# ---------------------------------------------------------------------------------------------


def test_q8_whom_turkey_backs_api(bundled_store):
    found = kg.backed(bundled_store, "turkey", at=OFFENSIVE_DAY)
    per_article = {
        r.object.id: by_source(r.sources)[ARTICLE].paragraphs for r in found if ARTICLE in by_source(r.sources)
    }
    assert per_article == {"turkey-backed-rebel-factions": [12]}
    assert {r.object.id for r in found} == {"turkey-backed-rebel-factions", "syrian-national-army"}
    for rebels in (HTS, "hts-led-rebels"):
        assert kg.evidence(bundled_store, "turkey", "support", rebels) == []
        assert "turkey" not in {r.subject.id for r in kg.backers(bundled_store, rebels, at=OFFENSIVE_DAY)}


def test_q8_whom_turkey_backs_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?backed ?p WHERE { GRAPH src:aleppo-offensive-article {
          ?st a ck:Support ; ck:subject id:turkey ; ck:object ?backed ;
              ck:citation/ck:paragraph ?p } }
        """
    )
    assert [(slug(r["backed"]), r["p"]) for r in rows] == [("turkey-backed-rebel-factions", 12)]
    assert not bundled_store.ask(
        """
        ASK { VALUES ?rebels { id:hayat-tahrir-al-sham id:hts-led-rebels }
              { id:turkey ck:backs ?rebels } UNION
              { ?st a ck:Support ; ck:subject id:turkey ; ck:object ?rebels } }
        """
    )


# ---------------------------------------------------------------------------------------------
# Q9 On which sources does "Russia backs the Syrian government" rest?
# ---------------------------------------------------------------------------------------------


def test_q9_evidence_russia_backs_syrian_government_api(bundled_store):
    found = {r.id: r for r in kg.evidence(bundled_store, "russia", "support", "syrian-government")}
    assert set(found) == {"russia-backs-syrian-government", "russia-air-support-syrian-government"}
    article = {k: by_source(r.sources)[ARTICLE].paragraphs for k, r in found.items()}
    assert article == {"russia-backs-syrian-government": [12], "russia-air-support-syrian-government": [1]}
    for r in found.values():
        assert set(by_source(r.sources)) == {ARTICLE, TIMELINE}
        assert by_source(r.sources)[TIMELINE].locators
    assert found["russia-air-support-syrian-government"].start == "2015-09-30"


def test_q9_evidence_russia_backs_syrian_government_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?st ?source ?p ?locator WHERE {
          ?st a ck:Support ; ck:subject id:russia ; ck:object id:syrian-government ; ck:citation ?c .
          ?c ck:source ?source .
          OPTIONAL { ?c ck:paragraph ?p }
          OPTIONAL { ?c ck:locator ?locator }
        }
        """
    )
    cites: dict[tuple[str, str], set] = defaultdict(set)
    for r in rows:
        cites[(slug(r["st"]), slug(r["source"]))].add(r.get("p") or r.get("locator"))
    assert cites == {
        ("russia-backs-syrian-government", ARTICLE): {12},
        ("russia-backs-syrian-government", TIMELINE): {
            "widely reported (recapture of eastern Aleppo, December 2016)",
            "Reuters, 2024-12-08 (Assad leaves Damascus; the end of the support is inferred from it)",
        },
        ("russia-air-support-syrian-government", ARTICLE): {1},
        ("russia-air-support-syrian-government", TIMELINE): {
            "news reports of 2015-09-30 (start of the Russian airstrikes; "
            "the start of the air support is inferred from it)",
            "Reuters, 2024-12-08 (Assad leaves Damascus; the end of the air support is inferred from it)",
        },
    }


# ---------------------------------------------------------------------------------------------
# Q10 How is Iran connected to HTS on 2024-11-30?  Iran backs the Syrian government, which HTS
#     fights: two relations, each with its source.
# ---------------------------------------------------------------------------------------------


def test_q10_iran_to_hts_path_api(bundled_store):
    first = [
        r
        for r in kg.relations(bundled_store, "iran", kind="support", at=OFFENSIVE_DAY, holding_only=True)
        if r.subject.id == "iran"
    ]
    paths = []
    for step in first:
        middle = step.object.id
        for second in kg.relations(bundled_store, middle, kind="hostility", at=OFFENSIVE_DAY, holding_only=True):
            if HTS in {second.subject.id, second.object.id}:
                paths.append((step, second))
    assert [(a.id, b.id) for a, b in paths] == [("iran-backs-syrian-government", "hts-opposes-syrian-government")]
    support, hostility = paths[0]
    assert by_source(support.sources)[ARTICLE].paragraphs == [12]
    assert by_source(hostility.sources)[ARTICLE].paragraphs == [2, 5]


def test_q10_iran_to_hts_path_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?middle ?st1 ?st2 ?p1 ?p2 ?at WHERE {
          id:iran ck:backs ?middle .
          { ?middle ck:opposes id:hayat-tahrir-al-sham }
          ?st1 a ck:Support ; ck:subject id:iran ; ck:object ?middle ;
               ck:citation/ck:paragraph ?p1 .
          ?st2 a ck:Hostility ; ck:subject|ck:object ?middle ; ck:subject|ck:object id:hayat-tahrir-al-sham ;
               ck:citation/ck:paragraph ?p2 .
          FILTER NOT EXISTS { ?st1 ck:latestStart ?ls1 FILTER(?ls1 > ?at) }
          FILTER NOT EXISTS { ?st1 ck:earliestEnd ?ee1 FILTER(?ee1 <= ?at) }
          FILTER NOT EXISTS { ?st2 ck:latestStart ?ls2 FILTER(?ls2 > ?at) }
          FILTER NOT EXISTS { ?st2 ck:earliestEnd ?ee2 FILTER(?ee2 <= ?at) }
        }
        """,
        {"at": day(OFFENSIVE_DAY)},
    )
    assert {(slug(r["middle"]), slug(r["st1"]), slug(r["st2"])) for r in rows} == {
        ("syrian-government", "iran-backs-syrian-government", "hts-opposes-syrian-government")
    }
    assert {r["p1"] for r in rows} == {12}
    assert {r["p2"] for r in rows} == {2, 5}


# ---------------------------------------------------------------------------------------------
# Q11 What did the rebels seize in Aleppo, and on whose word?  Parts of the city and its
#     airport, according to the rebels and to military sources: attributed claims.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claimant", "kind"),
    [("hts-led-rebels", "statement"), ("military-sources", "report")],
)
def test_q11_claims_of_rebel_gains_api(bundled_store, claimant, kind):
    found = [c for c in kg.claims(bundled_store, claimant=claimant) if ARTICLE in by_source(c.sources)]
    assert len(found) == 1
    claim = found[0]
    assert claim.kind == kind
    assert by_source(claim.sources)[ARTICLE].paragraphs == [8]
    control = {
        (p.fields["controller"], p.fields["place"], p.fields.get("extent"))
        for p in claim.propositions
        if p.kind == "territorial-control"
    }
    assert control == {
        ("hts-led-rebels", "aleppo", "part"),
        ("hts-led-rebels", "aleppo-international-airport", None),
    }
    assert not any(p.asserted for p in claim.propositions)
    assert {"aleppo", "aleppo-international-airport"} <= {p.id for p in claim.places}


def test_q11_claims_of_rebel_gains_sparql(bundled_store):
    rows = bundled_store.select(
        """
        SELECT ?claimant ?claim ?source ?where WHERE {
          ?claim a ck:Claim ; ck:claimant ?claimant ; ck:citation ?c ;
                 ck:proposition [ a ck:Proposition ; ck:statementKind ck:TerritorialControl ;
                                  ck:controller id:hts-led-rebels ;
                                  ck:place id:aleppo-international-airport ] .
          ?c ck:source ?source .
          OPTIONAL { ?c ck:paragraph ?p }
          OPTIONAL { ?c ck:locator ?l }
          BIND(COALESCE(STR(?p), ?l) AS ?where)
        }
        """
    )
    assert {(slug(r["claimant"]), slug(r["source"]), r["where"]) for r in rows} == {
        ("hts-led-rebels", ARTICLE, "8"),
        ("military-sources", ARTICLE, "8"),
        ("hts-led-rebels", TIMELINE, "Reuters, 2024-11-30"),
    }
    # a claim is never a statement
    assert not bundled_store.ask("ASK { ?claim a ck:Claim . ?claim a/rdfs:subClassOf* ck:Statement }")


# ---------------------------------------------------------------------------------------------
# Q12 Search "hayat tahrir al sham", "Hay'at Tahrir al-Sham", "HTS": each finds HTS first.
# ---------------------------------------------------------------------------------------------

SPELLINGS = ["hayat tahrir al sham", "Hay'at Tahrir al-Sham", "HTS"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_q12_search_finds_hts_first_api(bundled_store, spelling):
    hits = kg.search(bundled_store, spelling)
    assert hits[0].id == HTS
    assert hits[0].type == "actor"
    assert hits[0].score > max((h.score for h in hits[1:]), default=0)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_q12_search_finds_hts_first_sparql(bundled_store, spelling):
    # The loader stores every label's normalised search key; an exact key match is the best hit.
    rows = bundled_store.select(
        "SELECT DISTINCT ?entity ?q WHERE { ?entity ck:searchKey ?q ; a/rdfs:subClassOf* ck:Actor }",
        {"q": search_key(spelling)},
    )
    assert [slug(r["entity"]) for r in rows] == [HTS]


@pytest.mark.parametrize("statement", ["russia-backs-syrian-government", "russia-air-support-syrian-government"])
def test_q9_one_statement_iri_in_both_sources(bundled_store, statement):
    """Q9 rests on one IRI per fact: the article and the timeline describe the same statement node."""
    rows = bundled_store.select(
        "SELECT DISTINCT ?st ?g WHERE { GRAPH ?g { ?st a ck:Support ; ck:citation/ck:source ?g } }",
        {"st": iri(ST + statement)},
    )
    assert {slug(r["g"]) for r in rows} == {ARTICLE, TIMELINE}


def test_one_participation_iri_per_fact(bundled_store):
    """data/README.md: the same fact in two sources is the same statement IRI."""
    twins = bundled_store.select(
        """
        SELECT DISTINCT ?first ?second WHERE {
          ?first a ck:Participation ; ck:participant ?who ; ck:event ?event ; ck:role ?role .
          ?second a ck:Participation ; ck:participant ?who ; ck:event ?event ; ck:role ?role .
          FILTER(STR(?first) < STR(?second))
        }
        """
    )
    assert twins == []
