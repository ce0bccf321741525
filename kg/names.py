"""Readable names of ontology terms: ``ck:TerritorialControl`` → ``territorial-control``."""

from __future__ import annotations

import functools
import re

from kg.namespaces import CK

__all__ = ["kebab", "kind_class", "kind_name", "local_name"]


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``)."""
    return re.split(r"[#/]", iri)[-1]


def kebab(iri: str) -> str:
    """The kebab-case name of a term: ``ck:TerritorialControl`` → ``territorial-control``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local_name(iri)).lower()


@functools.lru_cache(maxsize=4096)  # a few dozen classes, named on every statement read
def kind_name(class_iri: str) -> str:
    """``ck:TerritorialControl`` → ``territorial-control``."""
    return kebab(class_iri)


def kind_class(name: str) -> str:
    """``territorial-control`` → the class IRI (inverse of :func:`kind_name`)."""
    return CK + "".join(part.capitalize() for part in name.split("-"))
