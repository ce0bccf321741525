"""An in-memory index of the search keys, rebuilt when the store changes.

The loader derives ``ck:searchKey`` values (normalised labels, aliases, titles and summaries, see
:func:`kg.text.search_key`). Scanning them with a ``CONTAINS`` filter costs tens of milliseconds
per query at 10k actors; here every distinct key is written once into one string, so a query is
one substring search in C (``str.find``) over that string, plus a bisection to map each hit to its
key. The index belongs to one store version (``store.cache``): a write makes it stale, and the next
search rebuilds it, so a result never comes from an older graph.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from . import ontology
from .namespaces import CK, DCTERMS, RDF, SKOS
from .nodes import node_key
from .store import Store

__all__ = ["CATEGORIES", "Entry", "SearchIndex", "search_index"]

#: Entity categories, in the order an entity in several is reported.
CATEGORIES = ("actor", "place", "event", "claim", "source")

_SEP = "\n"  # never inside a key: keys are words separated by single spaces


@dataclass(frozen=True)
class Entry:
    """What a search hit shows about one entity (in one category)."""

    entity: str
    category: str
    label: str | None
    types: tuple[str, ...]
    aliases: tuple[str, ...]


class SearchIndex:
    """Distinct search keys in one string, each with the entries that carry it."""

    def __init__(self, keys: dict[str, list[int]], entries: list[Entry]) -> None:
        self.entries = entries
        self.keys = sorted(keys)
        self.owners = [keys[k] for k in self.keys]
        self.starts: list[int] = []
        offset = 1
        for key in self.keys:
            self.starts.append(offset)
            offset += len(key) + 1
        self.text = _SEP + _SEP.join(self.keys) + _SEP

    def matches(self, q: str) -> Iterator[int]:
        """Indexes (into ``keys``) of the keys containing ``q`` (``q`` non-empty, no separator)."""
        text, starts = self.text, self.starts
        pos = text.find(q)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            yield i
            next_key = starts[i] + len(self.keys[i]) + 1
            pos = text.find(q, next_key)


def _literals(store: Store, prop: str) -> Iterator[tuple[str, ox.Literal]]:
    for s, o in store.select_terms(f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{prop}> ?o }}"):
        if isinstance(o, ox.Literal):
            yield node_key(s), o


def _build(store: Store) -> SearchIndex:
    category_of: dict[str, list[str]] = {}
    for name in CATEGORIES:
        for cls in ontology.subclasses(CK + name.capitalize()):
            category_of.setdefault(cls, []).append(name)
    keys_of: dict[str, set[str]] = defaultdict(set)
    for entity, literal in _literals(store, CK + "searchKey"):
        keys_of[entity].add(literal.value)
    types: dict[str, set[str]] = defaultdict(set)
    for s, o in store.select_terms(f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{RDF}type> ?o }}"):
        entity = node_key(s)
        if entity in keys_of and isinstance(o, ox.NamedNode):
            types[entity].add(o.value)
    english: dict[str, list[str]] = defaultdict(list)
    other: dict[str, list[str]] = defaultdict(list)
    for prop in (SKOS + "prefLabel", DCTERMS + "title", CK + "summary"):
        for entity, literal in _literals(store, prop):
            if entity not in keys_of:
                continue
            other[entity].append(literal.value)
            lang = literal.language or ""
            if prop == SKOS + "prefLabel" and (lang == "en" or lang.startswith("en-")):
                english[entity].append(literal.value)
    aliases: dict[str, set[str]] = defaultdict(set)
    for entity, literal in _literals(store, SKOS + "altLabel"):
        if entity in keys_of:
            aliases[entity].add(literal.value)
    entries: list[Entry] = []
    owners: dict[str, list[int]] = defaultdict(list)
    for entity, keys in keys_of.items():
        categories = sorted({c for t in types.get(entity, ()) for c in category_of.get(t, ())}, key=CATEGORIES.index)
        label = min(english[entity]) if english.get(entity) else min(other[entity]) if other.get(entity) else None
        for category in categories:
            # a hit lists the entity's types within the category (a state that is also a country)
            kinds = tuple(sorted(t for t in types[entity] if t.startswith(CK) and category in category_of.get(t, ())))
            entries.append(Entry(entity, category, label, kinds, tuple(sorted(aliases.get(entity, ())))))
            for key in keys:
                owners[key].append(len(entries) - 1)
    return SearchIndex(owners, entries)


def search_index(store: Store) -> SearchIndex:
    """The index of ``store`` at its current version (built on first use after a write)."""
    version = store.version
    hit = store.cache.get("search:index")
    if hit is not None and hit[0] == version:
        index: SearchIndex = hit[1]
        return index
    index = _build(store)
    store.cache["search:index"] = (version, index)
    return index
