from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from api.deps import StoreDep
from api.models import ErrorBody
from api.negotiation import choose
from api.pages import ontology_page
from api.routing import JSONRoute
from kg.namespaces import ONTOLOGY_GRAPH
from kg.read.catalog import ontology_terms
from kg.read.jsonld import context_document

router = APIRouter(tags=["ontology"], route_class=JSONRoute)

#: What ``/ontology`` answers in, by the client's Accept header (Turtle when it takes either).
_OFFERED = ("text/turtle", "text/html")


@router.get(
    "/ontology",
    summary="The ontology: Turtle, or an HTML page of its terms for browsers",
    response_class=Response,
    responses={
        200: {"description": "The ontology", "content": {"text/turtle": {}, "text/html": {}}},
        406: {"model": ErrorBody, "description": "The Accept header takes neither Turtle nor HTML"},
    },
)
def ontology(request: Request, store: StoreDep) -> Response:
    media = choose(request.headers.get("accept"), _OFFERED)
    if media is None:
        raise HTTPException(406, f"the ontology is served as {' or '.join(_OFFERED)}; the Accept header takes neither")
    if media == "text/html":
        return HTMLResponse(ontology_page(ontology_terms(store)))
    return Response(store.export("turtle", ONTOLOGY_GRAPH), media_type="text/turtle; charset=utf-8")


@router.get(
    "/ontology/context.jsonld",
    summary="The JSON-LD context of the exports: the project's prefixes and a term for each property",
    response_class=Response,
    responses={200: {"description": "The context", "content": {"application/ld+json": {}}}},
)
def jsonld_context() -> Response:
    return Response(
        context_document(),
        media_type="application/ld+json",
        headers={"cache-control": "public, max-age=86400", "access-control-allow-origin": "*"},
    )
