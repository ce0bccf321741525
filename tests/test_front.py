"""The front page (``/``), the REST API's index (``/api/v1``) and the documentation pages' files."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg.read.catalog import listed_actors
from kg.read.overview import KINDS, overview
from tests.conftest import PREFIXES


@pytest.fixture(scope="module")
def client(bundled_store: kg.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", warm=False), store=bundled_store)) as test_client:
        yield test_client


def _count(store: kg.Store, cls: str) -> int:
    rows = store.select(f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?n a/rdfs:subClassOf* <{cls}> }}")
    return int(rows[0]["c"])


def _shown_counts(page: str) -> dict[str, int]:
    found = re.findall(r'<li data-kind="([a-z]+)"><strong class="count">([0-9,]+)</strong>', page)
    return {kind: int(n.replace(",", "")) for kind, n in found}


def test_the_figures_are_the_library_s(bundled_store: kg.Store) -> None:
    view = overview(bundled_store)
    assert view.counts["actors"] == len(listed_actors(bundled_store))
    assert view.counts["events"] == len(kg.events(bundled_store))
    assert view.counts["claims"] == len(kg.claims(bundled_store))
    assert view.counts["sources"] == len(kg.sources(bundled_store)) == len(view.sources)
    for kind, cls in KINDS.items():
        assert view.counts[kind] == _count(bundled_store, cls), kind
    assert 0 < view.counts["designations"] < view.counts["statements"]
    # the earliest and latest dates the facts state (partial dates as written)
    dates = [r["d"] for r in bundled_store.select("SELECT DISTINCT (STR(?o) AS ?d) WHERE { ?s ck:startDate ?o }")]
    assert view.first_date is not None and view.last_date is not None
    assert view.first_date <= min(dates) and view.last_date >= max(dates)


def test_the_figures_are_kept_per_store_version(loaded_store: kg.Store, make_source: Callable[..., Path]) -> None:
    before = overview(loaded_store)
    assert overview(loaded_store) is before
    kg.load_files(loaded_store, [make_source(name="front-extra", start='"1999-03-04"^^xsd:date')])
    after = overview(loaded_store)
    assert after is not before
    assert after.counts["sources"] == before.counts["sources"] + 1
    assert after.first_date == "1999-03-04"


def test_front_page_shows_counts_sources_and_the_ways_in(client: TestClient, bundled_store: kg.Store) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    view = overview(bundled_store)
    assert _shown_counts(page) == view.counts
    assert f"<time>{view.first_date}</time>" in page and f"<time>{view.last_date}</time>" in page
    for source in kg.sources(bundled_store):
        assert f'href="/api/v1/sources/{source.id}"' in page
        if source.date:
            assert source.date in page
    for href in ("/api/v1", "/docs", "/redoc", "/sparql", "/explorer"):
        assert f'href="{href}"' in page
    assert '<form id="search" action="/api/v1/search" method="get"' in page
    assert "<script" not in page and "http://" not in page.split("<table")[0]


def test_the_search_form_reaches_the_search(client: TestClient) -> None:
    page = client.get("/").text
    form = re.search(r'<form id="search" action="([^"]+)" method="get"', page)
    assert form is not None and 'name="q"' in page
    hits = client.get(form.group(1), params={"q": "tahrir"}).json()
    assert hits and hits[0]["id"] == "hayat-tahrir-al-sham"


EVIL = "<script>alert('front')</script>"


def test_everything_from_the_data_is_escaped(loaded_store: kg.Store, make_source: Callable[..., Path]) -> None:
    text = (
        PREFIXES
        + f"""
@prefix schema: <http://schema.org/> .
src:evil-front {{
    src:evil-front a ck:ReferenceDocument ;
        dcterms:title "{EVIL}" ; dcterms:date "2020-01-01"^^xsd:date ;
        dcterms:publisher "<b>publisher</b>" ; dcterms:license "<i>licence</i> & \\"quoted\\"" .
    id:test-alpha a ck:State ; skos:prefLabel "Test Alpha"@en .
}}
"""
    )
    kg.load_files(loaded_store, [make_source("evil.trig", text=text)])
    with TestClient(create_app(Settings(store="memory", warm=False), store=loaded_store)) as client:
        page = client.get("/").text
    assert EVIL not in page and "<b>publisher" not in page and "<i>licence" not in page
    assert "&lt;script&gt;alert(&#x27;front&#x27;)&lt;/script&gt;" in page
    assert "&lt;i&gt;licence&lt;/i&gt; &amp; &quot;quoted&quot;" in page
    assert "<script" not in page


def test_api_index_lists_every_operation_below_it(client: TestClient) -> None:
    # the routes of the routers the app includes (FastAPI keeps each included router whole)
    routes = [
        r
        for included in client.app.routes  # type: ignore[attr-defined]
        for r in getattr(getattr(included, "original_router", None), "routes", ())
        if isinstance(r, APIRoute)
    ]
    expected = {
        (method, route.path)
        for route in routes
        if route.include_in_schema and route.path.startswith("/api/v1/")
        for method in route.methods
    }
    assert len(expected) > 20
    for url in ("/api/v1", "/api/v1/"):
        body = client.get(url).json()
        assert body["docs"] == "/docs" and body["openapi"] == "/openapi.json"
        listed = {(r["method"], r["path"]) for r in body["resources"]}
        assert listed == expected
        assert all(r["summary"] and "\n" not in r["summary"] for r in body["resources"])
        search = next(r for r in body["resources"] if r["path"] == "/api/v1/search")
        assert search["docs"] == "/docs#/search/search_api_v1_search_get"


def test_schema_holds_the_front_page_and_the_index_not_the_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "text/html" in paths["/"]["get"]["responses"]["200"]["content"]
    assert "/api/v1" in paths
    for left_out in ("/api/v1/", "/docs", "/redoc", "/static/docs/{name}", "/static/front.css"):
        assert left_out not in paths


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "text/javascript"),
    ],
)
def test_docs_files_come_from_the_package(client: TestClient, name: str, media: str) -> None:
    response = client.get(f"/static/docs/{name}")
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert len(response.content) > 100_000


def test_docs_pages_name_no_other_host(client: TestClient) -> None:
    for url in ("/docs", "/redoc"):
        page = client.get(url).text
        assert re.findall(r"(?:src|href)=\"(https?:)", page) == []
        assert "/static/docs/" in page
    assert client.get("/static/docs/..%2fcore.py").status_code == 404
    assert client.get("/static/docs/core.py").json()["error"]["code"] == "not_found"
