"""Statements about an actor: relations of every kind, backers and backed, as of a day."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any

from kg import kinds as kind_table
from kg import ontology
from kg.errors import InvalidInput
from kg.models import Relation
from kg.names import kind_class, kind_name
from kg.namespaces import CK, RDF, slug
from kg.read import existence
from kg.read.labels import ref
from kg.read.lookup import require_entity
from kg.read.nodes import Properties
from kg.read.statement_table import amendment_rows, statement_citations, statement_properties
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import split, to_python
from kg.timeline import Bounds, Status, Verdict, most_precise, parse_at, verdict

__all__ = ["backed", "backers", "evidence", "relations", "statement_kinds"]


def _read_statement_classes(store: Store) -> frozenset[str]:
    rows = store.select("SELECT DISTINCT ?k WHERE { ?k rdfs:subClassOf ck:Statement }")
    return frozenset(r["k"] for r in rows)


_STATEMENT_CLASSES: Derived[frozenset[str]] = derived("relations:statement-classes", _read_statement_classes)


def _statement_classes(store: Store) -> frozenset[str]:
    """IRIs of the classes directly under ``ck:Statement`` in the store, cached per version."""
    return _STATEMENT_CLASSES.of(store)


def statement_kinds(store: Store) -> list[str]:
    """Names of every statement kind the ontology defines (``support``, ``alliance``...)."""
    return sorted(kind_name(k) for k in _statement_classes(store))


_TYPE = RDF + "type"
_START = [CK + p for p in ("startDate", "effectiveDate", "listedDate")]
_SINGLE = {"alleged": CK + "alleged", "officeTitle": CK + "officeTitle", "extent": CK + "extent"}
_JOINED = {"note": CK + "note", "dateNote": CK + "dateNote"}
_IRIS = {"supportKinds": CK + "supportKind", "roles": CK + "role"}
_ATTESTED = CK + "attestedDate"
_LATEST = {"earliestStart": CK + "earliestStart", "earliestEnd": CK + "earliestEnd"}
_EARLIEST = {"latestStart": CK + "latestStart", "latestEnd": CK + "latestEnd"}


def _lexical(terms: list[Any]) -> list[str]:
    return [t.value for t in terms]


@functools.cache
def _rules() -> dict[str, ontology.EdgeRule]:
    """The ontology's edge rules by statement class."""
    return {r.statement_class: r for r in ontology.edge_rules()}


def _row(statement: str, props: Properties, classes: frozenset[str]) -> dict[str, Any] | None:
    """One statement's properties in the shape the relation builder reads (None: not a statement).

    The ends come from the kind's ``ck:derivesEdge`` rule (else ``ck:subject``); several values
    of a single-valued field are chosen deterministically (the smallest); dates stated by several
    sources intersect: the latest of the earliest days, the earliest of the latest days.
    """
    kinds = sorted(t.value for t in props.get(_TYPE, []) if t.value in classes)
    if not kinds:
        return None
    kind = kinds[0]
    rule = _rules().get(kind)
    froms, tos = [], []
    if rule is not None and props.get(rule.from_role) and props.get(rule.to_role):
        froms, tos = props[rule.from_role], props[rule.to_role]
    else:
        froms = props.get(CK + "subject", [])
    row: dict[str, Any] = {"statement": statement, "kind": kind}
    if froms:
        row["from"] = min((to_python(t) for t in froms), key=str)
    if tos:
        row["to"] = min((to_python(t) for t in tos), key=str)
        row["toValues"] = "\x1f".join(sorted(set(_lexical(tos))))
    start = sorted({v for p in _START for v in _lexical(props.get(p, []))})
    if start:
        row["start"] = " ".join(start)
    end = sorted(set(_lexical(props.get(CK + "endDate", []))))
    if end:
        row["end"] = " ".join(end)
    for name, prop in _SINGLE.items():
        if props.get(prop):
            row[name] = min((to_python(t) for t in props[prop]), key=str)
    for name, prop in _JOINED.items():
        if props.get(prop):
            row[name] = " ".join(sorted(set(_lexical(props[prop]))))
    for name, prop in _IRIS.items():
        if props.get(prop):
            row[name] = " ".join(sorted(set(_lexical(props[prop]))))
    for name, prop in _LATEST.items():
        if props.get(prop):
            row[name] = max(to_python(t) for t in props[prop])
    for name, prop in _EARLIEST.items():
        if props.get(prop):
            row[name] = min(to_python(t) for t in props[prop])
    if props.get(_ATTESTED):
        row["attested"] = props[_ATTESTED]
    return row


def _bounds(row: dict[str, Any]) -> Bounds:
    return Bounds(row.get("earliestStart"), row.get("latestStart"), row.get("earliestEnd"), row.get("latestEnd"))


def _iri(value: Any) -> str | None:
    text = None if value is None else str(value)
    return text if text is not None and text.startswith(("http://", "https://")) else None


_DESIGNATION = CK + "Designation"
_EFFECTIVE = CK + "effectiveDate"


def _amended(store: Store, node: str, rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The amendments' effective dates of the designations among ``rows`` (``node`` takes part in
    them as authority or designee): an amendment attests the listing, as in :mod:`kg.read.designations`."""
    among = {r["statement"] for r in rows if r["kind"] == _DESIGNATION}
    found: dict[str, list[Any]] = {}
    if among:
        for role in (CK + "designee", CK + "authority"):
            for designation, _, prop, value in amendment_rows(store, node, role, among=among):
                if prop == _EFFECTIVE:
                    found.setdefault(designation, []).append(value)
    return found


#: Each statement's bounds worked out in this version, by IRI (filled by :func:`statement_bounds`).
_BOUNDS: Derived[dict[str, Bounds]] = derived("timeline:relation-bounds", lambda store: {})


def statement_bounds(store: Store, row: dict[str, Any], cites: dict, amended: dict | None = None) -> Bounds:
    """A statement's bounds (:mod:`kg.read.existence`): its stated dates, its ends' existence and its
    attestation (``amended``: a designation's amendments' dates, by statement); worked out once per
    statement and store version."""
    cache = _BOUNDS.of(store)
    found = cache.get(row["statement"])
    if found is None:
        known = existence.context(store)
        # a source reporting a former name attests that it was a name, not that it still was then
        reported = row["kind"] not in existence.PAST_BY_NATURE
        sources = [c.source.iri for c in cites.get(row["statement"], [])] if reported else []
        day = known.attested(sources, row.get("attested", ()), (amended or {}).get(row["statement"], ()))
        found = cache[row["statement"]] = known.bounded(
            _bounds(row), row["kind"], _iri(row.get("from")), _iri(row.get("to")), day
        )
    return found


def _relation(store: Store, row: dict[str, Any], state: Verdict, cites: dict) -> Relation:
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
        status=state.status.value,
        status_reason=state.reason.value,
        status_bound=None if state.bound is None else state.bound.isoformat(),
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
    include_unknown: bool = False,
) -> list[Relation]:
    """Every statement ``entity`` takes part in, each with its status on ``at`` (and why) and its
    sources.

    ``kind`` restricts to one or several statement kinds (``support``, ``hostility``...; see
    :func:`statement_kinds`); ``holding_only`` keeps only statements that certainly hold on
    ``at`` (see :func:`kg.timeline.verdict`: existence and attestation bound an unknown start),
    and with ``include_unknown`` also those whose status is unknown that day.
    """
    day = parse_at(at)
    node = require_entity(store, entity)["entity"]
    return _relations_of(store, node, kind, day, holding_only, include_unknown=include_unknown)


def _relations_of(
    store: Store,
    node: str,
    kind: str | Sequence[str] | None,
    day: dt.date,
    holding_only: bool,
    role: str | None = None,
    include_unknown: bool = False,
) -> list[Relation]:
    """:func:`relations` of a node already resolved to its IRI.

    ``role`` (with a single ``kind``) reads only the statements in which the node has that role
    (a property IRI, e.g. ``ck:object``): the engine then starts from the node's few statements of
    that kind instead of all of them. Callers still check the role on the built relation.
    """
    day = parse_at(day)
    classes = _statement_classes(store)
    wanted_classes = classes
    if kind is not None:
        wanted = [kind] if isinstance(kind, str) else list(kind)
        unknown = sorted(set(wanted) - set(statement_kinds(store)))
        if unknown:
            raise InvalidInput(f"unknown kind {', '.join(unknown)}; known kinds: {', '.join(statement_kinds(store))}")
        wanted_classes = frozenset(kind_class(k) for k in wanted)
    # with a role, read only the node's statements of that kind in that role
    of_kind = min(wanted_classes) if role is not None else None
    found = statement_properties(store, node, role, of_kind)
    rows = [r for statement, props in found.items() if (r := _row(statement, props, classes)) is not None]
    rows = [r for r in rows if r["kind"] in wanted_classes]
    # the citations of every row: what attests a statement decides whether it holds
    found_ids = {r["statement"] for r in rows}
    cites = statement_citations(store, node, role, of_kind, among=found_ids) if found_ids else {}
    amended = _amended(store, node, rows)
    states = [(r, verdict(statement_bounds(store, r, cites, amended), day)) for r in rows]
    if holding_only:
        kept = (Status.HOLDS, Status.UNKNOWN) if include_unknown else (Status.HOLDS,)
        states = [(r, state) for r, state in states if state.status in kept]
    out = [_relation(store, r, state, cites) for r, state in states]
    return sorted(out, key=lambda r: (r.kind, r.start or "", r.id))


def _backing(store: Store, node: str, day: dt.date, backer: bool, include_unknown: bool) -> list[Relation]:
    """The statements of every backing kind (support; see :func:`kg.kinds.backing`) that hold on ``day`` in which
    ``node`` is the backer (``backer``) or the one backed, each kind read through its edge rule's
    role for that end."""
    found: list[Relation] = []
    known = statement_kinds(store)  # a store loaded with an older ontology may lack a kind
    for name in kind_table.backing():
        rule = kind_table.edge_kinds().get(name)
        if rule is None or name not in known:
            continue
        role = rule.from_role if backer else rule.to_role
        for r in _relations_of(store, node, name, day, True, role, include_unknown=include_unknown):
            end = r.subject if backer else r.object
            if end is not None and end.iri == node:
                found.append(r)
    return sorted(found, key=lambda r: (r.kind, r.start or "", r.id))


def backers(
    store: Store, actor: str, at: str | dt.date | None = None, *, include_unknown: bool = False
) -> list[Relation]:
    """Who backs ``actor`` on ``at``: statements of the backing kinds (support) that certainly hold,
    with sources (with ``include_unknown``, also those that may hold: each says why in
    ``status_reason``).

    >>> [r.subject.id for r in backers(store, "syrian-government", "2024-11-30")]  # doctest: +SKIP
    ['iran', 'russia', 'russia']
    """
    node = require_entity(store, actor)["entity"]
    return _backing(store, node, parse_at(at), False, include_unknown)


def backed(
    store: Store, actor: str, at: str | dt.date | None = None, *, include_unknown: bool = False
) -> list[Relation]:
    """Whom ``actor`` backs on ``at`` (``include_unknown``: as :func:`backers`)."""
    node = require_entity(store, actor)["entity"]
    return _backing(store, node, parse_at(at), True, include_unknown)


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
