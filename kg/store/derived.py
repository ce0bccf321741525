"""Values derived from a store's content (indexes, tables, projections), kept per store version.

A store holds one :class:`DerivedValues`: name → (version, value). :meth:`DerivedValues.value`
computes a value at most once per version: callers that ask for the same name together wait for
one computation and share it. The version is read before computing, so a write that lands during
the computation leaves the value under the older version, and the next caller computes again: a
value is never kept under a version whose content it has not seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["DerivedValues"]

T = TypeVar("T")


class DerivedValues(dict[str, tuple[int, Any]]):
    """name → (store version, value), with one computation at a time per name."""

    def __init__(self) -> None:
        super().__init__()
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def value(self, name: str, version: Callable[[], int], compute: Callable[[], T]) -> T:
        """The value of ``name`` at the store's current version (``version()``), computed by
        ``compute()`` if it has not been yet for that version. ``compute`` may read :meth:`get`
        for the value of an older version (to update it rather than start again)."""
        hit = self.get(name)
        if hit is not None and hit[0] == version():
            return hit[1]
        with self._lock(name):
            current = version()
            hit = self.get(name)
            if hit is not None and hit[0] == current:
                return hit[1]  # computed by a caller we waited for
            value = compute()
            self[name] = (current, value)
            return value
