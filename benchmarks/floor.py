"""The thinnest SPARQL server we could write in Python, to show what any Python front can reach.

``python -m benchmarks.floor --store DIR --port N [--processes P]``: P processes (default: one per
core) share one listening port (``SO_REUSEPORT``); each reads HTTP/1.1 with ``httptools`` straight
from an ``asyncio`` protocol on ``uvloop`` (no ASGI, no framework) and evaluates ``GET ?query=`` (SELECT or ASK) in
its own process with the engine over a read-only view of the store (its default graph: the union of
the sources, each triple once), answering SPARQL JSON.

It is not a service: no time limit (a long query holds its process), no row cap, no content
negotiation, no error handling beyond a 400. The benchmark times it beside ours and the Oxigraph
server ("Python floor"): the gap between it and the Oxigraph server is what the interpreter, its
HTTP parsing and the engine's Python binding cost; the gap between ours and it is what our safety
(worker processes that can be killed at the time limit, the row cap, negotiation) costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
from urllib.parse import parse_qs

import httptools
import pyoxigraph as ox
import uvloop

_JSON = ox.QueryResultsFormat.JSON
_HEAD = b"HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n"


class _Connection(asyncio.Protocol):
    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.url = b""
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.close()

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_message_complete(self) -> None:
        assert self.transport is not None
        query = parse_qs((httptools.parse_url(self.url).query or b"").decode()).get("query", [""])[0]
        try:
            result = self.store.query(query)  # the default graph: the union of the sources, each triple once
            if isinstance(result, ox.QueryTriples):
                raise ValueError("only SELECT and ASK queries are served")
            body = result.serialize(format=_JSON) or b""
            head = _HEAD % (200, b"OK", b"application/sparql-results+json", len(body))
        except (SyntaxError, ValueError, OSError) as exc:
            body = str(exc).encode()
            head = _HEAD % (400, b"Bad Request", b"text/plain", len(body))
        self.transport.write(head + body)


async def _serve(sock: socket.socket, store: ox.Store) -> None:
    server = await asyncio.get_running_loop().create_server(lambda: _Connection(store), sock=sock)
    async with server:
        await server.serve_forever()


def _process(location: str, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    uvloop.run(_serve(sock, ox.Store.read_only(location)))


def main(argv: list[str] | None = None) -> None:
    """Start the processes; they all belong to this process group (stop them together: the
    benchmark signals the group; Ctrl-C in a terminal does too)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--store", required=True, help="an on-disk store directory (opened read-only)")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    a = p.parse_args(argv)
    for _ in range(a.processes - 1):
        if os.fork() == 0:
            break
    _process(a.store, a.port)


if __name__ == "__main__":
    main()
