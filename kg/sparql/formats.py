"""Result media types the SPARQL service can produce, by query form."""

from __future__ import annotations

__all__ = ["GRAPH_TYPES", "SOLUTION_TYPES", "types_for"]

#: Media types for SELECT and ASK results, the first being the default.
SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media types for CONSTRUCT and DESCRIBE results, the first being the default.
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
)


def types_for(form: str | None) -> tuple[str, ...]:
    """The media types a query of ``form`` can be answered in (default first)."""
    return GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_TYPES
