"""Claims: who said what about whom, as reported by which source. Never facts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import queries
from .errors import NotFound
from .lookup import citations, kind_class, kind_name, local_name, ref, require_entity, split
from .models import Claim, Proposition
from .namespaces import RDF, slug
from .queries import ANY
from .store import Store
from .terms import iri

__all__ = ["claim_kinds", "claims"]


def claim_kinds(store: Store) -> list[str]:
    rows = store.select("SELECT DISTINCT ?k WHERE { ?k a ck:ClaimKind }")
    return sorted(kind_name(r["k"]).removesuffix("-claim") for r in rows)


def _propositions(store: Store, claim: str) -> list[Proposition]:
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in store.select(queries.get("propositions"), {"claim": iri(claim)}):
        prop, value = row["property"], row["value"]
        if prop == RDF + "type":
            continue
        name = local_name(prop)
        target = ref(store, value) if isinstance(value, str) and value.startswith(("http://", "https://")) else None
        shown: Any = target.id if target else (str(value) if value is not None else None)
        if name == "statementKind":
            fields[row["proposition"]]["kind"] = kind_name(value)
            continue
        if name == "supportKind":
            shown = kind_name(value).removesuffix("-support")
        if name == "role":
            shown = kind_name(value).removesuffix("-role")
        fields[row["proposition"]].setdefault(name, []).append(shown)
    out = []
    for values in fields.values():
        kind = values.pop("kind", None)
        flat = {k: (v[0] if len(v) == 1 and k not in ("supportKind",) else sorted(v)) for k, v in values.items()}
        out.append(Proposition(kind=kind, fields=dict(sorted(flat.items())), asserted=False))
    return sorted(out, key=lambda p: (p.kind or "", str(p.fields)))


def claims(
    store: Store,
    *,
    claimant: str | None = None,
    about: str | None = None,
    kind: str | None = None,
) -> list[Claim]:
    """Claims, optionally by ``claimant``, ``about`` an actor or event, of a ``kind``
    (``accusation``, ``report``, ``promise``...), oldest first, each with its source.

    A claim's propositions are returned with ``asserted=False``: the graph does not hold them.
    """
    bindings = {"claimant": ANY, "about": ANY, "claimKind": ANY}
    if claimant is not None:
        bindings["claimant"] = iri(require_entity(store, claimant)["entity"])
    if about is not None:
        bindings["about"] = iri(require_entity(store, about)["entity"])
    if kind is not None:
        if kind not in claim_kinds(store):
            raise NotFound(f"no claim kind {kind!r}; known kinds: {', '.join(claim_kinds(store))}")
        bindings["claimKind"] = iri(kind_class(kind + "-claim"))
    out = []
    for row in store.select(queries.get("claims"), bindings):
        node = row["claim"]
        out.append(
            Claim(
                id=slug(node),
                iri=node,
                kind=kind_name(row["kind"]).removesuffix("-claim"),
                date=None if row.get("date") is None else str(row["date"]),
                summary=row["summary"],
                claimants=[r for c in split(row.get("claimants")) if (r := ref(store, c))],
                about=[r for c in split(row.get("abouts")) if (r := ref(store, c))],
                places=[r for c in split(row.get("places")) if (r := ref(store, c))],
                propositions=_propositions(store, node),
                sources=citations(store, node).get(node, []),
            )
        )
    return out
