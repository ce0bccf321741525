"""The embedded store: Oxigraph in this process, in memory or on disk (:class:`EmbeddedStore`),
one implementation of :class:`kg.store.protocol.Store`, with the capabilities
:attr:`~kg.store.protocol.Capability.JOURNAL` and :attr:`~kg.store.protocol.Capability.REPLICAS`.

Each source is a named graph. The default graph every read sees is the set union of the sources:
each triple once, however many sources state it (a graph is a set, so ``COUNT``, ``SUM`` and
``GROUP BY`` count each fact once), while ``GRAPH ?g { ... }`` still sees each source's own graph.
The engine's own union default graph counts a triple once per graph that holds it (a bag), so the
union is kept as derived data instead: the store's real default graph holds every triple of the
sources once, and every write that changes a source changes it in the same transaction (the
triples of a replaced or removed graph that no other source states go, the new ones come;
:func:`kg.store.common.union_delete`, :func:`~kg.store.common.union_insert`). Graphs of the
store's own (a bulk load's staging and journal graphs, :data:`~kg.store.common.STAGING`,
:data:`~kg.store.common.JOURNAL`) are not sources and never in the union.
:func:`kg.load.checks.union_defects` checks the invariant (``kg check``).

Writes replace a whole graph in one transaction, so a reader sees a source either
entirely before or entirely after a load, and a failed load leaves the store as it was.

A bulk load (:mod:`kg.load.bulk`) is not one transaction: it keeps a journal in the store (a graph
named ``urn:kg:journal:<id>``) and opening an on-disk store finishes or undoes any load a crash
interrupted (:meth:`EmbeddedStore.recover`), so that every open sees the state before or after a load.

Parameters are bound by the engine (``substitutions``), never pasted into query text:
``store.select(query, {"actor": iri(...), "at": date})``. A bound variable must appear in the
query's projection (an engine rule), which the named queries respect.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.sparql.gate import MAX_NESTING, check_size
from kg.store.common import JOURNAL, STAGING, StoreBasics, export_format, serialize, union_delete, union_insert
from kg.store.derived import DerivedValues
from kg.store.protocol import Capability, Store
from kg.terms import to_term

__all__ = ["EmbeddedStore"]

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


class EmbeddedStore(StoreBasics):
    """An embedded Oxigraph store (``path=None``: in memory; else a directory on disk)."""

    capabilities = frozenset({Capability.JOURNAL, Capability.REPLICAS})
    max_nesting = MAX_NESTING
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
        #: The most recent writes, oldest first: (version after the write, the graphs it wrote, or
        #: None when unknown).
        self._changes: Sequence[tuple[int, frozenset[str] | None]] = []
        #: Values derived from the store's content, kept per version (:mod:`kg.store.derived`).
        self.derived_values = DerivedValues()
        if self.path is not None:
            self.recover()

    @staticmethod
    def open(spec: str | Path | None, **remote: Any) -> Store:
        """Open a store of either kind from a setting (:func:`kg.store.connect`; kept as ``kg.Store.open``)."""
        from kg.store import connect

        return connect(spec, **remote)

    # -- reading ---------------------------------------------------------------

    @property
    def version(self) -> int:
        """Increases with every write made through this object (for caches)."""
        return self._version

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

    def triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph."""
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]

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

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace several named graphs in one transaction, the union of the sources with them.

        Either all the new content is visible afterwards or, on any error, all the old one.
        """
        parts = []
        for graph, triples in graphs.items():
            body = serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
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
