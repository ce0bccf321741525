"""Terrorist designations, each marked in force or not on the day asked about."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from kg.models import Amendment, Designation
from kg.namespaces import CK, RDF, slug
from kg.read import existence
from kg.read.labels import ref
from kg.read.lookup import require_entity
from kg.read.nodes import Properties
from kg.read.statement_table import amendment_rows, statement_citations, statement_properties
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import iri, split, to_python
from kg.timeline import Bounds, most_precise, parse_at, verdict

__all__ = ["designations"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


_SINGLE = {
    "target": "designee",
    "by": "authority",
    "instrument": "instrument",
    "entryId": "entryId",
    "aliasOf": "aliasOf",
    "note": "note",
}
_JOINED = {
    "listed": ("listedDate", " "),
    "effective": ("effectiveDate", " "),
    "announced": ("announcedDate", " "),
    "end": ("endDate", " "),
    "endAnnounced": ("endAnnouncedDate", " "),
    "dateNote": ("dateNote", " "),
    "names": ("namesCovered", "\x1f"),
}


def _row(designation: str, props: Properties) -> dict[str, Any]:
    """One designation's properties in the shape the builder reads (see kg.read.relations._row)."""
    row: dict[str, Any] = {"designation": designation}
    for name, local in _SINGLE.items():
        if props.get(CK + local):
            row[name] = min((to_python(t) for t in props[CK + local]), key=str)
    for name, (local, sep) in _JOINED.items():
        if props.get(CK + local):
            row[name] = sep.join(sorted({t.value for t in props[CK + local]}))
    for name, pick in (("earliestStart", max), ("latestStart", min), ("earliestEnd", max), ("latestEnd", min)):
        if props.get(CK + name):
            row[name] = pick(to_python(t) for t in props[CK + name])
    if props.get(CK + "attestedDate"):
        row["attested"] = props[CK + "attestedDate"]
    return row


#: Each designation's bounds worked out in this version, by IRI (filled by :func:`_bounds`).
_BOUNDS: Derived[dict[str, Bounds]] = derived("timeline:designation-bounds", lambda store: {})


def _bounds(store: Store, row: dict[str, Any], cites: dict, amendments: dict) -> Bounds:
    """A designation's bounds (:mod:`kg.read.existence`): its dates, its authority's and designee's
    existence, and what attests it (citing sources, its first dated amendment); once per
    designation and store version."""
    cache = _BOUNDS.of(store)
    found = cache.get(row["designation"])
    if found is None:
        sources = [c.source.iri for c in cites.get(row["designation"], [])]
        amended = [a.effective for a in amendments.get(row["designation"], []) if a.effective]
        known = existence.context(store)
        day = known.attested(sources, row.get("attested", ()), amended)
        stated = Bounds(row.get("earliestStart"), row.get("latestStart"), row.get("earliestEnd"), row.get("latestEnd"))
        found = cache[row["designation"]] = known.bounded(
            stated, CK + "Designation", str(row["by"]), str(row["target"]), day
        )
    return found


def _anchor(designee: str | None, authority: str | None) -> tuple[str, str]:
    """The node and role the reads start from: the designee, else the authority, else every
    designation (the class, by rdf:type)."""
    if designee is not None:
        return designee, CK + "designee"
    if authority is not None:
        return authority, CK + "authority"
    return CK + "Designation", RDF + "type"


def _rows(store: Store, designee: str | None, authority: str | None) -> list[dict[str, Any]]:
    """Designations of ``designee`` and/or by ``authority`` (both None: every designation)."""
    found = statement_properties(store, *_anchor(designee, authority), CK + "Designation")
    rows = [row for d, props in found.items() if "target" in (row := _row(d, props)) and "by" in row]
    if designee is not None and authority is not None:
        rows = [r for r in rows if iri(authority) in found[r["designation"]].get(CK + "authority", [])]
    return rows


def _first(props: Properties, local: str) -> Any:
    values = props.get(CK + local)
    return min((to_python(t) for t in values), key=str) if values else None


def _amendments(store: Store, anchor: tuple[str, str], among: set[str]) -> dict[str, list[Amendment]]:
    """The amendments of the anchored designations (see :func:`_anchor`) ``among`` those kept, by
    designation, oldest first.

    One amendment per amendment node; a field stated several times takes the smallest value,
    names added are all kept.
    """
    grouped: dict[tuple[str, str], Properties] = defaultdict(lambda: defaultdict(list))
    for designation, node, prop, value in amendment_rows(store, *anchor, among=among):
        values = grouped[(designation, node)][prop]
        if value not in values:
            values.append(value)
    found: dict[str, list[tuple[Any, Amendment]]] = defaultdict(list)
    for (designation, _), props in grouped.items():
        amendment = Amendment(
            _text(_first(props, "effectiveDate")),
            _text(_first(props, "announcedDate")),
            sorted({t.value for t in props.get(CK + "nameAdded", [])}),
            _first(props, "entryId"),
            _first(props, "note"),
        )
        latest = props.get(CK + "latestStart")
        found[designation].append((min(to_python(t) for t in latest) if latest else None, amendment))
    # unbound dates first, as SPARQL orders them
    return {
        d: [a for _, a in sorted(items, key=lambda i: (i[0] is not None, i[0] or dt.date.min, str(i[1])))]
        for d, items in found.items()
    }


def designations(
    store: Store,
    designee: str | None = None,
    *,
    authority: str | None = None,
    at: str | dt.date | None = None,
    in_force_only: bool = False,
) -> list[Designation]:
    """Designations of ``designee`` (or by ``authority``), with ``in_force`` on ``at``.

    ``in_force`` is None when it is unknown that day (:func:`kg.timeline.verdict`: a partial date
    straddles it, or the listing date is unknown and nothing attests the designation by then);
    ``status_reason`` and ``status_bound`` say why.

    >>> [d.authority.id for d in designations(store, "hayat-tahrir-al-sham", at="2026-11-25",
    ...                                        in_force_only=True)]  # doctest: +SKIP
    ['russia', 'russia', 'turkey']
    """
    day = parse_at(at)
    entity = by = None
    if designee is not None:
        entity = require_entity(store, designee)["entity"]
    if authority is not None:
        by = require_entity(store, authority)["entity"]
    rows = _rows(store, entity, by)
    anchor = _anchor(entity, by)
    found = {row["designation"] for row in rows}
    cites = statement_citations(store, *anchor, CK + "Designation", among=found) if rows else {}
    amendments = _amendments(store, anchor, found) if rows else {}
    out = []
    for row in rows:
        state = verdict(_bounds(store, row, cites, amendments), day)
        out.append(
            Designation(
                id=slug(row["designation"]),
                iri=row["designation"],
                authority=ref(store, row["by"]),  # type: ignore[arg-type]
                designee=ref(store, row["target"]),  # type: ignore[arg-type]
                instrument=ref(store, row.get("instrument")),
                entry_id=row.get("entryId"),
                listed=most_precise(row.get("listed")),
                effective=most_precise(row.get("effective")),
                announced=most_precise(row.get("announced")),
                ended=most_precise(row.get("end")),
                end_announced=most_precise(row.get("endAnnounced")),
                alias_of=ref(store, row.get("aliasOf")),
                names_covered=sorted(split(row.get("names"), "\x1f")),
                amendments=amendments.get(row["designation"], []),
                in_force=state.in_force,
                status=state.status.value,
                status_reason=state.reason.value,
                status_bound=None if state.bound is None else state.bound.isoformat(),
                note=row.get("note"),
                date_note=row.get("dateNote") or None,
                sources=cites.get(row["designation"], []),
            )
        )
    if in_force_only:
        out = [d for d in out if d.in_force]
    return sorted(out, key=lambda d: (d.authority.id, d.effective or d.listed or "", d.id))
