"""Time: partial dates and the as-of rule used by every read.

A date in the data is an ``xsd:date`` (a day), ``xsd:gYearMonth`` (a month) or ``xsd:gYear``
(a year). A partial date stands for every day of its period, so it has a first and a last day.

The as-of rule. A statement *holds* on day D when

* it has certainly started: its start is unknown, or the **last** day its start can denote is
  on or before D; and
* it has certainly not ended: its end is unknown, or the **first** day its end can denote is
  after D (an end date is the first day on which the statement no longer holds).

It certainly *does not hold* when its start's first day is after D or its end's last day is on
or before D. Between the two the answer is *unknown*: a statement that started "2016" holds on
2016-12-31, does not hold on 2015-12-31 and is unknown on 2016-06-01. Reads that list what holds
("who backs X on D") return only what certainly holds; reads that list everything (designations)
report the three-valued status.

The loader stores the four bounds of every dated node as ``xsd:date`` values
(``ck:earliestStart``, ``ck:latestStart``, ``ck:earliestEnd``, ``ck:latestEnd``) so that SPARQL
applies the same rule with plain comparisons (see ``kg/queries/*.rq``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from dataclasses import dataclass

from .errors import InvalidInput
from .namespaces import XSD

__all__ = ["Bounds", "PartialDate", "Status", "parse_at", "status"]

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
    """The first and last possible days of a statement's start and end (None: unknown)."""

    earliest_start: dt.date | None = None
    latest_start: dt.date | None = None
    earliest_end: dt.date | None = None
    latest_end: dt.date | None = None

    @classmethod
    def of(cls, start: PartialDate | None, end: PartialDate | None) -> Bounds:
        return cls(
            start.first_day if start else None,
            start.last_day if start else None,
            end.first_day if end else None,
            end.last_day if end else None,
        )


def status(bounds: Bounds, at: dt.date) -> Status:
    """Apply the as-of rule (module docstring) to a statement's bounds on day ``at``."""
    started = bounds.latest_start is None or bounds.latest_start <= at
    not_ended = bounds.earliest_end is None or bounds.earliest_end > at
    if started and not_ended:
        return Status.HOLDS
    if (bounds.earliest_start is not None and bounds.earliest_start > at) or (
        bounds.latest_end is not None and bounds.latest_end <= at
    ):
        return Status.NOT_HOLDS
    return Status.UNKNOWN


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
