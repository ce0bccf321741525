"""The process that evaluates SPARQL queries for the pool (see :mod:`kg.sparql.pool`).

It cuts itself off from the network (:mod:`kg.sparql.sandbox`), opens its own read-only replica
of the store, and answers one job at a time over a pipe with bytes from the engine's serialisers.
(Being ``kg.sparql.worker``, it imports the ``kg`` package first, numpy and rdflib with it.)

A job may carry the memory a query may allocate (``memory_mb``): once the replica is open, the
worker's data limit (``RLIMIT_DATA``: its heap and private writable mappings, not the store's
files or shared libraries) is set to what it then holds plus that much. An allocation past it
fails: the engine prints "memory allocation of N bytes failed" and aborts (the pool reads its
standard error to tell the client why), Python raises MemoryError (answered as a memory error).
"""

from __future__ import annotations

import csv
import faulthandler
import functools
import io
import itertools
import json
import mmap
import resource
import socket
import sys
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.sparql import channel as channel_mod
from kg.sparql import results
from kg.sparql.errors import explain
from kg.sparql.sandbox import NONE, confine
from kg.sparql.text import prefixes_used, relative_iris, with_limit

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


def _rows_up_to(body: bytes, media_type: str, cap: int) -> int:
    """The number of solutions in a serialised SELECT result, counted up to ``cap + 2`` at most
    (JSON is read lazily by the engine's parser: a large body is not turned into Python objects)."""
    if media_type == "application/sparql-results+json":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(parsed, ox.QuerySolutions)
        return len(list(itertools.islice(parsed, cap + 2)))
    return min(count_rows(body, media_type), cap + 2)


#: The fewest bytes a solution takes in each format, so that a body shorter than the row cap
#: times this cannot hold more solutions than the cap, and need not be counted.
_MIN_ROW_BYTES = {
    "application/sparql-results+json": 2,  # {} and a comma
    "application/sparql-results+xml": 17,  # <result></result>
    "text/csv": 2,  # CRLF
    "text/tab-separated-values": 1,  # LF
}


def _base(iri: str | None) -> str | None:
    """The base IRI for relative IRIs in a query (the endpoint's URL), if it is a valid IRI."""
    try:
        return ox.NamedNode(iri).value if iri else None
    except ValueError:
        return None


def _run(store: ox.Store, query: str, job: dict[str, Any], on_parsed: Callable[[], None]) -> Any:
    # the engine takes a tenth longer on a lookup given a base IRI: only when one is needed
    options: dict[str, Any] = {"base_iri": _base(job.get("base_iri"))} if relative_iris(job["query"]) else {}
    default_graphs, named_graphs = job.get("default_graphs"), job.get("named_graphs")
    # without a dataset: the store's default graph (the union of the sources, each triple once:
    # kg.store.embedded) and every named graph, unless the query names its own (FROM / FROM NAMED)
    if default_graphs is not None or named_graphs is not None:
        # the protocol's dataset replaces the query's own FROM / FROM NAMED (no graph: an empty one)
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or []]
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or []]
    # the service's prefixes are declared for every query, but handing the engine all of them costs
    # more than evaluating a lookup: give it those the query uses; if the scan missed one, all
    needed = {p: PREFIXES[p] for p in prefixes_used(query) if p in PREFIXES}
    try:
        result = store.query(query, prefixes=needed, **options)
    except SyntaxError:
        if len(needed) == len(PREFIXES):
            raise
        result = store.query(query, prefixes=PREFIXES, **options)
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
    A SELECT never answers more than ``max_rows`` solutions: the query's text is given a LIMIT
    one above the cap (:func:`~kg.sparql.text.with_limit`), so that the engine stops there and
    serialises the result, and the solutions are counted; when that LIMIT did not hold (the
    scanner misread the text), the first ``max_rows`` solutions of the query as sent are taken
    from the engine's iterator and written by :mod:`kg.sparql.results`.
    """
    form, media_type, cap = job["form"], job["media_type"], job["max_rows"]
    query = job["query"]
    if form == "SELECT":
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        body = _limited(store, query, cap + 1, job, on_parsed).serialize(format=fmt)
        if len(body) <= cap * _MIN_ROW_BYTES[media_type]:
            return {"body": body, "media_type": media_type, "truncated": False}
        rows = _rows_up_to(body, media_type, cap)
        if rows <= cap:
            return {"body": body, "media_type": media_type, "truncated": False}
        del body
        if rows == cap + 1:  # the LIMIT held: the engine writes the capped result
            body = _limited(store, query, cap, job, on_parsed).serialize(format=fmt)
            if len(body) <= cap * _MIN_ROW_BYTES[media_type] or _rows_up_to(body, media_type, cap) <= cap:
                return {"body": body, "media_type": media_type, "truncated": True}
            del body
        solutions = _run(store, query, job, on_parsed)
        body = results.serialize(solutions.variables, itertools.islice(solutions, cap), media_type)
        return {"body": body, "media_type": media_type, "truncated": True}
    if form in ("CONSTRUCT", "DESCRIBE"):
        # the cap counts triples: one more than the cap tells whether the graph was cut
        triples = list(itertools.islice(_run(store, query, job, on_parsed), cap + 1))
        body = ox.serialize(triples[:cap], format=ox.RdfFormat.from_media_type(media_type))
        return {"body": body, "media_type": media_type, "truncated": len(triples) > cap}
    result = _run(store, query, job, on_parsed)
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return {"body": result.serialize(format=fmt), "media_type": media_type, "truncated": False}


def _data_bytes() -> int:
    """The process's data size (``VmData``: what ``RLIMIT_DATA`` counts), in bytes."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    return 0


class _MemoryLimit:
    """The worker's data limit: lifted while a replica opens, then set for the queries."""

    def __init__(self) -> None:
        self.megabytes: int | None = None  # the limit set, None while lifted

    def lift(self) -> None:
        if self.megabytes is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_DATA)
            resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
            self.megabytes = None

    def set(self, megabytes: int) -> None:
        """Allow queries ``megabytes`` beyond what the worker now holds (0: no limit)."""
        if megabytes == self.megabytes:
            return
        self.lift()
        if megabytes > 0:
            _, hard = resource.getrlimit(resource.RLIMIT_DATA)
            soft = _data_bytes() + megabytes * 1024 * 1024
            resource.setrlimit(
                resource.RLIMIT_DATA, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
            )
        self.megabytes = megabytes


def serve(channel: socket.socket, marks: mmap.mmap, sandbox: str = NONE) -> None:
    """Answer jobs until the socket closes (the messages are described in :mod:`kg.sparql.channel`).

    Sends a ready frame once imported, whose body says what keeps this process off the network
    (``sandbox``, from :func:`kg.sparql.sandbox.confine`). A warm message opens the replica and answers ``ok`` with
    an empty body. A job is evaluated and answered with its body or an error; once the engine
    has parsed its query the job's number is written to ``marks`` (shared memory the pool reads
    only if this process dies, for its log: whether the engine's ``query()`` had returned).
    A job's ``memory_mb`` sets the memory limit once the replica is open (see above).
    """
    faulthandler.enable()  # a crash writes the Python stack to standard error (which the pool logs)
    limit = _MemoryLimit()
    store: ox.Store | None = None
    current: tuple[str, str, int] | None = None
    frames = channel_mod.FrameReader(channel)
    channel_mod.send_frame(channel, channel_mod.encode_reply(channel_mod.ok_reply(sandbox.encode(), "", False)))
    while True:
        payload = frames.next()
        if payload is None:
            return
        seq, replica, job = channel_mod.decode_job(payload)
        try:
            if replica != current:
                limit.lift()  # opening a replica may take more than a query may
                store, current = _open(replica), replica
            assert store is not None
            if job is None:
                reply = channel_mod.ok_reply(b"", "", False)
            else:
                limit.set(job.get("memory_mb", 0))
                on_parsed = functools.partial(channel_mod.MARK.pack_into, marks, 0, seq)
                answer = execute(store, job, on_parsed)
                reply = channel_mod.ok_reply(answer["body"], answer["media_type"], answer["truncated"])
        except MemoryError:  # what the query allocated is freed with the exception
            reply = channel_mod.Reply.memory_error()
        except SyntaxError as exc:  # the position, what was found and what was expected, in words
            reply = channel_mod.Reply.error(explain(job["query"], str(exc)) if job else f"invalid SPARQL: {exc}")
        except (RuntimeError, ValueError, OSError) as exc:
            reply = channel_mod.Reply.error(str(exc))
        channel_mod.send_frame(channel, channel_mod.encode_reply(reply))


if __name__ == "__main__":
    _sandbox = confine()  # first, while this process has one thread
    _sock = socket.socket(fileno=int(sys.argv[1]))
    with open(int(sys.argv[2]), "r+b") as _marks_file:
        serve(_sock, mmap.mmap(_marks_file.fileno(), channel_mod.MARK_BYTES), _sandbox)
