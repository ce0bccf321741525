"""Answers to repeated SPARQL queries, kept for the store's current version.

Clients send the same queries again (dashboards, notebooks run again, the explorer): an answer
kept in the service's own process is sent without a worker, in a fraction of the time. An answer
is kept under everything that shapes it (the store's version, the query text, the result format,
the dataset and the base IRI), and the first request after a write empties the cache, so no
answer older than the data is ever sent. Queries whose answer may change without a write
(``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()``: see :func:`kg.sparql.text.analyse`) are never
kept, nor are errors.

The cache holds at most ``max_bytes`` of answers (bodies and query texts), the least recently
used going first; an answer larger than an eighth of that is not kept, so that one large result
cannot push out many small ones. It is used from the event loop only (no lock).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["ResultCache"]

#: What an entry costs beyond its body and query text (key tuple, strings, the entry itself).
_ENTRY_OVERHEAD = 400

V = TypeVar("V")


class ResultCache(Generic[V]):
    """Values (query answers) of at most ``max_bytes`` in all, for one store version at a time."""

    def __init__(self, max_bytes: int) -> None:
        if max_bytes <= 0:
            raise ValueError("a result cache needs a positive size; use no cache instead")
        self.max_bytes = max_bytes
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The bytes the kept answers count for."""
        return self._bytes

    def _at(self, version: int) -> None:
        if version != self._version:
            self._entries.clear()
            self._bytes = 0
            self._version = version

    def get(self, version: int, key: Hashable) -> V | None:
        """The answer kept for ``key`` at store ``version``, or None."""
        self._at(version)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, version: int, key: Hashable, value: V, size: int) -> bool:
        """Keep ``value`` (``size`` bytes) for ``key``, read at store ``version``; whether it was kept.

        An answer read at another version than the current one (a write happened while the query
        ran) or larger than an eighth of the cache is not kept.
        """
        cost = size + _ENTRY_OVERHEAD
        if version != self._version or cost > self.max_bytes // 8:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (value, cost)
        self._bytes += cost
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._bytes -= dropped
        return True
