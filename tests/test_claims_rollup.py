"""Claims rolled up to an actor through membership, part-of, office and (for ``about``) leadership:
``kg.claims(..., include_members=True)``, ``/api/v1/claims?include_members=true`` and the actor page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

import kg
from api.app import create_app
from api.routers.claims import router as claims_router
from api.settings import Settings
from kg.models import Claim
from kg.read.claims import ROLL_UP_DEPTH, RolledUpClaim
from tests.conftest import PREFIXES

IRAN_CLAIMS = {
    "claim-iranian-officials-us-israel-instigated-offensive": ("iranian-officials", "membership"),
    "claim-araghchi-us-israeli-plan-2024-11-29": ("abbas-araghchi", "office"),
    "claim-araghchi-us-israeli-plan-2024-11-30": ("abbas-araghchi", "office"),
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", warm=False))) as test_client:
        yield test_client


def _path(claim: dict[str, Any], field: str) -> tuple[str, list[tuple[str, str]]]:
    rolled = claim[field]
    return rolled["actor"]["id"], [(step["relation"], step["actor"]["id"]) for step in rolled["via"]]


# --- the library --------------------------------------------------------------------------------------


def test_iran_claims_roll_up_from_its_officials_and_its_foreign_minister(bundled_store: kg.Store) -> None:
    assert kg.claims(bundled_store, claimant="iran") == []  # nobody claims as "Iran" itself
    found = kg.claims(bundled_store, claimant="iran", include_members=True)
    assert {c.id for c in found} == set(IRAN_CLAIMS)
    for claim in found:
        assert isinstance(claim, RolledUpClaim) and claim.made_by is not None and claim.concerns is None
        made_by, relation = IRAN_CLAIMS[claim.id]
        assert claim.made_by.actor.id == made_by and made_by in {c.id for c in claim.claimants}
        assert [(s.relation, s.actor.id, s.status) for s in claim.made_by.via] == [(relation, "iran", "holds")]
    office = next(c for c in found if c.made_by and c.made_by.actor.id == "abbas-araghchi").made_by
    assert office is not None
    assert office.via[0].statement == "abbas-araghchi-foreign-minister-of-iran"
    assert office.via[0].office_title == "Foreign Minister"
    assert office.via[0].actor.label == "Iran"
    dated = [c.date for c in found if c.date]
    assert dated == sorted(dated)


def test_the_actor_itself_is_reached_with_an_empty_path(bundled_store: kg.Store) -> None:
    direct = {c.id for c in kg.claims(bundled_store, claimant="russia")}
    found = kg.claims(bundled_store, claimant="russia", include_members=True)
    assert direct and direct < {c.id for c in found}
    for claim in found:
        assert isinstance(claim, RolledUpClaim) and claim.made_by is not None
        if claim.id in direct:
            assert claim.made_by.actor.id == "russia" and claim.made_by.via == []
        else:  # the defence ministry is part of Russia
            assert [(s.relation, s.actor.id) for s in claim.made_by.via] == [("part-of", "russia")]


def test_claims_about_hts_include_claims_about_the_forces_it_leads(bundled_store: kg.Store) -> None:
    led = {c.id for c in kg.claims(bundled_store, about="hts-led-rebels")}
    direct = {c.id for c in kg.claims(bundled_store, about="hayat-tahrir-al-sham")}
    found = kg.claims(bundled_store, about="hayat-tahrir-al-sham", include_members=True)
    assert led and {c.id for c in found} >= led | direct
    for claim in found:
        assert isinstance(claim, RolledUpClaim) and claim.concerns is not None and claim.made_by is None
        if claim.id in led - direct:
            assert claim.concerns.actor.id == "hts-led-rebels"
            assert [(s.relation, s.statement, s.actor.id) for s in claim.concerns.via] == [
                ("leadership", "hts-leads-hts-led-rebels", "hayat-tahrir-al-sham")
            ]


def test_leadership_rolls_up_claims_about_what_is_led_but_not_claims_made(bundled_store: kg.Store) -> None:
    made_by_led = {c.id for c in kg.claims(bundled_store, claimant="hts-led-rebels")}
    made = {c.id for c in kg.claims(bundled_store, claimant="hayat-tahrir-al-sham", include_members=True)}
    assert made_by_led and not made_by_led & made
    # leadership only ends a path: a claim about the government does not concern the state where
    # its leader holds office
    about_government = {c.id for c in kg.claims(bundled_store, about="syrian-government")}
    about_syria = {c.id for c in kg.claims(bundled_store, about="syria", include_members=True)}
    assert about_government and not about_government & about_syria


def test_claimant_and_about_roll_up_together(bundled_store: kg.Store) -> None:
    found = kg.claims(bundled_store, claimant="iran", about="hayat-tahrir-al-sham", include_members=True)
    assert [c.id for c in found] == ["claim-iranian-officials-us-israel-instigated-offensive"]
    claim = found[0]
    assert isinstance(claim, RolledUpClaim) and claim.made_by and claim.concerns
    assert (claim.made_by.actor.id, claim.concerns.actor.id) == ("iranian-officials", "hts-led-rebels")
    kinds = kg.claims(bundled_store, claimant="iran", kind="accusation", include_members=True)
    assert {c.id for c in kinds} == set(IRAN_CLAIMS)
    assert kg.claims(bundled_store, claimant="iran", kind="promise", include_members=True) == []
    page = kg.claims(bundled_store, claimant="iran", include_members=True, offset=1, limit=1)
    assert [c.id for c in page] == [c.id for c in kg.claims(bundled_store, claimant="iran", include_members=True)][1:2]


def test_by_default_nothing_rolls_up(bundled_store: kg.Store) -> None:
    for filters in ({"claimant": "iranian-officials"}, {"about": "hts-led-rebels"}, {}):
        found = kg.claims(bundled_store, **filters)
        assert found and all(type(c) is Claim for c in found)
        assert kg.claims(bundled_store, **filters, include_members=False) == found


def test_roll_up_errors(bundled_store: kg.Store) -> None:
    with pytest.raises(kg.NotFound):
        kg.claims(bundled_store, claimant="no-such-actor", include_members=True)
    with pytest.raises(kg.NotFound):
        kg.claims(bundled_store, about="no-such-actor", include_members=True)
    # without an actor there is nothing to roll up to
    assert kg.claims(bundled_store, include_members=True) == kg.claims(bundled_store)


# --- dates, cycles and depth, on a small graph of one's own ---------------------------------------------

_CITE = 'ck:citation [ ck:source src:rollup-test ; ck:locator "test" ]'

_ROLLUP_SOURCE = (
    PREFIXES
    + """
src:rollup-test {
    src:rollup-test a ck:ReferenceDocument ; dcterms:title "Roll-up test source" .
    id:t-state a ck:State ; skos:prefLabel "Test State"@en .
    id:t-minister a ck:Person ; skos:prefLabel "Test Minister"@en .
    id:t-a a ck:Collective ; skos:prefLabel "Test A"@en .
    id:t-b a ck:Collective ; skos:prefLabel "Test B"@en .
    id:t-c a ck:Collective ; skos:prefLabel "Test C"@en .
    id:t-d a ck:Collective ; skos:prefLabel "Test D"@en .

    st:t-minister-office a ck:Office ; ck:subject id:t-minister ; ck:object id:t-state ;
        ck:officeTitle "Minister"@en ;
        ck:startDate "2020-03-10"^^xsd:date ; ck:endDate "2022"^^xsd:gYear ; CITE .

    # a chain t-d → t-c → t-b → t-a → t-state, and t-a a member of t-b too (a cycle)
    st:t-a-in-state a ck:Membership ; ck:subject id:t-a ; ck:object id:t-state ; CITE .
    st:t-b-in-a a ck:Membership ; ck:subject id:t-b ; ck:object id:t-a ; CITE .
    st:t-a-in-b a ck:Membership ; ck:subject id:t-a ; ck:object id:t-b ; CITE .
    st:t-c-in-b a ck:Membership ; ck:subject id:t-c ; ck:object id:t-b ; CITE .
    st:t-d-in-c a ck:Membership ; ck:subject id:t-d ; ck:object id:t-c ; CITE .

    id:t-claim-before a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:date "2019-05-01"^^xsd:date ; ck:summary "Said before taking office."@en ; CITE .
    id:t-claim-partly a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:date "2020-03"^^xsd:gYearMonth ; ck:summary "Said in the month the office began."@en ; CITE .
    id:t-claim-during a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:date "2021-06-01"^^xsd:date ; ck:summary "Said in office."@en ; CITE .
    id:t-claim-end-year a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:date "2022-01"^^xsd:gYearMonth ; ck:summary "Said in the year the office ended."@en ; CITE .
    id:t-claim-after a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:date "2023"^^xsd:gYear ; ck:summary "Said after leaving office."@en ; CITE .
    id:t-claim-undated a ck:Claim ; ck:claimant id:t-minister ; ck:claimKind ck:StatementClaim ;
        ck:summary "Said at an unknown date."@en ; CITE .
    id:t-claim-c a ck:Claim ; ck:claimant id:t-c ; ck:claimKind ck:StatementClaim ;
        ck:date "2021"^^xsd:gYear ; ck:summary "Said by C."@en ; CITE .
    id:t-claim-d a ck:Claim ; ck:claimant id:t-d ; ck:claimKind ck:StatementClaim ;
        ck:date "2021"^^xsd:gYear ; ck:summary "Said by D."@en ; CITE .
}
""".replace("CITE", _CITE)
)


@pytest.fixture(scope="module")
def rollup_store(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    path = tmp_path_factory.mktemp("rollup") / "rollup.trig"
    path.write_text(_ROLLUP_SOURCE, encoding="utf-8")
    store = kg.Store()
    kg.load_files(store, [path])
    return store


def test_an_office_rolls_up_only_the_claims_made_while_it_may_have_been_held(rollup_store: kg.Store) -> None:
    found = {c.id: c for c in kg.claims(rollup_store, claimant="t-state", include_members=True)}
    statuses = {
        ident: [s.status for s in c.made_by.via]
        for ident, c in found.items()
        if isinstance(c, RolledUpClaim) and c.made_by and c.made_by.actor.id == "t-minister"
    }
    # before the start and on or after the end: certainly not held, so not rolled up
    assert statuses == {
        "t-claim-partly": ["unknown"],  # March 2020: the office began on the 10th
        "t-claim-during": ["holds"],
        "t-claim-end-year": ["unknown"],  # the office ended at some point in 2022
        "t-claim-undated": ["unknown"],
    }


def test_roll_up_is_transitive_bounded_and_safe_from_cycles(rollup_store: kg.Store) -> None:
    found = {c.id: c for c in kg.claims(rollup_store, claimant="t-state", include_members=True)}
    claim = found["t-claim-c"]
    assert isinstance(claim, RolledUpClaim) and claim.made_by is not None
    assert [(s.relation, s.actor.id) for s in claim.made_by.via] == [
        ("membership", "t-b"),
        ("membership", "t-a"),
        ("membership", "t-state"),
    ]
    assert ROLL_UP_DEPTH == 3 and "t-claim-d" not in found  # four statements away
    from_b = {c.id for c in kg.claims(rollup_store, claimant="t-b", include_members=True)}
    assert {"t-claim-c", "t-claim-d"} <= from_b  # t-a ↔ t-b loops without harm


# --- the service ----------------------------------------------------------------------------------------


def test_api_rolls_iran_claims_up_with_their_path(client: TestClient) -> None:
    assert client.get("/api/v1/claims", params={"claimant": "iran"}).json() == []
    rows = client.get("/api/v1/claims", params={"claimant": "iran", "include_members": "true"}).json()
    assert {r["id"] for r in rows} == set(IRAN_CLAIMS)
    for row in rows:
        made_by, relation = IRAN_CLAIMS[row["id"]]
        assert _path(row, "made_by") == (made_by, [(relation, "iran")])
        assert row["concerns"] is None
        assert row["made_by"]["via"][0]["status"] == "holds"
        assert all(p["asserted"] is False for p in row["propositions"])


def test_api_about_hts_includes_the_forces_it_leads(client: TestClient) -> None:
    led = {r["id"] for r in client.get("/api/v1/claims", params={"about": "hts-led-rebels"}).json()}
    rows = client.get(
        "/api/v1/claims", params={"about": "hayat-tahrir-al-sham", "include_members": "true", "limit": 100}
    ).json()
    assert led and led <= {r["id"] for r in rows}
    for row in rows:
        if row["id"] in led:
            assert _path(row, "concerns") == ("hts-led-rebels", [("leadership", "hayat-tahrir-al-sham")])


def test_api_default_answers_are_unchanged(client: TestClient) -> None:
    for params in ({"claimant": "iranian-officials"}, {"about": "hts-led-rebels"}, {}):
        plain = client.get("/api/v1/claims", params=params)
        assert plain.status_code == 200 and plain.json()
        assert client.get("/api/v1/claims", params={**params, "include_members": "false"}).content == plain.content
        assert all("made_by" not in r and "concerns" not in r for r in plain.json())
    everything = client.get("/api/v1/claims")
    assert client.get("/api/v1/claims", params={"include_members": "true"}).content == everything.content
    page = client.get("/api/v1/actors/iran").content
    assert client.get("/api/v1/actors/iran", params={"include_members": "false"}).content == page


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"claimant": "no-such-actor", "include_members": "true"}, 404, "not_found"),
        ({"about": "no-such-actor", "include_members": "true"}, 404, "not_found"),
        ({"claimant": "iran", "include_members": "perhaps"}, 422, None),
    ],
)
def test_api_roll_up_errors(client: TestClient, params: dict[str, str], status: int, code: str | None) -> None:
    response = client.get("/api/v1/claims", params=params)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"] and (code is None or error["code"] == code)


def test_api_rolled_up_answers_conform_to_the_response_model(client: TestClient) -> None:
    route = next(r for r in claims_router.routes if isinstance(r, APIRoute) and r.path == "/api/v1/claims")
    model: TypeAdapter[Any] = TypeAdapter(route.response_model)
    for params in ({"claimant": "iran", "include_members": "true"}, {"claimant": "iranian-officials"}):
        response = client.get("/api/v1/claims", params=params)
        value = model.validate_json(response.content)
        assert model.dump_json(value, by_alias=True) == response.content
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"made_by", "concerns"} <= set(schema["RolledUpClaim"]["properties"])
    assert schema["RollUpStep"]["properties"]["relation"]["description"]


def test_actor_page_rolls_claims_up_on_request(client: TestClient) -> None:
    plain = client.get("/api/v1/actors/iran").json()["groups"]
    assert plain["claims_made"]["count"] == 0
    groups = client.get("/api/v1/actors/iran", params={"include_members": "true", "group_limit": 1}).json()["groups"]
    made = groups["claims_made"]
    assert made["count"] == len(IRAN_CLAIMS) and len(made["items"]) == 1
    assert made["more"] == "/api/v1/claims?claimant=iran&include_members=true"
    item = made["items"][0]
    assert _path(item, "made_by") == (IRAN_CLAIMS[item["id"]][0], [(IRAN_CLAIMS[item["id"]][1], "iran")])
    about = client.get("/api/v1/actors/hayat-tahrir-al-sham", params={"include_members": "true"}).json()["groups"]
    assert about["claims_about"]["count"] > 0
    for item in about["claims_about"]["items"]:
        actor, path = _path(item, "concerns")
        assert (path[-1][1] if path else actor) == "hayat-tahrir-al-sham"
