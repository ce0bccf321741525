"""Conversion between Python values and RDF terms (pyoxigraph), in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox

from kg.namespaces import XSD

__all__ = ["Term", "date_literal", "iri", "split", "to_python", "to_term"]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "positiveInteger", "nonNegativeInteger")}


def iri(value: str) -> ox.NamedNode:
    """An IRI term (raises ``ValueError`` on an invalid IRI)."""
    return ox.NamedNode(value)


def date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def to_term(value: Any) -> Term:
    """A Python value as an RDF term: strings become plain literals, never IRIs.

    Pass :func:`iri` for an IRI. ``bool`` → xsd:boolean, ``int`` → xsd:integer,
    ``datetime.date`` → xsd:date.
    """
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, dt.date):
        return date_literal(value)
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot bind a {type(value).__name__} as an RDF term")


def to_python(term: Term | None) -> Any:
    """An RDF term as a Python value: IRIs as str, typed literals as int/bool/date/str."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _INT_TYPES:
            return int(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date":
            try:
                return dt.date.fromisoformat(term.value)
            except ValueError:
                return term.value
        return term.value
    return str(term)


def split(value: str | None, sep: str = " ") -> list[str]:
    """Split a GROUP_CONCAT value (empty → [])."""
    return [v for v in (value or "").split(sep) if v]
