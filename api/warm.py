"""Compute ahead of the first request what the service reads on most requests.

Each of these is derived from the store once per version (:meth:`kg.store.protocol.Store.derived`): the
English labels (every page and list names things by them), the search index, the list of actors,
the table of sources, the titles and dates citations give their sources, the number of quads (the
health check), the statement table (relations, backers, designations: :mod:`kg.read.statement_table`)
and today's network projection (the explorer, paths and analytics). With 100k actors they take from
seconds to minutes each, which the first request to need one would otherwise wait for.
``kg serve`` runs :func:`warm` in a thread at start-up; a request that arrives meanwhile and needs
a value being computed waits for it rather than computing it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kg import network
from kg.errors import KGError
from kg.read import catalog, lookup, nodes, search_index, statement_table
from kg.store import Store

__all__ = ["STEPS", "warm"]

#: What :func:`warm` computes, in order: the labels first, since other steps and pages use them.
STEPS: Sequence[tuple[str, Callable[[Store], Any]]] = (
    ("labels", lookup.labels),
    ("search index", search_index.search_index),
    ("actor list", lambda store: catalog.actors(store, limit=1)),
    ("sources", catalog.sources),
    # every citation names its source by them
    ("source details", nodes.source_details),
    ("quad count", catalog.quad_count),
    # backers, relations and designations read it instead of the engine once it exists
    ("statements", statement_table.statement_table),
    # after the statements, whose table it reads them from, and the actor list and source details,
    # whose values it takes (the engine only for claims); the explorer, paths and analytics need it
    ("network", lambda store: network.project(store)),
)


def warm(store: Store, steps: Sequence[tuple[str, Callable[[Store], Any]]] = STEPS) -> list[str]:
    """Compute each step's value for the store's current version; the names of those that failed.

    A store that can't be read is left to the first request that needs it, which reports the error.
    """
    failed = []
    for name, step in steps:
        try:
            step(store)
        except KGError:
            failed.append(name)
    return failed
