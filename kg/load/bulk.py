"""Bulk loading: millions of quads into a store, with the loader's guarantees kept.

:func:`bulk_load_files` does what :func:`kg.load.loader.load_files` does — every source validated
against the shapes and the loading rules, the same derived triples, unchanged sources skipped,
all or nothing — at a speed the per-source transaction path cannot reach:

* a file may hold many sources (one named graph each, kept together, as ``kg generate`` writes
  them); it is read as a stream, one source at a time, so memory does not grow with the input;
* shapes are checked by :mod:`kg.load.shapes` (the same checks as pySHACL, a hundred times faster);
* reading, checking and deriving are shared out between processes (``jobs``, one per core for
  large inputs): each reads the whole input but checks only every ``jobs``-th source, so each
  also meets any error of the input as a whole; the error of the earliest source is reported;
* the validated quads and their derived triples go to spool files (N-Quads, in a temporary
  folder, a new file every :data:`SPOOL_QUADS` quads), and only when every source has passed
  are the files written: to a store with :attr:`~kg.store.Capability.JOURNAL` (the embedded
  store) by the engine's bulk loader (:meth:`kg.store.embedded.EmbeddedStore.bulk_load`), one at a
  time, which bounds the loader's memory (one call on 5.9M quads peaked at 1.8 GB); to any other
  store (a SPARQL server) through its own write (see "A store without a journal" below). Sources
  are self-contained, so they should not share blank nodes: two sources of one N-Quads file
  that use the same blank node label may end up with two nodes (as two files would).

The all-or-nothing guarantee. A rejected input (a syntax error, a broken rule, a violation in
any source, two files with the same source) raises before the store is touched. The bulk
loader itself is not transactional, so the write is arranged to be undoable, and committed by
one transaction: a source that is new to the store is loaded under its own graph name, which no
graph held before; a source that replaces a graph already in the store is loaded under a fresh
staging graph name (``urn:kg:staging:<id>``) and moved over the old graph afterwards, for all
such sources in one transaction. Before the engine's bulk loader starts, a journal naming every
graph the load creates is written to the store (a graph ``urn:kg:journal:<id>``, in one
transaction); once every graph is complete the journal is marked loaded; then the move commits
the load (with nothing to move, the mark does) and the journal is dropped (the steps are
listed in :mod:`kg.store.embedded`, beside :meth:`~kg.store.embedded.EmbeddedStore.open_journal`).

* The union of the sources (the store's default graph, each triple once: :mod:`kg.store.embedded`)
  gains the new sources' triples once they are loaded, before the commit
  (:meth:`~kg.store.embedded.EmbeddedStore.add_to_union`, not atomic), and a replaced source's in
  the move that commits; dropping a graph takes out of the union what no other source states, so
  an undo leaves it as it was.
* If the bulk load or the move fails, every graph the journal names is dropped, which leaves the
  store as it was, and :class:`~kg.errors.StoreError` is raised.
* If the process dies at any point (``kill -9``), the next open of the on-disk store for writing
  (every ``kg`` command, the service at start-up; :meth:`kg.store.embedded.EmbeddedStore.recover`) finds the
  journal: if the load was committed it drops the journal, else every graph the journal names.
  It also drops any staging graph left without a journal (by an older version). So every open
  sees the whole load or none of it — every source of the load old, or every one new, with the
  per-source digests and derived triples (kept in each source's graph) to match. ``make faults``
  checks this by killing loads at random points, ``tests/test_bulk_crash.py`` at chosen ones.
  Undoing deletes what the load wrote, at the engine's pace for deletions (here about a minute
  for 830,000 quads, a crashed load of 10k actors); an open with no journal costs a scan of the
  graph names.
* A read-only open does not recover. The SPARQL workers' replicas are opened by a service that
  has recovered the store; a read-only open of a store whose load crashed, made before any open
  for writing, would see the partial load. During a load, readers of the same store object may
  see new sources appear one by one, and the journal graph.

A store without a journal (no :attr:`~kg.store.Capability.JOURNAL`: a SPARQL server, whose
updates the engine's bulk loader cannot reach) gets the same reading, validation, derivation,
spool and checks across sources, so a rejected input still raises before anything is written.
The spool is then read back, each source's quads under its own graph name, and written in one
call of the store's own write (:meth:`kg.store.RemoteStore.replace_graphs`), which keeps the
store's union graph (each triple once) in step in the same requests, with that write's
guarantees: on Oxigraph one update request, run in one transaction (all or nothing, readers see
every source old or every one new); on a server that limits a request's size (Virtuoso) several
requests each replacing whole sources, marked as one write for readers (:mod:`kg.store.remote`), so
a failure while the server runs them (disk full, a crash) can leave some sources new and others
old. No journal is kept: a process killed during the write leaves what the server ran. The whole
load is held in memory while it is written (its triples and its update text), and each request
must finish within the store's time limit (:class:`kg.store.RemoteStore`'s ``timeout``).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import InvalidInput, LoadError, StoreError, ValidationFailed, Violation
from kg.load import loader as loader
from kg.load.checks import check_spool
from kg.load.limits import checked_quads
from kg.load.shapes import CompiledShapes, compiled_shapes, index_triples
from kg.store import STAGING, Store, as_journaled

__all__ = ["BULK_THRESHOLD_BYTES", "BYTES_PER_JOB", "bulk_load_files", "default_jobs", "read_sources"]

#: Inputs at least this large (in bytes, all files together) are loaded by the bulk path by
#: ``kg load`` (about 50,000 quads of N-Quads).
BULK_THRESHOLD_BYTES = 8_000_000

#: Quads per spool file (the engine's bulk loader holds about one file's worth in memory).
SPOOL_QUADS = 250_000

#: Input bytes per process of a bulk load (below twice this, one process: starting a second one
#: costs about a second). 10k synthetic actors are about 126 MB of N-Quads.
BYTES_PER_JOB = 32_000_000


@dataclass
class _Source:
    """One source read from a file: its quads (all in its graph) and its digest."""

    file: str
    graph: str
    quads: list[ox.Quad]
    #: Set for a one-source file (the digest of its bytes); else computed from the quads when
    #: first asked for, so that a partition that skips a source never pays for its digest.
    known_digest: str | None = None
    #: True when the file holds other sources too (reports then name the source).
    shared: bool = True

    @property
    def digest(self) -> str:
        if self.known_digest is None:
            self.known_digest = _graph_digest(self.quads)
        return self.known_digest

    @property
    def triples(self) -> list[ox.Quad]:  # what the loader's rules read: subject, predicate, object
        return self.quads


def _file_digest(path: Path) -> str:
    """The digest :func:`kg.load.loader.read_source` gives a one-source file (its bytes, the ontology)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    h.update(loader.LOADER_VERSION.encode())
    for p in loader.ontology.ontology_files():
        h.update(p.read_bytes())
    return h.hexdigest()


def _graph_digest(quads: Sequence[ox.Quad]) -> str:
    """The digest of one source of a many-source file: its quads as N-Quads, the ontology."""
    return loader._digest(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")


def read_sources(path: str | Path) -> Iterator[_Source]:
    """The sources of a data file, one at a time.

    A Turtle file is one source (as for :func:`kg.load.loader.read_source`); a TriG or N-Quads file
    holds one source per named graph, each graph's quads together. A file with one source
    gets the same digest as on the normal path, so either path skips what the other loaded.
    """
    path = Path(path)
    fmt = loader._FORMATS.get(path.suffix.lower())
    if fmt is ox.RdfFormat.TURTLE:
        parsed = loader.read_source(path)
        name = ox.NamedNode(parsed.graph)
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in parsed.triples]
        yield _Source(parsed.file, parsed.graph, quads, parsed.digest, shared=False)
        return
    if fmt is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (use .trig, .nq or .ttl)")
    if not path.is_file():
        raise LoadError(f"{path}: cannot read: no such file")
    done: set[str] = set()
    pending: _Source | None = None
    current: list[ox.Quad] = []
    graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None

    def finish() -> _Source:
        assert isinstance(graph, ox.NamedNode)
        done.add(graph.value)
        return _Source(str(path), graph.value, current)

    try:
        for quad in checked_quads(path, fmt):  # within the input limits (kg.load.limits)
            if quad.graph_name != graph:
                if graph is not None:
                    if pending is not None:
                        yield pending
                    pending = finish()
                graph, current = quad.graph_name, []
                _check_graph(path, graph, done)
            current.append(quad)
    except SyntaxError as exc:
        raise LoadError(f"{path}: syntax error: {exc}") from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None
    if graph is None:
        raise LoadError(f"{path}: no data (a data file holds at least one source's named graph)")
    last = finish()
    if pending is None:  # a one-source file: digest as on the normal path
        last.known_digest, last.shared = _file_digest(path), False
        yield last
        return
    yield pending
    yield last


def _check_graph(path: Path, graph: object, done: set[str]) -> None:
    name = loader.source_graph(path, graph)
    if name in done:
        raise LoadError(f"{path}: the graph {name} is split in two parts; keep each source's quads together")


def _stored_digests(store: Store) -> dict[str, str]:
    rows = store.select("SELECT ?g ?d WHERE { GRAPH ?g { ?g ck:contentDigest ?d } }")
    return {r["g"]: r["d"] for r in rows}


def _where(source: _Source) -> str:
    return f"{source.file} (source {source.graph})" if source.shared else source.file


class _Spool:
    """N-Quads files in a folder (made when first written to), a new one every :data:`SPOOL_QUADS` quads."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.files: list[Path] = []
        self._out: IO[bytes] | None = None
        self._count = 0

    def write(self, quads: Sequence[ox.Quad]) -> None:
        if self._out is None or self._count >= SPOOL_QUADS:
            self.close()
            self.folder.mkdir(exist_ok=True)
            self.files.append(self.folder / f"{len(self.files):05d}.nq")
            self._out = self.files[-1].open("wb")
            self._count = 0
        ox.serialize(quads, self._out, format=ox.RdfFormat.N_QUADS)
        self._count += len(quads)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


@dataclass
class _Part:
    """What one partition of the sources wrote to its spool, or the first error it met.

    Results are numbered by the source's place in the input (``(number, result)``) so that the
    partitions' results can be put back in input order. Errors travel as data (``number``,
    the error's class and its fields) because the library's exceptions do not all pickle.
    """

    results: list[tuple[int, loader.LoadResult]]
    moves: dict[str, str]
    new: list[str]
    files: list[Path]
    error: tuple[int, str, str, list[Violation]] | None = None

    def raise_error(self) -> None:
        if self.error is not None:
            _number, kind, text, violations = self.error
            raise ValidationFailed(text, violations) if kind == "validation" else LoadError(text)


def _spool_part(
    paths: Sequence[str | Path], stored: dict[str, str], force: bool, folder: str, part: int, parts: int
) -> _Part:
    """Read every source of ``paths``; validate, derive and spool those of partition ``part``.

    Source number ``n`` (in input order) belongs to partition ``n % parts``. Every partition
    reads all the input, so each one also sees what is wrong with the input as a whole (a
    syntax error, a split or repeated source) at the place the sequential reading would.
    """
    out = _Spool(str(Path(folder) / f"part-{part}"))
    shapes = compiled_shapes()
    found = _Part([], {}, [], out.files)
    seen: dict[str, str] = {}
    number = 0
    try:
        for path in paths:
            for source in read_sources(path):  # an error while reading is met at source `number`
                if source.graph in seen:
                    raise LoadError(f"{path}: source {source.graph} is also in {seen[source.graph]}")
                seen[source.graph] = source.file
                if number % parts == part:
                    found.results.append((number, _spool_source(source, stored, force, shapes, found, out)))
                number += 1
    except ValidationFailed as exc:
        found.error = (number, "validation", exc.file, exc.violations)
    except LoadError as exc:
        found.error = (number, "load", str(exc), [])
    finally:
        out.close()
    return found


def _spool_source(
    source: _Source, stored: dict[str, str], force: bool, shapes: CompiledShapes, found: _Part, out: _Spool
) -> loader.LoadResult:
    """Validate one source, derive its triples and spool them (unless it is unchanged)."""
    if not force and stored.get(source.graph) == source.digest:
        return loader.LoadResult(source.file, source.graph, len(source.quads), 0, True)
    index = index_triples(source.quads)
    violations = loader.loader_violations(source) + shapes.check(index)  # type: ignore[arg-type]
    if violations:
        violations.sort(key=lambda v: (v.focus, v.shape, v.message))
        raise ValidationFailed(_where(source), violations)
    derived = loader.derive(source, index)  # type: ignore[arg-type]
    if source.graph in stored:
        target = ox.NamedNode(f"{STAGING}{uuid.uuid4().hex}")
        found.moves[target.value] = source.graph
        quads = [ox.Quad(q.subject, q.predicate, q.object, target) for q in source.quads]
    else:
        target = ox.NamedNode(source.graph)
        found.new.append(source.graph)
        quads = source.quads
    out.write(quads + [ox.Quad(t.subject, t.predicate, t.object, target) for t in derived])
    return loader.LoadResult(source.file, source.graph, len(source.quads), len(derived), False)


def default_jobs(paths: Iterable[str | Path]) -> int:
    """Processes for a bulk load: one per :data:`BYTES_PER_JOB` of input, at most one per core."""
    size = sum(Path(p).stat().st_size for p in paths if Path(p).is_file())
    return max(1, min(len(os.sched_getaffinity(0)), size // BYTES_PER_JOB))


def _spool_all(paths: Sequence[str | Path], stored: dict[str, str], force: bool, folder: str, jobs: int) -> _Part:
    """Spool every source, in ``jobs`` processes; raise the error the earliest source met."""
    if jobs == 1:
        parts = [_spool_part(paths, stored, force, folder, 0, 1)]
    else:
        context = multiprocessing.get_context("spawn")  # the parent holds an open store: never fork it
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = [pool.submit(_spool_part, paths, stored, force, folder, k, jobs) for k in range(jobs)]
            parts = [f.result() for f in futures]
    failed = [p for p in parts if p.error is not None]
    if failed:
        min(failed, key=lambda p: p.error[0] if p.error else 0).raise_error()
    return _Part(
        results=sorted((r for p in parts for r in p.results), key=lambda r: r[0]),
        moves={k: v for p in parts for k, v in p.moves.items()},
        new=[g for p in parts for g in p.new],
        files=[f for p in parts for f in p.files],
    )


def bulk_load_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    force: bool = False,
    spool_dir: str | Path | None = None,
    jobs: int | None = None,
) -> list[loader.LoadResult]:
    """Validate every source of ``paths``, then bulk load the changed ones (all or nothing).

    Raises :class:`ValidationFailed` or :class:`LoadError` before anything is written if any
    source is invalid, and :class:`StoreError` when writing fails (after undoing the partial write
    on a store with a journal; on a server, with the guarantees of its own write: see the module's
    notes). Unchanged sources are skipped unless ``force``. The spool goes to a temporary
    folder in ``spool_dir`` (default: the system's). Sources are read, validated and spooled by
    ``jobs`` processes (default: :func:`default_jobs`). See the module's notes.
    """
    paths = list(paths)
    if jobs is not None and jobs < 1:
        raise InvalidInput(f"jobs must be at least 1, not {jobs}")
    loader.ensure_ontology(store)
    # a graph with no digest (not a source) is replaced, never added to: an undo drops what the load created
    stored = {g: "" for g in store.named_graphs()} | _stored_digests(store)
    with tempfile.TemporaryDirectory(prefix="kg-bulk-", dir=spool_dir) as folder:
        spooled = _spool_all(paths, stored, force, folder, jobs or default_jobs(paths))
        results = [r for _, r in spooled.results]
        if not spooled.new and not spooled.moves:
            return results
        check_spool(store, spooled.files, spooled.moves)  # the rules across sources, before any write
        journaled = as_journaled(store)
        if journaled is None:  # a server: its own write, no engine bulk loader to reach it
            _write_through(store, spooled)
            return results
        journal = journaled.open_journal([*spooled.new, *spooled.moves])
        try:
            for file in spooled.files:
                journaled.bulk_load(file)
            journaled.add_to_union(spooled.new)  # a replaced source's new content joins it at the move
            journaled.journal_loaded(journal)
            journaled.move_graphs(spooled.moves)  # the commit
        except BaseException:  # a failed write, or an interruption: undo now (else the next open does)
            with contextlib.suppress(StoreError):
                journaled.finish_journal(journal)
            raise
    with contextlib.suppress(StoreError):  # committed: a journal left behind goes at the next open
        journaled.finish_journal(journal)
    return results


def _write_through(store: Store, spooled: _Part) -> None:
    """Write a checked spool through the store's own write, for a store without a journal: every
    source's graph (its quads and derived triples, read back from the spool, a staging graph's under
    the name of the source it replaces) replaced in one :meth:`~kg.store.Store.replace_graphs` call."""
    graphs: dict[str, list[ox.Triple]] = {}
    for file in spooled.files:
        for quad in ox.parse(path=str(file), format=ox.RdfFormat.N_QUADS):
            assert isinstance(quad.graph_name, ox.NamedNode)  # the spool holds named graphs only
            name = spooled.moves.get(quad.graph_name.value, quad.graph_name.value)
            graphs.setdefault(name, []).append(quad.triple)
    store.replace_graphs(graphs)
