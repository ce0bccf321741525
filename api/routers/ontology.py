from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import StoreDep
from api.negotiation import choose
from api.pages import ontology_page
from api.routing import JSONRoute
from kg.namespaces import ONTOLOGY_GRAPH
from kg.read.catalog import ontology_terms
from kg.read.jsonld import context_document

router = APIRouter(tags=["ontology"], route_class=JSONRoute)


@router.get(
    "/ontology",
    summary="The ontology: Turtle, or an HTML page of its terms for browsers",
    response_class=Response,
    responses={200: {"description": "The ontology", "content": {"text/turtle": {}, "text/html": {}}}},
)
def ontology(request: Request, store: StoreDep) -> Response:
    if choose(request.headers.get("accept"), ("text/turtle", "text/html")) == "text/html":
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
