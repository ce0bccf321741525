"""The embedded store: Oxigraph in this process, in memory or on disk (:class:`EmbeddedStore`),
one implementation of :class:`kg.store.protocol.Store`, with the capabilities
:attr:`~kg.store.protocol.Capability.JOURNAL` and :attr:`~kg.store.protocol.Capability.REPLICAS`.

Every read sees the union of all named graphs as its default graph (one named graph per
source). Writes replace a whole graph in one transaction, so a reader sees a source either
entirely before or entirely after a load, and a failed load leaves the store as it was.

A bulk load (:mod:`kg.load.bulk`) is not one transaction: it keeps a journal in the store (a graph
named ``urn:kg:journal:<id>``) and opening an on-disk store finishes or undoes any load a crash
interrupted (:meth:`EmbeddedStore.recover`), so that every open sees the state before or after a load.

Parameters are bound by the engine (``substitutions``), never pasted into query text:
``store.select(query, {"actor": iri(...), "at": date})``. A bound variable must appear in the
query's projection (an engine rule), which the named queries respect.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.sparql.gate import MAX_NESTING, check_size
from kg.store.common import JOURNAL, STAGING, StoreBasics, export_format, serialize
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
        return len(self._store)

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

        The default graph is the union of all graphs unless ``default_graph`` lists graphs.
        """
        check_size(query)
        substitutions = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        options: dict[str, Any] = {"prefixes": PREFIXES, "substitutions": substitutions or None}
        if default_graph is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            options["use_default_graph_as_union"] = True
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
        """Write the whole store (union of sources) or one named graph to ``output`` as it is
        serialised, without holding the serialisation in memory (1.3 GB at 100k actors)."""
        rdf_format, prefixes = export_format(fmt)
        if graph is not None:
            self._require_graph(graph)
            if rdf_format.supports_datasets:
                quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                ox.serialize(quads, output, format=rdf_format, prefixes=prefixes)
            else:
                ox.serialize(self.triples(graph), output, format=rdf_format, prefixes=prefixes)
        elif rdf_format.supports_datasets:
            self._store.dump(output, format=rdf_format, prefixes=prefixes)
        else:
            union = self.raw_query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
            assert isinstance(union, ox.QueryTriples)
            ox.serialize(union, output, format=rdf_format, prefixes=prefixes)

    # -- writing ---------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace several named graphs in one transaction.

        Either all the new content is visible afterwards or, on any error, all the old one.
        """
        parts = []
        for graph, triples in graphs.items():
            body = serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
            name = ox.NamedNode(graph)
            parts.append(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}}} }}")
        if parts:
            self._update(" ;\n".join(parts), graphs)

    def remove_graph(self, graph: str) -> bool:
        """Remove a named graph; False when there was none."""
        if not self.contains_graph(graph):
            return False
        self._update(f"DROP GRAPH {ox.NamedNode(graph)}", [graph])
        return True

    def bulk_load(self, path: str | Path) -> None:
        """Add the quads of an N-Quads file with the engine's bulk loader.

        Much faster than a transaction for millions of quads, but NOT atomic: after a failure
        or a crash part of the file may be in the store. :func:`kg.load.bulk.bulk_load_files` restores
        the all-or-nothing guarantee around it, with a journal (:meth:`open_journal`).
        """
        with self._write_lock:
            try:
                self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
                raise StoreError(f"bulk load failed: {exc}") from exc
            finally:
                self._version += 1
                self._note_change(None)

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (absent ones are ignored) in one transaction."""
        graphs = list(graphs)
        parts = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
        if parts:
            self._update(" ;\n".join(parts), graphs)

    def move_graphs(self, moves: Mapping[str, str]) -> None:
        """Replace each target graph by its staging graph (``{staging: target}``) in one transaction."""
        parts = [f"MOVE SILENT GRAPH {ox.NamedNode(s)} TO {ox.NamedNode(t)}" for s, t in moves.items()]
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
        return done

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
