"""The REST service: answers, error bodies and status codes, through the ASGI app."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory"))) as test_client:
        yield test_client


def test_healthz_reports_store_size(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["quads"] > 1000 and body["sources"] == 10


def test_backers_of_the_syrian_government(client: TestClient) -> None:
    rows = client.get("/api/v1/actors/syrian-government/backers", params={"at": "2024-11-30"}).json()
    assert {r["subject"]["id"] for r in rows} == {"russia", "iran"}
    assert all(r["sources"] and r["status"] == "holds" for r in rows)
    air = [r for r in rows if "air" in r["support_kinds"]]
    assert air and air[0]["subject"]["id"] == "russia"


def test_designations_in_force_change_with_the_date(client: TestClient) -> None:
    def in_force(at: str) -> set[str]:
        rows = client.get("/api/v1/actors/hayat-tahrir-al-sham/designations", params={"at": at}).json()
        return {r["authority"]["id"] for r in rows if r["in_force"]}

    assert in_force("2024-11-30") == {
        "united-states",
        "russia",
        "turkey",
        "un-security-council",
        "united-kingdom",
        "canada",
    }
    assert in_force("2026-11-25") == {"russia", "turkey"}


def test_search_finds_hts_first(client: TestClient) -> None:
    for q in ("hayat tahrir al sham", "Hay'at Tahrir al-Sham", "HTS"):
        hits = client.get("/api/v1/search", params={"q": q}).json()
        assert hits[0]["id"] == "hayat-tahrir-al-sham", q


def test_actor_page_groups_are_counted_and_capped(client: TestClient) -> None:
    body = client.get("/api/v1/actors/hayat-tahrir-al-sham", params={"at": "2024-11-30", "group_limit": 1}).json()
    groups = body["groups"]
    assert groups["designations"]["count"] > 1 and len(groups["designations"]["items"]) == 1
    assert body["labels"]["ar"] == "هيئة تحرير الشام"


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/actors/no-such-actor", 404, "not_found"),
        ("/api/v1/actors/russia?at=2024-13-01", 422, "invalid_parameter"),
        ("/api/v1/search?q=", 422, "invalid_parameter"),
        ("/api/v1/search?q=hts&limit=100000", 422, "invalid_parameter"),
        ("/api/v1/search?q=hts&type=planet", 422, "invalid_parameter"),
        ("/api/v1/claims?kind=rumour", 422, "invalid_input"),
        ("/api/v1/export?format=rdfxml", 422, "invalid_parameter"),
        ("/api/v1/sources/nowhere", 404, "not_found"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ],
)
def test_errors_have_a_status_and_a_json_body(client: TestClient, url: str, status: int, code: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_claims_are_marked_as_not_asserted(client: TestClient) -> None:
    rows = client.get("/api/v1/claims", params={"claimant": "iranian-officials"}).json()
    accusation = [r for r in rows if r["kind"] == "accusation"]
    assert accusation
    propositions = accusation[0]["propositions"]
    assert propositions and all(p["asserted"] is False for p in propositions)
    assert {p["fields"]["subject"] for p in propositions} == {"united-states", "israel"}


def test_the_whole_graph_is_exported_from_a_file_that_is_then_removed(
    client: TestClient, bundled_store: kg.Store, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = client.get("/api/v1/export", params={"format": "nquads"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/n-quads")
    got, expected = response.content.splitlines(), bundled_store.export("nquads").splitlines()
    assert len(got) == len(expected) > 1000
    named = [line for line in expected if not line.startswith(b"_:") and b" _:" not in line]  # blank nodes differ
    assert set(named) <= set(got)
    assert client.get("/api/v1/export", params={"source": "no-such-source"}).status_code == 404
    assert list(tmp_path.iterdir()) == []  # sent, then removed; nothing left by the refused one


def test_export_one_source_as_turtle(client: TestClient) -> None:
    response = client.get("/api/v1/export", params={"format": "turtle", "source": "uk-proscription"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert b"united-kingdom" in response.content


def test_actor_list_is_paged_and_filtered_by_type(client: TestClient) -> None:
    body = client.get("/api/v1/actors", params={"type": "state", "limit": 3}).json()
    assert body["total"] == 8 and [a["id"] for a in body["items"]] == ["canada", "iran", "israel"]
    rest = client.get("/api/v1/actors", params={"type": "state", "limit": 10, "offset": 3}).json()
    assert {a["id"] for a in rest["items"]} == {"russia", "syria", "turkey", "united-kingdom", "united-states"}
    assert client.get("/api/v1/actors", params={"type": "planet"}).status_code == 422


def test_capped_groups_link_to_their_full_list(client: TestClient) -> None:
    body = client.get("/api/v1/actors/russia", params={"group_limit": 1, "at": "2024-11-30"}).json()
    backed = body["groups"]["backed"]
    assert backed["count"] > 1 and len(backed["items"]) == 1
    assert backed["more"] == "/api/v1/actors/russia/relations?kind=support&at=2024-11-30"
    full = client.get(backed["more"]).json()
    assert {r["object"]["id"] for r in full if r["subject"]["id"] == "russia"} == {"syrian-government", "syrian-army"}


def test_relations_take_several_kinds_and_reject_unknown_ones(client: TestClient) -> None:
    rows = client.get("/api/v1/actors/russia/relations", params={"kind": ["support", "hostility"]}).json()
    assert {r["kind"] for r in rows} == {"support", "hostility"}
    bad = client.get("/api/v1/actors/russia/relations", params={"kind": "suport"})
    assert bad.status_code == 422 and "suport" in bad.json()["error"]["message"]


def test_place_page_lists_what_lies_inside_and_what_happened(client: TestClient) -> None:
    body = client.get("/api/v1/places/aleppo", params={"at": "2024-11-30"}).json()
    assert body["type"] == "place" and body["identifiers"] == {"wikidata": "Q41183"}
    assert [p["id"] for p in body["located_in"]] == ["aleppo-governorate"]
    events = {e["id"] for e in body["groups"]["events"]["items"]}
    assert {"rebel-capture-of-aleppo-2024", "recapture-of-aleppo-2016"} <= events
    controllers = {r["subject"]["id"] for r in body["groups"]["control"]["items"]}
    assert {"hts-led-rebels", "kurdish-forces-aleppo", "syrian-government"} <= controllers


def test_ontology_as_turtle_and_as_html(client: TestClient) -> None:
    turtle = client.get("/ontology")
    assert turtle.headers["content-type"].startswith("text/turtle")
    parsed = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject == ox.NamedNode("https://w3id.org/conflict-kg/ontology#Support") for t in parsed)
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="Support"' in page.text and "UCDP" in page.text
