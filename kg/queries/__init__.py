"""Named SPARQL queries: one ``.rq`` file per question, read once.

Parameters are the query's variables, bound by the engine through :meth:`kg.store.protocol.Store.select`
(never pasted into the text); each parameter appears in the query's projection. An optional
filter parameter is always bound: to a value, or to :data:`ANY` meaning "no filter"
(``FILTER(?p = ck:any || ...)``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import NotFound, QueryError
from kg.namespaces import CK

__all__ = ["ANY", "get", "names", "with_values"]

_DIR = Path(__file__).resolve().parent

#: Sentinel bound to an optional filter parameter that should not filter.
ANY = ox.NamedNode(CK + "any")


@functools.cache
def get(name: str) -> str:
    """The text of the named query ``name`` (file ``kg/queries/<name>.rq``)."""
    path = _DIR / f"{name}.rq"
    if not path.is_file():
        raise NotFound(f"no named query {name!r}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """Names of all named queries."""
    return sorted(p.stem for p in _DIR.glob("*.rq"))


def with_values(text: str, var: str, nodes: Iterable[ox.NamedNode]) -> str:
    """``text`` with ``VALUES ?var { ... }`` first in its outermost WHERE clause, so that the engine
    starts from those nodes. For a set of values, which the engine's substitutions (one value per
    variable) can't bind; the nodes are written by the engine's own term syntax, never as raw text.
    """
    head, where, rest = text.partition("WHERE {")
    if not where:
        raise QueryError("the query has no 'WHERE {' to put the values in")
    values = " ".join(str(node) for node in nodes)
    return f"{head}WHERE {{\n  VALUES ?{var} {{ {values} }}{rest}"
