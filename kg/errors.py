"""Exceptions raised by the ``kg`` library.

The hierarchy (``api/`` maps each class to an HTTP status in one table)::

    KGError
    ├── NotFound            an id, source or named query that does not exist
    ├── InvalidInput        a malformed argument (a date, a format, a limit)
    │   └── QueryError      a SPARQL query the engine cannot parse or run
    │       └── QueryRefused  a query refused before evaluation (SERVICE, LOAD, too deep)
    ├── ReadOnly            an update sent to a read-only endpoint
    ├── LoadError           a file could not be read or parsed
    │   └── ValidationFailed  the data violates the SHACL shapes or the loading rules
    ├── StoreError          the store cannot be opened or written
    │   └── StoreBusy       a remote store kept changing while a request read it
    └── QueryAborted        a query was stopped: it ran past its time limit or its worker died
        ├── QueryOutOfMemory  its worker reached the memory limit of a query
        ├── Overloaded      no query worker became free in time
        └── TooManyQueries  the client already has its share of long-running queries
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "InvalidInput",
    "KGError",
    "LoadError",
    "NotFound",
    "Overloaded",
    "QueryAborted",
    "QueryError",
    "QueryOutOfMemory",
    "QueryRefused",
    "ReadOnly",
    "StoreBusy",
    "StoreError",
    "TooManyQueries",
    "ValidationFailed",
    "Violation",
]


class KGError(Exception):
    """Base class of every error the library raises on purpose."""


class NotFound(KGError):
    """The requested entity, source or query does not exist."""


class InvalidInput(KGError):
    """An argument is malformed (a date, a format name, a paging bound)."""


class QueryError(InvalidInput):
    """A SPARQL query is malformed or cannot be evaluated."""


class QueryRefused(QueryError):
    """A query refused before evaluation: it would reach outside the store, or is nested too deeply."""


class ReadOnly(KGError):
    """An update was sent where only queries are accepted."""


class QueryAborted(KGError):
    """A query was stopped before it finished (time limit reached, or its worker died)."""


class QueryOutOfMemory(QueryAborted):
    """A query's worker reached the memory limit of a query (the worker is replaced)."""


class Overloaded(QueryAborted):
    """Every query worker stayed busy for longer than the wait limit."""


class TooManyQueries(QueryAborted):
    """A query was stopped because its client already has its share of long-running queries.

    ``retry_after`` is the number of seconds after which one of them will have ended.
    """

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoadError(KGError):
    """A data file cannot be read or parsed."""


@dataclass(frozen=True)
class Violation:
    """One reason a file was rejected: the node, the rule (shape) and a message."""

    focus: str
    shape: str
    message: str
    path: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.focus}{where}: {self.message}{value} [{self.shape}]"


@dataclass
class ValidationFailed(LoadError):
    """The data violates the shapes or the loading rules; nothing was written."""

    file: str
    violations: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.file}: {len(self.violations)} violation(s); nothing was loaded"]
        lines += [f"  - {v}" for v in self.violations]
        return "\n".join(lines)


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class StoreBusy(StoreError):
    """A remote store was written while a request read it (or a write was under way), every time
    the request was tried: its answer could have mixed two versions (:mod:`kg.store.remote`)."""
