"""Compute ahead of the first request what the service reads on most requests.

What is computed is what the registry of derived values (:mod:`kg.store.derived`) marks for
warming (``warm=Warm(order, step)`` where the value is declared), in that order: the English labels
(every page and list names things by them), the search index, the list of actors, the table of
sources, the titles and dates citations give their sources, the number of quads (the health
check), the statement table (relations, backers, designations: :mod:`kg.read.statement_table`)
and today's network projection (the explorer, paths and analytics). With 100k actors they take
from seconds to minutes each, which the first request to need one would otherwise wait for.
``kg serve`` runs :func:`warm` in a thread at start-up; a request that arrives meanwhile and needs
a value being computed waits for it rather than computing it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kg.errors import KGError
from kg.network import projection
from kg.read import catalog, lookup, nodes, search_index, statement_table
from kg.store import Store
from kg.store.derived import REGISTRY

__all__ = ["warm", "warm_steps"]

#: The modules that declare the values marked for warming: imported, their values are in the registry.
DECLARING = (lookup, search_index, catalog, nodes, statement_table, projection)

Step = tuple[str, Callable[[Store], Any]]


def warm_steps() -> list[Step]:
    """What :func:`warm` computes, in order: each value the registry marks for warming, by the
    name of its step (the labels first, since other steps and pages use them)."""
    return [(key.warm.step, key.warm.run or key.of) for key in REGISTRY.warmed() if key.warm is not None]


def warm(store: Store, steps: Sequence[Step] | None = None) -> list[str]:
    """Compute each step's value (default: :func:`warm_steps`) for the store's current version; the
    names of those that failed.

    A store that can't be read is left to the first request that needs it, which reports the error.
    """
    failed = []
    for name, step in warm_steps() if steps is None else steps:
        try:
            step(store)
        except KGError:
            failed.append(name)
    return failed
