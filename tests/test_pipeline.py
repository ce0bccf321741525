"""One request pipeline for every path: a layer added to the application as middleware (an
authentication check, a request id) covers ``/sparql`` (GET and POST, queries and updates) exactly
as it covers the REST routes, though the endpoint answers on a fast route of its own (issue 17,
item 5: it used to be answered ahead of FastAPI's middleware)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import kg
from api.app import Service, create_app
from api.routers import sparql
from api.settings import Settings
from kg.store.remote import _WRITING, MARKER_GRAPH
from tests.servers import wipe
from tests.test_remote import settings_for

SETTINGS = Settings(store="memory", query_workers=1, warm=False)
TOKEN = {"authorization": "Bearer let-me-in"}
SELECT = "SELECT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
SPARQL_QUERY = {"content-type": "application/sparql-query"}
#: (label, method, path, request options, the status answered when let in)
REQUESTS: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("sparql GET query", "GET", "/sparql", {"params": {"query": SELECT}}, 200),
    ("sparql GET update", "GET", "/sparql", {"params": {"update": "CLEAR ALL"}}, 403),
    ("sparql GET, no query", "GET", "/sparql", {"headers": {"accept": "text/turtle"}}, 200),
    ("sparql GET, bad query", "GET", "/sparql", {"params": {"query": "SELECT ?x WHERE {"}}, 400),
    ("sparql GET trailing slash", "GET", "/sparql/", {"params": {"query": "ASK {}"}}, 200),
    ("sparql POST form query", "POST", "/sparql", {"data": {"query": SELECT}}, 200),
    ("sparql POST direct query", "POST", "/sparql", {"content": b"ASK {}", "headers": SPARQL_QUERY}, 200),
    ("sparql POST form update", "POST", "/sparql", {"data": {"update": "CLEAR ALL"}}, 403),
    (
        "sparql POST direct update",
        "POST",
        "/sparql",
        {"content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}},
        403,
    ),
    ("REST list", "GET", "/api/v1/sources", {}, 200),
    ("REST page", "GET", "/api/v1/actors/syrian-government/backers", {"params": {"at": "2024-11-30"}}, 200),
    ("REST not found", "GET", "/api/v1/actors/no-such-actor", {}, 404),
    ("health", "GET", "/healthz", {}, 200),
]
IDS = [label for label, *_ in REQUESTS]


def _blank_nodes_named_alike(body: bytes) -> bytes:
    return re.sub(rb"_:[0-9a-f]+", b"_:b", body)  # blank node labels are fresh in each answer


class RequestIds:
    """A plain ASGI middleware: records each request's path and stamps every answer with an id."""

    def __init__(self, app: ASGIApp, seen: list[str]) -> None:
        self.app, self.seen = app, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen.append(scope["path"])
        request_id = str(len(self.seen)).encode()

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-request-id", request_id)]
            await send(message)

        await self.app(scope, receive, stamped)


def _guarded(seen: list[str]) -> FastAPI:
    """The service with two layers added as an application would add them: a bearer-token check
    (``@app.middleware``, Starlette's BaseHTTPMiddleware) and, outside it, request ids."""
    app = create_app(SETTINGS)

    @app.middleware("http")
    async def bearer_token(request: Request, call_next: Any) -> Response:
        if request.headers.get("authorization") != TOKEN["authorization"]:
            body = {"error": {"code": "unauthorized", "message": "a bearer token is required"}}
            return JSONResponse(body, status_code=401, headers={"www-authenticate": "Bearer"})
        response: Response = await call_next(request)
        return response

    app.add_middleware(RequestIds, seen=seen)
    return app


@pytest.fixture(scope="module")
def seen() -> list[str]:
    return []


@pytest.fixture(scope="module")
def guarded(seen: list[str]) -> Iterator[TestClient]:
    with TestClient(_guarded(seen)) as client:
        yield client


@pytest.fixture(scope="module")
def plain() -> Iterator[TestClient]:
    with TestClient(create_app(SETTINGS)) as client:
        yield client


@pytest.mark.parametrize(("label", "method", "path", "options", "status"), REQUESTS, ids=IDS)
def test_a_middleware_check_refuses_sparql_as_it_refuses_rest(
    guarded: TestClient, seen: list[str], label: str, method: str, path: str, options: dict[str, Any], status: int
) -> None:
    before = len(seen)
    r = guarded.request(method, path, **options)
    assert r.status_code == 401, (label, r.text[:300])
    assert r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["x-request-id"] == str(before + 1)
    assert seen[before:] == [path]


@pytest.mark.parametrize(("label", "method", "path", "options", "status"), REQUESTS, ids=IDS)
def test_let_in_the_answer_is_the_service_s_own_and_goes_through_every_layer(
    guarded: TestClient,
    plain: TestClient,
    seen: list[str],
    label: str,
    method: str,
    path: str,
    options: dict[str, Any],
    status: int,
) -> None:
    before = len(seen)
    options = {**options, "headers": {**options.get("headers", {}), **TOKEN}}
    r = guarded.request(method, path, **options)
    reference = plain.request(method, path, **options)
    assert r.status_code == reference.status_code == status, (label, r.text[:300])
    assert r.headers["content-type"] == reference.headers["content-type"]
    assert _blank_nodes_named_alike(r.content) == _blank_nodes_named_alike(reference.content)
    assert r.headers["x-request-id"] == str(before + 1)
    assert seen[before:] == [path]


def test_the_fast_route_still_answers_sparql_behind_the_middleware(
    guarded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What keeps the endpoint's speed: under the middleware, the fast route answers (straight from
    the ASGI scope), not FastAPI's route for the OpenAPI document."""
    served = []
    real = sparql.serve

    async def spy(state: Any, scope: Scope, receive: Receive, send: Send) -> None:
        served.append(scope["method"])
        await real(state, scope, receive, send)

    monkeypatch.setattr(sparql, "serve", spy)
    assert guarded.get("/sparql", params={"query": "ASK {}"}, headers=TOKEN).status_code == 200
    assert guarded.post("/sparql", data={"query": "ASK {}"}, headers=TOKEN).status_code == 200
    assert guarded.get("/api/v1/sources", headers=TOKEN).status_code == 200
    assert served == ["GET", "POST"]


def test_a_dependency_declared_for_the_whole_application_covers_sparql_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI's other way to guard every route, ``FastAPI(dependencies=...)``, runs only in its own
    routes: the fast route then steps aside, and the endpoint's FastAPI routes answer (the same)."""

    def bearer(request: Request) -> None:
        if request.headers.get("authorization") != TOKEN["authorization"]:
            raise HTTPException(401, "a bearer token is required")

    real = Service.__init__

    def with_dependency(self: Service, **kwargs: Any) -> None:
        real(self, dependencies=[Depends(bearer)], **kwargs)

    monkeypatch.setattr(Service, "__init__", with_dependency)
    with TestClient(create_app(SETTINGS)) as client:
        for method, path, options in [
            ("GET", "/sparql", {"params": {"query": "ASK {}"}}),
            ("POST", "/sparql", {"data": {"query": "ASK {}"}}),
            ("POST", "/sparql", {"content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}}),
            ("GET", "/api/v1/sources", {}),
        ]:
            r = client.request(method, path, **options)
            assert r.status_code == 401, (method, path, r.text[:300])
        assert client.get("/sparql", params={"query": "ASK {}"}, headers=TOKEN).json()["boolean"] is True
        r = client.post("/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update", **TOKEN})
        assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"


@pytest.mark.servers  # an Oxigraph server: a slow group (docs/contributing.md)
def test_a_store_busy_answer_goes_through_the_middleware_once(oxigraph_server: Any) -> None:
    """The answers of a remote store's reads of one version (answered again, then 503 store_busy)
    are made inside the middleware: a layer added to the application runs once per request, and
    the 503 passes through it like any answer."""
    store = oxigraph_server.open()
    wipe(store)
    seen: list[str] = []
    app = create_app(settings_for(oxigraph_server, warm=False), store=store)
    app.retry_waits = (0.01, 0.01)
    app.add_middleware(RequestIds, seen=seen)
    attempts = []
    real_router = app.router.app

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            attempts.append(scope["path"])
        await real_router(scope, receive, send)

    app.router.middleware_stack = counted
    with TestClient(app) as client:
        until = ox.Literal(str(int(time.time()) + 2), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        mark, marker = f"<{MARKER_GRAPH}#write-in-pipeline>", f"<{MARKER_GRAPH}>"
        marks = f"{marker} {_WRITING} {mark} . {mark} <{MARKER_GRAPH}#until> {until}"
        store._update(f"INSERT DATA {{ GRAPH {marker} {{ {marks} }} }}", bump=False)  # a write under way
        attempts.clear()
        r = client.get("/api/v1/sources")
        assert r.status_code == 503 and r.json()["error"]["code"] == "store_busy", r.text[:300]
        assert r.headers["x-request-id"] == str(len(seen))
        assert seen[-1] == "/api/v1/sources" and seen.count("/api/v1/sources") == 1
        assert attempts == ["/api/v1/sources"] * 3  # answered three times inside, seen once outside
        time.sleep(max(0.0, int(until.value) - time.time()) + 0.1)
        assert client.get("/api/v1/sources").status_code == 200
    kg.load_files(store, [])  # a write: removes the mark that ran out
    wipe(store)
