"""A remote SPARQL 1.1 store: :class:`RemoteStore`, one implementation of :class:`kg.store.protocol.Store`,
with the capabilities :attr:`~kg.store.protocol.Capability.SERVER` and
:attr:`~kg.store.protocol.Capability.SHARED` (not the embedded store's journal nor its replicas).

``kg.store.connect("http://host:port/...")`` returns a :class:`RemoteStore`: queries go to the
server's query endpoint, writes to its update endpoint, single graphs are read through the
Graph Store Protocol when the server has one. Several API instances can share one server.

How the embedded store's guarantees carry over:

* **Bindings** are never pasted as untrusted text: each bound value is turned into an RDF term
  and serialised by the engine's own writer (``<iri>``, ``"text"@lang``, ``"v"^^<type>``), then
  put in a ``VALUES`` block at the start of the query's top-level pattern, and of each
  subquery's pattern for the variables it projects (Virtuoso evaluates a subquery unbound
  otherwise, and answered nothing for a statement's properties).
* **The default graph is the union of our graphs, each triple once.** A server's own union
  default graph (Oxigraph's ``--union-default-graph``) counts a triple once per graph that holds
  it, and Virtuoso's default graph also holds its system graphs; so the store keeps the union in a
  graph of its own (:data:`UNION_GRAPH`, each triple once), written by the same update requests
  as the sources (:func:`~kg.store.common.union_delete`, :func:`~kg.store.common.union_insert`),
  and every query without a dataset of its own names it as the protocol's ``default-graph-uri``,
  with the graphs this store wrote (listed in its marker graph) as ``named-graph-uri`` when the
  text may read named graphs (it holds the word ``GRAPH``; otherwise no list is needed). A query
  with its own ``FROM``/``FROM NAMED`` goes as it is: so the server must not replace a query's
  dataset by a union default graph of its own (Oxigraph's ``--union-default-graph`` does: such a
  server is refused, with the hint to start it without).
* **Writes are one update request**: the graphs to replace are taken off the marker graph's list,
  their triples that no other listed graph states taken out of the union, then they are dropped
  and inserted, their triples added to the union and the list updated, in that order (on a
  server that limits a request's size,
  Virtuoso, a write of many graphs goes in several such requests, each replacing whole graphs). The
  request is parsed whole before anything runs, so a malformed or oversized one changes nothing;
  Oxigraph also runs it in one transaction. Virtuoso commits operation by operation, so a failure
  while running (rare: disk full, a crash) can leave a source half written.
* **Version, and writes under way** (a sequence lock): the marker graph holds a random version
  number, and a *mark* for each write under way. A write's first request opens with its mark and a
  new version; its last request ends with another new version, then the mark's removal (a write of
  one request carries both: on Oxigraph, one transaction, so readers never see the mark; on
  Virtuoso they see it while the operations run). One small query reads the version and the marks
  (:attr:`RemoteStore.version`; once per request within :func:`one_version`). A reader that read
  version *v* and no mark, did its reads, then reads *v* and no mark again, read one version:
  any write that changed content in between began after its first read (else its mark was there),
  and has either not ended (its mark is there) or ended with a new version. Random versions do not
  come back, so no other sequence passes. The service does this for each request
  (:class:`api.middleware.OneVersion`), reading the version before the request's first query (a SPARQL
  request, one query, reads it only where its dataset needs the list of graphs): one more query
  per request; an answer that fails the check is computed again, or refused with
  :class:`~kg.errors.StoreBusy`. Values cached under a version
  (:mod:`kg.store.derived`) may have been computed from a later state by a request that read the
  version before a write landed; that request fails its check, and the version is never current
  again, so no request that passes its check uses them.
  A mark says until when it holds (the writer's clock: its requests' time limit and
  :data:`WRITE_MARK_MARGIN`), so a writer that dies mid-write stops readers for that long only;
  the next write removes it. A request that fails once the server ran part of the write closes
  the write (new version, mark removed) before the error is raised. Outside :func:`one_version`
  (the command line, warming caches) reads are not checked. The marker graph and the union graph
  are never named in a query's dataset, so SPARQL queries do not see them.

Where servers depart from the standard is written down in :data:`kg.store.dialects.DIALECTS`, nowhere else.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kg.errors import InvalidInput, QueryError, QueryRefused, StoreBusy, StoreError
from kg.namespaces import BASE, PREFIXES
from kg.sparql.gate import readable, refuse_oversized
from kg.sparql.text import QueryShape, declares_dataset, pattern_start, subquery_patterns
from kg.store.common import StoreBasics, export_format, serialize, union_delete, union_insert
from kg.store.derived import DerivedValues
from kg.store.dialects import DIALECTS, INSERT_DATA, Dialect
from kg.store.protocol import Capability
from kg.terms import to_term

__all__ = ["DIALECTS", "MARKER_GRAPH", "UNION_GRAPH", "Dialect", "Reading", "RemoteStore", "one_version"]


class Reading:
    """What one :func:`one_version` block read: each remote store's version when first read."""

    def __init__(self, *, every_read: bool = False) -> None:
        #: Whether every read is checked: the version is read before a store's first query in the
        #: block (else only reads after something asked for the version, such as a cached value).
        self.every_read = every_read
        #: id(store) -> (store, version first read, whether a write was under way then)
        self.seen: dict[int, tuple[RemoteStore, int, bool]] = {}
        #: Whether the block wrote to a remote store (its answer is then not to be computed again).
        self.wrote = False

    def settled(self) -> bool:
        """Whether everything the block read is of one version: each remote store it read is still
        at the version first read, and no write was under way then or is now. One small query per
        remote store read (none when the block read no remote store)."""
        for store, version, busy in list(self.seen.values()):
            if busy:
                return False
            now, busy = store._marker()
            if busy or now != version:
                return False
        return True


#: The :class:`Reading` of the :func:`one_version` block being run, or None outside any.
_reading: ContextVar[Reading | None] = ContextVar("kg_reading", default=None)


@contextmanager
def one_version(*, every_read: bool = False) -> Iterator[Reading]:
    """Within this block (one request of the service), each remote store reads its version once.

    Every cached value is checked against the store's version, and on a server that check is a
    query: an actor page asked it dozens of times. In the block the first answer stands; a write
    made here is seen at once, one made by another process is seen by the next block. Outside any
    block, every read asks the server.

    What the block read is of one version if :meth:`Reading.settled` says so at its end (the
    service asks, and answers again when not: see the module notes); with ``every_read``, that
    covers every query, as the version is read before a store's first one (without it, a block of
    one query, such as a SPARQL request, reads no version where the server needs none). A first
    read that finds a write under way raises :class:`~kg.errors.StoreBusy` at once: whatever the
    block went on to read could be half written.
    """
    reading = Reading(every_read=every_read)
    token = _reading.set(reading)
    try:
        yield reading
    finally:
        _reading.reset(token)


#: The graph (and subject) holding this store's version marker and the list of its graphs.
MARKER_GRAPH = BASE + "store"
_VERSION = ox.NamedNode(MARKER_GRAPH + "#version")
_HOLDS = ox.NamedNode(MARKER_GRAPH + "#graph")
#: A write under way: marker #writing <token>, <token> #until <unix seconds> (see the module notes).
_WRITING = ox.NamedNode(MARKER_GRAPH + "#writing")
_UNTIL = ox.NamedNode(MARKER_GRAPH + "#until")
_MARKER = ox.NamedNode(MARKER_GRAPH)
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: The version and the write marks, in one small query.
_STATE = (
    f"SELECT ?v ?until WHERE {{ GRAPH {_MARKER} {{ {{ {_MARKER} {_VERSION} ?v }}"
    f" UNION {{ {_MARKER} {_WRITING} ?w . ?w {_UNTIL} ?until }} }} }}"
)
#: Seconds a write's mark outlives the time its requests may take (clocks of different machines,
#: the client's own work between requests); a mark older than that was left by a writer that died.
WRITE_MARK_MARGIN = 60.0
#: A graph that never holds anything: the dataset of a query when the store has no graph yet.
_EMPTY_GRAPH = MARKER_GRAPH + "#empty"
#: The union of our graphs, each triple once: the default graph of every query (module notes).
UNION_GRAPH = MARKER_GRAPH + "#union"
_UNION = ox.NamedNode(UNION_GRAPH)
#: The graphs that count as sources when a triple leaves the union: those on the marker graph's list.
_LISTED = f"GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} ?h }}"

_SOLUTIONS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _blank_components(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """Triples grouped so that all triples sharing a blank node are in one group (a blank node's
    label only holds within one INSERT DATA operation)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    blanks = [[t.value for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)] for tr in triples]
    for labels in blanks:
        for other in labels[1:]:
            parent[find(labels[0])] = find(other)
    groups: dict[str, list[ox.Triple]] = {}
    singles: list[list[ox.Triple]] = []
    for triple, labels in zip(triples, blanks, strict=True):
        if labels:
            groups.setdefault(find(labels[0]), []).append(triple)
        else:
            singles.append([triple])
    return [*groups.values(), *singles]


def _chunks(triples: list[ox.Triple], size: int | None) -> Iterator[list[ox.Triple]]:
    if size is None or len(triples) <= size:
        yield triples
        return
    chunk: list[ox.Triple] = []
    for group in _blank_components(triples):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _bind(query: str, bindings: Mapping[str, Any]) -> str:
    """The query with ``bindings`` as a VALUES block opening its top-level pattern, and opening
    the pattern of each subquery that projects any of them (with those it projects).

    The blocks in subqueries change no answer: what a subquery projects meets the top-level block
    anyway. They are needed because Virtuoso evaluates a subquery on its own, unbound: for a
    statement's properties it answered nothing at all.
    Each value becomes an RDF term written by the engine's serialiser, so no text from the
    value can end the term it sits in.
    """
    terms: dict[str, str] = {}
    for name, value in bindings.items():
        try:
            var = ox.Variable(name)
        except ValueError:
            raise InvalidInput(f"invalid variable name {name!r}") from None
        term = to_term(value)
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise InvalidInput(f"cannot bind {name} to a {type(term).__name__} on a remote store")
        terms[var.value] = str(term)
    at = pattern_start(query)
    if at is None:  # no pattern (DESCRIBE <x>): a trailing VALUES block
        return f"{query}\n{_values(terms)}"
    blocks = [(at, _values(terms))]
    for start, projected in subquery_patterns(query):
        chosen = {name: t for name, t in terms.items() if projected is None or name in projected}
        if chosen:
            blocks.append((start, _values(chosen)))
    for start, block in sorted(blocks, reverse=True):
        query = query[:start] + block + query[start:]
    return query


def _batches(
    writes: list[tuple[str, list[str], bool]], limit: int | None
) -> Iterator[list[tuple[str, list[str], bool]]]:
    """Graph writes grouped into requests of at most ``limit`` bytes of operations (None: one
    request); a graph is never split, so one larger than the limit goes alone."""
    batch: list[tuple[str, list[str], bool]] = []
    size = 0
    for write in writes:
        length = sum(len(op.encode("utf-8")) + 3 for op in write[1])
        if batch and limit is not None and size + length > limit:
            yield batch
            batch, size = [], 0
        batch.append(write)
        size += length
    if batch:
        yield batch


def _values(terms: Mapping[str, str]) -> str:
    """A one-row VALUES block binding each variable name to its written term."""
    return f" VALUES ({' '.join('?' + n for n in terms)}) {{ ({' '.join(terms.values())}) }} "


class RemoteStore(StoreBasics):
    """A SPARQL 1.1 server used as the store (see the module notes).

    Parameters
    ----------
    url : str
        The query endpoint, or the server's root for a known dialect (``http://host:7878``).
    update_url, gsp_url : str, optional
        The update and Graph Store Protocol endpoints (default: the dialect's).
    user, password : str, optional
        Credentials for the update and Graph Store Protocol endpoints (also taken from the URL's
        ``user:password@``).
    dialect : str, optional
        ``oxigraph``, ``virtuoso`` or ``generic``; detected from the server's header if omitted.
    timeout : float
        Seconds any request may take before :class:`StoreError` is raised.
    """

    capabilities = frozenset({Capability.SERVER, Capability.SHARED})

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        dialect: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"not a store URL: {url!r}")
        user = user or (parts.username or None)
        password = password or (parts.password or None)
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        self.derived_values = DerivedValues()
        self.timeout = timeout
        self._registry: tuple[int, list[str]] | None = None
        self._union_checked = False
        self._auth: httpx.Auth | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        self.dialect = self._detect() if dialect is None else self._dialect(dialect)
        d = self.dialect
        bare = parts.path in ("", "/")
        self.query_url = _with_path(self.url, d.query_path) if bare and d.query_path else self.url
        default_update = _with_path(self.url, d.update_path) if d.update_path else self.query_url
        self.update_url = update_url or default_update
        self.gsp_url = gsp_url or (_with_path(self.url, d.gsp_path) if d.gsp_path else None)
        if user is not None:
            scheme = httpx.DigestAuth if d.auth == "digest" else httpx.BasicAuth
            self._auth = scheme(user, password or "")
        self._check_access()

    @property
    def max_nesting(self) -> int:
        """Deepest bracket nesting accepted in a query on this server."""
        return self.dialect.max_nesting

    @staticmethod
    def _dialect(name: str) -> Dialect:
        try:
            return DIALECTS[name]
        except KeyError:
            raise StoreError(f"unknown store dialect {name!r}; choose one of {', '.join(DIALECTS)}") from None

    # -- HTTP ---------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, write: bool = False, **kwargs: Any) -> httpx.Response:
        """One request; transport failures, time-outs and refusals become :class:`StoreError`."""
        try:
            response = self._client.request(method, url, auth=self._auth or httpx.USE_CLIENT_DEFAULT, **kwargs)
        except httpx.TimeoutException:
            raise _NoAnswer(f"the store at {url} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise _NoAnswer(f"cannot reach the store at {url}: {exc}") from None
        if response.status_code in (401, 403):
            who = "the credentials given were refused" if self._auth else "it needs credentials"
            raise StoreError(
                f"the store at {url} answered {response.status_code}: {who} "
                "(set KG_STORE_USER and KG_STORE_PASSWORD, or --store-user/--store-password)"
            )
        if response.status_code == 400 and not write:
            raise QueryError(f"the store rejected the query: {_message(response)}")
        if response.status_code >= 400 and response.status_code != 404:
            action = "write" if write else "read"
            raise StoreError(f"store {action} failed ({url} answered {response.status_code}): {_message(response)}")
        return response

    def _detect(self) -> Dialect:
        server = self._send("GET", self.url).headers.get("server", "")
        return next((d for d in DIALECTS.values() if d.server and server.startswith(d.server)), DIALECTS["generic"])

    def _check_access(self) -> None:
        """Reach the query endpoint and, with a harmless update, the update endpoint: a store that
        is down, or credentials that are refused, fail here rather than at the first request."""
        self._select(f"SELECT ?v WHERE {{ GRAPH {_MARKER} {{ {_MARKER} {_VERSION} ?v }} }}")
        self._update(f'DELETE DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} "probe" }} }}', bump=False)
        self._check_union()

    def _post_query(self, query: str, accept: str, dataset: dict[str, list[str]] | None = None) -> httpx.Response:
        data: dict[str, Any] = {"query": query, **(dataset or {})}
        return self._send("POST", self.query_url, data=data, headers={"Accept": accept})

    def _select(self, query: str) -> list[dict[str, ox.Literal | ox.NamedNode | ox.BlankNode]]:
        """Rows of one of our own SELECT queries over the server's own dataset."""
        result = self._solutions(self._post_query(query, _SOLUTIONS).content)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def _solutions(self, body: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
        """Parse a JSON results answer (blank node labels put right first, where the dialect says)."""
        prefix, extra = self.dialect.blank_node_prefix, self.dialect.placeholder_variable
        if (prefix and prefix.encode() in body) or (extra and extra.encode() in body):
            data = json.loads(body)
            variables = data.get("head", {}).get("vars", [])
            if extra in variables:
                variables.remove(extra)
            for row in data.get("results", {}).get("bindings", []):
                row.pop(extra, None)
                for term in row.values():
                    if term.get("type") == "bnode" and prefix and term["value"].startswith(prefix):
                        term["value"] = term["value"][len(prefix) :]
            body = json.dumps(data).encode("utf-8")
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def _update(self, update: str, graphs: Iterable[str] | None = None, *, bump: bool = True) -> None:
        # ``graphs`` (what the write touches) is for a local change record; the version marker serves here
        if bump:  # a write of its own, marked for readers
            self._write([update])
            return
        self._send(
            "POST",
            self.update_url,
            write=True,
            content=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def _write(self, requests: list[str]) -> None:
        """Run a write of one or more update requests, marked for readers (see the module notes).

        The first request opens with the write's mark and a new version, the last ends with
        another new version and the mark's removal; a write of one request carries both (on
        Oxigraph one transaction: readers never see the mark). If a request fails after the
        server ran part of the write, the write is closed (new version, no mark) before the error
        is raised; a write whose server stopped answering leaves its mark to run out.
        """
        mark = ox.NamedNode(f"{MARKER_GRAPH}#write-{secrets.token_hex(8)}")
        now = time.time()
        until = ox.Literal(str(math.ceil(now + len(requests) * self.timeout + WRITE_MARK_MARGIN)), datatype=_INTEGER)
        begin = f"INSERT DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_WRITING} {mark} . {mark} {_UNTIL} {until} }} }}"
        try:
            for number, request in enumerate(requests):
                if number == 0:
                    request = f"{begin} ;\n{self._new_version()} ;\n{request}"
                if number == len(requests) - 1:
                    request = f"{request} ;\n{self._close(mark, now)}"
                self._update(request, bump=False)
        except _NoAnswer:
            raise  # the server may still be running the request: the mark runs out
        except StoreError:
            # the server answered, so it ran all it will of this request: close the write if it opened
            with suppress(StoreError):  # else the mark runs out
                if self._select(f"SELECT ?w WHERE {{ GRAPH {_MARKER} {{ {_MARKER} {_WRITING} {mark} }} }}"):
                    self._update(self._close(mark, now), bump=False)
            raise
        finally:
            self._registry = None
            if (reading := _reading.get()) is not None:
                reading.seen.pop(id(self), None)  # this write made a new version: read it again
                reading.wrote = True

    @staticmethod
    def _new_version() -> str:
        """Operations replacing the version marker with a new random number."""
        value = ox.Literal(str(secrets.randbits(62)), datatype=_INTEGER)
        return (
            f"DELETE WHERE {{ GRAPH {_MARKER} {{ {_MARKER} {_VERSION} ?v }} }} ;\n"
            f"INSERT DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_VERSION} {value} }} }}"
        )

    def _close(self, mark: ox.NamedNode, now: float) -> str:
        """Operations ending a write: a new version, then the write's mark removed (and the marks of
        writers that died, run out before ``now``)."""
        expired = ox.Literal(str(math.floor(now)), datatype=_INTEGER)
        return (
            f"{self._new_version()} ;\n"
            f"DELETE DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_WRITING} {mark} }} }} ;\n"
            f"DELETE WHERE {{ GRAPH {_MARKER} {{ {mark} {_UNTIL} ?until }} }} ;\n"
            f"DELETE {{ GRAPH {_MARKER} {{ {_MARKER} {_WRITING} ?w . ?w {_UNTIL} ?until }} }} WHERE {{ GRAPH {_MARKER}"
            f" {{ {_MARKER} {_WRITING} ?w . ?w {_UNTIL} ?until FILTER(?until <= {expired}) }} }}"
        )

    def _check_union(self) -> None:
        """Refuse a server whose default graph is the union of all graphs (it would override a
        query's own ``FROM``), and fill the union graph when the store holds graphs but the union
        none of their triples: a store written before the union was kept (once the store holds data;
        two small queries at every open)."""
        if self._union_checked:
            return
        if not self._select(f"SELECT ?v WHERE {{ GRAPH {_MARKER} {{ {_MARKER} {_VERSION} ?v }} }}"):
            return  # nothing written yet: checked after the first write
        if self.dialect.union_overrides_from and self._select(f"SELECT ?v WHERE {{ {_MARKER} {_VERSION} ?v }}"):
            raise StoreError(
                f"the store at {self.url} reads the union of all its graphs as the default graph, which "
                f"overrides a query's own FROM; {self.dialect.hint or 'start it without a union default graph'}"
            )
        found = self._select(
            f"SELECT ?h ?u WHERE {{ {{ SELECT ?h WHERE {{ {_LISTED} GRAPH ?h {{ ?s ?p ?o }} }} LIMIT 1 }}"
            f" OPTIONAL {{ SELECT ?u WHERE {{ GRAPH {_UNION} {{ ?u ?p2 ?o2 }} }} LIMIT 1 }} }}"
        )
        if found and "u" not in found[0]:
            fill = f"INSERT {{ GRAPH {_UNION} {{ ?s ?p ?o }} }} WHERE {{ {_LISTED} GRAPH ?h {{ ?s ?p ?o }} }}"
            self._write([fill])
        self._union_checked = True

    # -- reading ------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The version marker written by the last write of any process (one small query; once
        within :func:`one_version`, where finding a write under way raises :class:`StoreBusy`)."""
        reading = _reading.get()
        seen = reading.seen.get(id(self)) if reading is not None else None
        if seen is None:
            version, busy = self._marker()
            seen = (self, version, busy)
            if reading is not None:
                reading.seen[id(self)] = seen
        if seen[2] and reading is not None:
            raise StoreBusy(f"a write to the store at {self.url} is under way")
        return seen[1]

    def _before_reading(self) -> None:
        """In a block that checks every read, read the version before the store's first query: a
        query made before it could be of an older version than the one checked at the end."""
        reading = _reading.get()
        if reading is not None and reading.every_read and id(self) not in reading.seen:
            self.version  # noqa: B018 (read for the check)

    def _marker(self) -> tuple[int, bool]:
        """The version marker, and whether a write is under way (a write mark that has not run out)."""
        version, busy, now = 0, False, time.time()
        for row in self._select(_STATE):
            if "v" in row:
                version = int(row["v"].value)
            elif "until" in row:
                busy = busy or float(row["until"].value) > now
        return version, busy

    def named_graphs(self) -> list[str]:
        version = self.version
        if self._registry is None or self._registry[0] != version:
            rows = self._select(f"SELECT ?g WHERE {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} ?g }} }}")
            graphs = sorted({r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode)})
            self._registry = (version, graphs)
        return list(self._registry[1])

    def contains_graph(self, graph: str) -> bool:
        return graph in self.named_graphs()

    def changed_graphs(self, since: int) -> frozenset[str] | None:
        """Empty while the version is still ``since``; else None: other processes write too, and
        the server keeps no record of which graphs each write touched."""
        return frozenset() if since == self.version else None

    def _graph_values(self, graphs: list[str]) -> str:
        return "VALUES ?g { " + " ".join(str(ox.NamedNode(g)) for g in graphs) + " }"

    def __len__(self) -> int:
        graphs = self.named_graphs()
        if not graphs:
            return 0
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {self._graph_values(graphs)} GRAPH ?g {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value)

    def _dataset(
        self, query: str, union: bool, default_graph: Any, named_graphs: list[Any] | None
    ) -> dict[str, list[str]] | None:
        """The protocol's dataset parameters for a query (None: the server's own)."""

        def names(graphs: Iterable[Any]) -> list[str]:
            return [g.value if isinstance(g, ox.NamedNode) else str(g) for g in graphs]

        if default_graph is not None or named_graphs is not None:
            default = [UNION_GRAPH] if isinstance(default_graph, ox.DefaultGraph) else names(default_graph or [])
            named = names(named_graphs) if named_graphs is not None else self.named_graphs()
            return {"default-graph-uri": default or [_EMPTY_GRAPH], "named-graph-uri": named or [_EMPTY_GRAPH]}
        if declares_dataset(query):
            return None  # its own FROM / FROM NAMED, over the server's graphs
        if union:  # the engine's option: every graph of ours, a triple once per graph that holds it
            ours = self.named_graphs() or [_EMPTY_GRAPH]
            return {"default-graph-uri": ours, "named-graph-uri": ours}
        if "GRAPH" not in query.upper():  # no named graph read (the word anywhere: errs towards naming them)
            return {"default-graph-uri": [UNION_GRAPH]}
        return {"default-graph-uri": [UNION_GRAPH], "named-graph-uri": self.named_graphs() or [_EMPTY_GRAPH]}

    def query(
        self,
        query: str,
        *,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: list[Any] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Evaluate a query on the server, with the keywords of ``pyoxigraph.Store.query``.

        Returns the engine's own result objects (parsed from the server's answer), so code
        written for the embedded store (and the SPARQL endpoint's workers) runs unchanged.
        """
        self._before_reading()
        text = _bind(query, {v.value: t for v, t in substitutions.items()}) if substitutions else query
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())
        if base_iri:
            prologue = f"BASE {ox.NamedNode(base_iri)}\n" + prologue
        form = self._checked(query).form
        if form is None:
            raise QueryError("invalid SPARQL: not a query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        dataset = self._dataset(query, use_default_graph_as_union, default_graph, named_graphs)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        response = self._post_query(prologue + text, _TRIPLES if graph_form else _SOLUTIONS, dataset)
        try:
            if graph_form:
                return _as_query_triples(response.content)
            return self._solutions(response.content)
        except SyntaxError as exc:
            raise StoreError(f"the store's answer could not be read: {exc}") from None

    def _checked(self, query: str) -> QueryShape:
        """The gate every query text passes before it is sent: the server must never receive
        what the SPARQL endpoint would refuse (``SERVICE`` or ``LOAD`` would make the server
        reach out; long nesting or chains of operators may crash it)."""
        shape = readable(query)  # one reading for both checks
        refuse_oversized(shape, self.max_nesting)
        if shape.outbound:
            raise QueryRefused(f"{' and '.join(shape.outbound)} not allowed: the store is never asked to reach outside")
        return shape

    def raw_query(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        substitutions = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        return self.query(
            query,
            prefixes=PREFIXES,
            substitutions=substitutions,
            default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph is not None else None,
            named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
        )

    def triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph (Graph Store Protocol when the server has it)."""
        self._before_reading()
        if self.gsp_url is not None:
            response = self._send(
                "GET", self.gsp_url, params={self.dialect.gsp_graph_param: graph}, headers={"Accept": _TRIPLES}
            )
            if response.status_code == 404:
                return []
            return [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        return list(self.query(query, named_graphs=[ox.NamedNode(graph)], default_graph=[]))  # type: ignore[arg-type]

    def export_to(self, output: BinaryIO, fmt: str = "trig", graph: str | None = None) -> None:
        rdf_format, prefixes = export_format(fmt)
        if graph is not None:
            self._require_graph(graph)
            triples = self.triples(graph)
            if rdf_format.supports_datasets:
                name = ox.NamedNode(graph)
                quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
                ox.serialize(quads, output, format=rdf_format, prefixes=prefixes)
            else:
                ox.serialize(triples, output, format=rdf_format, prefixes=prefixes)
        elif rdf_format.supports_datasets:
            graphs = self.named_graphs()
            if not graphs:
                ox.serialize([], output, format=rdf_format, prefixes=prefixes)
                return
            result = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ {self._graph_values(graphs)} GRAPH ?g {{ ?s ?p ?o }} }}")
            assert isinstance(result, ox.QuerySolutions)
            rows = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result)
            ox.serialize(rows, output, format=rdf_format, prefixes=prefixes)
        else:
            union = self.construct("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
            ox.serialize(union, output, format=rdf_format, prefixes=prefixes)

    # -- writing ------------------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace several named graphs in one update request, or where the server limits a
        request's size (:attr:`Dialect.max_update_bytes`), in as few requests as fit, each
        replacing whole graphs (see the module notes)."""
        writes: list[tuple[str, list[str], bool]] = []
        for graph, triples in graphs.items():
            name = ox.NamedNode(graph)
            if name.value in (MARKER_GRAPH, _EMPTY_GRAPH, UNION_GRAPH):
                raise InvalidInput(f"the graph {graph} is reserved for the store's own use")
            content = list(triples)
            operations = [f"DROP SILENT GRAPH {name}"]
            blank = [t for t in content if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
            ground = [
                t for t in content if not (isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))
            ]
            for part, template in ((ground, INSERT_DATA), (blank, self.dialect.insert_blank)):
                for chunk in _chunks(part, self.dialect.insert_chunk) if part else ():
                    body = serialize(chunk, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                    operations.append(template.format(graph=name, body=body))
            writes.append((str(name), operations, bool(content)))
        requests = []
        for batch in _batches(writes, self.dialect.max_update_bytes):
            names = [ox.NamedNode(name[1:-1]) for name, _, _ in batch]
            listed = [name for name, _, filled in batch if filled]
            # off the list first, so that only the other graphs keep a triple in the union
            operations = [f"DELETE DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} {', '.join(map(str, names))} }} }}"]
            operations += [union_delete(n, union=_UNION, holders=_LISTED) for n in names]
            operations += [op for _, ops, _ in batch for op in ops]
            operations += [
                union_insert(n, union=_UNION) for n, (_, _, filled) in zip(names, batch, strict=True) if filled
            ]
            if listed:
                operations.append(f"INSERT DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} {', '.join(listed)} }} }}")
            requests.append(" ;\n".join(operations))
        if requests:
            self._write(requests)
            self._check_union()

    def remove_graph(self, graph: str) -> bool:
        if not self.contains_graph(graph):
            return False
        name = ox.NamedNode(graph)
        self._update(
            f"DELETE DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} {name} }} }} ;\n"
            f"{union_delete(name, union=_UNION, holders=_LISTED)} ;\nDROP SILENT GRAPH {name}"
        )
        return True

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (absent ones are ignored), their listing and their triples that no
        other listed graph states from the union, in one write: off the list first, so that only
        the other graphs keep a triple in the union, then out of the union, then dropped."""
        names = [ox.NamedNode(g) for g in graphs]
        if names:
            unlist = f"DELETE DATA {{ GRAPH {_MARKER} {{ {_MARKER} {_HOLDS} {', '.join(map(str, names))} }} }}"
            unions = [union_delete(name, union=_UNION, holders=_LISTED) for name in names]
            drops = [f"DROP SILENT GRAPH {name}" for name in names]
            self._update(" ;\n".join([unlist, *unions, *drops]))

    def flush(self) -> None:
        """Nothing to do: the server persists its own writes."""

    def close(self) -> None:
        self._client.close()


class _NoAnswer(StoreError):
    """The store did not answer (time-out, connection refused or cut): a write may have run or not."""


def _message(response: httpx.Response) -> str:
    text = response.text.strip()
    return " ".join(text.split())[:500] or response.reason_phrase


def _as_query_triples(body: bytes) -> ox.QueryTriples:
    """The engine's triples result object for an N-Triples answer."""
    graph = ox.Store()
    graph.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
    result = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result
