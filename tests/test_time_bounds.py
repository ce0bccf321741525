"""Existence and attestation bound time (issue 18): an unknown start is never "always".

A statement cannot hold before its participants exist or once one has ceased; a statement whose
start is unknown is unknown before the earliest day a source attests it (and on every day when
nothing dated attests it). Every answer says why: ``status_reason`` and ``status_bound``. REST,
the projection and the explorer give the same answers (kg.timeline.verdict).

The bundled data: the SNA founded 2017-12-30 and the SDF in October 2015 (ck:foundedDate), HTS
dissolved 2025-01-29, the Assad government 2024-12-08 (a ck:Dissolution); the article's
undated facts are attested on 2024-11-30, the last day it covers (it has no publication date);
the reference compilations have no date, so what only they state is attested by nothing dated.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg import network

HTS = "hayat-tahrir-al-sham"


@pytest.fixture(scope="module")
def client(bundled_store: kg.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory"), store=bundled_store)) as c:
        yield c


# --- the examples of the issue, through REST ----------------------------------------------------


def test_al_sharaa_un_designation_is_not_in_force_in_2012(client: TestClient):
    """The UN listing of Ahmed al-Sharaa has no listing date in the reference facts, and the only
    source citing it is an undated compilation: on 2012-01-01 it is unknown (null), not true."""
    [un] = client.get("/api/v1/actors/ahmed-al-sharaa/designations", params={"at": "2012-01-01"}).json()
    assert un["authority"]["id"] == "un-security-council"
    assert (un["in_force"], un["status"]) == (None, "unknown")
    assert (un["in_force"], un["status"], un["status_reason"], un["status_bound"]) == (
        None,
        "unknown",
        "unattested",
        None,
    )
    # lifted by Resolution 2799 on 2025-11-06
    [un] = client.get("/api/v1/actors/ahmed-al-sharaa/designations", params={"at": "2026-01-01"}).json()
    assert (un["in_force"], un["status_reason"], un["status_bound"]) == (False, "ended", "2025-11-06")


def test_turkey_backs_nobody_in_1900(client: TestClient):
    assert client.get("/api/v1/actors/turkey/backed", params={"at": "1900-01-01"}).json() == []
    # what may hold: the rebel factions the article names (attested from 2024-11-30); never the
    # SNA, which did not exist before 2017-12-30
    maybe = client.get("/api/v1/actors/turkey/backed", params={"at": "1900-01-01", "include_unknown": True}).json()
    assert [(r["object"]["id"], r["status"], r["status_reason"], r["status_bound"]) for r in maybe] == [
        ("turkey-backed-rebel-factions", "unknown", "before-attested", "2024-11-30")
    ]
    support = client.get("/api/v1/actors/turkey/relations", params={"kind": "support", "at": "1900-01-01"}).json()
    sna = next(r for r in support if r["object"]["id"] == "syrian-national-army")
    assert (sna["status"], sna["status_reason"], sna["status_bound"]) == (
        "does-not-hold",
        "not-yet-existing",
        "2017-12-30",
    )


@pytest.mark.parametrize("at", ["0001-01-01", "1900-01-01", "2011-01-01"])
def test_the_syrian_government_has_no_certain_backers_long_ago(client: TestClient, at: str):
    assert client.get("/api/v1/actors/syrian-government/backers", params={"at": at}).json() == []
    maybe = client.get("/api/v1/actors/syrian-government/backers", params={"at": at, "include_unknown": "true"}).json()
    # Iran and Russia "since when" is not known: Iran's backing attested by the article, on
    # 2024-11-30, Russia's by the reports of the recapture of Aleppo (December 2016: from its last
    # day); Russia's air support started on 2015-09-30, so it certainly did not hold yet
    assert sorted((r["subject"]["id"], r["id"], r["status_reason"], r["status_bound"]) for r in maybe) == [
        ("iran", "iran-backs-syrian-government", "before-attested", "2024-11-30"),
        ("russia", "russia-backs-syrian-government", "before-attested", "2016-12-31"),
    ]


def test_backers_on_the_offensive_day_say_why(client: TestClient):
    found = client.get("/api/v1/actors/syrian-government/backers", params={"at": "2024-11-30"}).json()
    assert sorted((r["id"], r["status_reason"], r["status_bound"]) for r in found) == [
        ("iran-backs-syrian-government", "attested", "2024-11-30"),
        ("russia-air-support-syrian-government", "started", "2015-09-30"),
        ("russia-backs-syrian-government", "attested", "2016-12-31"),
    ]


def test_the_article_attests_from_the_last_day_it_covers(bundled_store: kg.Store):
    # Iran's backing has no other dated source: it holds from 2024-11-30, not the day before
    found = kg.backers(bundled_store, "syrian-government", at="2024-11-29")
    assert sorted(r.id for r in found) == ["russia-air-support-syrian-government", "russia-backs-syrian-government"]
    found = kg.backers(bundled_store, "syrian-government", at="2024-11-30")
    assert "iran-backs-syrian-government" in [r.id for r in found]


# --- existence ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "status", "reason"),
    [
        ("2015-09-30", "does-not-hold", "not-yet-existing"),  # the SDF founded in October 2015
        ("2015-10-15", "unknown", "existence-uncertain"),  # which day of October is disputed
        ("2024-11-29", "unknown", "before-attested"),  # then only the article, of 2024-11-30
        ("2024-11-30", "holds", "attested"),
    ],
)
def test_us_backing_of_the_sdf_is_bounded_by_its_founding(bundled_store: kg.Store, on, status, reason):
    [us] = kg.backers(bundled_store, "syrian-democratic-forces", at=on, include_unknown=True) or [
        r for r in kg.relations(bundled_store, "syrian-democratic-forces", kind="support", at=on)
    ]
    assert (us.subject.id, us.status, us.status_reason) == ("united-states", status, reason)


def test_a_dissolved_actor_s_relations_end_but_its_listings_stay(bundled_store: kg.Store):
    # HTS declared dissolved on 2025-01-29: its hostility and leadership are over by then
    found = {r.id: r for r in kg.relations(bundled_store, HTS, at="2025-06-01")}
    assert found["hts-leads-military-operations-command"].status == "does-not-hold"
    # the Assad government, dissolved 2024-12-08: its part in the civil war (no end stated) ends
    war = {r.id: r for r in kg.relations(bundled_store, "syrian-government", kind="participation", at="2025-01-01")}
    belligerent = war["syrian-government-belligerent-syrian-civil-war"]
    assert (belligerent.status, belligerent.status_reason, belligerent.status_bound) == (
        "does-not-hold",
        "ceased",
        "2024-12-08",
    )
    # the dissolution statement itself is not ended by the dissolution it records
    [gone] = kg.relations(bundled_store, HTS, kind="dissolution", at="2026-01-01")
    assert (gone.status, gone.status_reason) == ("holds", "started")
    # a listing outlives the group: Turkey's and Russia's listings of HTS are still in force
    listed = kg.designations(bundled_store, HTS, at="2026-11-25", in_force_only=True)
    assert sorted(x.authority.id for x in listed) == ["russia", "russia", "turkey"]


def test_a_designation_is_attested_by_its_first_amendment(bundled_store: kg.Store):
    """Turkey's listing of al-Nusrah has no listing date; adding HTS to it on 2018-08-31 shows it
    existed then."""
    [before] = kg.designations(bundled_store, HTS, authority="turkey", at="2018-08-30")
    [after] = kg.designations(bundled_store, HTS, authority="turkey", at="2018-08-31")
    assert (before.in_force, before.status_reason, before.status_bound) == (None, "before-attested", "2018-08-31")
    assert (after.in_force, after.status_reason, after.status_bound) == (True, "attested", "2018-08-31")


def test_an_explicit_attestation_date(store: kg.Store, make_source):
    extra = """
    st:test-undated a ck:Support ; ck:subject id:test-beta ; ck:object id:test-alpha ;
        ck:supportKind ck:FundingSupport ; ck:attestedDate "2019-05"^^xsd:gYearMonth ;
        ck:citation [ ck:source src:test-source ; ck:locator "a report of May 2019" ] .
    id:test-beta ck:foundedDate "2001"^^xsd:gYear .
    """
    kg.load_files(store, [make_source(extra=extra)])
    states = {
        on: [
            (r.status, r.status_reason, r.status_bound)
            for r in kg.backers(store, "test-alpha", on, include_unknown=True)
        ]
        for on in ("2000-06-01", "2001-06-01", "2019-05-30", "2019-05-31")
    }
    assert states == {
        "2000-06-01": [],  # test-beta founded in 2001: does not hold, not even unknown
        "2001-06-01": [("unknown", "existence-uncertain", "2001-12-31")],
        "2019-05-30": [("unknown", "before-attested", "2019-05-31")],
        "2019-05-31": [("holds", "attested", "2019-05-31")],
    }
    G = network.project(store, "2019-05-31", kinds=["support"])
    assert G.edges["test-beta", "test-alpha", "test-undated"]["status_reason"] == "attested"
    assert not network.project(store, "2019-05-30", kinds=["support"]).has_edge("test-beta", "test-alpha")


def test_existence_dates_are_validated(store: kg.Store, make_source):
    with pytest.raises(kg.ValidationFailed, match="foundedDate"):
        kg.load_files(store, [make_source(extra='id:test-beta ck:foundedDate "last spring" .')])


# --- the projection and the explorer give the same answers --------------------------------------


def test_the_projection_has_no_anachronisms(bundled_store: kg.Store):
    G = network.project(bundled_store, "2012-01-01")
    assert not any(HTS in (u, v) for u, v in G.edges())
    assert not any(d["kind"] == "designation" for *_, d in G.edges(data=True))
    everything = network.project(bundled_store, "2012-01-01", holding_only=False)
    turkey = everything.edges["turkey", HTS, "turkey-designates-hts"]
    assert (turkey["status"], turkey["status_reason"], turkey["status_bound"]) == (
        "unknown",
        "before-attested",
        dt.date(2018, 8, 31),
    )
    moc = everything.edges[HTS, "military-operations-command", "hts-leads-military-operations-command"]
    # attested from the launch of the offensive (ck:attestedDate, the report of 2024-11-27)
    assert (moc["status"], moc["status_reason"], moc["status_bound"]) == (
        "unknown",
        "before-attested",
        dt.date(2024, 11, 27),
    )


@pytest.mark.parametrize("on", ["0001-01-01", "2012-01-01", "2015-10-15", "2018-08-31", "2024-11-30", "2025-06-01"])
def test_rest_and_projection_agree(bundled_store: kg.Store, on: str):
    G = network.project(bundled_store, on, holding_only=False)
    from_projection = {
        (d["statement"], d["status"], d["status_reason"]) for *_, d in G.edges(data=True) if not d["claim"]
    }
    for actor in ("syrian-government", "turkey", HTS, "syrian-democratic-forces", "syrian-national-army"):
        for r in kg.relations(bundled_store, actor, at=on):
            if r.subject and r.object and r.subject.id in G and r.object.id in G and r.kind in network.edge_kinds():
                assert (r.id, r.status, r.status_reason) in from_projection, r.id
        for x in kg.designations(bundled_store, actor, at=on):
            assert (x.id, x.status, x.status_reason) in from_projection, x.id


def _explorer_data(client: TestClient, **params: str) -> dict:
    text = client.get("/explorer", params=params).text
    found = re.search(r'<script[^>]*id="explorer-data"[^>]*>(.*?)</script>', text, re.S)
    assert found is not None
    return json.loads(html.unescape(found.group(1)))


def test_the_explorer_on_2012_shows_neither_hts_nor_its_designations(client: TestClient):
    data = _explorer_data(client, at="2012-01-01")
    assert HTS not in {n["id"] for n in data["nodes"]}
    assert not [e for e in data["edges"] if HTS in (e["from"], e["to"]) or e["kind"] == "designation"]
    # on the offensive day it does, each edge saying why it holds
    data = _explorer_data(client, at="2024-11-30")
    assert HTS in {n["id"] for n in data["nodes"]}
    assert {e["status"] for e in data["edges"]} == {"holds"}


# --- the SPARQL examples apply the same rule -----------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "kg" / "queries" / "examples"


def _example(name: str, default_day: str, day: str) -> str:
    text = (EXAMPLES / f"{name}.rq").read_text(encoding="utf-8")
    assert f'"{default_day}"^^xsd:date AS ?day' in text
    return text.replace(f'"{default_day}"^^xsd:date AS ?day', f'"{day}"^^xsd:date AS ?day')


@pytest.mark.parametrize("on", ["0001-01-01", "2015-09-30", "2024-11-29", "2024-11-30", "2024-12-08"])
def test_the_backers_example_query_agrees_with_rest(bundled_store: kg.Store, on: str):
    rows = bundled_store.select(_example("cq01-backers-of-the-syrian-government", "2024-11-30", on))
    rest = kg.backers(bundled_store, "syrian-government", at=on)
    assert {r["backer"] for r in rows} == {r.subject.label for r in rest if r.subject}


@pytest.mark.parametrize("on", ["2012-01-01", "2018-08-30", "2018-08-31", "2024-11-30", "2026-11-25"])
def test_the_designations_example_query_agrees_with_rest(bundled_store: kg.Store, on: str):
    rows = bundled_store.select(_example("cq02-designations-of-hts-in-force", "2026-11-25", on))
    rest = kg.designations(bundled_store, HTS, at=on, in_force_only=True)
    assert {r["authority"] for r in rows} == {x.authority.label for x in rest}


def test_a_former_name_is_not_attested_by_the_date_of_a_report(bundled_store: kg.Store):
    """The article (2024) says HTS was formerly the Nusra Front: not that it was still called so."""
    names = {r.id: r for r in kg.relations(bundled_store, HTS, kind="former-name", at="2024-11-30")}
    nusra = names["hts-formerly-nusra-front"]
    assert (nusra.status, nusra.status_reason) == ("unknown", "unattested")
    jfs = names["hts-formerly-jabhat-fath-al-sham"]
    assert (jfs.status, jfs.status_reason, jfs.status_bound) == ("does-not-hold", "ended", "2017-01-28")


def test_a_claim_is_dated_by_itself_not_by_what_became_of_its_subjects(store: kg.Store, make_source):
    extra = """
    id:test-beta ck:dissolvedDate "2015-06-01"^^xsd:date .
    id:test-claim a ck:Claim ; ck:claimant id:test-alpha ; ck:claimKind ck:AccusationClaim ;
        ck:date "2014-02-01"^^xsd:date ; ck:summary "Alpha said Beta had backed it."@en ;
        ck:citation [ ck:source src:test-source ; ck:locator "a report" ] ;
        ck:proposition [ a ck:Proposition ; ck:statementKind ck:Support ;
                         ck:subject id:test-beta ; ck:object id:test-alpha ; ck:supportKind ck:FundingSupport ] .
    """
    kg.load_files(store, [make_source(extra=extra)])
    later = network.project(store, "2020-01-01", include_claims=True)
    assert later.has_edge("test-beta", "test-alpha", "test-claim")  # the claim was made, and stays made
    # the statement of the source (alpha backs beta, from "2016") cannot hold: beta was gone by then
    [support] = kg.relations(store, "test-beta", kind="support", at="2020-01-01")
    assert (support.status, support.status_reason, support.status_bound) == ("does-not-hold", "ceased", "2015-06-01")


def test_network_answers_say_why(bundled_store: kg.Store):
    from kg.network.views import net_edge

    G = network.project(bundled_store, "2024-11-30")
    edge = net_edge(G, "turkey", HTS, "turkey-designates-hts")
    assert (edge.status, edge.status_reason, edge.status_bound) == ("holds", "attested", "2018-08-31")
