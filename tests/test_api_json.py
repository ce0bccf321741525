"""Every JSON answer of the service conforms to its route's response model.

Plain endpoints serialise their own answers without FastAPI's validation (``api/routing.py``):
this test is where that validation happens instead. Each JSON route is called with real
parameters on the bundled data; its body must validate against the route's model and be exactly
the bytes FastAPI's own path would have sent (validate, then serialise).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from api.app import create_app
from api.routing import JSONRoute
from api.settings import Settings

#: Parameters per JSON route (method and path as declared): path parameters filled in, then the
#: query. Every JSON route must be listed (checked below), so a new one is covered when added.
CALLS: dict[str, list[tuple[dict[str, str], dict[str, Any]]]] = {
    "/healthz": [({}, {})],
    "/api/v1": [({}, {})],
    "/api/v1/": [({}, {})],
    "/api/v1/search": [({}, {"q": "tahrir"}), ({}, {"q": "aleppo", "type": "place"})],
    "/api/v1/actors": [({}, {}), ({}, {"type": "state", "limit": 3})],
    "/api/v1/actors/{actor_id}": [({"actor_id": "syrian-government"}, {"at": "2024-11-30"})],
    "/api/v1/places/{place_id}": [({"place_id": "aleppo"}, {"at": "2024-11-30"})],
    "/api/v1/actors/{actor_id}/backers": [({"actor_id": "syrian-government"}, {"at": "2024-11-30"})],
    "/api/v1/actors/{actor_id}/backed": [({"actor_id": "turkey"}, {"at": "2024-11-30"})],
    "/api/v1/actors/{actor_id}/designations": [({"actor_id": "hayat-tahrir-al-sham"}, {"at": "2024-11-30"})],
    "/api/v1/actors/{actor_id}/relations": [({"actor_id": "russia"}, {"kind": "support"})],
    "/api/v1/claims": [({}, {}), ({}, {"claimant": "iranian-officials"})],
    "/api/v1/events": [({}, {}), ({}, {"place": "aleppo"})],
    "/api/v1/sources": [({}, {})],
    "/api/v1/sources/{source_id}": [({"source_id": "aleppo-offensive-article"}, {})],
    "/api/v1/network/path": [({}, {"source": "russia", "target": "syrian-government", "at": "2024-11-30"})],
    "/api/v1/network/chains": [({}, {"actor": "syrian-government", "at": "2024-11-30"})],
    "/api/v1/network/proxies": [({}, {"at": "2024-11-30"})],
    "/api/v1/network/centrality": [({}, {"at": "2024-11-30"}), ({}, {"measure": "betweenness"})],
    "/api/v1/network/brokers": [({}, {"at": "2024-11-30"})],
    "/api/v1/network/communities": [({}, {"at": "2024-11-30"})],
    "/api/v1/network/balance": [({}, {"at": "2024-11-30"})],
    "/api/v1/network/exposure": [({}, {"at": "2024-11-30"})],
    "/api/v1/network/changes": [({}, {"from": "2020-01-01", "to": "2024-11-30"})],
}


def _routes(app: Any) -> Iterator[APIRoute]:
    """The routes of the routers the app includes (FastAPI keeps each included router whole)."""
    for included in app.routes:
        router = getattr(included, "original_router", None)
        yield from (r for r in getattr(router, "routes", ()) if isinstance(r, APIRoute))


@pytest.fixture(scope="module")
def app_client() -> Iterator[tuple[Any, TestClient]]:
    app = create_app(Settings(store="memory", warm=False))
    with TestClient(app) as test_client:
        yield app, test_client


def _json_routes(app: Any) -> dict[str, APIRoute]:
    return {r.path_format: r for r in _routes(app) if "GET" in r.methods and r.response_field is not None}


def test_every_json_route_is_called(app_client: tuple[Any, TestClient]) -> None:
    app, _ = app_client
    assert set(_json_routes(app)) == set(CALLS)


@pytest.mark.parametrize("path", sorted(CALLS))
def test_answers_conform_to_the_response_model(app_client: tuple[Any, TestClient], path: str) -> None:
    app, client = app_client
    route = _json_routes(app)[path]
    assert isinstance(route, JSONRoute)
    model: TypeAdapter[Any] = TypeAdapter(route.response_model)
    for params, query in CALLS[path]:
        response = client.get(path.format(**params), params=query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        value = model.validate_json(response.content)  # raises if the answer breaks the model
        assert model.dump_json(value, by_alias=True) == response.content


def test_plain_endpoints_serialise_their_own_answer(app_client: tuple[Any, TestClient]) -> None:
    """The answer leaves the endpoint as bytes: FastAPI neither validates nor serialises it again."""
    app, client = app_client
    route = _json_routes(app)["/api/v1/actors/{actor_id}/backers"]
    calls = []
    serialise = route._serialise  # type: ignore[attr-defined]
    route._serialise = lambda value, **options: calls.append(value) or serialise(value, **options)  # type: ignore[attr-defined]
    try:
        body = client.get("/api/v1/actors/syrian-government/backers", params={"at": "2024-11-30"}).json()
    finally:
        route._serialise = serialise  # type: ignore[attr-defined]
    assert len(calls) == 1 and [r["subject"]["id"] for r in body] == [r.subject.id for r in calls[0]]
