"""Finding one entity by its slug or IRI: the first step of every read about an entity."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kg import queries
from kg.errors import NotFound
from kg.names import local_name
from kg.namespaces import CK, ID, SRC, ST
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import iri

__all__ = ["require_entity"]


#: Entity categories, in the order an entity found in several is resolved: actors first.
_CATEGORIES = ("Actor", "Place", "Event", "Claim", "Source", "Statement", "Instrument")


def _categories(store: Store) -> dict[str, tuple[str, ...]]:
    # one query per category, each walking down from a bound class: Virtuoso evaluates a
    # transitive path only from a given start, and a VALUES block of several does not count
    found: dict[str, set[str]] = defaultdict(set)
    for category in (CK + name for name in _CATEGORIES):
        for row in store.select(queries.get("subclasses"), {"class": iri(category)}):
            found[row["c"]].add(category)
    return {t: tuple(sorted(c)) for t, c in found.items()}


_CATEGORIES_OF: Derived[dict[str, tuple[str, ...]]] = derived("lookup:categories", _categories)


def _categories_of(store: Store) -> dict[str, tuple[str, ...]]:
    """Class IRI → the categories (``ck:Actor``...) it falls under in the store, cached per version.

    Resolving an id is the first step of every read; walking ``rdfs:subClassOf*`` from the
    entity's types on each call cost about 1 ms at 100k actors, and a page resolves its entity
    several times.
    """
    return _CATEGORIES_OF.of(store)


def _entity_rows(store: Store, node: Any) -> list[dict[str, Any]]:
    """The entity row of ``node`` per category it falls under (none: not an entity)."""
    categories_of = _categories_of(store)
    types = sorted({str(row["type"]) for row in store.select(queries.get("entity"), {"entity": node}) if "type" in row})
    by_category: dict[str, list[str]] = defaultdict(list)
    for t in types:
        for category in categories_of.get(t, ()):
            by_category[category].append(t)
    return [{"entity": node.value, "category": c, "types": " ".join(ts)} for c, ts in by_category.items()]


#: Entity rows remembered per store version (found entities only: a miss is asked again).
ENTITIES_KEPT = 100_000
#: Entity rows found in this version, by the id asked for (filled by :func:`require_entity`).
_ENTITY_ROWS: Derived[dict[str, dict[str, Any]]] = derived("lookup:entity-rows", lambda store: {})


def require_entity(store: Store, ident: str) -> dict[str, Any]:
    """The entity row of ``ident`` (a slug or an IRI); :class:`NotFound` when absent.

    The row holds ``entity`` (its IRI), ``category`` (``ck:Actor``, ``ck:Place``...) and ``types``
    (its classes under that category, space-separated, sorted). Rows found are remembered until
    the next write (up to :data:`ENTITIES_KEPT`): a page asks for the same entity several times.
    """
    known = _ENTITY_ROWS.of(store)
    row = known.get(ident)
    if row is None:
        row = _find_entity(store, ident)
        if len(known) < ENTITIES_KEPT:
            known[ident] = row
    return dict(row)


def _find_entity(store: Store, ident: str) -> dict[str, Any]:
    # a slug may name an entity, a statement or a source
    candidates = [ident] if ident.startswith(("http://", "https://")) else [ID + ident, ST + ident, SRC + ident]
    rows: list[dict[str, Any]] = []
    for target in candidates:
        try:
            node = iri(target)
        except ValueError:
            raise NotFound(f"no entity {ident!r}") from None
        rows = _entity_rows(store, node)
        if rows:
            break
    if not rows:
        raise NotFound(f"no entity {ident!r}")
    # An entity in several categories (a state that is also a country): actors first.
    rows.sort(key=lambda r: _CATEGORIES.index(local_name(r["category"])))
    return rows[0]
