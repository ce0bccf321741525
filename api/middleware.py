"""The service's request pipeline, and the one layer of it that is the service's own.

FastAPI builds one stack for every request, ``/sparql`` included (``api.app.Service``):

1. FastAPI's outer layers (its telemetry, the server-error handler, the body limit);
2. middleware added with ``app.add_middleware``: the place for cross-cutting layers
   (authentication, CORS, request ids), which then cover every path, the last added outermost;
3. :class:`OneVersion`, always the innermost middleware: a remote store's reads of one version;
4. FastAPI's exception handlers (``api/errors.py``);
5. the router, whose first route is the SPARQL endpoint's fast route
   (:class:`api.routers.sparql.FastRoute`), then every other route.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors
from api.errors import status_and_code
from api.routers import sparql
from kg.errors import KGError, StoreBusy
from kg.store import Capability, Reading, one_version

__all__ = ["OneVersion"]


class OneVersion:
    """Each request answered from one version of a remote store, or 503 ``store_busy``.

    Each request reads a remote store's version once, before its first query
    (:func:`kg.store.one_version`), and its answer is held until the version is read again: if
    another process wrote meanwhile (or was writing), the answer may mix two versions, so the
    request is answered again after a short wait, at most once per ``app.retry_waits``, and then
    with 503 ``store_busy``. A streamed answer is checked when it starts streaming (what it read
    until then), then sent as it comes. Over the embedded store, a request is only one
    :func:`~kg.store.one_version` block.

    Being the innermost middleware, it answers again only what lies inside it (the error handlers
    and the router): the layers outside run once per request and see its ``store_busy`` answers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        service = scope["app"]
        store = getattr(service.state, "store", None)
        if scope["type"] == "http" and store is not None and store.supports(Capability.SHARED):
            await self._of_one_version(service.retry_waits, scope, receive, send)
            return
        with one_version():
            await self.app(scope, receive, send)

    async def _of_one_version(self, waits: tuple[float, ...], scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from one version of the remote store, or 503 ``store_busy`` (see the class).

        A SPARQL request is one query, of one version by itself: its version is read (and checked)
        only where the server needs the list of graphs (Virtuoso); every other request's reads are
        all checked."""
        body = _Replay(receive)
        every_read = not sparql.takes(scope)
        for wait in (*waits, None):
            with one_version(every_read=every_read) as reading:
                held = _Held(send, reading)
                try:
                    await self.app(dict(scope), body.attempt(), held.send)
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
        tries = len(waits) + 1
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
