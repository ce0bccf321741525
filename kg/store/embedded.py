"""The store: one interface over an embedded Oxigraph store, in memory or on disk.

Each source is a named graph. The default graph every read sees is the set union of the sources:
each triple once, however many sources state it (a graph is a set, so ``COUNT``, ``SUM`` and
``GROUP BY`` count each fact once), while ``GRAPH ?g { ... }`` still sees each source's own graph.
The engine's own union default graph counts a triple once per graph that holds it (a bag), so the
union is kept as derived data instead: the store's real default graph holds every triple of the
sources once, and every write that changes a source changes it in the same transaction (the
triples of a replaced or removed graph that no other source states go, the new ones come;
:func:`union_delete`, :func:`union_insert`). Graphs of the store's own (a bulk load's staging and
journal graphs, :data:`STAGING`, :data:`JOURNAL`) are not sources and never in the union.
:func:`kg.load.checks.union_defects` checks the invariant (``kg check``).

Writes replace a whole graph in one transaction, so a reader sees a source either
entirely before or entirely after a load, and a failed load leaves the store as it was.

A bulk load (:mod:`kg.load.bulk`) is not one transaction: it keeps a journal in the store (a graph
named ``urn:kg:journal:<id>``) and opening an on-disk store finishes or undoes any load a crash
interrupted (:meth:`Store.recover`), so that every open sees the state before or after a load.

Parameters are bound by the engine (``substitutions``), never pasted into query text:
``store.select(query, {"actor": iri(...), "at": date})``. A bound variable must appear in the
query's projection (an engine rule), which the named queries respect.
"""

from __future__ import annotations

import io
import itertools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pyoxigraph as ox

from kg.errors import InvalidInput, QueryError, QueryRefused, StoreError
from kg.namespaces import PREFIXES
from kg.sparql.text import Guard, QueryShape, TooAmbiguous, analyse, guard
from kg.store.derived import DerivedValues
from kg.terms import to_python, to_term

__all__ = [
    "EMPTY_GRAPH",
    "EXPORT_FORMATS",
    "JOURNAL",
    "MAX_NESTING",
    "MAX_OPERATORS",
    "STAGING",
    "Store",
    "check_size",
    "export_format",
    "is_source_graph",
    "readable",
    "refuse_oversized",
    "union_delete",
    "union_insert",
]

#: Export format names → (pyoxigraph format, media type).
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
}

#: Deepest bracket nesting accepted in a query. A few thousand nested braces crash the
#: engine's parser (taking the process down), so deeper queries are refused before parsing.
MAX_NESTING = 256

#: The most operators and keywords (``!``, ``||``, ``FILTER``, ``MINUS``, ``BIND``, function names...;
#: see :class:`kg.sparql.text.Guard`) accepted in a query. The parser and the evaluator recurse
#: once for each in a chain, brackets or not: about 2,600 ``MINUS`` or ``BIND`` in a row, 6,400
#: ``UNION`` or 9,000 ``!`` overflow the stack of the engine (embedded, and the Oxigraph server alike),
#: and 3,000 ``MINUS`` inside 250 levels of nesting do. A thousand keeps a margin of about three
#: over every construct tried (tests/test_sparql_guard.py) and is far above what a person writes.
MAX_OPERATORS = 1000

T = TypeVar("T")

#: Graph names a bulk load writes through (never a source's): a staging graph holds a source's new
#: content until it replaces the old one; a journal lists the graphs an unfinished load created.
STAGING = "urn:kg:staging:"
JOURNAL = "urn:kg:journal:"
#: The journal's predicates: ``<journal> <creates> <graph>`` for each graph the load creates (a new
#: source's or a staging graph), and ``<journal> <loaded> true`` once every graph is complete.
_CREATES = ox.NamedNode("urn:kg:journal#creates")
_LOADED = ox.NamedNode("urn:kg:journal#loaded")
#: Graphs dropped per transaction when a load is undone (each transaction holds its deletions in memory).
_DROP_BATCH = 64
#: A graph that never holds anything: the default graph of a query whose dataset names no default graph.
EMPTY_GRAPH = "urn:kg:empty"
#: A named graph's triples in the default graph (the union of the sources), by batches of graphs.
_UNION_FILL = "INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }}"


def is_source_graph(graph: str) -> bool:
    """Whether a named graph is in the union of the sources (not one of the store's own)."""
    return not graph.startswith((STAGING, JOURNAL)) and graph != EMPTY_GRAPH


def _others(name: str, graph: str, keep: ox.NamedNode | None = None) -> str:
    """A filter keeping the graphs ``name`` that may hold a triple of the union other than ``graph``:
    a source's graph (not the store's own), or ``keep``."""
    source = f"!STRSTARTS(STR({name}), {ox.Literal(STAGING)}) && !STRSTARTS(STR({name}), {ox.Literal(JOURNAL)})"
    if keep is not None:
        source = f"({name} = {keep} || {source})"
    return f"FILTER({name} != {graph} && {source})"


def union_delete(
    graph: ox.NamedNode,
    *,
    union: ox.NamedNode | None = None,
    holders: str | None = None,
    keep: ox.NamedNode | None = None,
) -> str:
    """The update operation taking out of the union (the default graph, or the graph ``union``)
    the triples of ``graph`` that no other source states: run before ``graph`` is dropped or replaced.

    ``holders`` is the pattern binding ``?h`` to the graphs that count as sources (default: every
    named graph but the store's own, and ``keep``: a graph about to replace ``graph``, whose triples
    then stay rather than go and come back); a triple held by ``graph`` itself never counts.
    """
    into = f"GRAPH {union} {{ ?s ?p ?o }}" if union is not None else "?s ?p ?o"
    others = f"{holders} FILTER(?h != {graph})" if holders is not None else _others("?h", str(graph), keep)
    return (
        f"DELETE {{ {into} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }}"
        f" FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} {others} }} }}"
    )


def union_insert(graph: ox.NamedNode, *, union: ox.NamedNode | None = None) -> str:
    """The update operation adding the triples of ``graph`` to the union (the default graph, or the
    graph ``union``): run once ``graph`` holds its new content. Only the triples the union lacks
    are written (an insert of one it holds would still take a write lock on it in the engine)."""
    into = f"GRAPH {union} {{ ?s ?p ?o }}" if union is not None else "?s ?p ?o"
    return f"INSERT {{ {into} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ {into} }} }}"


def check_size(query: str, max_nesting: int = MAX_NESTING) -> Guard:
    """What the guard scan finds in ``query``, refusing with :class:`~kg.errors.QueryRefused` (a
    :class:`~kg.errors.QueryError`) a text whose nesting or operators could overflow the parser's
    stack (:func:`refuse_oversized`), or that cannot be read with certainty."""
    try:
        found = guard(query)
    except TooAmbiguous as exc:
        raise _unreadable(exc) from None
    refuse_oversized(found, max_nesting)
    return found


def readable(query: str) -> QueryShape:
    """The scanner's reading of ``query`` (:func:`kg.sparql.text.analyse`), refusing with
    :class:`~kg.errors.QueryRefused` a text it cannot read with certainty."""
    try:
        return analyse(query)
    except TooAmbiguous as exc:
        raise _unreadable(exc) from None


def refuse_oversized(found: Guard | QueryShape, max_nesting: int = MAX_NESTING) -> None:
    """Refuse (:class:`~kg.errors.QueryRefused`) what the guard scan found too deep or too long
    for the parser's stack: nesting past ``max_nesting``, more than :data:`MAX_OPERATORS`."""
    if found.depth > max_nesting:
        raise QueryRefused(f"query nested more than {max_nesting} levels deep")
    if found.operators > MAX_OPERATORS:
        raise QueryRefused(
            f"query holds more than {MAX_OPERATORS} operators and keywords (it has at least {found.operators}); "
            "a long chain overflows the parser: use VALUES or IN ( ... ) for long lists"
        )


def _unreadable(exc: TooAmbiguous) -> QueryRefused:
    return QueryRefused(f"{exc}: the service cannot check it safely")


def export_format(fmt: str) -> tuple[ox.RdfFormat, dict[str, str]]:
    """The engine's format for an export format name, and the prefixes to write; InvalidInput if unknown."""
    try:
        rdf_format, _ = EXPORT_FORMATS[fmt]
    except KeyError:
        raise InvalidInput(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}") from None
    return rdf_format, {k: v for k, v in PREFIXES.items() if k not in ("xsd",)}


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # pyoxigraph returns bytes when no output is given
    return data


def _serialize(items: Any, **options: Any) -> bytes:
    """Serialise triples or quads to bytes with the engine's serialiser."""
    return _bytes(ox.serialize(items, **options))


class Store:
    """An embedded Oxigraph store (``path=None``: in memory; else a directory on disk)."""

    #: The most recent writes, oldest first: (version after the write, the graphs it wrote, or None
    #: when unknown). Empty for a store whose writes this object does not see (a remote store).
    _changes: Sequence[tuple[int, frozenset[str] | None]] = ()
    _CHANGES_KEPT = 64

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is not None:
                self.path.mkdir(parents=True, exist_ok=True)  # the engine creates one level only
            self._store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
        self._write_lock = threading.Lock()
        self._version = 0
        self._changes = []
        #: Values derived from the store's content, keyed by name: (version, value); see :meth:`derived`.
        self.cache = DerivedValues()
        if self.path is not None:
            self.recover()

    @classmethod
    def open(cls, spec: str | Path | None, **remote: Any) -> Store:
        """Open a store from a setting: ``None`` or ``"memory"`` for memory, an ``http(s)://`` URL
        for a SPARQL server (:class:`kg.store.remote.RemoteStore`, given the ``remote`` options), else a path."""
        if spec is not None and str(spec).startswith(("http://", "https://")):
            from kg.store.remote import RemoteStore

            return RemoteStore(str(spec), **remote)
        if spec is None or str(spec) == "memory":
            return cls(None)
        return cls(spec)

    # -- reading ---------------------------------------------------------------

    @property
    def version(self) -> int:
        """Increases with every write made through this object (for caches)."""
        return self._version

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """A value derived from the store's content (an index, a table), computed by ``compute()``
        once per version and shared by the callers that ask together (:mod:`kg.store.derived`)."""
        return self.cache.value(name, lambda: self.version, compute)

    def changed_graphs(self, since: int) -> frozenset[str] | None:
        """The named graphs written since version ``since`` (empty: no write), or None when this
        object can't tell (a bulk load, a write too long ago, or a store written by other processes).
        Lets a cache derived from the store update only what those graphs touched."""
        version = self.version
        if since == version:
            return frozenset()
        written: set[str] = set()
        seen = since
        for after, graphs in self._changes:
            if after <= since:
                continue
            if after != seen + 1 or graphs is None:
                return None  # a gap in the record (it was cut) or an unknown write
            written |= graphs
            seen = after
        return frozenset(written) if seen == version else None

    def _note_change(self, graphs: Iterable[str] | None) -> None:
        """Record the graphs of the write that made the current version (None: unknown)."""
        changes = list(self._changes)[-(self._CHANGES_KEPT - 1) :]
        changes.append((self._version, None if graphs is None else frozenset(graphs)))
        self._changes = changes

    def __len__(self) -> int:
        """The number of quads in the named graphs (the union in the default graph, derived, not counted)."""
        return len(self._store) - self._union_size()

    def _union_size(self) -> int:
        result = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))[0].value)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def contains_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def raw_query(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query and return the engine's own result object.

        The default graph is the union of the sources, each triple once (or the query's own
        ``FROM``), unless ``default_graph`` lists graphs.
        """
        check_size(query)
        substitutions = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        options: dict[str, Any] = {"prefixes": PREFIXES, "substitutions": substitutions or None}
        if default_graph is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(query, **options)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except (RuntimeError, ValueError) as exc:
            raise QueryError(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"store read failed: {exc}") from exc

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT query as dicts of Python values (unbound variables omitted)."""
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        try:
            return [{name: to_python(row[name]) for name in names if row[name] is not None} for row in result]
        except (RuntimeError, OSError) as exc:
            raise QueryError(str(exc)) from None

    def select_terms(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a SELECT query as tuples of the engine's terms, in projection order (None: unbound).

        The fast read path: no conversion to Python values, for queries returning many rows or
        read in bulk (a remote store returns the same shape of terms).
        """
        return list(self.iter_terms(query, bindings))

    def iter_terms(self, query: str, bindings: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        """:meth:`select_terms` one row at a time, for reads too large to hold as a list."""
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        width = range(len(result.variables))
        try:
            for row in result:
                yield tuple(row[i] for i in width)
        except (RuntimeError, OSError) as exc:
            raise QueryError(str(exc)) from None

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[ox.Triple]:
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph."""
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]

    def _require_graph(self, graph: str) -> None:
        if not self.contains_graph(graph):
            raise InvalidInput(f"no graph {graph}")

    def export(self, fmt: str = "trig", graph: str | None = None) -> bytes:
        """The whole store or one named graph, serialised: a dataset format holds every named graph
        (the union in the default graph, derived, left out), a graph format the union of the sources."""
        buffer = io.BytesIO()
        self.export_to(buffer, fmt, graph)
        return buffer.getvalue()

    def export_to(self, output: BinaryIO, fmt: str = "trig", graph: str | None = None) -> None:
        """Write the whole store or one named graph (as :meth:`export`) to ``output`` as it is
        serialised, without holding the serialisation in memory (1.3 GB at 100k actors)."""
        rdf_format, prefixes = export_format(fmt)
        if graph is not None:
            self._require_graph(graph)
            if rdf_format.supports_datasets:
                quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                ox.serialize(quads, output, format=rdf_format, prefixes=prefixes)
            else:
                ox.serialize(self.triples(graph), output, format=rdf_format, prefixes=prefixes)
        elif rdf_format.supports_datasets:  # the named graphs (the union in the default graph is derived)
            quads = itertools.chain.from_iterable(
                self._store.quads_for_pattern(None, None, None, g)
                for g in self._store.named_graphs()
                if isinstance(g, ox.NamedNode)
            )
            ox.serialize(quads, output, format=rdf_format, prefixes=prefixes)
        else:  # the union of the sources, each triple once
            union = self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            ox.serialize((q.triple for q in union), output, format=rdf_format, prefixes=prefixes)

    def snapshot_to(self, output: BinaryIO) -> None:
        """Write every quad of the store as N-Quads, the union in the default graph included: what
        a read-only replica of the store needs to answer as the store does (not an export)."""
        self._store.dump(output, format=ox.RdfFormat.N_QUADS)

    # -- writing ---------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace a named graph's content with ``triples`` in one transaction."""
        self.replace_graphs({graph: triples})

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace several named graphs in one transaction, the union of the sources with them.

        Either all the new content is visible afterwards or, on any error, all the old one.
        """
        parts = []
        for graph, triples in graphs.items():
            body = _serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            name = ox.NamedNode(graph)
            write = f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}}} }}"
            parts.append(
                f"{union_delete(name)} ;\n{write} ;\n{union_insert(name)}" if is_source_graph(graph) else write
            )
        if parts:
            self._update(" ;\n".join(parts), graphs)

    def remove_graph(self, graph: str) -> bool:
        """Remove a named graph; False when there was none."""
        if not self.contains_graph(graph):
            return False
        name = ox.NamedNode(graph)
        self._update(f"{union_delete(name)} ;\nDROP GRAPH {name}", [graph])
        return True

    def bulk_load(self, path: str | Path) -> None:
        """Add the quads of an N-Quads file with the engine's bulk loader.

        Much faster than a transaction for millions of quads, but NOT atomic: after a failure
        or a crash part of the file may be in the store. :func:`kg.load.bulk.bulk_load_files` restores
        the all-or-nothing guarantee around it, with a journal (:meth:`open_journal`). The union
        of the sources is left as it was: :meth:`add_to_union` adds the loaded graphs to it.
        """
        with self._write_lock:
            try:
                self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"bulk load failed: {exc}") from exc
            finally:
                self._version += 1
                self._note_change(None)

    def add_to_union(self, graphs: Iterable[str]) -> None:
        """Add the triples of named graphs (written by :meth:`bulk_load`) to the union of the sources,
        with the engine's bulk writer: fast, NOT atomic. The union only ever gains triples of those
        graphs, so removing them (:meth:`remove_graphs`, as :meth:`finish_journal` undoes a load)
        takes out again whatever of it no other source states, however far this went."""
        graphs = [g for g in graphs if is_source_graph(g)]
        with self._write_lock:
            try:
                for i in range(0, len(graphs), _DROP_BATCH):
                    quads = [
                        ox.Quad(q.subject, q.predicate, q.object)
                        for g in graphs[i : i + _DROP_BATCH]
                        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g))
                    ]
                    self._store.bulk_extend(quads)
            except (OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"bulk load failed: {exc}") from exc
            finally:
                self._version += 1
                self._note_change(None)

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (absent ones are ignored) in one transaction, the union with them."""
        graphs = list(graphs)
        parts = [
            f"{union_delete(ox.NamedNode(g))} ;\nDROP SILENT GRAPH {ox.NamedNode(g)}"
            if is_source_graph(g)
            else f"DROP SILENT GRAPH {ox.NamedNode(g)}"
            for g in graphs
        ]
        if parts:
            self._update(" ;\n".join(parts), graphs)

    def move_graphs(self, moves: Mapping[str, str]) -> None:
        """Replace each target graph by its staging graph (``{staging: target}``) in one transaction,
        the union of the sources with them."""
        parts = [  # what the old and the new content share stays in the union (no delete and insert again)
            f"{union_delete(ox.NamedNode(t), keep=ox.NamedNode(s))} ;\n"
            f"MOVE SILENT GRAPH {ox.NamedNode(s)} TO {ox.NamedNode(t)} ;\n{union_insert(ox.NamedNode(t))}"
            for s, t in moves.items()
        ]
        if parts:
            self._update(" ;\n".join(parts), [*moves, *moves.values()])

    # -- the bulk load's journal ------------------------------------------------
    #
    # A bulk load (kg.load.bulk) writes with the engine's bulk loader, which is not transactional, so it
    # is made undoable: a new source goes straight to its own graph (no graph of that name existed),
    # a replacement to a staging graph. The steps, each one kept by a process crash once done (a
    # transaction is in the engine's write-ahead log when it returns, a bulk-loaded file in the store):
    #
    # 1. open_journal: one transaction writes a journal graph naming every graph the load creates;
    # 2. the engine's bulk loader writes those graphs;
    # 3. journal_loaded: one transaction marks the journal loaded (every created graph is complete);
    # 4. move_graphs: one transaction moves every staging graph over its target: the commit
    #    (with no staging graph, step 3 is the commit);
    # 5. finish_journal: the load was committed (marked loaded, no staging graph left), so it drops
    #    the journal. Called on a journal whose load was not committed, it undoes the load instead.
    #
    # A crash leaves the journal, which the next open finishes (recover) the same way.

    def open_journal(self, created: Iterable[str]) -> str:
        """Write a journal naming the graphs a bulk load is about to create (none may exist yet);
        returns the journal's graph name. See :func:`kg.load.bulk.bulk_load_files`."""
        journal = ox.NamedNode(f"{JOURNAL}{uuid.uuid4().hex}")
        body = "".join(f"{journal} {_CREATES} {ox.NamedNode(g)} .\n" for g in created)
        self._update(f"INSERT DATA {{ GRAPH {journal} {{\n{body}}} }}", [journal.value])
        if self.path is not None:
            self._store.flush()  # the journal on disk (not only in the log) before any bulk-loaded file
        return journal.value

    def journal_loaded(self, journal: str) -> None:
        """Mark a journal's graphs complete (after the bulk load, before the move that commits)."""
        name = ox.NamedNode(journal)
        self._update(f"INSERT DATA {{ GRAPH {name} {{ {name} {_LOADED} true }} }}", [journal])

    def finish_journal(self, journal: str) -> bool:
        """Close a bulk load's journal: True when the load was committed (then only the journal
        is dropped), False when it was not (then every graph the journal names is dropped, which
        gives back the store as it was before the load, and the journal last).

        The undo takes several transactions (a large load's graphs do not fit in one); it first
        removes the journal's loaded mark, so that if it is cut short the next call undoes again.
        """
        name = ox.NamedNode(journal)
        created = [r["g"] for r in self.select(f"SELECT ?g WHERE {{ GRAPH {name} {{ ?j {_CREATES} ?g }} }}")]
        loaded = self.ask(f"ASK {{ GRAPH {name} {{ {name} {_LOADED} true }} }}")
        committed = loaded and not any(self.contains_graph(g) for g in created if g.startswith(STAGING))
        if not committed:
            self._update(f"DELETE DATA {{ GRAPH {name} {{ {name} {_LOADED} true }} }}", [journal])
            for i in range(0, len(created), _DROP_BATCH):
                self.remove_graphs(created[i : i + _DROP_BATCH])
        self.remove_graphs([journal])
        return committed

    def recover(self) -> dict[str, bool]:
        """Finish the bulk loads a crash interrupted (:meth:`finish_journal`: each kept if it was
        committed, else undone) and drop staging graphs no journal names (left by older versions).

        Run when an on-disk store is opened for writing, before anything reads it, so that every
        such open sees each bulk load whole or not at all. Returns each journal's outcome.
        """
        done = {g: self.finish_journal(g) for g in self.named_graphs() if g.startswith(JOURNAL)}
        orphans = [g for g in self.named_graphs() if g.startswith(STAGING)]
        for i in range(0, len(orphans), _DROP_BATCH):
            self.remove_graphs(orphans[i : i + _DROP_BATCH])
        self._fill_union()
        return done

    def _fill_union(self) -> None:
        """Put the sources' triples in the union (the default graph) when it is empty while
        sources are not: a store written before the union was kept (once; a few seconds at 10k actors)."""
        if next(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
            return
        sources = [g for g in self.named_graphs() if is_source_graph(g)]
        for i in range(0, len(sources), _DROP_BATCH):
            graphs = " ".join(str(ox.NamedNode(g)) for g in sources[i : i + _DROP_BATCH])
            self._update(_UNION_FILL.format(graphs=graphs), [])

    def _update(self, update: str, graphs: Iterable[str] | None = None) -> None:
        """Run an update that writes ``graphs`` (None: unknown)."""
        with self._write_lock:
            try:
                self._store.update(update)
            except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"store write failed: {exc}") from exc
            self._version += 1
            self._note_change(graphs)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        """Release the store (an on-disk store can then be opened by another process)."""
        if not hasattr(self, "_store"):
            return
        if self.path is not None:
            self._store.flush()
        del self._store
