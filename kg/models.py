"""Plain result objects returned by the read functions (no RDF terms, no HTTP)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Amendment",
    "Citation",
    "Claim",
    "Designation",
    "Entity",
    "Event",
    "Group",
    "Participant",
    "Proposition",
    "Ref",
    "Relation",
    "SearchHit",
    "Source",
    "to_dict",
]


@dataclass(frozen=True)
class Ref:
    """A pointer to an entity: its id (slug), IRI and English label."""

    id: str
    iri: str
    label: str | None = None


@dataclass
class Citation:
    """Where a fact comes from: a source and the paragraphs, locators or URLs within it."""

    source: Ref
    date: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    verification: str | None = None


@dataclass
class Relation:
    """A statement (kind, its two ends, dates) with its status on the day asked about."""

    id: str
    iri: str
    kind: str
    subject: Ref | None
    object: Ref | None
    values: list[str] = field(default_factory=list)  # literal ends, e.g. former names
    start: str | None = None
    end: str | None = None
    status: str | None = None
    #: Why (kg.timeline.Reason: started, attested, ended, not-yet-existing, before-attested...).
    status_reason: str | None = None
    #: The day that decided the status (None: none did, e.g. nothing attests it).
    status_bound: str | None = None
    support_kinds: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    alleged: bool | None = None
    office_title: str | None = None
    extent: str | None = None
    note: str | None = None
    date_note: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass
class Amendment:
    effective: str | None
    announced: str | None
    names_added: list[str]
    entry_id: str | None = None
    note: str | None = None


@dataclass
class Designation:
    """A terrorist designation and whether it is in force on the day asked about."""

    id: str
    iri: str
    authority: Ref
    designee: Ref
    instrument: Ref | None
    entry_id: str | None
    listed: str | None
    effective: str | None
    announced: str | None
    ended: str | None
    end_announced: str | None
    alias_of: Ref | None
    names_covered: list[str]
    amendments: list[Amendment]
    in_force: bool | None  # None: unknown (a partial date straddles the day, nothing attests it yet)
    status: str
    note: str | None = None
    #: Why (kg.timeline.Reason) and the day that decided (None: none did), as in Relation.
    status_reason: str | None = None
    status_bound: str | None = None
    date_note: str | None = None
    sources: list[Citation] = field(default_factory=list)


@dataclass
class Proposition:
    """What a claim asserts, structured, and never asserted by the graph."""

    kind: str | None
    fields: dict[str, Any]
    asserted: bool = False


@dataclass
class Claim:
    id: str
    iri: str
    kind: str
    date: str | None
    summary: str
    claimants: list[Ref]
    about: list[Ref]
    places: list[Ref]
    propositions: list[Proposition]
    sources: list[Citation] = field(default_factory=list)


@dataclass
class Participant:
    actor: Ref
    roles: list[str]
    statement: str


@dataclass
class Event:
    id: str
    iri: str
    label: str | None
    type: str
    date: str | None
    start: str | None
    end: str | None
    places: list[Ref]
    participants: list[Participant]
    sources: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    id: str
    iri: str
    label: str | None
    type: str
    types: list[str]
    aliases: list[str]
    score: float


@dataclass
class Group:
    """One group of an entity's statements, capped: ``count`` is the full size."""

    count: int
    items: list[Any]
    more: str | None = None  # where the full list is paged (set by the service)


@dataclass
class Entity:
    """An entity with its labels, identifiers and grouped statements as of a day."""

    id: str
    iri: str
    type: str
    types: list[str]
    label: str | None
    labels: dict[str, str]
    aliases: list[dict[str, str]]
    identifiers: dict[str, str]
    notes: list[str]
    located_in: list[Ref]
    at: dt.date
    groups: dict[str, Group]


@dataclass
class Source:
    id: str
    iri: str
    title: str
    type: str
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    description: str | None = None
    coverage_start: str | None = None
    coverage_end: str | None = None
    facts: int = 0
    supports: list[dict[str, Any]] = field(default_factory=list)


def to_dict(obj: Any) -> Any:
    """A result object (or list of them) as plain JSON-ready data."""
    if isinstance(obj, list):
        return [to_dict(o) for o in obj]
    return asdict(obj)
