"""Tolerant search over labels, aliases, titles and claim summaries."""

from __future__ import annotations

import heapq
import itertools
import re

from kg.errors import InvalidInput
from kg.models import SearchHit
from kg.names import kind_name
from kg.namespaces import slug
from kg.read import tolerant, trigrams
from kg.read.search_index import CATEGORIES, Entry, SearchIndex, search_index
from kg.store import Store
from kg.text import search_key

__all__ = ["MAX_LIMIT", "SEARCH_TYPES", "search"]

#: Entity categories a search can be restricted to.
SEARCH_TYPES = CATEGORIES
MAX_LIMIT = 100
#: Keys rated by tolerant matching per query text (the shortest of the candidates), whatever the
#: page: every page of one query is cut from the same ranking.
_TOLERANT_CANDIDATES = 128
#: Parenthesised parts of a query looked up alone, at most.
_MAX_PARTS = 3
#: Words a query needs for one of them to be allowed to match nothing.
_MISSING_FROM = 4
_PARENTHESIS = re.compile(r"\(([^()]*)\)")

_Found = dict[str, tuple[float, Entry]]


def _score(key: str, q: str) -> float:
    if key == q:
        return 100.0
    if key.startswith(q):
        return 80.0 + 10.0 * len(q) / len(key)
    if f" {q}" in f" {key}":
        return 60.0 + 10.0 * len(q) / len(key)
    return 40.0 + 10.0 * len(q) / len(key)


def _variants(q: str) -> list[tuple[str, float]]:
    """The search keys to look up for ``q``, each with the points it loses: the whole text, and
    when it has parenthesised parts ("Hay'at Tahrir al-Sham (HTS)"), the text without them (one
    point off) and each of the first three parts alone (two off)."""
    found = {search_key(q): 0.0}
    inner = _PARENTHESIS.findall(q)
    if inner:
        found.setdefault(search_key(_PARENTHESIS.sub(" ", q)), 1.0)
        for part in inner[:_MAX_PARTS]:
            found.setdefault(search_key(part), 2.0)
    return [(key, penalty) for key, penalty in found.items() if key]


def _keep(best: _Found, index: SearchIndex, entity: str, score: float, type: str | None) -> bool:
    """Record ``score`` for ``entity`` if better than what it has; False if it is not of ``type``."""
    known = best.get(entity)
    if known is not None:
        if score > known[0]:
            best[entity] = (score, known[1])
        return True
    # an entity in several categories is listed under the first (see CATEGORIES)
    entry = next((e for e in index.entries[entity] if type is None or e.category == type), None)
    if entry is None:
        return False
    best[entity] = (score, entry)
    return True


def _literal(index: SearchIndex, key: str, penalty: float, type: str | None, wanted: int, best: _Found) -> None:
    """The keys containing ``key``: exact, prefix, word prefix, substring (see :func:`_score`)."""
    found: set[str] = set()
    # Keys come best first and an entity's first key is its best, so the page is certain once
    # it is full and the score drops below its last one (ties at that score are all kept).
    last: float | None = None
    for matched in index.ranked(key):
        score = _score(matched, key)
        if last is not None and round(score, 2) < last:
            break
        for entity in index.owners[matched]:
            if entity in found:
                continue
            if not _keep(best, index, entity, score - penalty, type):
                continue
            found.add(entity)
            if last is None and len(found) >= wanted:
                last = round(score, 2)


def _tolerant(index: SearchIndex, key: str, penalty: float, type: str | None, best: _Found, literal: bool) -> None:
    """The keys whose folded words match the folded words of ``key`` (see :mod:`kg.read.tolerant`),
    but for those holding ``key`` itself when they were ``literal``-ly rated already."""
    vocabulary = index.words()
    words = vocabulary.split(tolerant.query_words(key))
    if not words:
        return
    matched = [vocabulary.match(form, stem) for form, stem in words]
    missing = 1 if len(matched) >= _MISSING_FROM else 0
    if sum(not w.forms for w in matched) > missing:
        return
    # shorter keys first: the query covers more of them
    for candidate in itertools.islice(vocabulary.candidates(matched, missing), _TOLERANT_CANDIDATES):
        if literal and key in candidate:
            continue  # rated as a literal match (a tolerant rating would not be fairer)
        score = tolerant.score(matched, len(key), candidate, missing)
        if score <= 0:
            continue
        for entity in index.owners[candidate]:
            _keep(best, index, entity, score - penalty, type)


def search(store: Store, q: str, *, type: str | None = None, limit: int = 10, offset: int = 0) -> list[SearchHit]:
    """Entities matching ``q``, best first.

    Matching ignores case, accents, apostrophes, punctuation and Arabic spelling variants,
    over preferred labels, aliases (any language), source titles and claim summaries. A key
    holding the text as typed is rated by where: equal to it first (100), then a prefix, then a
    word prefix, then a substring. Every key is also rated by its words (:mod:`kg.read.tolerant`):
    word order, articles, inflection, transliteration variants and typos aside, on the same scale
    but never at 100; an entity keeps its best rating. A parenthesised part of ``q`` is also
    looked up alone, and ``q`` without it, a point or two lower.

    >>> [h.id for h in search(store, "Hay'at Tahrir al-Sham", limit=1)]  # doctest: +SKIP
    ['hayat-tahrir-al-sham']
    >>> [h.id for h in search(store, "hayet tahrir alsham (HTS)", limit=1)]  # doctest: +SKIP
    ['hayat-tahrir-al-sham']
    """
    if not q:
        raise InvalidInput("the search text is empty")
    if type is not None and type not in SEARCH_TYPES:
        raise InvalidInput(f"unknown type {type!r}; choose one of {', '.join(SEARCH_TYPES)}")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise InvalidInput(f"limit must be 1..{MAX_LIMIT} and offset >= 0")
    if not search_key(q):
        return []  # only spaces, punctuation or marks: nothing can match
    index = search_index(store)
    wanted = offset + limit
    best: _Found = {}
    with index.lock:
        for variant, penalty in _variants(q):
            # a part of one or two characters is found as a word only: looking for it inside
            # every key would take a scan of them all
            literal = not penalty or len(variant) >= trigrams.N
            if literal:
                _literal(index, variant, penalty, type, wanted, best)
            _tolerant(index, variant, penalty, type, best, literal)
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
