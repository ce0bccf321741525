"""Events: what happened, where, when and who took part."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import queries
from .lookup import citations, kind_name, local_name, most_precise, ref, require_entity, split
from .models import Event, Participant
from .namespaces import slug
from .queries import ANY
from .store import Store
from .terms import date_literal, iri
from .timeline import PartialDate

__all__ = ["events"]

_MIN, _MAX = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def _day(value: str | dt.date | None, *, last: bool) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    parsed = PartialDate.parse(value)
    return parsed.last_day if last else parsed.first_day


def events(
    store: Store,
    *,
    actor: str | None = None,
    place: str | None = None,
    from_: str | dt.date | None = None,
    to: str | dt.date | None = None,
) -> list[Event]:
    """Events with their participants, places, dates and sources, oldest first.

    ``actor`` keeps events it took part in; ``place`` keeps events at that place or inside it;
    ``from_``/``to`` (YYYY, YYYY-MM or YYYY-MM-DD) keep events that may overlap the period.
    Undated events are kept only when no period is asked for.
    """
    bindings = {
        "actor": iri(require_entity(store, actor)["entity"]) if actor else ANY,
        "place": iri(require_entity(store, place)["entity"]) if place else ANY,
        "from": date_literal(_day(from_, last=False) or _MIN),
        "to": date_literal(_day(to, last=True) or _MAX),
    }
    dated_only = from_ is not None or to is not None
    out = []
    for row in store.select(queries.get("events"), bindings):
        if dated_only and row.get("earliestStart") is None:
            continue
        node = row["event"]
        roles: dict[tuple[str, str], list[str]] = defaultdict(list)
        for p in store.select(queries.get("participants"), {"event": iri(node)}):
            key = (p["participant"], p["statement"])
            if p.get("role"):
                roles[key].append(kind_name(p["role"]).removesuffix("-role"))
            else:
                roles.setdefault(key, [])
        participants = [
            Participant(ref(store, a), sorted(set(r)), slug(s))  # type: ignore[arg-type]
            for (a, s), r in sorted(roles.items())
        ]
        out.append(
            Event(
                id=slug(node),
                iri=node,
                label=row.get("label"),
                type=kind_name(row["type"]) if row.get("type") else local_name(node),
                date=most_precise(row.get("date")),
                start=most_precise(row.get("start")),
                end=most_precise(row.get("end")),
                places=[r for p in split(row.get("places")) if (r := ref(store, p))],
                participants=participants,
                sources=citations(store, node).get(node, []),
            )
        )
    return out
