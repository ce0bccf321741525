"""One entity with everything about it: labels, identifiers and grouped statements."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pyoxigraph as ox

from kg import kinds as kind_table
from kg.models import Entity, Group, Relation
from kg.names import kind_name, local_name
from kg.namespaces import CK, DCTERMS, SKOS, WD, slug
from kg.read.claims import claims
from kg.read.designations import designations
from kg.read.events import events
from kg.read.labels import ref
from kg.read.lookup import require_entity
from kg.read.nodes import Properties, properties
from kg.read.relations import relations
from kg.store import Store
from kg.terms import iri, split
from kg.timeline import parse_at

__all__ = ["DEFAULT_GROUP_LIMIT", "GROUPS", "entity", "page_groups", "relation_groups"]  # noqa: F822 (GROUPS: __getattr__)

DEFAULT_GROUP_LIMIT = 50

#: Groups an entity page fills from a reader of their own, not from its relations: designations
#: come with their instrument and amendments (:func:`kg.read.designations.designations`).
_READ_APART = ("designations", "designations_made")


@functools.cache
def relation_groups() -> dict[str, tuple[str, ...]]:
    """The groups of an entity page that list relations, in display order, each with the statement
    kinds it lists: what the ontology says (``ck:pageGroup``, ``ck:inversePageGroup``), through
    :mod:`kg.kinds`."""
    return {name: members for name, members in kind_table.page_groups().items() if name not in _READ_APART}


@functools.cache
def page_groups() -> tuple[str, ...]:
    """Groups of an actor page, in display order: the page groups of the statement kinds, then claims."""
    return (*kind_table.page_groups(), "claims_made", "claims_about")


def __getattr__(name: str) -> Any:
    """``GROUPS``: :func:`page_groups`, read from the ontology when first asked for (importing
    :mod:`kg`, as each SPARQL worker does, parses no ontology)."""
    if name == "GROUPS":
        return page_groups()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _group_of(rel: Relation, node: str) -> str | None:
    """Which group of ``node``'s page a relation belongs to (None: reported by a reader of its own)."""
    kind = kind_table.kind(rel.kind)
    if kind is None or kind.page_group is None:
        return "other"
    is_subject = rel.subject is not None and rel.subject.iri == node
    name = kind.page_group if is_subject else (kind.inverse_page_group or kind.page_group)
    return None if name in _READ_APART else name


_LABEL_PROPS = (SKOS + "prefLabel", DCTERMS + "title", CK + "summary")
_NOTE_PROPS = (CK + "note", DCTERMS + "description", CK + "summary")


def _values(props: Properties, names: tuple[str, ...]) -> list[Any]:
    """The distinct literal values of several properties (by language and text), in order."""
    seen: dict[tuple[str, str], Any] = {}
    for name in names:
        for term in props.get(name, []):
            if isinstance(term, ox.Literal):
                seen.setdefault((term.language or "", term.value), term)
    return list(seen.values())


def _capped(items: list[Any], limit: int) -> Group:
    return Group(count=len(items), items=items[:limit])


def entity(
    store: Store, ident: str, *, at: str | dt.date | None = None, group_limit: int = DEFAULT_GROUP_LIMIT
) -> Entity:
    """Everything about an entity (an actor, place, event...) with each statement's status on ``at``.

    Groups (see :data:`GROUPS`) are capped at ``group_limit`` items; each reports its full count.
    """
    day = parse_at(at)
    row = require_entity(store, ident)
    node = row["entity"]
    layout = page_groups()
    groups: dict[str, list[Any]] = {name: [] for name in layout}
    for rel in relations(store, node, at=day):
        name = _group_of(rel, node)
        if name is not None:
            groups.setdefault(name, []).append(rel)
    category = local_name(row["category"]).lower()
    if category == "actor":
        for d in designations(store, node, at=day):
            groups["designations"].append(d)
        for d in designations(store, authority=node, at=day):
            groups["designations_made"].append(d)
        groups["claims_made"] = list(claims(store, claimant=node))
        groups["claims_about"] = list(claims(store, about=node))
    elif category == "place":
        groups["events"] = list(events(store, place=node))
    props = properties(store, "entity-properties", {"entity": iri(node)}).get(node, {})
    labels: dict[str, str] = {}
    for term in _values(props, _LABEL_PROPS):
        labels.setdefault(term.language or "und", term.value)
    aliases = [{"label": t.value, "lang": t.language or ""} for t in _values(props, (SKOS + "altLabel",))]
    matches = [t.value for t in props.get(SKOS + "exactMatch", [])]
    wikidata = sorted(m.removeprefix(WD) for m in matches if m.startswith(WD))
    identifiers = {"wikidata": wikidata[0]} if wikidata else {}
    notes = list(dict.fromkeys(t.value for t in _values(props, _NOTE_PROPS)))
    return Entity(
        id=slug(node),
        iri=node,
        type=category,
        types=sorted(kind_name(t) for t in split(row.get("types")) if t.startswith(CK)),
        label=labels.get("en") or next(iter(labels.values()), None),
        labels=labels,
        aliases=sorted(aliases, key=lambda a: (a["lang"], a["label"])),
        identifiers=identifiers,
        notes=notes,
        located_in=[r for t in props.get(CK + "locatedIn", []) if (r := ref(store, t.value))],
        at=day,
        groups={name: _capped(items, group_limit) for name, items in groups.items() if items or name in layout},
    )
