"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the store (loading the bundled data and ``settings.data``) unless a store is
passed in; routers are thin and call ``kg``; errors from the library map to HTTP in
``api/errors.py``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api import errors
from api.models import ERROR_RESPONSES
from api.routers import actors, claims, explorer, health, network, ontology, search, sources, sparql
from api.settings import Settings
from kg import network as kg_network
from kg import search_index
from kg.load import open_store
from kg.sparql.pool import QueryPool
from kg.store import Store

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store or open_store(
            settings.store, [Path(p) for p in settings.data], **settings.remote_options()
        )
        pool = QueryPool(
            app.state.store,
            workers=settings.query_workers or None,
            timeout=settings.query_timeout,
            max_rows=settings.max_rows,
        )
        await pool.start()
        app.state.query_pool = pool
        # the first search would otherwise wait for the whole index (about a minute at 100k actors)
        threading.Thread(target=search_index.warm, args=(app.state.store,), name="warm-search", daemon=True).start()
        # likewise the first path, network or explorer request would wait for the projection
        threading.Thread(target=kg_network.warm, args=(app.state.store,), name="warm-network", daemon=True).start()
        try:
            yield
        finally:
            pool.close()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="Conflict knowledge graph",
        version="0.1.0",
        description="Actors of armed conflicts, their backers, alliances, designations and claims, "
        "each fact dated and traced to its source. Every read takes `at=YYYY-MM-DD` (default: today).",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(sparql.SparqlFastPath)  # /sparql's hot path, ahead of the router
    for module in (health, search, actors, claims, sources, network, sparql, ontology, explorer):
        app.include_router(module.router)
    return app
