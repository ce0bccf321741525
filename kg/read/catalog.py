"""Sources: what the graph rests on, and what each source supports."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from kg import queries
from kg.errors import InvalidInput, NotFound
from kg.models import SearchHit, Source
from kg.names import kind_class, kind_name, local_name
from kg.namespaces import CK, SRC, slug
from kg.read.labels import labels
from kg.store import Store
from kg.store.derived import Derived, Warm, derived
from kg.terms import iri, split

__all__ = ["listed_actors", "quad_count", "source", "source_count", "source_graph", "sources"]


def _source(row: dict[str, Any]) -> Source:
    text = {k: (None if row.get(k) is None else str(row[k])) for k in ("date", "coverageStart", "coverageEnd")}
    return Source(
        id=slug(row["source"]),
        iri=row["source"],
        title=row["title"],
        type=kind_name(row["type"]),
        date=text["date"],
        publisher=row.get("publisher"),
        url=row.get("url"),
        description=row.get("description"),
        coverage_start=text["coverageStart"],
        coverage_end=text["coverageEnd"],
        facts=row.get("facts", 0),
    )


def sources(store: Store) -> list[Source]:
    """Every source in the store (one named graph each) with the number of facts citing it.

    Read once per store version (counting the facts reads every citation: over a second at 10k
    actors); callers get copies, so the table kept can't be changed through them.
    """
    return [dataclasses.replace(s) for s in _sources(store).values()]


def _sources(store: Store) -> dict[str, Source]:
    """The sources by IRI, kept per store version (not to be changed: :func:`sources` copies)."""
    return SOURCES.of(store)


def _read_sources(store: Store) -> dict[str, Source]:
    return {s.iri: s for s in (_source(r) for r in store.select(queries.get("sources")))}


#: The sources by IRI (:func:`sources`).
SOURCES: Derived[dict[str, Source]] = derived("catalog:sources", _read_sources, warm=Warm(40, "sources"))


def source_count(store: Store) -> int:
    """The number of sources (the health check), without copying the table."""
    return len(_sources(store))


def quad_count(store: Store) -> int:
    """The number of quads in the store, counted once per version (counting reads them all)."""
    return QUAD_COUNT.of(store)


#: The number of quads (:func:`quad_count`; the health check).
QUAD_COUNT: Derived[int] = derived("quads", len, warm=Warm(60, "quad count"))


def source_graph(store: Store, ident: str) -> str:
    """The IRI of the named graph holding a source (``ident``: its id or IRI); :class:`NotFound` when absent."""
    node = ident if ident.startswith(("http://", "https://")) else SRC + ident
    if node not in _sources(store):
        raise NotFound(f"no source {ident!r}")
    return node


def source(store: Store, ident: str) -> Source:
    """One source and the facts it supports (statements, events, claims with paragraphs)."""
    node = ident if ident.startswith(("http://", "https://")) else SRC + ident
    kept = _sources(store).get(node)
    if kept is None:
        raise NotFound(f"no source {ident!r}")
    found = dataclasses.replace(kept)
    facts: dict[str, dict[str, Any]] = {}
    types: dict[str, set[str]] = defaultdict(set)
    names = labels(store)
    # the source as VALUES: bound as a parameter, the engine planned the query from every citation
    text = queries.with_values(queries.get("source-facts"), "source", [iri(node)])
    for row in store.select(text):
        fact = facts.setdefault(
            row["fact"],
            {
                "id": slug(row["fact"]),
                "iri": row["fact"],
                "label": names.get(row["fact"]),
                "paragraphs": [],
                "locators": [],
            },
        )
        types[row["fact"]].add(local_name(row["type"]))
        for key, field in (("paragraph", "paragraphs"), ("locator", "locators")):
            if row.get(key) is not None and row[key] not in fact[field]:
                fact[field].append(row[key])
    for fact_iri, fact in facts.items():
        fact["types"] = sorted(types[fact_iri])
    found.supports = sorted(facts.values(), key=lambda f: (min(f["paragraphs"] or [0]), f["id"]))
    return found


def actors(store: Store, *, type: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[SearchHit]]:
    """Actors in label order, optionally of one type (``armed-group``, ``state``...) or below it.

    Returns the total count and one page.
    """
    if not 1 <= limit <= 500 or offset < 0:
        raise InvalidInput("limit must be 1..500 and offset >= 0")
    listed = listed_actors(store)
    if type is not None:
        known = actor_types(store)
        if type not in known:
            raise InvalidInput(f"unknown actor type {type!r}; known types: {', '.join(known)}")
        below = {r["c"] for r in store.select(queries.get("subclasses"), {"class": iri(kind_class(type))})}
        listed = [a for a in listed if below.intersection(a.types)]
    page = [
        SearchHit(
            id=slug(a.actor),
            iri=a.actor,
            label=a.label,
            type="actor",
            types=sorted(kind_name(t) for t in a.types if t.startswith(CK)),
            aliases=[],
            score=0.0,
        )
        for a in listed[offset : offset + limit]
    ]
    return len(listed), page


@dataclasses.dataclass(frozen=True)
class _Listed:
    """An actor in the list of actors: its IRI, English label (the first, if it has several) and
    actor classes."""

    actor: str
    label: str | None
    types: frozenset[str]


def listed_actors(store: Store) -> list[_Listed]:
    """Every actor (IRIs only) with its English label and actor classes, in label order: kept per
    store version (computed at the service's start-up) and shared, so never to be changed. The
    network projection takes its nodes from it."""
    return ACTORS.of(store)


def _actor_list(store: Store) -> list[_Listed]:
    """Every actor in label order (case-insensitive; unlabelled first, as SPARQL orders them), read
    flat (actor, class) and (actor, label) and kept per store version: one query that grouped,
    filtered and sorted every actor for each page took 17 s at 10k actors."""
    types: dict[str, set[str]] = defaultdict(set)
    for actor, cls in store.select_terms(queries.get("actor-classes")):
        types[actor.value].add(cls.value)
    names: dict[str, str] = {}
    for actor, label in store.select_terms(queries.get("actor-labels")):
        if actor.value not in names or label.value < names[actor.value]:
            names[actor.value] = label.value
    listed = [_Listed(a, names.get(a), frozenset(t)) for a, t in types.items()]
    listed.sort(key=lambda a: (a.label is not None, (a.label or "").lower(), a.actor))
    return listed


#: Every actor with its label and classes (:func:`listed_actors`).
ACTORS: Derived[list[_Listed]] = derived("catalog:actors", _actor_list, warm=Warm(30, "actor list"))


def actor_types(store: Store) -> list[str]:
    """Names of the actor classes (``state``, ``armed-group``, ``collective``...)."""
    rows = store.select("SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf* ck:Actor }")
    return sorted(kind_name(r["c"]) for r in rows)


def ontology_terms(store: Store) -> list[dict[str, Any]]:
    """The ontology's classes, properties and vocabulary concepts with their labels and comments."""
    return [
        {
            "id": r["term"].removeprefix(CK) if r["term"].startswith(CK) else r["term"],
            "iri": r["term"],
            "kind": local_name(r["kind"]),
            "label": r.get("label"),
            "comment": r.get("comment"),
            "parents": split(r.get("parents")),
        }
        for r in store.select(queries.get("ontology-terms"))
    ]
