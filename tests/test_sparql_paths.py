"""``/sparql`` is answered by a fast route of its own, first in the router (the hot path), while
FastAPI's routes stay in the router for the OpenAPI document: either way in, the answers are the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

SETTINGS = Settings(store="memory", max_rows=1, query_workers=1)
SELECT = "SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("GET", {"params": {"query": SELECT}}),  # one row cut: X-KG-Truncated
    ("GET", {"params": {"query": SELECT}, "headers": {"accept": "text/csv"}}),
    ("GET", {"params": {"query": "ASK {}"}, "headers": {"accept": "text/turtle"}}),  # 406
    ("GET", {"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}),  # 400
    ("GET", {"params": {"update": "CLEAR ALL"}}),  # 403
    ("GET", {"params": {"query": "SELECT ?x WHERE {"}}),  # 400 from the parser
    ("GET", {"headers": {"accept": "text/turtle"}}),  # the service description
    ("POST", {"data": {"query": SELECT}}),
    ("POST", {"content": b"ASK {}", "headers": {"content-type": "application/sparql-query"}}),
    ("POST", {"content": b"ASK {}", "headers": {"content-type": "text/plain"}}),  # 415
]


def _answers(app: FastAPI) -> list[tuple[int, str, str | None, bytes]]:
    with TestClient(app) as client:
        out = []
        for method, kwargs in REQUESTS:
            r = client.request(method, "/sparql", **kwargs)
            body = re.sub(rb"_:[0-9a-f]+", b"_:b", r.content)  # blank node labels are fresh each time
            out.append((r.status_code, r.headers["content-type"], r.headers.get("x-kg-truncated"), body))
        return out


def _router_only() -> FastAPI:
    app = create_app(SETTINGS)
    app.sparql_fast_path = False
    return app


def _fast_path_only() -> FastAPI:
    app = create_app(SETTINGS)
    app.router.routes = [r for r in app.router.routes if not (isinstance(r, APIRoute) and r.path.startswith("/sparql"))]
    return app


@pytest.fixture(scope="module")
def reference() -> Iterator[list[tuple[int, str, str | None, bytes]]]:
    yield _answers(create_app(SETTINGS))


def test_the_reference_answers_cover_successes_and_refusals(reference: list[Any]) -> None:
    statuses = [status for status, *_ in reference]
    assert statuses == [200, 200, 406, 400, 403, 400, 200, 200, 200, 415]
    assert reference[0][2] == "true"  # the row cap held


@pytest.mark.parametrize("build", [_router_only, _fast_path_only], ids=["router only", "fast path only"])
def test_either_way_in_answers_the_same(build: Any, reference: list[Any]) -> None:
    assert _answers(build()) == reference


def test_the_openapi_document_still_describes_the_endpoint() -> None:
    paths = create_app(SETTINGS).openapi()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])
    assert "requestBody" in paths["/sparql"]["post"]


def test_an_unexpected_error_on_the_fast_path_is_a_json_500_and_the_service_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(SETTINGS)
    with TestClient(app) as client:
        pool = app.state.query_pool
        real = pool.execute

        async def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug below the endpoint")

        monkeypatch.setattr(pool, "execute", broken)
        r = client.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 500
        assert r.headers["content-type"] == "application/json"
        assert r.json()["error"]["code"] == "error"
        assert "a bug below the endpoint" in caplog.text  # logged with its traceback, not sent
        assert "a bug below" not in r.text
        monkeypatch.setattr(pool, "execute", real)
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
