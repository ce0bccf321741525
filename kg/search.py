"""Tolerant search over labels, aliases, titles and claim summaries."""

from __future__ import annotations

import heapq

from .errors import InvalidInput
from .lookup import kind_name
from .models import SearchHit
from .namespaces import slug
from .search_index import Entry, search_index
from .store import Store
from .text import search_key

__all__ = ["MAX_LIMIT", "SEARCH_TYPES", "search"]

#: Entity categories a search can be restricted to.
SEARCH_TYPES = ("actor", "place", "event", "claim", "source")
MAX_LIMIT = 100


def _score(key: str, q: str) -> float:
    if key == q:
        return 100.0
    if key.startswith(q):
        return 80.0 + 10.0 * len(q) / len(key)
    if f" {q}" in f" {key}":
        return 60.0 + 10.0 * len(q) / len(key)
    return 40.0 + 10.0 * len(q) / len(key)


def search(store: Store, q: str, *, type: str | None = None, limit: int = 10, offset: int = 0) -> list[SearchHit]:
    """Entities matching ``q``, best first.

    Matching ignores case, accents, apostrophes, punctuation and Arabic spelling variants,
    over preferred labels, aliases (any language), source titles and claim summaries. An exact
    match of a label or alias ranks first, then a prefix, then a word prefix, then a substring.

    >>> [h.id for h in search(store, "Hay'at Tahrir al-Sham", limit=1)]  # doctest: +SKIP
    ['hayat-tahrir-al-sham']
    """
    if not q:
        raise InvalidInput("the search text is empty")
    if type is not None and type not in SEARCH_TYPES:
        raise InvalidInput(f"unknown type {type!r}; choose one of {', '.join(SEARCH_TYPES)}")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be 1..{MAX_LIMIT} and offset >= 0")
    key = search_key(q)
    if not key:
        return []  # only spaces, punctuation or marks: nothing can match
    index = search_index(store)
    wanted = offset + limit
    best: dict[str, tuple[float, Entry]] = {}
    with index.lock:
        # Keys come best first and an entity's first key is its best, so the page is certain once
        # it is full and the score drops below its last one (ties at that score are all kept).
        last: float | None = None
        for matched in index.ranked(key):
            score = _score(matched, key)
            if last is not None and round(score, 2) < last:
                break
            for entity in index.owners[matched]:
                if entity in best:
                    continue
                # an entity in several categories is listed under the first (see CATEGORIES)
                entry = next((e for e in index.entries[entity] if type is None or e.category == type), None)
                if entry is None:
                    continue
                best[entity] = (score, entry)
                if last is None and len(best) >= wanted:
                    last = round(score, 2)
    # Order every candidate cheaply, then build hits for the page only.
    ranked = heapq.nsmallest(
        offset + limit,
        ((-round(score, 2), (e.label or "").casefold(), slug(e.entity), score, e) for score, e in best.values()),
        key=lambda c: c[:3],
    )
    return [
        SearchHit(
            id=ident,
            iri=e.entity,
            label=e.label,
            type=e.category,
            types=sorted(kind_name(t) for t in e.types),
            aliases=list(e.aliases),
            score=round(score, 2),
        )
        for _, _, ident, score, e in ranked[offset:]
    ]
