"""What every store implementation shares: export formats, the engine's serialiser, reserved graph
names, the update operations that keep the union of the sources (each triple once) in step with a
write (:func:`union_delete`, :func:`union_insert`), and :class:`StoreBasics`, the members of
:class:`kg.store.protocol.Store` that are built on the others (typed reads on :meth:`raw_query`, a
whole export on ``export_to``, one graph's replacement on ``replace_graphs``, derived values on
``version``), so that each backend writes only what it does its own way."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, BinaryIO, Protocol, TypeVar

import pyoxigraph as ox

from kg.errors import InvalidInput, QueryError
from kg.namespaces import PREFIXES
from kg.store.derived import DerivedValues
from kg.store.protocol import Capability, Store
from kg.terms import to_python

__all__ = [
    "EXPORT_FORMATS",
    "JOURNAL",
    "STAGING",
    "StoreBasics",
    "export_format",
    "serialize",
    "union_delete",
    "union_insert",
]

T = TypeVar("T")

#: Export format names → (pyoxigraph format, media type).
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "trig": (ox.RdfFormat.TRIG, "application/trig"),
    "nquads": (ox.RdfFormat.N_QUADS, "application/n-quads"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
}

#: Graph names reserved for a bulk load's own use in every store (never a source's): a staging
#: graph holds a source's new content until it replaces the old one; a journal lists the graphs an
#: unfinished load created (:class:`kg.store.protocol.JournaledStore`).
STAGING = "urn:kg:staging:"
JOURNAL = "urn:kg:journal:"


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


def export_format(fmt: str) -> tuple[ox.RdfFormat, dict[str, str]]:
    """The engine's format for an export format name, and the prefixes to write; InvalidInput if unknown."""
    try:
        rdf_format, _ = EXPORT_FORMATS[fmt]
    except KeyError:
        raise InvalidInput(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}") from None
    return rdf_format, {k: v for k, v in PREFIXES.items() if k not in ("xsd",)}


def serialize(items: Any, **options: Any) -> bytes:
    """Serialise triples or quads to bytes with the engine's serialiser."""
    data = ox.serialize(items, **options)
    assert data is not None  # pyoxigraph returns bytes when no output is given
    return data


class _Primitives(Protocol):
    """What :class:`StoreBasics` builds on: each backend's own members."""

    derived_values: DerivedValues

    @property
    def version(self) -> int: ...

    @property
    def capabilities(self) -> frozenset[Capability]: ...

    def contains_graph(self, graph: str) -> bool: ...

    def raw_query(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...

    def export_to(self, output: BinaryIO, fmt: str = "trig", graph: str | None = None) -> None: ...

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None: ...


class StoreBasics:
    """The protocol's members that every backend honours the same way, written once on top of its
    own :meth:`raw_query`, ``export_to``, ``replace_graphs`` and ``version``."""

    def supports(self: _Primitives, capability: Capability) -> bool:
        """Whether this store has ``capability`` (:class:`kg.store.protocol.Capability`)."""
        return capability in self.capabilities

    def select(self: _Primitives, query: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT query as dicts of Python values (unbound variables omitted)."""
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        try:
            return [{name: to_python(row[name]) for name in names if row[name] is not None} for row in result]
        except (RuntimeError, OSError) as exc:
            raise QueryError(str(exc)) from None

    def select_terms(self: Store, query: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a SELECT query as tuples of the engine's terms, in projection order (None: unbound).

        The fast read path: no conversion to Python values, for queries returning many rows or
        read in bulk (a remote store returns the same shape of terms).
        """
        return list(self.iter_terms(query, bindings))

    def iter_terms(
        self: _Primitives, query: str, bindings: Mapping[str, Any] | None = None
    ) -> Iterator[tuple[Any, ...]]:
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

    def ask(self: _Primitives, query: str, bindings: Mapping[str, Any] | None = None) -> bool:
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def construct(self: _Primitives, query: str, bindings: Mapping[str, Any] | None = None) -> list[ox.Triple]:
        result = self.raw_query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def _require_graph(self: _Primitives, graph: str) -> None:
        if not self.contains_graph(graph):
            raise InvalidInput(f"no graph {graph}")

    def export(self: _Primitives, fmt: str = "trig", graph: str | None = None) -> bytes:
        """The whole store or one named graph, serialised: a dataset format holds the sources' named
        graphs (the union, derived, left out), a graph format the union of the sources."""
        buffer = io.BytesIO()
        self.export_to(buffer, fmt, graph)
        return buffer.getvalue()

    def replace_graph(self: _Primitives, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace a named graph's content with ``triples`` (as :meth:`replace_graphs` does)."""
        self.replace_graphs({graph: triples})
