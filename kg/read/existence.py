"""What bounds a statement besides its stated dates: its participants' existence and the earliest
day a source attests it. The rule that uses them is :func:`kg.timeline.verdict`; this module reads
what it needs from the store, once per store version, and works out a statement's
:class:`~kg.timeline.Bounds` from it.

* **Existence** (:func:`existence`): an actor's ``ck:foundedDate`` and ``ck:dissolvedDate`` (a day,
  a month or a year), and the start of a ``ck:Dissolution`` statement about it. Several values
  intersect like a statement's dates (the latest of the first days, the earliest of the last days).
* **Attestation** (:meth:`Context.attested`): the earliest of a statement's explicit ``ck:attestedDate``,
  the days its citing sources attest it (a source's publication date, ``dcterms:date``, or the last
  day it describes, ``ck:coverageEnd``, whichever is earlier: :func:`source_dates`) and, for a
  designation, its first dated amendment (amending a listing shows it existed). A partial date
  attests from its last day. A source with neither date (the project's undated reference
  compilations) attests nothing by itself: give such a statement a ``ck:attestedDate`` (the date of
  the original document its citation names). A former name (:data:`PAST_BY_NATURE`) is not
  attested by its sources' dates: they report a past name.

Participants are the statement's two ends (the roles of its ``ck:derivesEdge`` rule, else its
``ck:subject``; a designation: authority and designee). Whose ceasing ends the statement:
every participant's, except a designee's (a listing outlives the group listed) and the subject of a
``ck:Dissolution`` (which starts when its subject ceases). A claim is dated by itself: the
projection bounds its edges by attestation only, never by the existence of what it is about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from kg import queries
from kg.errors import InvalidInput
from kg.namespaces import CK
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.timeline import Bounds, PartialDate

__all__ = ["PAST_BY_NATURE", "Context", "Existence", "context", "existence", "source_dates"]

#: An actor's existence: the first and last days it can have come into being, and the first and
#: last days it can have ceased (None: not known).
Existence = tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None]

#: Statement kinds that a citing source's date does not attest: a source reporting that an actor
#: was formerly known by a name says it was, not that it still was when the source appeared (only
#: a ck:attestedDate attests such a statement).
PAST_BY_NATURE = frozenset({CK + "FormerName"})
#: Statement kinds whose second end's ceasing does not end them (by class IRI).
_KEEP_AFTER_TARGET_CEASES = frozenset({CK + "Designation"})
#: Statement kinds whose first end's ceasing does not end them.
_KEEP_AFTER_SOURCE_CEASES = frozenset({CK + "Dissolution"})


def _period(term: Any) -> tuple[dt.date, dt.date] | None:
    """The first and last days of a date literal (None: not a date)."""
    try:
        parsed = PartialDate.from_literal(term.value, term.datatype.value)
    except (InvalidInput, AttributeError):
        return None
    return parsed.first_day, parsed.last_day


def _intersect(periods: list[tuple[dt.date, dt.date]]) -> tuple[dt.date | None, dt.date | None]:
    if not periods:
        return None, None
    return max(p[0] for p in periods), min(p[1] for p in periods)


def _existence(store: Store) -> dict[str, Existence]:
    found: dict[str, tuple[list[tuple[dt.date, dt.date]], list[tuple[dt.date, dt.date]]]] = {}
    for actor, what, value in store.select_terms(queries.get("existence-dates")):
        period = _period(value)
        if period is None or not hasattr(actor, "value"):
            continue
        founded, dissolved = found.setdefault(actor.value, ([], []))
        (founded if what.value == "founded" else dissolved).append(period)
    return {actor: (*_intersect(f), *_intersect(d)) for actor, (f, d) in found.items()}


_EXISTENCE: Derived[dict[str, Existence]] = derived("timeline:existence", _existence)


def existence(store: Store) -> dict[str, Existence]:
    """Every actor with a known founding or dissolution, by IRI (cached until the store changes)."""
    return _EXISTENCE.of(store)


def _source_dates(store: Store) -> dict[str, dt.date]:
    found: dict[str, dt.date] = {}
    for source, value in store.select_terms(queries.get("source-dates")):
        period = _period(value)
        if period is not None and hasattr(source, "value"):
            day = period[1]
            if source.value not in found or day < found[source.value]:
                found[source.value] = day
    return found


_SOURCE_DATES: Derived[dict[str, dt.date]] = derived("timeline:source-dates", _source_dates)


def source_dates(store: Store) -> dict[str, dt.date]:
    """The day from which each dated source attests what it states, by source IRI (cached)."""
    return _SOURCE_DATES.of(store)


class Context:
    """The existence of actors and the dates of sources of one store version (:func:`context`),
    with the two computations reads make per statement."""

    def __init__(self, existence: dict[str, Existence], source_dates: dict[str, dt.date]) -> None:
        self.existence = existence
        self.source_dates = source_dates

    def attested(
        self, sources: Iterable[str], explicit: Iterable[Any] = (), amended: Iterable[Any] = ()
    ) -> dt.date | None:
        """The earliest day a statement is attested: by its citing ``sources`` (IRIs), an
        ``explicit`` ``ck:attestedDate`` or its ``amended`` amendments' dates (dates, date
        literals or their lexical forms; a partial date attests from its last day)."""
        dates = self.source_dates
        days = [dates[s] for s in sources if s in dates]
        for value in (*explicit, *amended):
            if isinstance(value, dt.date):
                days.append(value)
            elif (period := _period(value)) is not None:
                days.append(period[1])
            elif isinstance(value, str):
                with contextlib.suppress(InvalidInput):
                    days.append(PartialDate.parse(value).last_day)
        return min(days, default=None)

    def bounded(
        self, base: Bounds, kind: str, source: str | None, target: str | None, attested_on: dt.date | None
    ) -> Bounds:
        """``base`` (a statement's stated dates) with its participants' existence (``source`` and
        ``target``: its two ends, IRIs or None) and its attestation day. ``kind``: the statement's
        class IRI."""
        known = self.existence
        first = known.get(source) if source else None
        second = known.get(target) if target else None
        if first is None and second is None:
            if attested_on == base.attested:
                return base
            return Bounds(
                base.earliest_start, base.latest_start, base.earliest_end, base.latest_end, attested=attested_on
            )
        ends = [e for e in (first, second) if e is not None]
        ceasing = []
        if first is not None and kind not in _KEEP_AFTER_SOURCE_CEASES:
            ceasing.append(first)
        if second is not None and kind not in _KEEP_AFTER_TARGET_CEASES:
            ceasing.append(second)
        return Bounds(
            base.earliest_start,
            base.latest_start,
            base.earliest_end,
            base.latest_end,
            max((e[0] for e in ends if e[0] is not None), default=None),
            max((e[1] for e in ends if e[1] is not None), default=None),
            min((e[2] for e in ceasing if e[2] is not None), default=None),
            min((e[3] for e in ceasing if e[3] is not None), default=None),
            attested_on,
        )


_CONTEXT: Derived[Context] = derived("timeline:context", lambda store: Context(existence(store), source_dates(store)))


def context(store: Store) -> Context:
    """The :class:`Context` of the store's current version (cached until it changes)."""
    return _CONTEXT.of(store)
