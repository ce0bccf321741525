"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

GET with ``query``, POST form-encoded, or POST ``application/sparql-query``; ``default-graph-uri``
and ``named-graph-uri`` set the dataset (otherwise the default graph is the union of all sources,
each triple once, and each source is a named graph). Results come from the engine's serialisers through the
query pool (:mod:`kg.sparql.pool`), which enforces the time limit and the row cap.

The hot path is thin: :class:`FastRoute`, the first route of the application's router
(``api.app.Service``), takes GET and POST on ``/sparql`` and answers straight from the ASGI scope
(:func:`serve`: no dependency injection, no Request or Response objects). Being a route, it is
behind the whole middleware stack, as every other route is: a layer added with
``app.add_middleware`` (authentication, CORS, request ids) covers ``/sparql`` with no exception
(``api/middleware.py``). The routes below describe the endpoint in the OpenAPI document, and answer
the same way when the fast route steps aside (the fast path turned off, or dependencies declared
for the whole application, which only they run); both call :func:`respond`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import URL, State
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound

from api.errors import error_body, error_headers, status_and_code
from api.models import ErrorBody
from api.negotiation import choose
from api.pages import sparql_page
from api.routing import JSONRoute
from kg.errors import KGError
from kg.sparql.formats import GRAPH_TYPES, SOLUTION_TYPES, types_for
from kg.sparql.pool import QueryPool, check_query, refuse_update
from kg.sparql.service import service_description

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_FORM = "application/x-www-form-urlencoded"
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"
#: Names clients use for the types the endpoint offers, by query kind.
_SOLUTION_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}
_GRAPH_ALIASES = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/plain": "application/n-triples",
}

router = APIRouter(tags=["sparql"], route_class=JSONRoute)
_log = logging.getLogger(__name__)

_RESULT_CONTENT: dict[str, dict[str, Any]] = {media: {} for media in (*SOLUTION_TYPES, *GRAPH_TYPES, "text/html")}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Query results, the service description, or the query page", "content": _RESULT_CONTENT},
    403: {"model": ErrorBody, "description": "An update: the endpoint is read-only"},
    406: {"model": ErrorBody, "description": "No acceptable result format"},
    413: {"model": ErrorBody, "description": "Request body over the limit"},
    415: {"model": ErrorBody, "description": "Unsupported request media type or charset"},
    429: {"model": ErrorBody, "description": "The client already has its share of long-running queries (Retry-After)"},
}
_PARAMETERS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}, "description": "A SPARQL query."},
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
    },
]
_BODY = {
    "required": True,
    "content": {
        _QUERY: {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}
        },
    },
}


#: Queries shorter than this (characters) are scanned on the event loop (well under a millisecond).
_INLINE_SCAN = 4096
_PATHS = ("/sparql", "/sparql/")


class Reply(NamedTuple):
    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


_INTERNAL_ERROR = Reply(
    500, "application/json", json.dumps(error_body("error", "internal error; see the service log")).encode("utf-8")
)


class _Call:
    """What the endpoint reads of one request, straight from the ASGI scope."""

    __slots__ = ("receive", "scope", "state")

    def __init__(self, state: State, scope: Scope, receive: Receive) -> None:
        self.state, self.scope, self.receive = state, scope, receive

    def header(self, name: bytes) -> str | None:
        for key, value in self.scope["headers"]:
            if key == name:
                return str(value.decode("latin-1"))
        return None

    def client(self) -> str | None:
        """The client's address (behind a proxy: the proxy's, unless the server is told to trust
        its forwarded-for header, as uvicorn does from 127.0.0.1)."""
        client = self.scope.get("client")
        return str(client[0]) if client else None

    def url_params(self) -> Mapping[str, list[str]]:
        text = self.scope["query_string"].decode("latin-1")
        return _url_params(text) if len(text) <= 8192 else parse_qs(text, keep_blank_values=True)

    def endpoint(self) -> str:
        """The endpoint's own URL (without the query string)."""
        scope = self.scope
        server = scope.get("server")
        return _endpoint_url(
            scope.get("scheme", "http"),
            tuple(server) if server else None,
            self.header(b"host"),
            scope.get("root_path", ""),
            scope["path"],
        )

    async def body(self) -> bytes:
        limit: int = self.state.settings.max_query_bytes
        declared = self.header(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise HTTPException(413, f"request body over the limit of {limit} bytes")
        chunks = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"request body over the limit of {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


@functools.lru_cache(maxsize=2048)
def _url_params(text: str) -> Mapping[str, list[str]]:
    """The parameters of a URL's query string (remembered: clients send the same queries again)."""
    return MappingProxyType(parse_qs(text, keep_blank_values=True))


@functools.lru_cache(maxsize=1024)
def _negotiate(accept: str | None, form: str | None) -> str | None:
    """The result type for a query of ``form`` under ``accept`` (remembered: clients send the same
    few headers again and again)."""
    offered = types_for(form)
    return choose(accept, offered, _GRAPH_ALIASES if offered[0] == "text/turtle" else _SOLUTION_ALIASES)


@functools.lru_cache(maxsize=256)
def _endpoint_url(scheme: str, server: tuple[str, int] | None, host: str | None, root_path: str, path: str) -> str:
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": path}
    return str(URL(scope=scope | {"headers": headers, "query_string": b""}))


def _media_type(call: _Call) -> tuple[str | None, dict[str, str]]:
    header = call.header(b"content-type")
    if header is None:
        return None, {}
    media, *params = [p.strip() for p in header.split(";")]
    return media.lower(), {
        k.strip().lower(): v.strip().strip('"').lower() for k, _, v in (p.partition("=") for p in params)
    }


def _decode(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise HTTPException(415, f"only UTF-8 request bodies are accepted, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the request body is not valid UTF-8") from None


def _single(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise HTTPException(400, f"exactly one '{name}' parameter is allowed, got {len(values)}")
    return values[0] if values else None


async def _answer(call: _Call, query: str, params: Mapping[str, list[str]]) -> Reply:
    # a long text takes a while to scan: off the event loop; a short one costs less than the hop
    shape = check_query(query) if len(query) < _INLINE_SCAN else await run_in_threadpool(check_query, query)
    media_type = _negotiate(call.header(b"accept"), shape.form)
    if media_type is None:
        offered = types_for(shape.form)
        raise HTTPException(406, f"cannot answer this query in the accepted types; available: {', '.join(offered)}")
    pool: QueryPool = call.state.query_pool
    has_dataset = "default-graph-uri" in params or "named-graph-uri" in params
    result = await pool.execute(
        query,
        form=shape.form,
        media_type=media_type,
        default_graphs=params.get("default-graph-uri", []) if has_dataset else None,
        named_graphs=params.get("named-graph-uri", []) if has_dataset else None,
        base_iri=call.endpoint(),
        volatile=shape.volatile,
        client=call.client(),
    )
    headers: tuple[tuple[str, str], ...] = (("vary", "Accept"),)
    if result.cache is not None:
        headers += (("x-kg-cache", result.cache),)
    if result.truncated:
        headers += (("x-kg-truncated", "true"), ("x-kg-max-rows", str(pool.max_rows)))
    charset = "; charset=utf-8" if result.media_type.startswith("text/") else ""
    return Reply(200, result.media_type + charset, result.body, headers)


def _no_query(call: _Call) -> Reply:
    """A GET without a query: the query page for browsers, else the service description."""
    accept = call.header(b"accept")
    wanted = choose(accept, ("text/turtle", "text/html"), {"application/rdf+xml": "text/turtle"})
    if wanted == "text/html" and "text/html" in (accept or ""):
        return Reply(200, "text/html; charset=utf-8", sparql_page().encode("utf-8"))
    body = service_description(call.state.store, call.endpoint())
    return Reply(200, "text/turtle; charset=utf-8", body, (("vary", "Accept"),))


async def _get(call: _Call) -> Reply:
    params = call.url_params()
    if "update" in params:
        refuse_update("\n".join(params["update"]))
    query = _single(params, "query")
    if query is None:
        return _no_query(call)
    return await _answer(call, query, params)


async def _post(call: _Call) -> Reply:
    media, options = _media_type(call)
    url_params = call.url_params()
    if media == _UPDATE:
        refuse_update((await call.body()).decode("utf-8", errors="replace"))
    if media not in (_FORM, _QUERY):
        raise HTTPException(415, f"send {_FORM} or {_QUERY}, not {media or 'a body without a content type'}")
    text = _decode(await call.body(), options.get("charset"))
    if media == _QUERY:
        if "query" in url_params:
            raise HTTPException(400, "a direct POST carries the query in its body, not in the URL")
        return await _answer(call, text, url_params)
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form:
        refuse_update("\n".join(form["update"]))
    query = _single(form, "query")
    if query is None:
        raise HTTPException(400, "the form has no 'query' parameter")
    params = {k: url_params.get(k, []) + form.get(k, []) for k in ("default-graph-uri", "named-graph-uri")}
    return await _answer(call, query, {k: v for k, v in params.items() if v})


async def respond(state: State, scope: Scope, receive: Receive) -> Reply:
    """Answer one GET or POST to the endpoint; refusals and errors become their JSON error bodies
    (statuses from ``api/errors.py``)."""
    call = _Call(state, scope, receive)
    try:
        return await (_post(call) if scope["method"] == "POST" else _get(call))
    except (KGError, HTTPException) as exc:
        status, code = status_and_code(exc)
        message = str(exc.detail) if isinstance(exc, HTTPException) else str(exc)
        body = json.dumps(error_body(code, message), ensure_ascii=False, separators=(",", ":"))
        headers = tuple(error_headers(exc).items()) if isinstance(exc, KGError) else ()
        return Reply(status, "application/json", body.encode("utf-8"), headers)


def takes(scope: Scope) -> bool:
    """Whether the fast path answers this request: a GET or POST on the endpoint."""
    return scope["type"] == "http" and scope["method"] in ("GET", "POST") and _route(scope) in _PATHS


async def serve(state: State, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer a request :func:`takes` accepted, straight in ASGI (no Request, no dependencies).

    An unexpected error is logged and answered 500 with the JSON error body, as FastAPI's error
    middleware would have answered it.
    """
    try:
        reply = await respond(state, scope, receive)
    except Exception:
        _log.exception("unexpected error answering a SPARQL request")
        reply = _INTERNAL_ERROR
    headers = [
        (b"content-type", reply.media_type.encode("latin-1")),
        (b"content-length", str(len(reply.body)).encode("latin-1")),
    ]
    headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})


class FastRoute(BaseRoute):
    """GET and POST on ``/sparql``, answered by :func:`serve`: the first route of the router.

    It steps aside (no match: the routes below answer) when the application's
    ``sparql_fast_path`` is off, or when the application declares dependencies for every route
    (``FastAPI(dependencies=...)``): those run only in FastAPI's own routes. It takes no part in
    the OpenAPI document, which the routes below write.
    """

    path = path_format = "/sparql"
    name = "sparql_fast"
    include_in_schema = False

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if takes(scope):
            app = scope["app"]
            if app.sparql_fast_path and not app.router.dependencies:
                return Match.FULL, {"path_params": {}}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)  # reached by the routes' own names (sparql_get...)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await serve(scope["app"].state, scope, receive, send)


def _route(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _response(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=dict(reply.headers))


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET); without a query: service description or query page",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra={"parameters": _PARAMETERS},
)
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    return _response(await respond(request.app.state, request.scope, request.receive))


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra={"parameters": _PARAMETERS[1:], "requestBody": _BODY},
)
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    return _response(await respond(request.app.state, request.scope, request.receive))
