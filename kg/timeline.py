"""Time: partial dates and the as-of rule used by every read.

A date in the data is an ``xsd:date`` (a day), ``xsd:gYearMonth`` (a month) or ``xsd:gYear``
(a year). A partial date stands for every day of its period, so it has a first and a last day.

The as-of rule. A statement *holds* on day D when

* it has certainly started: the **last** day its start can denote is on or before D, or its
  start is unknown and a source attests it by D (see "Existence and attestation" below); and
* it has certainly not ended: its end is unknown, or the **first** day its end can denote is
  after D (an end date is the first day on which the statement no longer holds).

It certainly *does not hold* when its start's first day is after D or its end's last day is on
or before D. Between the two the answer is *unknown*: a statement that started "2016" holds on
2016-12-31, does not hold on 2015-12-31 and is unknown on 2016-06-01. Reads that list what holds
("who backs X on D") return only what certainly holds (``include_unknown`` adds what may hold);
reads that list everything (designations) report the three-valued status, with its reason.

The loader stores the four bounds of every dated node as ``xsd:date`` values
(``ck:earliestStart``, ``ck:latestStart``, ``ck:earliestEnd``, ``ck:latestEnd``) so that SPARQL
applies the same rule with plain comparisons (see ``kg/queries/*.rq``).

Existence and attestation (:func:`verdict`, what every read applies). The stated dates are not all
that is known about when a statement can hold:

* a statement cannot hold before all its participants exist, nor once one of them has ceased
  (``ck:foundedDate``, ``ck:dissolvedDate``, a ``ck:Dissolution``; partial dates again give a
  period of doubt). The listing of a designee outlives it: a designation is not ended by its
  designee's dissolution (the UN kept HTS's entry for a year after HTS dissolved itself);
* a statement whose start is unknown is *unknown* before the earliest day a source attests it
  (:attr:`Bounds.attested`: an explicit ``ck:attestedDate``, the date of a citing source, the day
  of a designation's first dated amendment), and unknown on every day when nothing attests it:
  an unknown start never means "since the beginning of time".

:func:`status` is the rule on the stated dates alone; :func:`verdict` adds the bounds and says why,
with the day that decided (:class:`Verdict`). :mod:`kg.read.existence` works the bounds out once per
statement and store version.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

from kg.errors import InvalidInput
from kg.namespaces import XSD

__all__ = ["Bounds", "PartialDate", "Reason", "Status", "Verdict", "most_precise", "parse_at", "status", "verdict"]

_DATE_RE = re.compile(r"^(-?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day, a month or a year."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise :class:`InvalidInput` otherwise."""
        m = _DATE_RE.match(text.strip())
        if not m:
            raise InvalidInput(f"not a date: {text!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        year = int(m[1])
        month = int(m[2]) if m[2] is not None else None
        day = int(m[3]) if m[3] is not None else None
        try:
            dt.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError as exc:
            raise InvalidInput(f"not a valid date: {text!r} ({exc})") from None
        return cls(year, month, day)

    @classmethod
    def from_literal(cls, lexical: str, datatype: str) -> PartialDate:
        """Read an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal (timezones ignored)."""
        value = re.sub(r"(Z|[+-]\d{2}:\d{2})$", "", lexical)
        expected = {XSD + "date": 3, XSD + "gYearMonth": 2, XSD + "gYear": 1}.get(datatype)
        if expected is None:
            raise InvalidInput(f"not a date datatype: {datatype}")
        parsed = cls.parse(value)
        if parsed.precision != expected:
            raise InvalidInput(f"{lexical!r} does not match its datatype {datatype}")
        return parsed

    @property
    def precision(self) -> int:
        """1 for a year, 2 for a month, 3 for a day."""
        return 1 + (self.month is not None) + (self.day is not None)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month or 1, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


class Status(enum.StrEnum):
    """Whether a statement holds on a day: three-valued because dates can be partial."""

    HOLDS = "holds"
    NOT_HOLDS = "does-not-hold"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Bounds:
    """The first and last possible days of a statement's start and end (None: unknown), and what
    else bounds it (None: nothing known): its participants' existence and its attestation."""

    earliest_start: dt.date | None = None
    latest_start: dt.date | None = None
    earliest_end: dt.date | None = None
    latest_end: dt.date | None = None
    #: The first and last days on which the last of the participants to come into being can have
    #: done so (before the first, the statement certainly does not hold).
    exists_first: dt.date | None = None
    exists_last: dt.date | None = None
    #: The first and last days on which the first of the participants to cease can have ceased
    #: (the first day it no longer exists, like an end date).
    ceases_first: dt.date | None = None
    ceases_last: dt.date | None = None
    #: The earliest day a source attests the statement (used only when its start is unknown).
    attested: dt.date | None = None

    @classmethod
    def of(cls, start: PartialDate | None, end: PartialDate | None) -> Bounds:
        return cls(
            start.first_day if start else None,
            start.last_day if start else None,
            end.first_day if end else None,
            end.last_day if end else None,
        )


def status(bounds: Bounds, at: dt.date) -> Status:
    """The as-of rule (module docstring) on a statement's stated dates alone, on day ``at``.

    Reads use :func:`verdict`, which also applies existence and attestation.
    """
    started = bounds.latest_start is None or bounds.latest_start <= at
    not_ended = bounds.earliest_end is None or bounds.earliest_end > at
    if started and not_ended:
        return Status.HOLDS
    if (bounds.earliest_start is not None and bounds.earliest_start > at) or (
        bounds.latest_end is not None and bounds.latest_end <= at
    ):
        return Status.NOT_HOLDS
    return Status.UNKNOWN


class Reason(enum.StrEnum):
    """Why a statement holds, does not hold or is unknown on a day (:func:`verdict`)."""

    #: holds: its start (the bound) is on or before the day
    STARTED = "started"
    #: holds: its start is unknown, and a source attests it by the day (the bound)
    ATTESTED = "attested"
    #: does not hold: a participant came into being after the day (the bound: the earliest it can have)
    NOT_YET_EXISTING = "not-yet-existing"
    #: does not hold: its start (the bound: the earliest it can be) is after the day
    NOT_STARTED = "not-started"
    #: does not hold: it ended on or before the day (the bound: the latest its end can be)
    ENDED = "ended"
    #: does not hold: a participant had ceased to exist by the day (the bound)
    CEASED = "ceased"
    #: unknown: a participant may not exist yet (the bound: the day it certainly does)
    EXISTENCE_UNCERTAIN = "existence-uncertain"
    #: unknown: a participant may have ceased (the bound: the earliest it can have)
    CEASING_UNCERTAIN = "ceasing-uncertain"
    #: unknown: its start is unknown, and the earliest source attesting it is later (the bound)
    BEFORE_ATTESTED = "before-attested"
    #: unknown: its start is unknown and no dated source attests it (no bound)
    UNATTESTED = "unattested"
    #: unknown: a partial start date straddles the day (the bound: the day it certainly started)
    START_UNCERTAIN = "start-uncertain"
    #: unknown: a partial end date straddles the day (the bound: the earliest it can have ended)
    END_UNCERTAIN = "end-uncertain"


@dataclass(frozen=True)
class Verdict:
    """A statement's status on a day, why (:class:`Reason`) and the day that decided (None: none)."""

    status: Status
    reason: Reason
    bound: dt.date | None = None

    @property
    def in_force(self) -> bool | None:
        """True, False or None (unknown), as designations report it."""
        return {Status.HOLDS: True, Status.NOT_HOLDS: False}.get(self.status)


def verdict(bounds: Bounds, at: dt.date) -> Verdict:
    """Apply the as-of rule with existence and attestation (module docstring) on day ``at``.

    What certainly rules the statement out is looked at first (its participants not existing yet,
    its stated start after the day, its end, a participant gone), then what leaves it open.

    >>> verdict(Bounds(attested=dt.date(2024, 11, 30)), dt.date(2012, 1, 1)).reason.value
    'before-attested'
    >>> verdict(Bounds(), dt.date(2012, 1, 1)).status.value
    'unknown'
    """
    b = bounds
    if b.exists_first is not None and at < b.exists_first:
        return Verdict(Status.NOT_HOLDS, Reason.NOT_YET_EXISTING, b.exists_first)
    if b.earliest_start is not None and at < b.earliest_start:
        return Verdict(Status.NOT_HOLDS, Reason.NOT_STARTED, b.earliest_start)
    if b.latest_end is not None and b.latest_end <= at:
        return Verdict(Status.NOT_HOLDS, Reason.ENDED, b.latest_end)
    if b.ceases_last is not None and b.ceases_last <= at:
        return Verdict(Status.NOT_HOLDS, Reason.CEASED, b.ceases_last)
    if b.exists_last is not None and at < b.exists_last:
        return Verdict(Status.UNKNOWN, Reason.EXISTENCE_UNCERTAIN, b.exists_last)
    if b.latest_start is None:
        if b.attested is None:
            return Verdict(Status.UNKNOWN, Reason.UNATTESTED)
        if at < b.attested:
            return Verdict(Status.UNKNOWN, Reason.BEFORE_ATTESTED, b.attested)
        started = Verdict(Status.HOLDS, Reason.ATTESTED, b.attested)
    elif at < b.latest_start:
        return Verdict(Status.UNKNOWN, Reason.START_UNCERTAIN, b.latest_start)
    else:
        started = Verdict(Status.HOLDS, Reason.STARTED, b.latest_start)
    if b.earliest_end is not None and b.earliest_end <= at:
        return Verdict(Status.UNKNOWN, Reason.END_UNCERTAIN, b.earliest_end)
    if b.ceases_first is not None and b.ceases_first <= at:
        return Verdict(Status.UNKNOWN, Reason.CEASING_UNCERTAIN, b.ceases_first)
    return started


def parse_at(value: str | dt.date | None) -> dt.date:
    """The day a read is asked about: a ``YYYY-MM-DD`` string or a date; ``None`` means today."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    parsed = PartialDate.parse(value)
    if parsed.precision != 3:
        raise InvalidInput(f"'at' must be a full date YYYY-MM-DD, not {value!r}")
    return parsed.first_day


def most_precise(dates: str | None) -> str | None:
    """The most precise of the space-separated dates several sources give (``2011 2011-03``)."""
    values = [v for v in (dates or "").split(" ") if v]
    return max(values, key=lambda v: (len(v), v)) if values else None
