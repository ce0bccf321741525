"""N-Triples building blocks: the synthetic namespaces, predicates, literals and dates.

Sources are built as lists of ``"s p o"`` lines (terms already in N-Triples syntax), which is much
faster than building ``pyoxigraph`` terms; this module holds everything needed to write those lines.
Dates are handled as proleptic Gregorian ordinals between :data:`EARLIEST` and :data:`LATEST`.
"""

from __future__ import annotations

import datetime as dt
import random

from kg.namespaces import CK, DCTERMS, ID, RDF, SKOS, SRC, ST, XSD

__all__ = [
    "ABOUT",
    "ALIAS_OF",
    "ALLEGED",
    "ALT",
    "AMENDMENT",
    "ANNOUNCED",
    "AUTHORITY",
    "CITATION",
    "CLAIMANT",
    "CLAIM_KIND",
    "CONTROLLER",
    "COVERAGE_END",
    "COVERAGE_START",
    "DATE",
    "DATE_NOTE",
    "DCDATE",
    "DESCRIPTION",
    "DESIGNEE",
    "EARLIEST",
    "EFFECTIVE",
    "END",
    "END_ANNOUNCED",
    "ENTRY_ID",
    "EVENT",
    "EXTENT",
    "INSTRUMENT",
    "LATEST",
    "LISTED",
    "LOCATED_IN",
    "MIN_SPAN",
    "NAME",
    "NAMES_COVERED",
    "NAME_ADDED",
    "NOTE",
    "OBJECT",
    "OFFICE_TITLE",
    "PARAGRAPH",
    "PARAGRAPHS",
    "PARAGRAPH_COUNT",
    "PARTICIPANT",
    "PART_OF_EVENT",
    "PLACE",
    "PREF",
    "PROPOSITION",
    "ROLE",
    "SOURCE",
    "START",
    "STATEMENT_KIND",
    "SUBJECT",
    "SUMMARY",
    "SUPPORT_KIND",
    "SYN_ID",
    "SYN_PREFIX",
    "SYN_SRC",
    "SYN_ST",
    "TITLE",
    "TRUE",
    "VERIFICATION",
    "A",
    "ar",
    "ck",
    "date_literal",
    "en",
    "local_id",
    "plain",
    "random_precision",
]  # fmt: skip

#: The mark of everything synthetic: the first part of the slug (id) of every entity, statement
#: and source, which sit in the project's own namespaces (so that the REST API addresses them by
#: slug) and kept apart from real data, no slug of which starts with it.
SYN_PREFIX = "syn-"
#: Where synthetic entities, statements and sources start: ``.../id/syn-``, ``.../statement/syn-``...
SYN_ID = ID + SYN_PREFIX
SYN_ST = ST + SYN_PREFIX
SYN_SRC = SRC + SYN_PREFIX

#: The days (ordinals) dates are drawn between.
EARLIEST = dt.date(1990, 1, 1).toordinal()
LATEST = dt.date(2026, 6, 30).toordinal()
#: An end is at least this many days after its start's day, so that even a year-precision end
#: starts after the last day a year-precision start can denote.
MIN_SPAN = 400


def ck(name: str) -> str:
    """The N-Triples term of an ontology class or property (``ck("Support")`` is ``<...ontology#Support>``)."""
    return f"<{CK}{name}>"


A = f"<{RDF}type>"
PREF = f"<{SKOS}prefLabel>"
ALT = f"<{SKOS}altLabel>"
TITLE = f"<{DCTERMS}title>"
DESCRIPTION = f"<{DCTERMS}description>"
DCDATE = f"<{DCTERMS}date>"
_XSD_DATE = f"<{XSD}date>"
_XSD_GYM = f"<{XSD}gYearMonth>"
_XSD_GY = f"<{XSD}gYear>"
_XSD_POS = f"<{XSD}positiveInteger>"
_XSD_BOOL = f"<{XSD}boolean>"

SUBJECT = ck("subject")
OBJECT = ck("object")
CITATION = ck("citation")
SOURCE = ck("source")
PARAGRAPH = ck("paragraph")
VERIFICATION = ck("verification")
START = ck("startDate")
END = ck("endDate")
DATE = ck("date")
NOTE = ck("note")
DATE_NOTE = ck("dateNote")
PLACE = ck("place")
LOCATED_IN = ck("locatedIn")
PART_OF_EVENT = ck("partOfEvent")
SUPPORT_KIND = ck("supportKind")
ALLEGED = ck("alleged")
OFFICE_TITLE = ck("officeTitle")
NAME = ck("name")
CONTROLLER = ck("controller")
EXTENT = ck("extent")
PARTICIPANT = ck("participant")
EVENT = ck("event")
ROLE = ck("role")
AUTHORITY = ck("authority")
DESIGNEE = ck("designee")
INSTRUMENT = ck("instrument")
ENTRY_ID = ck("entryId")
LISTED = ck("listedDate")
EFFECTIVE = ck("effectiveDate")
ANNOUNCED = ck("announcedDate")
END_ANNOUNCED = ck("endAnnouncedDate")
NAMES_COVERED = ck("namesCovered")
ALIAS_OF = ck("aliasOf")
AMENDMENT = ck("amendment")
NAME_ADDED = ck("nameAdded")
CLAIMANT = ck("claimant")
CLAIM_KIND = ck("claimKind")
ABOUT = ck("about")
SUMMARY = ck("summary")
PROPOSITION = ck("proposition")
STATEMENT_KIND = ck("statementKind")
COVERAGE_START = ck("coverageStart")
COVERAGE_END = ck("coverageEnd")
PARAGRAPH_COUNT = ck("paragraphCount")

#: ``true`` as an ``xsd:boolean``; paragraph numbers as ``xsd:positiveInteger`` literals (by number).
TRUE = f'"true"^^{_XSD_BOOL}'
PARAGRAPHS = [f'"{n}"^^{_XSD_POS}' for n in range(200)]


def _escape(text: str) -> str:
    """``text`` escaped for an N-Triples string literal."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return text


def en(text: str) -> str:
    """An English string literal."""
    return f'"{_escape(text)}"@en'


def ar(text: str) -> str:
    """An Arabic string literal."""
    return f'"{_escape(text)}"@ar'


def plain(text: str) -> str:
    """A plain (``xsd:string``) literal."""
    return f'"{_escape(text)}"'


def date_literal(ordinal: int, precision: int) -> str:
    """An ``xsd:date`` (precision 3), ``xsd:gYearMonth`` (2) or ``xsd:gYear`` (1) literal."""
    d = dt.date.fromordinal(ordinal)
    if precision == 3:
        return f'"{d.isoformat()}"^^{_XSD_DATE}'
    if precision == 2:
        return f'"{d.year:04d}-{d.month:02d}"^^{_XSD_GYM}'
    return f'"{d.year:04d}"^^{_XSD_GY}'


def random_precision(rng: random.Random) -> int:
    """A random date precision: day (half the time), month or year."""
    r = rng.random()
    return 3 if r < 0.5 else 2 if r < 0.8 else 1


def local_id(term: str) -> str:
    """What follows :data:`SYN_ID` in an entity's IRI term (``<.../id/syn-state-1>`` → ``state-1``)."""
    return term[len(SYN_ID) + 1 : -1]
