"""The process that evaluates SPARQL queries for the pool (see :mod:`kg.sparql.pool`).

It imports only pyoxigraph and the standard library, opens its own read-only replica of the
store, and answers one job at a time over a pipe with bytes from the engine's serialisers.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from ..namespaces import PREFIXES
from .text import declares_dataset, with_limit

__all__ = ["count_rows", "execute", "serve"]


def _open(replica: tuple[str, str, int]) -> ox.Store:
    kind, location, _version = replica
    if kind == "disk":
        return ox.Store.read_only(location)
    store = ox.Store()
    store.bulk_load(path=location, format=ox.RdfFormat.N_QUADS)
    return store


def count_rows(body: bytes, media_type: str) -> int:
    """Number of solutions in a serialised SELECT result."""
    if media_type == "application/sparql-results+json":
        return len(json.loads(body)["results"]["bindings"])
    if media_type == "application/sparql-results+xml":
        return body.count(b"<result>") + body.count(b"<result ")
    if media_type == "text/csv":
        return max(0, sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1)
    return max(0, len(body.rstrip(b"\n").split(b"\n")) - 1) if body.strip() else 0


def _base(iri: str | None) -> str | None:
    """The base IRI for relative IRIs in a query (the endpoint's URL), if it is a valid IRI."""
    try:
        return ox.NamedNode(iri).value if iri else None
    except ValueError:
        return None


def _run(store: ox.Store, query: str, job: dict[str, Any], on_parsed: Callable[[], None]) -> Any:
    options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": _base(job.get("base_iri"))}
    default_graphs, named_graphs = job.get("default_graphs"), job.get("named_graphs")
    if default_graphs is None and named_graphs is None:
        # the union of all graphs, unless the query names its own dataset (FROM / FROM NAMED:
        # graphs of the store, or empty graphs; the union option would override them)
        options["use_default_graph_as_union"] = not declares_dataset(query)
    else:  # the protocol's dataset replaces the query's own FROM / FROM NAMED
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []] or ox.DefaultGraph()
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    result = store.query(query, **options)
    on_parsed()
    return result


def _limited(store: ox.Store, query: str, limit: int, job: dict[str, Any], on_parsed: Callable[[], None]) -> Any:
    """Run ``query`` with its LIMIT capped; a syntax error is reported on the text as sent."""
    try:
        return _run(store, with_limit(query, limit), job, on_parsed)
    except SyntaxError:
        _run(store, query, job, on_parsed)  # raises the parser's message for the original text
        raise ValueError("the row cap could not be applied to this query") from None


def execute(store: ox.Store, job: dict[str, Any], on_parsed: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Evaluate one query job: returns the body, its media type and whether rows were cut.

    ``on_parsed`` is called once the engine has parsed the query (and again on each re-run).
    """
    form, media_type, cap = job["form"], job["media_type"], job["max_rows"]
    query = job["query"]
    if form == "SELECT":
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        body = _limited(store, query, cap + 1, job, on_parsed).serialize(format=fmt)
        if count_rows(body, media_type) <= cap:
            return {"body": body, "media_type": media_type, "truncated": False}
        body = _limited(store, query, cap, job, on_parsed).serialize(format=fmt)
        return {"body": body, "media_type": media_type, "truncated": True}
    if form in ("CONSTRUCT", "DESCRIBE"):
        # the cap counts triples: one more than the cap tells whether the graph was cut
        triples = list(itertools.islice(_run(store, query, job, on_parsed), cap + 1))
        body = ox.serialize(triples[:cap], format=ox.RdfFormat.from_media_type(media_type))
        return {"body": body, "media_type": media_type, "truncated": len(triples) > cap}
    result = _run(store, query, job, on_parsed)
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return {"body": result.serialize(format=fmt), "media_type": media_type, "truncated": False}


def serve(conn: Connection) -> None:
    """Answer messages until the pipe closes.

    Sends ``("ready",)`` once imported; then ``("warm", replica)`` opens the replica and answers
    ``("ok", None)``; ``("job", replica, job)`` sends ``("parsed",)`` once the engine has parsed
    the query (so a crash before it is the parser's, on this query's text), then answers
    ``("ok", result)`` or ``("error", kind, message)``; ``None`` stops the worker.
    """
    store: ox.Store | None = None
    current: tuple[str, str, int] | None = None
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        replica = message[1]
        try:
            if replica != current:
                store, current = _open(replica), replica
            assert store is not None
            parsed = False

            def on_parsed() -> None:
                nonlocal parsed
                if not parsed:
                    parsed = True
                    conn.send(("parsed",))

            conn.send(("ok", execute(store, message[2], on_parsed) if message[0] == "job" else None))
        except SyntaxError as exc:
            conn.send(("error", "syntax", f"invalid SPARQL: {exc}"))
        except (RuntimeError, ValueError, OSError) as exc:
            conn.send(("error", "evaluation", str(exc)))


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
