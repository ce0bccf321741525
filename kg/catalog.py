"""Sources: what the graph rests on, and what each source supports."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import queries
from .errors import NotFound
from .lookup import kind_name, labels, local_name
from .models import Source
from .namespaces import SRC, slug
from .store import Store
from .terms import iri

__all__ = ["source", "sources"]


def _source(row: dict[str, Any]) -> Source:
    text = {k: (None if row.get(k) is None else str(row[k])) for k in ("date", "coverageStart", "coverageEnd")}
    return Source(
        id=slug(row["source"]),
        iri=row["source"],
        title=row["title"],
        type=kind_name(row["type"]),
        date=text["date"],
        publisher=row.get("publisher"),
        url=row.get("url"),
        description=row.get("description"),
        coverage_start=text["coverageStart"],
        coverage_end=text["coverageEnd"],
        facts=row.get("facts", 0),
    )


def sources(store: Store) -> list[Source]:
    """Every source in the store (one named graph each) with the number of facts citing it."""
    return [_source(r) for r in store.select(queries.get("sources"))]


def source(store: Store, ident: str) -> Source:
    """One source and the facts it supports (statements, events, claims with paragraphs)."""
    node = ident if ident.startswith(("http://", "https://")) else SRC + ident
    match = [s for s in sources(store) if s.iri == node]
    if not match:
        raise NotFound(f"no source {ident!r}")
    found = match[0]
    facts: dict[str, dict[str, Any]] = {}
    types: dict[str, set[str]] = defaultdict(set)
    names = labels(store)
    for row in store.select(queries.get("source-facts"), {"source": iri(node)}):
        fact = facts.setdefault(
            row["fact"],
            {
                "id": slug(row["fact"]),
                "iri": row["fact"],
                "label": names.get(row["fact"]),
                "paragraphs": [],
                "locators": [],
            },
        )
        types[row["fact"]].add(local_name(row["type"]))
        for key, field in (("paragraph", "paragraphs"), ("locator", "locators")):
            if row.get(key) is not None and row[key] not in fact[field]:
                fact[field].append(row[key])
    for fact_iri, fact in facts.items():
        fact["types"] = sorted(types[fact_iri])
    found.supports = sorted(facts.values(), key=lambda f: (min(f["paragraphs"] or [0]), f["id"]))
    return found
