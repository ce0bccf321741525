"""The store's contract: what every store honours (:class:`Store`), and what only some can do
(:class:`Capability`), asked for explicitly.

Two implementations stand side by side: :class:`kg.store.embedded.EmbeddedStore` (Oxigraph in this
process, in memory or on disk) and :class:`kg.store.remote.RemoteStore` (a SPARQL 1.1 server).
Code outside :mod:`kg.store` is written against :class:`Store` and never asks which class a store
is; where it needs more, it asks for a capability and gets the store typed for it::

    if (journaled := as_journaled(store)) is not None:
        journal = journaled.open_journal(graphs)
    ...
    if store.supports(Capability.SHARED):
        ...  # other processes write it too: check what a request read (kg.store.one_version)

Every store: reads see the union of its sources' graphs as the default graph, as a set (one named
graph per source; a triple several sources state is one triple of the union, which the store keeps
as derived data with every write: the embedded store in its real default graph, a server store in
a graph of its own); parameters are bound by the store, never pasted into query text; every query text passes
the gate of :mod:`kg.sparql.gate`; ``replace_graphs`` and ``remove_graphs`` replace or remove whole
graphs (each backend says how atomically: the embedded store in one transaction, a server store
in its own write, see :mod:`kg.store.remote`); ``version`` changes with every write it can see;
errors are the library's own (:mod:`kg.errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar, cast

import pyoxigraph as ox

if TYPE_CHECKING:  # pragma: no cover
    from kg.store.derived import DerivedValues

__all__ = [
    "Capability",
    "JournaledStore",
    "ReplicableStore",
    "ServerStore",
    "Store",
    "as_journaled",
    "as_replicable",
    "as_server",
]

T = TypeVar("T")


class Capability(StrEnum):
    """What a store may or may not be able to do, beyond :class:`Store` (``store.supports(...)``)."""

    #: The engine's bulk loader, made undoable by a journal and staging graphs, and recovery of a
    #: load a crash interrupted (:class:`JournaledStore`). The embedded store.
    JOURNAL = "journal"
    #: Its content can be opened read-only by other processes (the SPARQL query workers): the
    #: directory at ``path``, or a snapshot written with ``export_to`` (:class:`ReplicableStore`).
    #: The embedded store.
    REPLICAS = "replicas"
    #: Evaluates SPARQL itself, answering the engine's ``query(...)`` call (:class:`ServerStore`):
    #: the SPARQL endpoint hands it the queries. A SPARQL server.
    SERVER = "server"
    #: Written by other processes too: ``version`` is read from where the store lives, a request
    #: checks that what it read is of one version (:func:`kg.store.one_version`), and answers are
    #: not kept across requests by this process. A SPARQL server.
    SHARED = "shared"


class Store(Protocol):
    """What every store honours (see the module notes)."""

    #: Values derived from the store's content, per version; read and written only through the
    #: registry of :mod:`kg.store.derived`.
    derived_values: DerivedValues

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this store can do beyond the protocol."""
        ...

    def supports(self, capability: Capability) -> bool:
        """Whether this store has ``capability``."""
        ...

    @property
    def max_nesting(self) -> int:
        """Deepest bracket nesting accepted in a query (a server's parser may accept less)."""
        ...

    # -- versions and derived values

    @property
    def version(self) -> int:
        """Changes with every write (for caches); of any process on a :attr:`Capability.SHARED` store."""
        ...

    def changed_graphs(self, since: int) -> frozenset[str] | None:
        """The named graphs written since version ``since`` (empty: no write), or None when the
        store cannot tell (then a value derived from it is computed again, not updated)."""
        ...

    # -- reading

    def __len__(self) -> int: ...

    def named_graphs(self) -> list[str]: ...

    def contains_graph(self, graph: str) -> bool: ...

    def raw_query(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """A SPARQL query's result as the engine's own object (the default graph: the union of
        the sources, each triple once, unless ``default_graph`` lists graphs)."""
        ...

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def select_terms(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]: ...

    def iter_terms(self, query: str, bindings: Mapping[str, Any] | None = None) -> Iterator[tuple[Any, ...]]: ...

    def ask(self, query: str, bindings: Mapping[str, Any] | None = None) -> bool: ...

    def construct(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[ox.Triple]: ...

    def triples(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph."""
        ...

    def export(self, fmt: str = "trig", graph: str | None = None) -> bytes: ...

    def export_to(self, output: BinaryIO, fmt: str = "trig", graph: str | None = None) -> None:
        """Write the whole store or one named graph to ``output``, serialised: a dataset format holds
        the sources' named graphs, a graph format the union of the sources (each triple once)."""
        ...

    # -- writing

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None: ...

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Replace whole named graphs in one write: on the embedded store one transaction (every
        reader sees all the old or all the new content); on a server the store's own write, whose
        guarantees :mod:`kg.store.remote` states (Oxigraph: one transaction; Virtuoso: requests run
        in turn, marked for the readers that check)."""
        ...

    def remove_graph(self, graph: str) -> bool:
        """Remove a named graph; False when there was none."""
        ...

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (absent ones are ignored) in one write."""
        ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


class ReplicableStore(Store, Protocol):
    """A store with :attr:`Capability.REPLICAS`: its directory (``path``) or, in memory, a
    snapshot written with ``snapshot_to`` is what the query workers open read-only."""

    @property
    def path(self) -> Path | None:
        """The store's directory; None in memory."""
        ...

    def snapshot_to(self, output: BinaryIO) -> None:
        """Write every quad of the store as N-Quads, derived ones included (the union of the sources
        in the default graph): what a read-only replica needs to answer as the store does."""
        ...


class JournaledStore(Store, Protocol):
    """A store with :attr:`Capability.JOURNAL`: the steps of an undoable bulk load
    (:func:`kg.load.bulk.bulk_load_files`; the steps are listed in :mod:`kg.store.embedded`)."""

    def bulk_load(self, path: str | Path) -> None:
        """Add the quads of an N-Quads file with the engine's bulk loader (NOT atomic)."""
        ...

    def open_journal(self, created: Iterable[str]) -> str: ...

    def journal_loaded(self, journal: str) -> None: ...

    def add_to_union(self, graphs: Iterable[str]) -> None:
        """Add the triples of bulk-loaded graphs to the union of the sources (NOT atomic; removing
        the graphs takes out of the union again what no other source states)."""
        ...

    def move_graphs(self, moves: Mapping[str, str]) -> None:
        """Replace each target graph by its staging graph (``{staging: target}``) in one transaction,
        the union of the sources with them."""
        ...

    def finish_journal(self, journal: str) -> bool: ...

    def recover(self) -> dict[str, bool]: ...


class ServerStore(Store, Protocol):
    """A store with :attr:`Capability.SERVER`: it answers the engine's ``query`` call (keywords of
    ``pyoxigraph.Store.query``) by asking the server, so the SPARQL endpoint's jobs run on it."""

    url: str

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
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...


def as_journaled(store: Store) -> JournaledStore | None:
    """``store`` typed for its journaled bulk load, or None when it has no :attr:`Capability.JOURNAL`."""
    return cast(JournaledStore, store) if store.supports(Capability.JOURNAL) else None


def as_replicable(store: Store) -> ReplicableStore | None:
    """``store`` typed for worker replicas, or None when it has no :attr:`Capability.REPLICAS`."""
    return cast(ReplicableStore, store) if store.supports(Capability.REPLICAS) else None


def as_server(store: Store) -> ServerStore | None:
    """``store`` typed as a server's, or None when it has no :attr:`Capability.SERVER`."""
    return cast(ServerStore, store) if store.supports(Capability.SERVER) else None
