"""Every statement held in memory with its citations and amendments, kept in step with the store.

Backers, relations and designations read a handful of statements of one actor. From the on-disk
store each statement costs 80–170 µs however the query is written (the engine looks up the text
of every term it returns), which puts backers of a busy actor at 25 ms with 100k actors. This
table holds what those reads return: each statement's properties, the triples of its citations
and amendments, and an index from every IRI a statement points to (its actors, places, kinds) to
the statements. A read from it costs microseconds per statement.

Building it reads every statement once (seconds per 10k actors), so it is built only when asked:
by :func:`api.warm.warm` at the service's start-up, or :func:`statement_table`. The readers
(:func:`statement_properties`, :func:`statement_citations`, :func:`amendment_rows`, and the
network projection's statements: :mod:`kg.network.table_rows`) use it once it exists
(:func:`ready_table`) and ask the engine otherwise, with the same answers either way; a one-off
command never waits for a build.

After a write the table is updated, not rebuilt, like the search index: the store reports which
graphs were written (:meth:`kg.store.protocol.Store.changed_graphs`) and only the statements those graphs
said or now say something about are read again. When the store can't tell (a bulk load, a remote
store) or a statement is a blank node (which can't be read again by name), it is rebuilt.
"""

from __future__ import annotations

import os
import sys
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from kg import queries
from kg.models import Citation
from kg.namespaces import CK, RDF
from kg.read.nodes import Properties, citations_from_rows, node_key, properties
from kg.store import Store
from kg.store.derived import Derived, Warm, derived
from kg.terms import iri

__all__ = [
    "STATEMENT_TABLE",
    "Packed",
    "StatementTable",
    "amendment_rows",
    "ready_table",
    "statement_citations",
    "statement_properties",
    "statement_table",
]

_TYPE = RDF + "type"
_CITATION = CK + "citation"
_AMENDMENT = CK + "amendment"
#: Statements read again per query after a write (bounds the length of the query text).
_BATCH = 500


def _statement_classes(store: Store) -> list[ox.NamedNode]:
    rows = store.select("SELECT DISTINCT ?k WHERE { ?k rdfs:subClassOf ck:Statement }")
    return sorted((ox.NamedNode(r["k"]) for r in rows), key=str)


#: A node's properties packed in one flat tuple ``(property, value, property, value, ...)``: a
#: dict of lists per statement would take about four times the memory (1.4 KB for 8 properties).
Packed = tuple[Any, ...]


def _pack(props: Properties) -> Packed:
    return tuple(x for prop, values in props.items() for value in values for x in (prop, value))


def _unpack(packed: Packed) -> Properties:
    props: Properties = {}
    for i in range(0, len(packed), 2):
        props.setdefault(packed[i], []).append(packed[i + 1])
    return props


class StatementTable:
    """Statements by IRI: their properties, parts (citations, amendments) and the graphs stating them."""

    def __init__(self, version: int) -> None:
        self.version = version
        #: Statement → its properties, packed.
        self.props: dict[str, Packed] = {}
        #: Statement → its parts (citation and amendment nodes): ``(part, packed properties), ...``.
        self.parts: dict[str, tuple[tuple[str, Packed], ...]] = {}
        #: IRI → the statements with a property pointing to it (any property, rdf:type included).
        self.mentions: dict[str, set[str]] = defaultdict(set)
        #: Named graph → the statements it says something about (directly or through a part).
        self.graph_statements: dict[str, set[str]] = defaultdict(set)
        self._graphs_of: dict[str, frozenset[str]] = {}
        #: Held while the table is read or updated (a service answers from several threads).
        self.lock = threading.RLock()

    # -- reading ---------------------------------------------------------------------------

    def find(self, entity: str, role: str | None = None, kind: str | None = None) -> list[str]:
        """The statements pointing to ``entity`` (by property ``role`` if given) of type ``kind``."""
        with self.lock:
            found = []
            for statement in self.mentions.get(entity, ()):
                packed = self.props[statement]
                if role is not None and not _has(packed, role, entity):
                    continue
                if kind is not None and not _has(packed, _TYPE, kind):
                    continue
                found.append(statement)
            return sorted(found)

    def properties(self, statements: Iterable[str]) -> dict[str, Properties]:
        with self.lock:
            return {s: _unpack(self.props[s]) for s in statements if s in self.props}

    def mentioning(self, iris: Iterable[str]) -> list[tuple[str, Packed, tuple[tuple[str, Packed], ...]]]:
        """The statements with a property pointing to one of ``iris`` (their types included), each
        with its packed properties and parts: a snapshot taken under the lock, read without it
        (packed values are tuples, never changed in place)."""
        with self.lock:
            found: set[str] = set()
            for value in iris:
                found.update(self.mentions.get(value, ()))
            return [(s, self.props[s], self.parts.get(s, ())) for s in found]

    def part_rows(self, statements: Iterable[str], link: str) -> Iterator[tuple[str, str, str, Any]]:
        """``(statement, part, property, value)`` for every part the statements reach by ``link``."""
        with self.lock:
            rows: list[tuple[str, str, str, Any]] = []
            for statement in statements:
                packed = self.props.get(statement, ())
                linked = {node_key(packed[i + 1]) for i in range(0, len(packed), 2) if packed[i] == link}
                for part, props in self.parts.get(statement, ()):
                    if part in linked:
                        rows.extend((statement, part, props[i], props[i + 1]) for i in range(0, len(props), 2))
        yield from rows

    # -- writing ---------------------------------------------------------------------------

    def set_statements(self, read: _Read, statements: Iterable[str]) -> None:
        """Replace what the table holds about ``statements`` by what ``read`` found (absent: nothing)."""
        for statement in statements:
            old = self.props.pop(statement, None)
            if old is not None:
                for value in old[1::2]:
                    if isinstance(value, ox.NamedNode):
                        owners = self.mentions.get(value.value)
                        if owners is not None:
                            owners.discard(statement)
                            if not owners:
                                del self.mentions[value.value]
                self.parts.pop(statement, None)
            for graph in self._graphs_of.pop(statement, frozenset()):
                self.graph_statements[graph].discard(statement)
            props = read.props.get(statement)
            if props is None:
                continue
            self.props[statement] = _pack(props)
            graphs = set(read.graphs.get(statement, ()))
            parts: list[tuple[str, Packed]] = []
            for prop, values in props.items():
                for value in values:
                    if isinstance(value, ox.NamedNode):
                        self.mentions[value.value].add(statement)
                if prop in (_CITATION, _AMENDMENT):
                    for part in values:
                        key = node_key(part)
                        if key in read.parts:
                            parts.append((key, _pack(read.parts[key])))
                            graphs |= read.graphs.get(key, set())
            if parts:
                self.parts[statement] = tuple(parts)
            self._graphs_of[statement] = frozenset(graphs)
            for graph in graphs:
                self.graph_statements[graph].add(statement)
        for graph in [g for g, found in self.graph_statements.items() if not found]:
            del self.graph_statements[graph]


def _has(packed: Packed, prop: str, value: str) -> bool:
    """Whether the packed properties give ``prop`` the IRI ``value``."""
    return any(packed[i] == prop and _is(packed[i + 1], value) for i in range(0, len(packed), 2))


class _Read:
    """What one read of the store found: properties of statements and parts, and their graphs."""

    def __init__(self) -> None:
        self.props: dict[str, Properties] = {}
        self.parts: dict[str, Properties] = {}
        self.graphs: dict[str, set[str]] = defaultdict(set)
        #: One object per distinct value: actors, kinds, dates and flags recur across statements.
        self._terms: dict[Any, Any] = {}

    def add(self, table: dict[str, Properties], rows: Iterable[tuple[Any, ...]]) -> None:
        for graph, node, prop, value in rows:
            key = node_key(node)
            props = table.get(key)
            if props is None:
                props = table[key] = {}
            values = props.setdefault(sys.intern(prop.value), [])
            if not isinstance(value, ox.BlankNode):
                value = self._terms.setdefault(value, value)
            if value not in values:
                values.append(value)
            self.graphs[key].add(sys.intern(graph.value))


def _read(store: Store, classes: list[ox.NamedNode], statements: list[ox.NamedNode] | None = None) -> _Read:
    found = _Read()
    for name, table in (("statement-table", found.props), ("statement-table-parts", found.parts)):
        text = queries.with_values(queries.get(name), "k", classes)
        if statements is not None:
            text = queries.with_values(text, "statement", statements)
        found.add(table, store.iter_terms(text))
    return found


def _merge(reads: Iterable[_Read]) -> _Read:
    """One read from several (batches; or kinds read apart, where a statement of two kinds is in
    both with the same properties)."""
    merged = _Read()
    for read in reads:
        for statement, props in read.props.items():
            merged.props.setdefault(statement, props)
        for part, props in read.parts.items():
            merged.parts.setdefault(part, props)
        for node, graphs in read.graphs.items():
            merged.graphs[node] |= graphs
    return merged


def _build(store: Store) -> StatementTable:
    """Every statement read, the statement kinds split over one thread per core: the engine
    lets go of the interpreter while it evaluates."""
    table = StatementTable(store.version)
    classes = _statement_classes(store)
    threads = max(1, min(len(classes), os.cpu_count() or 1))
    with ThreadPoolExecutor(threads, thread_name_prefix="statement-table") as pool:
        found = _merge(pool.map(lambda i: _read(store, classes[i::threads]), range(threads)))
    table.set_statements(found, list(found.props))
    return table


def _update(store: Store, table: StatementTable, graphs: frozenset[str]) -> bool:
    """Bring ``table`` to the store's version after writes to ``graphs``; False when it can't
    (a statement of those graphs is a blank node, which can't be read again by name)."""
    version = store.version
    classes = _statement_classes(store)
    touched: set[str] = set()
    for graph in graphs:
        touched |= table.graph_statements.get(graph, set())
    if graphs:
        text = queries.with_values(queries.get("graph-statements"), "k", classes)
        for (statement,) in store.select_terms(queries.with_values(text, "g", map(ox.NamedNode, sorted(graphs)))):
            if not isinstance(statement, ox.NamedNode):
                return False
            touched.add(statement.value)
    ordered = sorted(touched)
    batches = (ordered[start : start + _BATCH] for start in range(0, len(ordered), _BATCH))
    found = _merge(_read(store, classes, [ox.NamedNode(s) for s in batch]) for batch in batches)
    with table.lock:
        table.set_statements(found, ordered)
        table.version = version
    return True


def _updated(store: Store, table: StatementTable, graphs: frozenset[str]) -> StatementTable | None:
    """The table of an older version brought up to date, or None: built again."""
    return table if _update(store, table, graphs) else None


#: The statement table of a store (:func:`statement_table`): after the labels and lists at
#: start-up, before the network, which reads its statements from it.
STATEMENT_TABLE: Derived[StatementTable] = derived(
    "statements:table", _build, update=_updated, warm=Warm(70, "statements")
)


def statement_table(store: Store) -> StatementTable:
    """The table of ``store`` at its current version: built on first use (every statement is
    read), then updated after each write (:mod:`kg.store.derived` shares one computation)."""
    return STATEMENT_TABLE.of(store)


def ready_table(store: Store) -> StatementTable | None:
    """The table if one has been built for ``store`` (brought up to date), else None: what a
    reader uses to choose between the table and the engine without ever building a first table."""
    return statement_table(store) if STATEMENT_TABLE.kept(store) is not None else None


def _is(term: Any, value: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value == value


def _bindings(entity: str, role: str | None, kind: str | None) -> dict[str, Any]:
    if role is None:
        return {"entity": iri(entity)}
    return {"entity": iri(entity), "role": iri(role), "kind": iri(kind or CK + "Statement")}


def statement_properties(
    store: Store, entity: str, role: str | None = None, kind: str | None = None
) -> dict[str, Properties]:
    """The statements pointing to ``entity``, by statement: all of them (typed with a class under
    ck:Statement), or those where it is the value of ``role`` and of type ``kind`` (both given)."""
    table = ready_table(store)
    if table is not None:
        return table.properties(table.find(entity, role, kind))
    query = "statement-properties" if role is None else "statement-properties-role"
    return properties(store, query, _bindings(entity, role, kind))


def statement_citations(
    store: Store,
    entity: str,
    role: str | None = None,
    kind: str | None = None,
    among: Collection[str] | None = None,
) -> dict[str, list[Citation]]:
    """The citations of the statements of :func:`statement_properties`, by statement, one per source.

    ``among``: only these statements' (those a caller kept of :func:`statement_properties`), which
    the table then reads without looking the entity's statements up again.
    """
    table = ready_table(store)
    if table is not None:
        statements = table.find(entity, role, kind) if among is None else sorted(among)
        return citations_from_rows(store, table.part_rows(statements, _CITATION))
    query = "statement-citations" if role is None else "statement-citations-role"
    rows = store.select_terms(queries.get(query), _bindings(entity, role, kind))
    found = ((node_key(n), node_key(c), p.value, v) for *_, n, c, p, v in rows)
    return citations_from_rows(store, found if among is None else (r for r in found if r[0] in among))


def amendment_rows(
    store: Store, entity: str, role: str, among: Collection[str] | None = None
) -> Iterable[tuple[str, str, str, Any]]:
    """``(designation, amendment, property, value)`` for the amendments of the designations where
    ``entity`` is the value of ``role`` (``among``: of these designations only)."""
    table = ready_table(store)
    if table is not None:
        statements = table.find(entity, role, CK + "Designation") if among is None else sorted(among)
        return table.part_rows(statements, _AMENDMENT)
    rows = store.select_terms(queries.get("designation-amendments"), {"entity": iri(entity), "role": iri(role)})
    found = [(node_key(d), node_key(a), p.value, v) for *_, d, a, p, v in rows]
    return found if among is None else [r for r in found if r[0] in among]
