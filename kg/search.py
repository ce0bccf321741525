"""Tolerant search over labels, aliases, titles and claim summaries."""

from __future__ import annotations

from . import queries
from .errors import InvalidInput
from .lookup import kind_name, local_name, split
from .models import SearchHit
from .namespaces import CK, slug
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
    best: dict[str, SearchHit] = {}
    for row in store.select(queries.get("search"), {"q": key}):
        category = local_name(row["category"]).lower()
        if type is not None and category != type:
            continue
        score = max(_score(k, key) for k in split(row["keys"], "\x1f"))
        entity = row["entity"]
        if entity in best and best[entity].score >= score:
            continue
        best[entity] = SearchHit(
            id=slug(entity),
            iri=entity,
            label=row.get("label") or row.get("otherLabel"),
            type=category,
            types=sorted(kind_name(t) for t in split(row.get("types")) if t.startswith(CK)),
            aliases=sorted(split(row.get("aliases"), "\x1f")),
            score=round(score, 2),
        )
    ranked = sorted(best.values(), key=lambda h: (-h.score, (h.label or "").casefold(), h.id))
    return ranked[offset : offset + limit]
