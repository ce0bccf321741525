"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

GET with ``query``, POST form-encoded, or POST ``application/sparql-query``; ``default-graph-uri``
and ``named-graph-uri`` set the dataset (otherwise the default graph is the union of all sources
and each source is a named graph). Results come from the engine's serialisers through the
query pool (:mod:`kg.sparql.pool`), which enforces the time limit and the row cap.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from api.models import ErrorBody
from api.negotiation import choose
from api.pages import sparql_page
from kg.sparql.formats import GRAPH_TYPES, SOLUTION_TYPES, types_for
from kg.sparql.pool import QueryPool, check_query, refuse_update
from kg.sparql.service import service_description

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

router = APIRouter(tags=["sparql"])

_RESULT_CONTENT: dict[str, dict[str, Any]] = {media: {} for media in (*SOLUTION_TYPES, *GRAPH_TYPES, "text/html")}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Query results, the service description, or the query page", "content": _RESULT_CONTENT},
    403: {"model": ErrorBody, "description": "An update: the endpoint is read-only"},
    406: {"model": ErrorBody, "description": "No acceptable result format"},
    413: {"model": ErrorBody, "description": "Request body over the limit"},
    415: {"model": ErrorBody, "description": "Unsupported request media type or charset"},
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


def _media_type(request: Request) -> tuple[str | None, dict[str, str]]:
    header = request.headers.get("content-type")
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


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise HTTPException(400, f"exactly one '{name}' parameter is allowed, got {len(values)}")
    return values[0] if values else None


async def _read_body(request: Request) -> bytes:
    limit: int = request.app.state.settings.max_query_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body over the limit of {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body over the limit of {limit} bytes")
    return body


async def _answer(request: Request, query: str, params: dict[str, list[str]]) -> Response:
    # a long text takes a while to scan: off the event loop; a short one costs less than the hop
    shape = check_query(query) if len(query) < _INLINE_SCAN else await run_in_threadpool(check_query, query)
    offered = types_for(shape.form)
    aliases = _GRAPH_ALIASES if offered[0] == "text/turtle" else _SOLUTION_ALIASES
    media_type = choose(request.headers.get("accept"), offered, aliases)
    if media_type is None:
        raise HTTPException(406, f"cannot answer this query in the accepted types; available: {', '.join(offered)}")
    pool: QueryPool = request.app.state.query_pool
    has_dataset = "default-graph-uri" in params or "named-graph-uri" in params
    result = await pool.execute(
        query,
        form=shape.form,
        media_type=media_type,
        default_graphs=params.get("default-graph-uri", []) if has_dataset else None,
        named_graphs=params.get("named-graph-uri", []) if has_dataset else None,
        base_iri=str(request.url.replace(query="")),
    )
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-KG-Truncated"] = "true"
        headers["X-KG-Max-Rows"] = str(pool.max_rows)
    charset = "; charset=utf-8" if result.media_type.startswith("text/") else ""
    return Response(result.body, media_type=result.media_type + charset, headers=headers)


def _no_query(request: Request) -> Response:
    """A GET without a query: the query page for browsers, else the service description."""
    accept = request.headers.get("accept")
    wanted = choose(accept, ("text/turtle", "text/html"), {"application/rdf+xml": "text/turtle"})
    if wanted == "text/html" and "text/html" in (accept or ""):
        return HTMLResponse(sparql_page())
    endpoint = str(request.url.replace(query=""))
    body = service_description(request.app.state.store, endpoint)
    return Response(body, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query (GET); without a query: service description or query page",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra={"parameters": _PARAMETERS},
)
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    if "update" in params:
        refuse_update("\n".join(params["update"]))
    query = _single(params, "query")
    if query is None:
        return _no_query(request)
    return await _answer(request, query, params)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query (POST form-encoded or application/sparql-query)",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra={"parameters": _PARAMETERS[1:], "requestBody": _BODY},
)
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    media, options = _media_type(request)
    url_params = parse_qs(request.url.query, keep_blank_values=True)
    if media == _UPDATE:
        refuse_update((await _read_body(request)).decode("utf-8", errors="replace"))
    if media not in (_FORM, _QUERY):
        raise HTTPException(415, f"send {_FORM} or {_QUERY}, not {media or 'a body without a content type'}")
    text = _decode(await _read_body(request), options.get("charset"))
    if media == _QUERY:
        if "query" in url_params:
            raise HTTPException(400, "a direct POST carries the query in its body, not in the URL")
        return await _answer(request, text, url_params)
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form:
        refuse_update("\n".join(form["update"]))
    query = _single(form, "query")
    if query is None:
        raise HTTPException(400, "the form has no 'query' parameter")
    params = {k: url_params.get(k, []) + form.get(k, []) for k in ("default-graph-uri", "named-graph-uri")}
    return await _answer(request, query, {k: v for k, v in params.items() if v})
