"""An in-memory index of the search keys, kept in step with the store source by source.

The loader derives ``ck:searchKey`` values (normalised labels, aliases, titles and summaries, see
:func:`kg.text.search_key`). Scanning them with a ``CONTAINS`` filter costs tens of milliseconds
per query at 10k actors. Here the distinct keys are grouped by length, each group kept sorted, so
that :meth:`SearchIndex.ranked` lists the matching keys best first (exact, prefix, word prefix,
substring; shorter before longer): prefixes by bisection, the keys containing the text elsewhere
from a trigram index (:mod:`kg.read.trigrams`; a text of one or two characters is searched for in each
length group written once into one string, with ``str.find``). A search stops once its page is
certain. Beside them, :meth:`SearchIndex.words` holds the folded words of the keys for tolerant
matching (:class:`kg.read.tolerant.WordIndex`).

The index belongs to one store version (:data:`SEARCH_INDEX`, :mod:`kg.store.derived`). After a
write it is updated, not rebuilt: the store reports which named graphs (sources) were written
(:meth:`kg.store.embedded.Store.changed_graphs`) and only the entities those graphs describe,
before or after the write, are read again. When the store can't tell (a bulk load, a remote
store), the index is rebuilt. Either way a result never comes from an older graph.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import ontology
from kg.namespaces import CK, DCTERMS, RDF, SKOS
from kg.read import tolerant, trigrams
from kg.read.nodes import node_key
from kg.store import Store
from kg.store.derived import Derived, Warm, derived

__all__ = ["CATEGORIES", "SEARCH_INDEX", "Entry", "SearchIndex", "search_index"]

#: Entity categories, in the order an entity in several is reported.
CATEGORIES = ("actor", "place", "event", "claim", "source")

_SEP = "\n"  # never inside a key: keys are words separated by single spaces
_KEY = CK + "searchKey"
_TYPE = RDF + "type"
_PREF = SKOS + "prefLabel"
_LABELS = (_PREF, DCTERMS + "title", CK + "summary")
_ALIAS = SKOS + "altLabel"
_PROPS = (_KEY, _TYPE, *_LABELS, _ALIAS)
_VALUES = " ".join(f"<{p}>" for p in _PROPS)
#: Entities read again per query after a write (bounds the length of the query text).
_BATCH = 500


@dataclass(frozen=True)
class Entry:
    """What a search hit shows about one entity (in one category)."""

    entity: str
    category: str
    label: str | None
    types: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass
class _Facts:
    """What the index reads about one entity: the distinct values of the indexed properties."""

    values: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    graphs: set[str] = field(default_factory=set)


def _category_of() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for name in CATEGORIES:
        for cls in ontology.subclasses(CK + name.capitalize()):
            found[cls].append(name)
    return {cls: tuple(names) for cls, names in found.items()}


def _entries(entity: str, facts: _Facts, category_of: dict[str, tuple[str, ...]]) -> tuple[Entry, ...]:
    """The entity's entries, one per category, in :data:`CATEGORIES` order."""
    types = {t.value for t in facts.values.get(_TYPE, ()) if isinstance(t, ox.NamedNode)}
    categories = sorted({c for t in types for c in category_of.get(t, ())}, key=CATEGORIES.index)
    if not categories:
        return ()
    english, other = [], []
    for prop in _LABELS:
        for literal in facts.values.get(prop, ()):
            if not isinstance(literal, ox.Literal):
                continue
            other.append(literal.value)
            lang = literal.language or ""
            if prop == _PREF and (lang == "en" or lang.startswith("en-")):
                english.append(literal.value)
    label = min(english) if english else min(other) if other else None
    aliases = tuple(sorted({a.value for a in facts.values.get(_ALIAS, ()) if isinstance(a, ox.Literal)}))
    # a hit lists the entity's types within the category (a state that is also a country)
    return tuple(
        Entry(
            entity,
            category,
            label,
            tuple(sorted(t for t in types if t.startswith(CK) and category in category_of.get(t, ()))),
            aliases,
        )
        for category in categories
    )


def _shorter_first(key: str) -> tuple[int, str]:
    return len(key), key


class SearchIndex:
    """Distinct search keys grouped by length, each with the entities that carry it."""

    def __init__(self, version: int) -> None:
        self.version = version
        #: Entity → its entries, one per category (an entity without search keys has none).
        self.entries: dict[str, tuple[Entry, ...]] = {}
        #: Key → the entities that carry it.
        self.owners: dict[str, set[str]] = {}
        #: Named graph → the indexed entities it says something about (to update after a write).
        self.graph_entities: dict[str, set[str]] = defaultdict(set)
        self._keys_of: dict[str, frozenset[str]] = {}
        self._graphs_of: dict[str, frozenset[str]] = {}
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._texts: dict[int, str] = {}  # only for texts too short for the trigram index
        self._substrings: trigrams.TrigramIndex | None = None
        self._words: tolerant.WordIndex | None = None
        self._category_of = _category_of()
        #: Held while the index is read or updated (a service answers from several threads).
        self.lock = threading.RLock()

    # -- reading ---------------------------------------------------------------------------

    def ranked(self, q: str) -> Iterator[str]:
        """The keys containing ``q`` (non-empty, no separator), best first: the key equal to it,
        then keys starting with it, then keys with a word starting with it, then the others; within
        each kind shorter keys first, keys of one length in sorted order (the order of
        :func:`kg.read.search._score`)."""
        if q in self.owners:
            yield q
        lengths = sorted(n for n in self._by_length if n > len(q))
        for n in lengths:  # prefixes: a range of the sorted keys of each length
            keys = self._by_length[n]
            i = bisect.bisect_left(keys, q)
            while i < len(keys) and keys[i].startswith(q):
                yield keys[i]
                i += 1
        word = " " + q
        if len(q) >= trigrams.N:
            # keys with a word starting with ``q``, then the others, each kind from the trigram index
            index = self.substrings()
            for found in index.containing(word):
                yield from [key for key in found if not key.startswith(q)]
            for found in index.containing(q):
                yield from [key for key in found if word not in key and not key.startswith(q)]
            return
        # a text too short for the trigram index: one substring search (in C) per length, keys with
        # a word starting with ``q`` listed at once, the others kept for the end
        later: list[str] = []
        for n in lengths:
            text, keys, step = self._text(n), self._by_length[n], n + 1
            pos = text.find(q)
            while pos != -1:
                i = pos // step  # key i starts at i * step
                key = keys[i]
                if word in key and not key.startswith(q):
                    yield key
                elif not key.startswith(q):
                    later.append(key)
                pos = text.find(q, (i + 1) * step)
        yield from later

    def substrings(self) -> trigrams.TrigramIndex:
        """The trigram index of the keys, listing keys in the order of :meth:`ranked` (built on first
        use, then kept in step by :meth:`set_facts`)."""
        if self._substrings is None:
            ordered = [key for n in sorted(self._by_length) for key in self._by_length[n]]
            self._substrings = trigrams.TrigramIndex(ordered, order=_shorter_first)
        return self._substrings

    def words(self) -> tolerant.WordIndex:
        """The folded words of the keys, for tolerant matching (built on first use, then kept in
        step by :meth:`set_facts`)."""
        if self._words is None:
            self._words = tolerant.WordIndex(self.owners)
        return self._words

    def _text(self, n: int) -> str:
        text = self._texts.get(n)
        if text is None:
            text = self._texts[n] = _SEP.join(self._by_length[n]) + _SEP
        return text

    # -- writing ---------------------------------------------------------------------------

    def set_facts(self, facts: dict[str, _Facts], entities: Iterable[str]) -> None:
        """Replace what the index holds about ``entities`` by ``facts`` (absent: nothing)."""
        for entity in entities:
            found = facts.get(entity)
            keys = frozenset(
                v.value for v in (found.values.get(_KEY, ()) if found else ()) if isinstance(v, ox.Literal)
            )
            entries = _entries(entity, found, self._category_of) if found and keys else ()
            if not entries:
                keys = frozenset()
            for key in self._keys_of.get(entity, frozenset()) - keys:
                owners = self.owners[key]
                owners.discard(entity)
                if not owners:
                    del self.owners[key]
                    bucket = self._by_length[len(key)]
                    del bucket[bisect.bisect_left(bucket, key)]
                    self._texts.pop(len(key), None)
                    if self._substrings is not None:
                        self._substrings.discard(key)
                    if self._words is not None:
                        self._words.discard(key)
            for key in keys - self._keys_of.get(entity, frozenset()):
                if key not in self.owners:
                    self.owners[key] = set()
                    bisect.insort(self._by_length[len(key)], key)
                    self._texts.pop(len(key), None)
                    if self._substrings is not None:
                        self._substrings.add(key)
                    if self._words is not None:
                        self._words.add(key)
                self.owners[key].add(entity)
            graphs = frozenset(found.graphs) if found and keys else frozenset()
            for graph in self._graphs_of.get(entity, frozenset()) - graphs:
                self.graph_entities[graph].discard(entity)
            for graph in graphs:
                self.graph_entities[graph].add(entity)
            if keys:
                self._keys_of[entity], self._graphs_of[entity], self.entries[entity] = keys, graphs, entries
            else:
                for table in (self._keys_of, self._graphs_of, self.entries):
                    table.pop(entity, None)
        for n in [n for n, keys in self._by_length.items() if not keys]:
            del self._by_length[n]


def _read(store: Store, subjects: str) -> dict[str, _Facts]:
    """The facts of the entities ``subjects`` binds to ``?s``: the distinct values of the indexed
    properties (over all graphs), and the graphs that state any of them."""
    facts: dict[str, _Facts] = defaultdict(_Facts)
    values = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {subjects} ?s ?p ?o VALUES ?p {{ {_VALUES} }} }}"
    for subject, prop, value in store.select_terms(values):
        facts[node_key(subject)].values[prop.value].add(value)
    graphs = f"SELECT DISTINCT ?g ?s WHERE {{ {subjects} GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {_VALUES} }} }}"
    for graph, subject in store.select_terms(graphs):
        facts[node_key(subject)].graphs.add(graph.value)
    return facts


def _build(store: Store) -> SearchIndex:
    """The whole index, read from every graph."""
    index = SearchIndex(store.version)
    facts = _read(store, f"{{ SELECT DISTINCT ?s WHERE {{ ?s <{_KEY}> ?k }} }}")
    index.set_facts(facts, list(facts))
    index.substrings()  # in bulk, now rather than at the first search
    index.words()
    return index


def _update(store: Store, index: SearchIndex, graphs: frozenset[str]) -> bool:
    """Bring ``index`` to the store's version after writes to ``graphs``; False when it can't
    (an entity of those graphs is a blank node, which can't be read again by name)."""
    version = store.version
    touched: set[str] = set()
    for graph in graphs:
        touched |= index.graph_entities.pop(graph, set())
        rows = store.select_terms(
            f"SELECT DISTINCT ?g ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {_VALUES} }} }}",
            {"g": ox.NamedNode(graph)},
        )
        for _, s in rows:
            if not isinstance(s, ox.NamedNode):
                return False
            touched.add(s.value)
    entities = sorted(touched)
    facts: dict[str, _Facts] = {}
    for start in range(0, len(entities), _BATCH):
        nodes = " ".join(str(ox.NamedNode(e)) for e in entities[start : start + _BATCH])
        facts.update(_read(store, f"VALUES ?s {{ {nodes} }}"))
    index.set_facts(facts, entities)
    index.version = version
    return True


def _updated(store: Store, index: SearchIndex, graphs: frozenset[str]) -> SearchIndex | None:
    """The index of an older version brought up to date, or None: built again."""
    with index.lock:
        return index if _update(store, index, graphs) else None


#: The search index of a store (:func:`search_index`).
SEARCH_INDEX: Derived[SearchIndex] = derived(
    "search:index", lambda store: _build(store), update=_updated, warm=Warm(20, "search index")
)  # _build looked up when called (a test slows it down)


def search_index(store: Store) -> SearchIndex:
    """The index of ``store`` at its current version: built on first use, then updated after each
    write by reading again only the entities of the graphs written (rebuilt when that is unknown).
    Callers arriving together share one build or update (:mod:`kg.store.derived`)."""
    return SEARCH_INDEX.of(store)
