"""What the graph holds, in a few figures: its sources, how many nodes of each kind, and the span
of the dates its facts state. Read once per store version (the front page shows it)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pyoxigraph as ox

from kg import queries
from kg.errors import InvalidInput
from kg.models import Source
from kg.namespaces import CK
from kg.read.catalog import sources
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import iri
from kg.timeline import PartialDate

__all__ = ["KINDS", "Overview", "overview"]

#: The kinds counted, each by its top class: a node counts once for its kind, whichever classes
#: below it it has. Designations are statements too (ck:Designation is below ck:Statement).
KINDS: dict[str, str] = {
    "actors": CK + "Actor",
    "statements": CK + "Statement",
    "designations": CK + "Designation",
    "claims": CK + "Claim",
    "events": CK + "Event",
    "places": CK + "Place",
    "sources": CK + "Source",
}


@dataclasses.dataclass(frozen=True)
class Overview:
    """The figures of the graph at one store version.

    ``counts``: kind → number of nodes (every kind of :data:`KINDS`, 0 when none). ``first_date``,
    ``last_date``: the earliest and the latest date a statement, designation, event or claim
    states, as written (a day, a month or a year; a partial date is placed by its first day for
    the earliest and its last day for the latest); None in a graph without dates. ``sources``:
    every source, with the facts citing it. ``licences``: source IRI → the licences or rights
    statements it gives (``dcterms:license``, ``dcterms:rights``), for the sources that give one.
    """

    counts: dict[str, int]
    first_date: str | None
    last_date: str | None
    sources: list[Source]
    licences: dict[str, list[str]]


def overview(store: Store) -> Overview:
    """The figures of the graph, kept per store version (shared: not to be changed)."""
    return _OVERVIEW.of(store)


def _overview(store: Store) -> Overview:
    text = queries.with_values(queries.get("kind-counts"), "kind", [iri(c) for c in KINDS.values()])
    found = {row["kind"]: row["count"] for row in store.select(text)}
    counts = {kind: int(found.get(cls, 0)) for kind, cls in KINDS.items()}
    first: PartialDate | None = None
    last: PartialDate | None = None
    for (term,) in store.select_terms(queries.get("fact-dates")):
        if not isinstance(term, ox.Literal):
            continue
        try:
            date = PartialDate.from_literal(term.value, term.datatype.value)
        except InvalidInput:  # the shapes allow only dates: a store written by other means
            continue
        if first is None or date.first_day < first.first_day:
            first = date
        if last is None or date.last_day > last.last_day:
            last = date
    licences: dict[str, list[str]] = defaultdict(list)
    for row in store.select(queries.get("source-licences")):
        licences[row["source"]].append(str(row["licence"]))
    return Overview(
        counts=counts,
        first_date=None if first is None else str(first),
        last_date=None if last is None else str(last),
        sources=sources(store),
        licences=dict(licences),
    )


_OVERVIEW: Derived[Overview] = derived("overview", _overview)
