"""Events: what happened, where, when and who took part."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from . import queries
from .lookup import kind_name, local_name, most_precise, ref, require_entity, split
from .models import Event, Participant
from .namespaces import slug
from .nodes import grouped_citations
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
    offset: int = 0,
    limit: int | None = None,
) -> list[Event]:
    """Events with their participants, places, dates and sources, oldest first.

    ``actor`` keeps events it took part in; ``place`` keeps events at that place or inside it;
    ``from_``/``to`` (YYYY, YYYY-MM or YYYY-MM-DD) keep events that may overlap the period.
    Undated events are kept only when no period is asked for. ``offset`` and ``limit`` choose a
    page of that list; participants and sources are read for the events of the page only.
    """
    chosen: set[str] | None = None
    for name, ident, var in (("events-of-actor", actor, "actor"), ("events-at-place", place, "place")):
        if ident:
            node = iri(require_entity(store, ident)["entity"])
            # VALUES, not a bound parameter: the engine plans the query before a parameter is bound,
            # and for these two queries that means walking every event (seconds at 10k actors)
            found = {row["event"] for row in store.select(queries.with_values(queries.get(name), var, [node]))}
            chosen = found if chosen is None else chosen & found
    if chosen is not None and not chosen:
        return []
    text = queries.get("events")
    if chosen is not None:
        text = queries.with_values(text, "event", map(iri, sorted(chosen)))
    bindings = {
        "from": date_literal(_day(from_, last=False) or _MIN),
        "to": date_literal(_day(to, last=True) or _MAX),
    }
    rows = store.select(text, bindings)
    if from_ is not None or to is not None:
        rows = [row for row in rows if row.get("earliestStart") is not None]
    page = rows[offset:] if limit is None else rows[offset : offset + limit]
    return [_event(store, row) for row in page]


def _event(store: Store, row: dict[str, Any]) -> Event:
    """An event from its row of ``events.rq``, with its participants and sources."""
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
    return Event(
        id=slug(node),
        iri=node,
        label=row.get("label"),
        type=kind_name(row["type"]) if row.get("type") else local_name(node),
        date=most_precise(row.get("date")),
        start=most_precise(row.get("start")),
        end=most_precise(row.get("end")),
        places=[r for p in sorted(set(split(row.get("places")))) if (r := ref(store, p))],  # engine order varies
        participants=participants,
        sources=grouped_citations(store, "event-citations", {"event": iri(node)}).get(node, []),
    )
