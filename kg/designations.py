"""Terrorist designations, each marked in force or not on the day asked about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import queries
from .lookup import citations, most_precise, ref, require_entity, split
from .models import Amendment, Designation
from .namespaces import slug
from .queries import ANY
from .store import Store
from .terms import iri
from .timeline import Bounds, Status, parse_at, status

__all__ = ["designations"]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def designations(
    store: Store,
    designee: str | None = None,
    *,
    authority: str | None = None,
    at: str | dt.date | None = None,
    in_force_only: bool = False,
) -> list[Designation]:
    """Designations of ``designee`` (or by ``authority``), with ``in_force`` on ``at``.

    ``in_force`` is None when a partial date leaves it open on that day.

    >>> [d.authority.id for d in designations(store, "hayat-tahrir-al-sham", at="2026-11-25",
    ...                                        in_force_only=True)]  # doctest: +SKIP
    ['russia', 'russia', 'turkey']
    """
    day = parse_at(at)
    bindings = {"designee": ANY, "authority": ANY}
    entity = None
    if designee is not None:
        entity = require_entity(store, designee)["entity"]
        bindings["designee"] = iri(entity)
    if authority is not None:
        by = require_entity(store, authority)["entity"]
        bindings["authority"] = iri(by)
        entity = entity or by
    cites = citations(store, entity) if entity else {}
    out = []
    for row in store.select(queries.get("designations"), bindings):
        bounds = Bounds(row.get("earliestStart"), row.get("latestStart"), row.get("earliestEnd"), row.get("latestEnd"))
        state = status(bounds, day)
        amendments = [
            Amendment(
                _text(a.get("effective")),
                _text(a.get("announced")),
                split(a.get("nameAdded"), "\x1f"),
                a.get("entryId"),
                a.get("note"),
            )
            for a in store.select(queries.get("amendments"), {"designation": iri(row["designation"])})
        ]
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
                amendments=amendments,
                in_force={Status.HOLDS: True, Status.NOT_HOLDS: False}.get(state),
                status=state.value,
                note=row.get("note"),
                date_note=row.get("dateNote") or None,
                sources=cites.get(row["designation"], []),
            )
        )
    if in_force_only:
        out = [d for d in out if d.in_force]
    return sorted(out, key=lambda d: (d.authority.id, d.effective or d.listed or "", d.id))
