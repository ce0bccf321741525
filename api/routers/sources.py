from __future__ import annotations

import os
import tempfile
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from api.deps import StoreDep
from api.routing import JSONRoute
from kg.models import Source
from kg.read.catalog import source as kg_source
from kg.read.catalog import source_graph
from kg.read.catalog import sources as kg_sources
from kg.read.jsonld import export_jsonld
from kg.store import EXPORT_FORMATS

router = APIRouter(prefix="/api/v1", tags=["sources"], route_class=JSONRoute)


@router.get("/sources", summary="Every source, one named graph each")
def sources(store: StoreDep) -> list[Source]:
    return kg_sources(store)


@router.get("/sources/{source_id}", summary="One source and what it supports")
def source(store: StoreDep, source_id: str) -> Source:
    return kg_source(store, source_id)


@router.get(
    "/export",
    summary="The graph, or one source's graph, serialised",
    response_class=Response,
    responses={200: {"description": "The graph", "content": {media: {} for _, media in EXPORT_FORMATS.values()}}},
)
def export(
    store: StoreDep,
    format: Annotated[str, Query(pattern="^(" + "|".join(EXPORT_FORMATS) + ")$")] = "trig",
    source: Annotated[str | None, Query(description="A source id.")] = None,
    internal: Annotated[
        bool,
        Query(description="JSON-LD only: keep the loader's internal triples (ck:searchKey, ck:contentDigest)."),
    ] = False,
    ontology: Annotated[
        bool, Query(description="JSON-LD only: add the ontology's graph (classes, vocabularies, SHACL shapes).")
    ] = False,
) -> Response:
    """JSON-LD is compacted with the project's context (``/ontology/context.jsonld``), one named graph
    per source, without the loader's internal triples nor the ontology unless asked. The other
    formats are the store's dump: every graph and triple it holds."""
    graph = None
    if source is not None:
        graph = source_graph(store, source)
    # written to a file and sent from it: the whole graph is over a gigabyte at 100k actors
    fd, path = tempfile.mkstemp(prefix="kg-export-")
    try:
        with os.fdopen(fd, "wb") as out:
            if format == "jsonld":
                export_jsonld(store, out, graph, internal=internal, ontology=ontology)
            else:
                store.export_to(out, format, graph)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(path, media_type=EXPORT_FORMATS[format][1], background=BackgroundTask(os.unlink, path))
