"""Statements about an actor: relations of every kind, backers and backed, as of a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from . import queries
from .errors import InvalidInput
from .lookup import citations, kind_class, kind_name, most_precise, ref, require_entity, split
from .models import Relation
from .namespaces import slug
from .store import Store
from .terms import iri
from .timeline import Bounds, Status, parse_at, status

__all__ = ["backed", "backers", "evidence", "relations", "statement_kinds"]


def statement_kinds(store: Store) -> list[str]:
    """Names of every statement kind the ontology defines (``support``, ``alliance``...)."""
    cached = store.cache.get("statement_kinds")
    if cached is None or cached[0] != store.version:
        rows = store.select("SELECT DISTINCT ?k WHERE { ?k rdfs:subClassOf ck:Statement }")
        cached = (store.version, sorted(kind_name(r["k"]) for r in rows))
        store.cache["statement_kinds"] = cached
    kinds: list[str] = cached[1]
    return kinds


def _bounds(row: dict[str, Any]) -> Bounds:
    return Bounds(row.get("earliestStart"), row.get("latestStart"), row.get("earliestEnd"), row.get("latestEnd"))


def _relation(store: Store, row: dict[str, Any], at: dt.date, cites: dict) -> Relation:
    to = row.get("to")
    literal_end = to is not None and not str(to).startswith(("http://", "https://"))
    return Relation(
        id=slug(row["statement"]),
        iri=row["statement"],
        kind=kind_name(row["kind"]),
        subject=ref(store, row.get("from")),
        object=None if literal_end else ref(store, to),
        values=sorted(split(row.get("toValues"), "\x1f")) if literal_end else [],
        start=most_precise(row.get("start")),
        end=most_precise(row.get("end")),
        status=status(_bounds(row), at).value,
        support_kinds=[kind_name(k).removesuffix("-support") for k in split(row.get("supportKinds"))],
        roles=[kind_name(r).removesuffix("-role") for r in split(row.get("roles"))],
        alleged=row.get("alleged"),
        office_title=row.get("officeTitle"),
        extent=row.get("extent"),
        note=row.get("note") or None,
        date_note=row.get("dateNote") or None,
        sources=cites.get(row["statement"], []),
    )


def relations(
    store: Store,
    entity: str,
    *,
    kind: str | Sequence[str] | None = None,
    at: str | dt.date | None = None,
    holding_only: bool = False,
) -> list[Relation]:
    """Every statement ``entity`` takes part in, each with its status on ``at`` and its sources.

    ``kind`` restricts to one or several statement kinds (``support``, ``hostility``...; see
    :func:`statement_kinds`); ``holding_only`` keeps only statements that certainly hold on
    ``at`` (see :mod:`kg.timeline`).
    """
    day = parse_at(at)
    node = require_entity(store, entity)["entity"]
    rows = store.select(queries.get("statements"), {"entity": iri(node)})
    if kind is not None:
        wanted = [kind] if isinstance(kind, str) else list(kind)
        unknown = sorted(set(wanted) - set(statement_kinds(store)))
        if unknown:
            raise InvalidInput(f"unknown kind {', '.join(unknown)}; known kinds: {', '.join(statement_kinds(store))}")
        classes = {kind_class(k) for k in wanted}
        rows = [r for r in rows if r["kind"] in classes]
    cites = citations(store, node)
    out = [_relation(store, r, day, cites) for r in rows]
    if holding_only:
        out = [r for r in out if r.status == Status.HOLDS.value]
    return sorted(out, key=lambda r: (r.kind, r.start or "", r.id))


def backers(store: Store, actor: str, at: str | dt.date | None = None) -> list[Relation]:
    """Who backs ``actor`` on ``at``: support statements that certainly hold, with sources.

    >>> [r.subject.id for r in backers(store, "syrian-government", "2024-11-30")]  # doctest: +SKIP
    ['iran', 'russia', 'russia']
    """
    node = require_entity(store, actor)["entity"]
    return [
        r for r in relations(store, node, kind="support", at=at, holding_only=True) if r.object and r.object.iri == node
    ]


def backed(store: Store, actor: str, at: str | dt.date | None = None) -> list[Relation]:
    """Whom ``actor`` backs on ``at``."""
    node = require_entity(store, actor)["entity"]
    return [
        r
        for r in relations(store, node, kind="support", at=at, holding_only=True)
        if r.subject and r.subject.iri == node
    ]


def evidence(store: Store, subject: str, kind: str, obj: str) -> list[Relation]:
    """The statements of ``kind`` from ``subject`` to ``obj`` (any date), each with its sources.

    Answers "on which sources does 'Russia backs the Syrian government' rest?".
    """
    node = require_entity(store, obj)["entity"]
    source = require_entity(store, subject)["entity"]
    return [
        r
        for r in relations(store, node, kind=kind)
        if r.subject and r.subject.iri == source and r.object and r.object.iri == node
    ]
