"""Actor pages in HTML (``/actors/{id}``): names, timeline, evidence, claims; readable 404 and 422 pages."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import kg
from api.actor_page import actor_page
from api.app import create_app
from api.settings import Settings
from kg.read.entities import entity
from tests.explorer_support import EVIL_ALIAS, EVIL_ID, EVIL_LABEL

HTS = "hayat-tahrir-al-sham"


@pytest.fixture(scope="module")
def client(bundled_store: kg.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", warm=False), store=bundled_store)) as test_client:
        yield test_client


def _html(response: object) -> str:
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    return str(response.text)  # type: ignore[attr-defined]


def _svg(page: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", page, re.S)
    assert found is not None, "no timeline"
    return ET.fromstring(found.group(0))


def _ids(page: str) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', page))


@pytest.mark.parametrize("actor", [HTS, "russia"])
def test_an_actor_page_is_html_with_a_timeline_whose_links_reach_their_evidence(
    client: TestClient, bundled_store: kg.Store, actor: str
) -> None:
    response = client.get(f"/actors/{actor}", params={"at": "2024-11-30"})
    assert response.status_code == 200
    page = _html(response)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<script" not in page
    data = entity(bundled_store, actor, at="2024-11-30", group_limit=500)
    assert f'<h1 id="actor-name">{data.label}</h1>' in page.replace("&#x27;", "'")
    root = _svg(page)
    links = [a.get("href", "") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    statements = {i.id for n, g in data.groups.items() if n not in ("events", "claims_made", "claims_about")
                  for i in g.items}  # fmt: skip
    claims = len(data.groups["claims_made"].items) + len(data.groups["claims_about"].items)
    assert len(links) == len(statements) + claims > 0
    ids = _ids(page)
    for href in links:  # every bar and mark leads to a row of the page
        assert href.startswith("#") and href[1:] in ids, href
    for key in statements:  # each statement's evidence row lists its sources, linked to the API
        row = re.search(rf'<tr id="ev-{re.escape(key)}".*?</tr>', page, re.S)
        assert row is not None, key
        item = next(i for g in data.groups.values() for i in g.items if getattr(i, "id", None) == key)
        for cite in item.sources:
            assert f'href="/api/v1/sources/{cite.source.id}"' in row.group(0)


def test_names_in_every_language(client: TestClient, bundled_store: kg.Store) -> None:
    page = _html(client.get(f"/actors/{HTS}"))
    data = entity(bundled_store, HTS)
    assert "ar" in data.labels and len(data.aliases) > 1
    for lang, label in data.labels.items():
        assert f'<span lang="{lang}" dir="auto">{label}</span>'.replace("'", "&#x27;") in page
    for alias in data.aliases:
        assert f'<li lang="{alias["lang"]}" dir="auto">{alias["label"]}</li>'.replace("'", "&#x27;") in page
    assert "Arabic" in page and "English" in page


def test_claims_made_and_about_name_who_said_them(client: TestClient, bundled_store: kg.Store) -> None:
    page = _html(client.get("/actors/russia", params={"at": "2024-11-30"}))
    made = kg.claims(bundled_store, claimant="russia")
    about = kg.claims(bundled_store, about="russia")
    assert made and about
    for section, found in (("claims-made", made), ("claims-about", about)):
        table = re.search(rf'<table class="claims" id="{section}">.*?</table>', page, re.S)
        assert table is not None
        for claim in found:
            row = re.search(rf'<tr id="{section}-{re.escape(claim.id)}".*?</tr>', table.group(0), re.S)
            assert row is not None
            assert claim.summary in row.group(0)
    said = re.search(r'<table class="claims" id="claims-about">.*?</table>', page, re.S)
    assert said is not None
    for claim in about:  # the claimants by name, each linked to their page
        for who in claim.claimants:
            assert f'<a href="/actors/{who.id}?at=2024-11-30">{who.label}</a>' in said.group(0)


def test_the_page_is_read_as_of_its_day(client: TestClient) -> None:
    """The UK's proscription of HTS (from 2017) has not started in 2016 and holds in 2024."""
    before = _html(client.get(f"/actors/{HTS}", params={"at": "2016-06-01"}))
    after = _html(client.get(f"/actors/{HTS}", params={"at": "2024-11-30"}))

    def status(page: str) -> str:
        row = re.search(r'<tr id="ev-uk-designates-hts".*?</tr>', page, re.S)
        assert row is not None
        found = re.search(r'class="status ([a-z-]+)"', row.group(0))
        assert found is not None
        return found.group(1)

    assert (status(before), status(after)) == ("does-not-hold", "holds")
    assert "as of 2016-06-01" in before and 'value="2016-06-01"' in before


def test_unknown_actor_is_a_readable_404_page(client: TestClient) -> None:
    response = client.get("/actors/no-such-actor")
    assert response.status_code == 404
    page = _html(response)
    assert "No such actor" in page and "no-such-actor" in page and '"error"' not in page
    assert 'href="/"' in page


def test_a_place_is_not_an_actor(client: TestClient) -> None:
    response = client.get("/actors/aleppo")
    assert response.status_code == 404
    assert 'href="/api/v1/places/aleppo"' in _html(response)


@pytest.mark.parametrize("at", ["2024-13-01", "yesterday", "2024-02-30", "2024-1-1", "0"])
def test_a_bad_date_is_a_readable_422_page(client: TestClient, at: str) -> None:
    response = client.get(f"/actors/{HTS}", params={"at": at})
    assert response.status_code == 422
    page = _html(response)
    assert ("Not a date" in page and "YYYY-MM-DD" in page) or "not a valid date" in page
    assert '"error"' not in page


def test_the_json_twin_is_unchanged(client: TestClient) -> None:
    response = client.get(f"/api/v1/actors/{HTS}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert client.get("/api/v1/actors/no-such-actor").json()["error"]["code"] == "not_found"


def test_the_style_sheet_has_a_print_layout(client: TestClient) -> None:
    response = client.get("/static/actor.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert "@media print" in response.text
    page = _html(client.get("/actors/russia"))
    assert '<link rel="stylesheet" href="/static/actor.css">' in page


def test_hostile_data_stays_text(evil_store: kg.Store) -> None:
    """Russia backs the hostile actor in this data: its label reaches Russia's timeline and evidence.
    (The hostile actor's own page is asked of the page builder: the test client decodes a path twice.)"""
    with TestClient(create_app(Settings(store="memory", warm=False), store=evil_store)) as test_client:
        russia = test_client.get("/actors/russia", params={"at": "2024-11-30"})
    assert russia.status_code == 200
    evil = actor_page(entity(evil_store, EVIL_ID, at="2024-11-30"), "<b>service</b>")
    for page in (evil, russia.text):
        assert "<script" not in page and "<img" not in page and "<b>" not in page
        assert 'href="javascript:' not in page
        _svg(page)  # the timeline is still well-formed XML
    assert "backs " + _escaped(EVIL_LABEL) in russia.text
    assert _escaped(EVIL_LABEL) in evil and _escaped(EVIL_ALIAS) in evil
    assert _escaped("</select><script>alert(6)</script>") in russia.text  # the citation's locator, as text


def _escaped(text: str) -> str:
    return html.escape(text, quote=True)
