"""The FastAPI application: ``create_app(settings)``.

The lifespan opens the store (loading the bundled data and ``settings.data``) unless a store is
passed in; routers are thin and call ``kg``; errors from the library map to HTTP in
``api/errors.py``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from api import errors
from api.errors import status_and_code
from api.models import ERROR_RESPONSES
from api.routers import actors, claims, explorer, front, health, network, ontology, search, sources, sparql
from api.settings import Settings
from api.warm import warm
from kg.errors import KGError, StoreBusy
from kg.load.loader import open_store
from kg.sparql.pool import QueryPool
from kg.store import Capability, Reading, Store, one_version

__all__ = ["Service", "create_app"]


class Service(FastAPI):
    """The FastAPI application, answering GET and POST on ``/sparql`` before FastAPI's own layers.

    Those layers (the telemetry check, the error middleware, the router) cost about a fifth of the
    service's own time on a short SPARQL query; the endpoint reads the ASGI scope itself
    (:func:`api.routers.sparql.serve`). With ``sparql_fast_path`` off, its routes answer instead.

    Each request reads a shared store's version (:attr:`kg.store.Capability.SHARED`: a server) once,
    before its first query (:func:`kg.store.one_version`), and its answer is held until the version is read again: if
    another process wrote meanwhile (or was writing), the answer may mix two versions, so the
    request is answered again after a short wait, at most once per :attr:`retry_waits`, and then
    with 503 ``store_busy``. A streamed answer is checked when it starts streaming (what it read
    until then), then sent as it comes.
    """

    sparql_fast_path = True
    #: Seconds waited before each further attempt at a request whose store changed while it read.
    retry_waits: tuple[float, ...] = (0.05, 0.25)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await super().__call__(scope, receive, send)
            return
        store: Store | None = getattr(self.state, "store", None)
        if scope["type"] == "http" and store is not None and store.supports(Capability.SHARED):
            await self._answer_of_one_version(scope, receive, send)
            return
        with one_version():
            await self._answer(scope, receive, send)

    async def _answer(self, scope: Any, receive: Any, send: Any) -> None:
        if self.sparql_fast_path and sparql.takes(scope):
            await sparql.serve(self.state, scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def _answer_of_one_version(self, scope: Any, receive: Any, send: Any) -> None:
        """Answer from one version of the remote store, or 503 ``store_busy`` (see the class).

        A SPARQL request is one query, of one version by itself: its version is read (and checked)
        only where the server needs the list of graphs (Virtuoso); every other request's reads are
        all checked."""
        body = _Replay(receive)
        every_read = not sparql.takes(scope)
        for wait in (*self.retry_waits, None):
            with one_version(every_read=every_read) as reading:
                held = _Held(send, reading)
                try:
                    await self._answer(dict(scope), body.attempt(), held.send)
                except Exception:
                    if held.passed or await held.final():
                        await held.release()
                        raise
                else:
                    if held.passed:
                        return
                    if await held.final():
                        await held.release()
                        return
                if held.failed is not None:  # the store could not be asked again
                    await _send_error(send, held.failed)
                    return
            if wait is not None:
                await asyncio.sleep(wait)
        tries = len(self.retry_waits) + 1
        busy = StoreBusy(f"the store was written while this request read it, each of {tries} times; try again")
        await _send_error(send, busy)


class _Held:
    """An answer's messages, held until what it read is known to be of one version."""

    def __init__(self, send: Any, reading: Reading) -> None:
        self._send = send
        self._reading = reading
        self._messages: list[Any] = []
        #: A streamed answer found of one version and being sent as it comes.
        self.passed = False
        #: A streamed answer found mixed: the rest of it is dropped.
        self.dropped = False
        #: The error met asking the store's version again.
        self.failed: KGError | None = None

    async def final(self) -> bool:
        """Whether the answer held is to be sent: it read one version, or it wrote (never redone)."""
        if self.dropped or self.failed is not None:
            return False
        if self._reading.wrote:
            return True
        try:
            return await asyncio.to_thread(self._reading.settled)
        except KGError as exc:
            self.failed = exc
            return False

    async def send(self, message: Any) -> None:
        if self.passed:
            await self._send(message)
            return
        if self.dropped:
            return
        self._messages.append(message)
        if message["type"] == "http.response.body" and message.get("more_body", False):
            if await self.final():  # a streamed answer: check what it read before streaming
                self.passed = True
                await self.release()
            else:
                self.dropped = True
                self._messages.clear()

    async def release(self) -> None:
        messages, self._messages = self._messages, []
        for message in messages:
            await self._send(message)


class _Replay:
    """A request's body, read once from the client and given again to each attempt."""

    def __init__(self, receive: Any) -> None:
        self._receive = receive
        self._kept: list[Any] = []

    def attempt(self) -> Callable[[], Awaitable[Any]]:
        position = 0

        async def receive() -> Any:
            nonlocal position
            if position < len(self._kept):
                position += 1
                return self._kept[position - 1]
            message = await self._receive()
            if message["type"] == "http.request":
                self._kept.append(message)
                position += 1
            return message

        return receive


async def _send_error(send: Any, exc: KGError) -> None:
    """Answer with the JSON error body of a library exception (status from api/errors.py)."""
    status, code = status_and_code(exc)
    body = json.dumps(errors.error_body(code, str(exc))).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("latin-1"))]
    if isinstance(exc, StoreBusy):
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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
    return app
