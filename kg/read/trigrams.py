"""Which strings of a changing set contain a given text: a trigram index.

Every string (a *key*) gets a small integer id; each three-character sequence (trigram) maps to the
ids of the keys containing it, stored as an ``array('I')`` (4 bytes an id) and kept in the order
the caller wants the keys listed in (for the search index: shorter first). A key contains a text of
three or more characters only if it contains each of the text's trigrams, so the keys of the
text's rarest trigram are the only candidates, and ``in`` checks each of them, lazily, so a caller
that needs only the first few keys stops early. Shorter texts can't be looked up here (see
:data:`N`).

The first set of keys is numbered in that order and indexed in bulk with numpy (a sort of every
trigram occurrence, 20,000 keys at a time); later keys are added and removed one by one (bisection
in each of their trigrams' lists). Both give the same lists. Keys shorter than a trigram are not
held: no text the index can look up is inside them.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

__all__ = ["N", "TrigramIndex", "trigrams"]

#: Length of the indexed sequences: texts shorter than this can't be looked up.
N = 3
_BITS = 21  # a code point fits in 21 bits, so a trigram fits in one 64-bit integer
_MASK = (1 << _BITS) - 1
_BATCH = 256  # candidates checked at a time
_BULK = 20_000  # keys indexed at a time in bulk (bounds the memory a build takes on the way)
_ITEM = array("I").itemsize  # bytes an id takes (4 on the usual platforms)


def trigrams(text: str) -> set[str]:
    """The distinct sequences of :data:`N` characters in ``text``."""
    return {text[i : i + N] for i in range(len(text) - N + 1)}


class TrigramIndex:
    """A set of distinct strings, listing those that contain a text of ``N`` or more characters in
    ascending ``order`` (by default, sorted)."""

    def __init__(self, keys: Iterable[str] = (), order: Callable[[str], Any] | None = None) -> None:
        self._order: Callable[[str], Any] = order or _same
        #: Id → key (keys shorter than ``N`` have no trigram and are left out), ids numbered in
        #: ``order`` at first; a freed id holds "" until it is given to a new key.
        self._keys: list[str] = sorted((key for key in keys if len(key) >= N), key=self._order)
        self._free: list[int] = []
        #: Trigram → the ids of the keys containing it, in ``order`` of the keys. A key is found by
        #: bisection in any of its trigrams' lists, so no table from keys to ids is needed.
        self._postings: dict[str, array[int]] = {}
        for start in range(0, len(self._keys), _BULK):
            for gram, ids in _postings(self._keys[start : start + _BULK], start):
                self._postings.setdefault(gram, array("I")).extend(ids)
        if any(a == b for a, b in itertools.pairwise(self._keys)):
            raise ValueError("the keys of a trigram index must be distinct")
        self._count = len(self._keys)

    def __len__(self) -> int:
        """The number of keys of ``N`` or more characters."""
        return self._count

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) is not None

    def _rank(self, i: int) -> Any:
        return self._order(self._keys[i])

    def _find(self, key: str) -> int | None:
        """The id of ``key``, if it is indexed."""
        ids = self._postings.get(key[:N]) if len(key) >= N else None
        if ids is None:
            return None
        at = bisect.bisect_left(ids, self._order(key), key=self._rank)
        return ids[at] if at < len(ids) and self._keys[ids[at]] == key else None

    def add(self, key: str) -> None:
        """Index ``key`` (nothing happens if it is already indexed or has no trigram)."""
        if len(key) < N or self._find(key) is not None:
            return
        if self._free:
            i = self._free.pop()
            self._keys[i] = key
        else:
            i = len(self._keys)
            self._keys.append(key)
        for gram in trigrams(key):
            ids = self._postings.get(gram)
            if ids is None:
                self._postings[gram] = array("I", (i,))
            else:
                bisect.insort(ids, i, key=self._rank)
        self._count += 1

    def discard(self, key: str) -> None:
        """Stop indexing ``key`` (nothing happens if it isn't indexed)."""
        i = self._find(key)
        if i is None:
            return
        rank = self._order(key)
        for gram in trigrams(key):
            ids = self._postings[gram]
            del ids[bisect.bisect_left(ids, rank, key=self._rank)]
            if not ids:
                del self._postings[gram]
        self._keys[i] = ""
        self._free.append(i)
        self._count -= 1

    def containing(self, text: str) -> Iterator[list[str]]:
        """The keys containing ``text`` (at least :data:`N` characters) in ascending order, a few
        hundred at a time, found as they are asked for: the keys of the text's rarest trigram, each
        checked with ``in``."""
        if len(text) < N:
            raise ValueError(f"a trigram index can't look up a text shorter than {N} characters")
        rarest: array[int] | None = None
        for gram in trigrams(text):
            ids = self._postings.get(gram)
            if ids is None:
                return
            if rarest is None or len(ids) < len(rarest):
                rarest = ids
        assert rarest is not None
        for start in range(0, len(rarest), _BATCH):
            found = [key for key in map(self._keys.__getitem__, rarest[start : start + _BATCH]) if text in key]
            if found:
                yield found

    def sharing(self, text: str, at_least: int = 1) -> list[str]:
        """The keys sharing at least ``at_least`` of the distinct trigrams of ``text`` (in id order):
        candidates for keys close to ``text`` by edit distance, as one edit changes at most
        :data:`N` trigrams."""
        lists = [ids for gram in trigrams(text) if (ids := self._postings.get(gram)) is not None]
        if len(lists) < max(1, at_least):
            return []
        every = np.concatenate([np.frombuffer(part, dtype=f"u{_ITEM}") for part in lists])
        distinct, counts = np.unique(every, return_counts=True)
        return [self._keys[i] for i in distinct[counts >= at_least].tolist()]

    def postings(self) -> dict[str, list[str]]:
        """Each trigram with the keys containing it, in order (to compare two indexes)."""
        return {gram: [self._keys[i] for i in ids] for gram, ids in self._postings.items()}


def _same(key: str) -> str:
    return key


def _postings(keys: list[str], first: int) -> Iterator[tuple[str, array[int]]]:
    """Each trigram of ``keys`` with the ascending ids of the keys containing it, ``first`` being
    the id of ``keys[0]``."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    chars = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(chars) < N:
        return
    # the trigram starting at each position, as one integer, and the key it belongs to
    codes = chars[: 1 - N] << np.uint64(2 * _BITS)
    codes |= chars[1 : 2 - N] << np.uint64(_BITS)
    codes |= chars[2:]
    owner = np.repeat(np.arange(first, first + len(keys), dtype=np.uint32), lengths)[: 1 - N]
    # positions whose trigram would run into the next key: the last N - 1 of each key
    inside = np.ones(len(chars), dtype=bool)
    ends = np.cumsum(lengths)
    for back in range(1, N):
        inside[(ends - back)[lengths >= back]] = False
    inside = inside[: 1 - N]
    codes, owner = codes[inside], owner[inside]
    # group by trigram; a stable sort keeps each group's ids ascending, then drop repeats
    order = np.argsort(codes, kind="stable")
    codes, owner = codes[order], owner[order]
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = (codes[1:] != codes[:-1]) | (owner[1:] != owner[:-1])
    codes, owner = codes[keep], owner[keep]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    raw = owner.astype(f"u{_ITEM}").tobytes()
    for s, e, code in zip(starts.tolist(), ends.tolist(), codes[starts].tolist(), strict=True):
        ids = array("I")
        ids.frombytes(raw[_ITEM * s : _ITEM * e])
        yield chr(code >> 2 * _BITS) + chr((code >> _BITS) & _MASK) + chr(code & _MASK), ids
