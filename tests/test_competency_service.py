"""The competency questions against the running service: through REST and through the SPARQL
protocol (the example queries the query page offers, kg/queries/examples/*.rq)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.live_server import live_server

EXAMPLES = Path(__file__).resolve().parents[1] / "kg" / "queries" / "examples"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with live_server(Settings(store="memory")) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def sparql(http: httpx.Client, name: str) -> list[dict[str, str]]:
    query = (EXAMPLES / f"{name}.rq").read_text(encoding="utf-8")
    response = http.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def test_q1_backers_rest(http: httpx.Client) -> None:
    rows = http.get("/api/v1/actors/syrian-government/backers", params={"at": "2024-11-30"}).json()
    assert {r["subject"]["id"] for r in rows} == {"russia", "iran"}
    assert any("air" in r["support_kinds"] and r["subject"]["id"] == "russia" for r in rows)
    article = [c for r in rows for c in r["sources"] if c["source"]["id"] == "aleppo-offensive-article"]
    assert article and all(c["paragraphs"] for c in article)


def test_q1_backers_sparql(http: httpx.Client) -> None:
    rows = sparql(http, "cq01-backers-of-the-syrian-government")
    assert {r["backer"] for r in rows} == {"Russia", "Iran"}
    assert {"Russia"} == {r["backer"] for r in rows if r["kind"] == "air support"}
    assert any(r.get("paragraphs") for r in rows)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2024-11-30", {"united-states", "russia", "turkey", "un-security-council", "united-kingdom", "canada"}),
        ("2026-11-25", {"russia", "turkey"}),
    ],
)
def test_q2_q3_designations_rest(http: httpx.Client, at: str, expected: set[str]) -> None:
    rows = http.get("/api/v1/actors/hayat-tahrir-al-sham/designations", params={"at": at}).json()
    assert {r["authority"]["id"] for r in rows if r["in_force"]} == expected
    us = [r for r in rows if r["authority"]["id"] == "united-states"]
    assert us and us[0]["ended"] == "2025-07-08"


def test_q3_designations_sparql(http: httpx.Client) -> None:
    assert {r["authority"] for r in sparql(http, "cq02-designations-of-hts-in-force")} == {"Russia", "Turkey"}


def test_q4_former_names(http: httpx.Client) -> None:
    rows = http.get("/api/v1/actors/hayat-tahrir-al-sham/relations", params={"kind": "former-name"}).json()
    names = {v for r in rows for v in r["values"]}
    assert {"Nusra Front", "Jabhat Fath al-Sham"} <= names
    by_source = {(r["name"], r["source"]) for r in sparql(http, "cq04-former-names-of-hts")}
    assert ("Nusra Front", "Russia backs Assad with airstrikes as rebels advance in Aleppo") in by_source


def test_q5_sdf_backers(http: httpx.Client) -> None:
    rows = http.get("/api/v1/actors/syrian-democratic-forces/backers", params={"at": "2024-11-30"}).json()
    assert {r["subject"]["id"] for r in rows} == {"united-states"}


def test_q6_claim_is_not_a_fact(http: httpx.Client) -> None:
    claims = http.get("/api/v1/claims", params={"claimant": "iranian-officials", "kind": "accusation"}).json()
    assert len(claims) == 1 and {"united-states", "israel"} <= {a["id"] for a in claims[0]["about"]}
    for actor in ("hayat-tahrir-al-sham", "hts-led-rebels"):
        backers = http.get(f"/api/v1/actors/{actor}/backers", params={"at": "2024-11-30"}).json()
        assert not {r["subject"]["id"] for r in backers} & {"united-states", "israel"}
    rows = sparql(http, "cq06-claims-of-iranian-officials")
    assert [r["kind"] for r in rows] == ["accusation"]
    ask = http.get("/sparql", params={"query": "ASK { id:israel ck:backs ?x }"}, headers={"Accept": "application/json"})
    assert json.loads(ask.text)["boolean"] is False


def test_q7_agreement_parties(http: httpx.Client) -> None:
    events = http.get("/api/v1/events", params={"actor": "turkey"}).json()
    agreement = next(e for e in events if e["id"] == "idlib-de-escalation-agreement-2020")
    parties = {p["actor"]["id"] for p in agreement["participants"] if "party" in p["roles"]}
    assert parties == {"turkey", "russia"}
    assert {r["party"] for r in sparql(http, "cq07-parties-to-the-2020-agreement")} == {"Turkey", "Russia"}


def test_q8_whom_turkey_backs(http: httpx.Client) -> None:
    rows = http.get("/api/v1/actors/turkey/backed", params={"at": "2024-11-30"}).json()
    assert "turkey-backed-rebel-factions" in {r["object"]["id"] for r in rows}
    assert "hayat-tahrir-al-sham" not in {r["object"]["id"] for r in rows}
    by_source = {(r["backed"], r["source"]) for r in sparql(http, "cq08-whom-turkey-backs")}
    assert (
        "rebel factions backed by Turkey",
        "Russia backs Assad with airstrikes as rebels advance in Aleppo",
    ) in by_source


def test_q9_sources_of_russian_backing(http: httpx.Client) -> None:
    rows = http.get("/api/v1/actors/syrian-government/relations", params={"kind": "support"}).json()
    cited = {
        (c["source"]["id"], p)
        for r in rows
        if r["subject"]["id"] == "russia"
        for c in r["sources"]
        for p in c["paragraphs"] or [0]
    }
    assert {("aleppo-offensive-article", 1), ("aleppo-offensive-article", 12), ("offensive-timeline", 0)} <= cited


def test_q10_iran_to_hts(http: httpx.Client) -> None:
    rows = sparql(http, "cq10-how-iran-is-connected-to-hts")
    assert {"first": "backs", "via": "Syrian government", "second": "opposes"} in rows


def test_q11_rebel_claims(http: httpx.Client) -> None:
    rows = sparql(http, "cq11-what-the-rebels-claimed-in-aleppo")
    assert {r["claimant"] for r in rows if r["place"] == "Aleppo International Airport"} >= {
        "HTS-led rebel forces",
        "military sources",
    }


@pytest.mark.parametrize("q", ["hayat tahrir al sham", "Hay'at Tahrir al-Sham", "HTS"])
def test_q12_search(http: httpx.Client, q: str) -> None:
    assert http.get("/api/v1/search", params={"q": q}).json()[0]["id"] == "hayat-tahrir-al-sham"
