"""Values derived from a store's content (indexes, tables, lists, projections, page caches): each
declared once with a typed key, computed and kept per store version by one registry.

Declaring a value
-----------------
The module that computes a value declares it once, at module level, with :func:`derived`::

    STATEMENT_TABLE: Derived[StatementTable] = derived(
        "statements:table", _build, update=_updated, warm=Warm(70, "statements")
    )

``derived`` enters the declaration in :data:`REGISTRY` (a name declared twice is an error: the
name is the value's identity in reports and, later, on disk) and returns its key, a
:class:`Derived`. ``compute(store)`` works the value out from the store's content; the optional
``update(store, older, graphs)`` brings the value of an older version up to date after writes to
the named graphs ``graphs`` (:meth:`~kg.store.embedded.Store.changed_graphs`), in place or as a
new value, or returns None to have it computed afresh; ``warm`` marks a value the service
computes at start-up (:mod:`api.warm`), in :attr:`Warm.order`.

Reading a value
---------------
``KEY.of(store)`` is the value at the store's current version: kept, brought up to date
(``update``) or computed. ``KEY.kept(store)`` is ``(version, value)`` as kept, of whatever
version, without computing anything (None: never computed, or forgotten): what a reader checks
to use a costly value only once something else built it. ``KEY.forget(store)`` drops it (the
next ``of`` computes it afresh); :meth:`Registry.current` lists the values kept for the current
version. Nothing else reads or writes the values: no module holds a cache dict of its own.

Where values are kept, and thread safety
----------------------------------------
Each store object holds one :class:`DerivedValues` (its ``derived_values`` member, read only
here): key name → (version, value). A store only has to say its ``version`` (which changes with
every write) and, for ``update``, :meth:`~kg.store.embedded.Store.changed_graphs`. A value is
computed at most once per version: callers asking for the same key together wait for one
computation (one lock per key and store) and share it; keys don't wait for each other, and a
value may read others while it is computed (the network's edges read the statement table). The
version is read before computing, so a write that lands during the computation leaves the value
under the older version and the next caller brings it up to date: a value is never kept under a
version whose content it has not seen. Values are shared between threads: treat them as
read-only, except the few that are caches by nature (a page cache, an LRU of projections), which
guard themselves.

What comes next (not built yet)
-------------------------------
* Incremental updates after a write: a ``Registry.refresh(store)`` called by the writer (the
  loader, a future write endpoint) once its write is done would call ``KEY.of(store)`` for each
  key with a value kept (:meth:`Derived.kept`), bringing them all up to date at once (each
  ``update`` already receives the graphs written), so the first request after a write doesn't
  pay for it; values with no ``update`` are computed again, or could be forgotten instead (a
  declaration flag, ``refresh=False``).
* Derived state persisted with the store: a declaration would add a codec (``persist=(dump,
  load)``) and :class:`DerivedValues` would, on a miss, load the value saved beside an on-disk
  store, and save it once computed. The key is the name plus a version that survives reopening:
  today's version counts the writes made through one store object and starts at 0 on each open,
  so persisting needs the store to say a durable content version (e.g. from its load journal);
  a value saved under another content version is then brought up to date with ``update`` like
  any older value, when the store can say which graphs changed, else computed again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["REGISTRY", "Derived", "DerivedValues", "Registry", "Warm", "derived"]

T = TypeVar("T")


@dataclass(frozen=True)
class Warm:
    """How the service computes a value at start-up (:mod:`api.warm`)."""

    #: Smaller first: values that others read (the labels, the statement table) before those.
    order: int
    #: The step's name in :func:`api.warm.warm`'s list of failures.
    step: str
    #: What to call to compute it, when that is more than the value (the network: today's
    #: projection); default: :meth:`Derived.of`.
    run: Callable[[Any], object] | None = None


class Derived(Generic[T]):
    """The key of one derived value (made by :func:`derived`): its name, how it is computed and
    updated, and whether the service computes it at start-up."""

    __slots__ = ("compute", "name", "registry", "update", "warm")

    def __init__(
        self,
        registry: Registry,
        name: str,
        compute: Callable[[Any], T],
        update: Callable[[Any, T, frozenset[str]], T | None] | None,
        warm: Warm | None,
    ) -> None:
        self.registry = registry
        self.name = name
        self.compute = compute
        self.update = update
        self.warm = warm

    def of(self, store: Any) -> T:
        """The value at ``store``'s current version (computed or brought up to date if need be)."""
        values: DerivedValues = store.derived_values
        return values.value(self, store)

    def kept(self, store: Any) -> tuple[int, T] | None:
        """``(version, value)`` as kept for ``store``, of any version, computing nothing."""
        values: DerivedValues = store.derived_values
        return values.kept(self)

    def forget(self, store: Any) -> None:
        """Drop the value kept for ``store``: the next :meth:`of` computes it afresh."""
        values: DerivedValues = store.derived_values
        values.forget(self)

    def __repr__(self) -> str:
        return f"Derived({self.name!r})"


class Registry:
    """Every declared derived value, by name, in the order declared."""

    def __init__(self) -> None:
        self._declared: dict[str, Derived[Any]] = {}
        self._guard = threading.Lock()

    def declare(
        self,
        name: str,
        compute: Callable[[Any], T],
        *,
        update: Callable[[Any, T, frozenset[str]], T | None] | None = None,
        warm: Warm | None = None,
    ) -> Derived[T]:
        """A new key (see :func:`derived`); a name already declared is an error."""
        key = Derived(self, name, compute, update, warm)
        with self._guard:
            if name in self._declared:
                raise ValueError(f"derived value {name!r} is declared twice")
            self._declared[name] = key
        return key

    def __iter__(self) -> Iterator[Derived[Any]]:
        return iter(list(self._declared.values()))

    def __getitem__(self, name: str) -> Derived[Any]:
        return self._declared[name]

    def warmed(self) -> list[Derived[Any]]:
        """The values the service computes at start-up, in their :attr:`Warm.order` (among those
        declared so far: :mod:`api.warm` imports the modules that declare them)."""
        marked = [key for key in self if key.warm is not None]
        return sorted(marked, key=lambda key: key.warm.order if key.warm is not None else 0)

    def current(self, store: Any) -> set[Derived[Any]]:
        """The values kept for ``store``'s current version."""
        version = store.version
        return {key for key in self if (hit := key.kept(store)) is not None and hit[0] == version}

    def forget(self, store: Any, *keys: Derived[Any]) -> None:
        """Drop the values of ``keys`` kept for ``store`` (none given: all of them)."""
        for key in keys or tuple(self):
            key.forget(store)


#: The one registry: every value derived from a store is declared here.
REGISTRY = Registry()


def derived(
    name: str,
    compute: Callable[[Any], T],
    *,
    update: Callable[[Any, T, frozenset[str]], T | None] | None = None,
    warm: Warm | None = None,
) -> Derived[T]:
    """Declare a derived value in :data:`REGISTRY` and return its key (module docstring)."""
    return REGISTRY.declare(name, compute, update=update, warm=warm)


class DerivedValues:
    """The values derived from one store: key name → (store version, value), with one
    computation at a time per key. Held by the store (``derived_values``), used only through
    :class:`Derived`."""

    __slots__ = ("_guard", "_kept", "_locks")

    def __init__(self) -> None:
        self._kept: dict[str, tuple[int, Any]] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def kept(self, key: Derived[T]) -> tuple[int, T] | None:
        return self._kept.get(key.name)

    def forget(self, key: Derived[Any]) -> None:
        self._kept.pop(key.name, None)

    def value(self, key: Derived[T], store: Any) -> T:
        hit = self._kept.get(key.name)
        if hit is not None and hit[0] == store.version:
            return hit[1]
        with self._lock(key.name):
            current = store.version
            hit = self._kept.get(key.name)
            if hit is not None and hit[0] == current:
                return hit[1]  # computed by a caller we waited for
            value: T | None = None
            if hit is not None and key.update is not None:
                changed = store.changed_graphs(hit[0])
                if changed is not None:
                    value = key.update(store, hit[1], changed)
            if value is None:
                value = key.compute(store)
            self._kept[key.name] = (current, value)
            return value
