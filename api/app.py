"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the store (loading the bundled data and ``settings.data``) unless a store is
passed in; routers are thin and call ``kg``; errors from the library map to HTTP in
``api/errors.py``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.middleware import Middleware

from api import errors
from api.middleware import OneVersion
from api.models import ERROR_RESPONSES
from api.routers import actor_pages, actors, claims, explorer, front, health, network, ontology, search, sources, sparql
from api.settings import Settings
from api.warm import warm
from kg.load.loader import open_store
from kg.sparql.pool import QueryPool
from kg.store import Store

__all__ = ["Service", "create_app"]


class Service(FastAPI):
    """The FastAPI application: one request pipeline for every path, ``/sparql`` included.

    The pipeline (``api/middleware.py``) is FastAPI's stack: a middleware added with
    ``app.add_middleware`` (authentication, CORS, request ids) covers every path. The service adds
    two things to it here, so that no later addition can go around them:
    :class:`api.middleware.OneVersion`, appended to the middleware as the innermost (a remote
    store's reads of one version, answered again or 503 ``store_busy``), and the SPARQL endpoint's
    fast route (:class:`api.routers.sparql.FastRoute`) as the router's first route: GET and POST on
    ``/sparql`` answered straight from the ASGI scope, without FastAPI's per-route work (Request
    objects, dependency injection), but behind every middleware, as any route is. With
    ``sparql_fast_path`` off, the endpoint's FastAPI routes answer instead.
    """

    sparql_fast_path = True
    #: Seconds waited before each further attempt at a request whose store changed while it read
    #: (:class:`api.middleware.OneVersion`).
    retry_waits: tuple[float, ...] = (0.05, 0.25)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user_middleware.append(Middleware(OneVersion))
        self.router.routes.insert(0, sparql.FastRoute())


def _warm(store: Store, done: threading.Event, after: Callable[[], None] | None) -> None:
    try:
        warm(store)
        if after is not None:
            after()
    finally:
        done.set()


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, after_warm: Callable[[], None] | None = None
) -> Service:
    """The service over ``store`` (default: opened from ``settings``); ``after_warm`` is called
    in the warm-up thread once the start-up values are computed (``kg serve`` freezes them)."""
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
            cache_bytes=int(settings.sparql_cache_mb * 1_000_000),
            memory_mb=settings.query_memory_mb,
            long_after=settings.long_query_seconds,
            long_per_client=settings.long_queries_per_client,
        )
        try:
            await pool.start()
        except BaseException:  # a worker could not start: stop those that did, and the service
            pool.close()
            if owned:
                app.state.store.close()
            raise
        app.state.query_pool = pool
        # the first requests would otherwise wait for the labels, the search index... (api.warm);
        # /healthz says when this is done ("warm")
        app.state.warm = threading.Event()
        if settings.warm:
            threading.Thread(
                target=_warm, args=(app.state.store, app.state.warm, after_warm), name="warm", daemon=True
            ).start()
        else:
            app.state.warm.set()  # nothing to wait for: each value is computed by its first request
        try:
            yield
        finally:
            pool.close()
            if owned:
                app.state.store.close()

    app = Service(
        title="Conflict knowledge graph",
        version="0.1.0",
        description="Actors of armed conflicts, their backers, alliances, designations and claims, "
        "each fact dated and traced to its source. Every read takes `at=YYYY-MM-DD` (default: today).",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: api/routers/front.py serves them
        redoc_url=None,
    )
    app.state.settings = settings
    errors.install(app)
    for module in (health, search, actors, claims, sources, network, sparql, ontology, explorer, front):
        app.include_router(module.router)
    app.include_router(actor_pages.router)  # HTML pages of actors, for people
    return app
