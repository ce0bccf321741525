"""Events: what happened, where, when and who took part."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from kg import ontology, queries
from kg.errors import InvalidInput
from kg.models import Event, Participant
from kg.names import kind_name, local_name
from kg.namespaces import CK, RDF, SKOS, slug
from kg.read.labels import ref
from kg.read.lookup import require_entity
from kg.read.nodes import Properties, grouped_citations
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import iri, split, to_python
from kg.timeline import PartialDate, most_precise

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
    page of that list; participants and sources are read for the events of the page only. A period
    that ends before it starts is :class:`InvalidInput` (not an empty list: the dates are swapped).
    """
    first, last = _day(from_, last=False) or _MIN, _day(to, last=True) or _MAX
    if first > last:
        raise InvalidInput(f"the period ends before it starts: 'from' {from_} is after 'to' {to}")
    classes = _event_classes()
    chosen: set[str] | None = None
    for name, ident, var in (("events-of-actor", actor, "actor"), ("events-at-place", place, "place")):
        if ident:
            node = iri(require_entity(store, ident)["entity"])
            # VALUES, not a bound parameter: the engine plans the query before a parameter is bound,
            # and for these two queries that means walking every event (seconds at 10k actors)
            events_of = {row["event"] for row in store.select(queries.with_values(queries.get(name), var, [node]))}
            chosen = events_of if chosen is None else chosen & events_of
    # every event: read once per store version (seconds at 10k actors)
    found = _EVERY_EVENT.of(store) if chosen is None else _properties(store, sorted(chosen))
    rows = []
    kinds = frozenset(c.value for c in classes)
    for event, props in found.items():
        row = _row(event, props, kinds, first, last)
        if row is not None and (row.get("earliestStart") is not None or (from_ is None and to is None)):
            rows.append(row)
    # oldest first, undated first (as SPARQL orders an unbound value)
    rows.sort(key=lambda r: (r.get("earliestStart") is not None, r.get("earliestStart") or _MIN, r["event"]))
    page = rows[offset:] if limit is None else rows[offset : offset + limit]
    return [_event(store, row) for row in page]


_BATCH = 1000  # events per query (bounds the length of the query text)
_DATES = {k: CK + k for k in ("date", "startDate", "endDate", "earliestStart", "latestStart", "latestEnd")}


def _event_classes() -> list[Any]:
    return [iri(c) for c in sorted(ontology.subclasses(CK + "Event"))]


def _every_event(store: Store, classes: list[Any]) -> list[str]:
    return sorted({row["event"] for row in store.select(queries.with_values(queries.get("events-all"), "t", classes))})


def _properties(store: Store, events: list[str]) -> dict[str, Properties]:
    """The listed properties of ``events`` (``events-flat.rq``), by event."""
    grouped: dict[str, Properties] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(events), _BATCH):
        text = queries.with_values(queries.get("events-flat"), "event", map(iri, events[start : start + _BATCH]))
        for event, prop, value in store.iter_terms(text):
            values = grouped[event.value][prop.value]
            if value not in values:
                values.append(value)
    return dict(grouped)


#: The properties of every event (:func:`events` with no actor or place).
_EVERY_EVENT: Derived[dict[str, Properties]] = derived(
    "events:properties", lambda store: _properties(store, _every_event(store, _event_classes()))
)


def _dates(props: Properties, name: str) -> list[Any]:
    """The values of a date property as Python values (None stands for "not stated")."""
    return [to_python(t) for t in props.get(_DATES[name], [])] or [None]


def _on_or_before(a: Any, b: dt.date) -> bool:
    return isinstance(a, dt.date) and a <= b


def _row(
    event: str, props: Properties, classes: frozenset[str], first: dt.date, last: dt.date
) -> dict[str, Any] | None:
    """An event's row as the list shows it, or None when it is not an event or can't overlap
    ``first``..``last``: it starts after ``last`` (earliest start), or ends before ``first`` (its
    latest end; for a point event, its latest start; an event with a start and no end is ongoing).
    Several values of a date (from several sources) keep the event if any combination passes;
    the earliest start shown is the latest of those that pass.
    """
    types = sorted(t.value for t in props.get(RDF + "type", []) if t.value in classes)
    if not types:
        return None
    point = bool(props.get(_DATES["date"]))
    starts = []
    for es in _dates(props, "earliestStart"):
        if es is not None and not _on_or_before(es, last):
            continue
        ends = [
            le if le is not None else (ls if point else last)
            for ls in _dates(props, "latestStart")
            for le in _dates(props, "latestEnd")
        ]
        if any(isinstance(end, dt.date) and end >= first for end in ends):
            starts.append(es)
    if not starts:
        return None
    labels = [t.value for t in props.get(SKOS + "prefLabel", []) if _english(t)]
    dated = [s for s in starts if s is not None]

    def joined(name: str) -> str:
        return " ".join(sorted({t.value for t in props.get(_DATES[name], [])}))

    return {
        "event": event,
        "label": min(labels) if labels else None,
        "type": types[0],
        "date": joined("date"),
        "start": joined("startDate"),
        "end": joined("endDate"),
        "earliestStart": max(dated) if dated else None,
        "places": " ".join(sorted({t.value for t in props.get(CK + "place", [])})),
    }


def _english(term: Any) -> bool:
    lang = (getattr(term, "language", None) or "").lower()
    return lang == "en" or lang.startswith("en-")


def _event(store: Store, row: dict[str, Any]) -> Event:
    """An event from its row (see :func:`_row`), with its participants and sources."""
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
