"""Readable names of ontology terms: ``ck:TerritorialControl`` → ``territorial-control``."""

from __future__ import annotations

import re

__all__ = ["kebab", "local_name"]


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``)."""
    return re.split(r"[#/]", iri)[-1]


def kebab(iri: str) -> str:
    """The kebab-case name of a term: ``ck:TerritorialControl`` → ``territorial-control``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local_name(iri)).lower()
