"""Claims: who said what about whom, as reported by which source. Never facts."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from . import queries
from .errors import NotFound
from .lookup import kind_class, kind_name, local_name, ref, require_entity
from .models import Claim, Proposition, Ref
from .namespaces import CK, RDF, slug
from .nodes import Properties, grouped_citations, node_key, properties
from .store import Store
from .terms import iri, to_python

_TYPE = RDF + "type"
_CLAIM = iri(CK + "Claim")

__all__ = ["claim_kinds", "claims"]


def claim_kinds(store: Store) -> list[str]:
    rows = store.select("SELECT DISTINCT ?k WHERE { ?k a ck:ClaimKind }")
    return sorted(kind_name(r["k"]).removesuffix("-claim") for r in rows)


def _propositions(store: Store, rows: list[tuple[str, str, Any]]) -> list[Proposition]:
    """A claim's propositions from its (proposition, property, value) rows."""
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    for proposition, prop, value in rows:
        if prop == RDF + "type":
            continue
        name = local_name(prop)
        target = ref(store, value) if isinstance(value, str) and value.startswith(("http://", "https://")) else None
        shown: Any = target.id if target else (str(value) if value is not None else None)
        if name == "statementKind":
            fields[proposition]["kind"] = kind_name(value)
            continue
        if name == "supportKind":
            shown = kind_name(value).removesuffix("-support")
        if name == "role":
            shown = kind_name(value).removesuffix("-role")
        fields[proposition].setdefault(name, []).append(shown)
    out = []
    for values in fields.values():
        kind = values.pop("kind", None)
        flat = {k: (v[0] if len(v) == 1 and k not in ("supportKind",) else sorted(v)) for k, v in values.items()}
        out.append(Proposition(kind=kind, fields=dict(sorted(flat.items())), asserted=False))
    return sorted(out, key=lambda p: (p.kind or "", str(p.fields)))


def _read(store: Store, anchor: dict[str, Any]) -> tuple[dict, dict, dict]:
    """Properties, proposition rows and citations of the claims anchored on an entity's role
    (``anchor`` binds ``entity`` and ``role``; empty: every claim, read once per store version:
    over a second at 10k actors), each by claim IRI."""
    if not anchor:
        return store.derived("claims:all", lambda: _read_anchored(store, anchor))
    return _read_anchored(store, anchor)


def _read_anchored(store: Store, anchor: dict[str, Any]) -> tuple[dict, dict, dict]:
    prefix = "claim-" if anchor else "all-claim-"
    found = properties(store, prefix + "properties", anchor)
    propositions: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for *_, claim, proposition, prop, value in store.select_terms(queries.get(prefix + "propositions"), anchor):
        propositions[node_key(claim)].append((node_key(proposition), prop.value, to_python(value)))
    cites = grouped_citations(store, prefix + "citations", anchor) if found else {}
    return found, propositions, cites


def _first(props: Properties, prop: str) -> Any:
    values = props.get(prop)
    return min((to_python(t) for t in values), key=str) if values else None


def _refs(store: Store, props: Properties, prop: str) -> list[Ref]:
    """The IRI values of ``prop`` as references, by id (the engine's row order varies between stores)."""
    refs = [r for t in props.get(prop, []) if isinstance(t, ox.NamedNode) and (r := ref(store, t.value))]
    return sorted(refs, key=lambda r: r.id)


def claims(
    store: Store,
    *,
    claimant: str | None = None,
    about: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[Claim]:
    """Claims, optionally by ``claimant``, ``about`` an actor or event, of a ``kind``
    (``accusation``, ``report``, ``promise``...), oldest first, each with its source.
    ``offset`` and ``limit`` choose a page of that list (only the page's claims are built).

    A claim's propositions are returned with ``asserted=False``: the graph does not hold them.
    """
    anchor: dict[str, Any] = {}
    wanted: dict[str, str] = {}  # further roles a claim must have (property → entity)
    for prop, ident in ((CK + "claimant", claimant), (CK + "about", about)):
        if ident is not None:
            node = require_entity(store, ident)["entity"]
            if anchor:
                wanted[prop] = node
            else:
                anchor = {"entity": iri(node), "role": iri(prop)}
    kind_iri = None
    if kind is not None:
        if kind not in claim_kinds(store):
            raise NotFound(f"no claim kind {kind!r}; known kinds: {', '.join(claim_kinds(store))}")
        kind_iri = kind_class(kind + "-claim")
    found, propositions, cites = _read(store, anchor)
    chosen: list[tuple[str, Any, str]] = []  # (claim, date, kind IRI reported)
    for node, props in found.items():
        kinds = sorted(t.value for t in props.get(CK + "claimKind", []))
        if not (kinds and props.get(CK + "claimant") and props.get(CK + "summary") and _CLAIM in props.get(_TYPE, [])):
            continue  # not a complete claim
        if kind_iri is not None and kind_iri not in kinds:
            continue
        if any(iri(v) not in props.get(p, []) for p, v in wanted.items()):
            continue
        date = _first(props, CK + "date")
        chosen.append((node, None if date is None else str(date), kind_iri or kinds[0]))
    # undated claims first, as SPARQL orders them
    chosen.sort(key=lambda c: (c[1] is not None, c[1] or "", c[0]))
    page = chosen[offset:] if limit is None else chosen[offset : offset + limit]
    return [
        Claim(
            id=slug(node),
            iri=node,
            kind=kind_name(reported).removesuffix("-claim"),
            date=date,
            summary=_first(found[node], CK + "summary"),
            claimants=_refs(store, found[node], CK + "claimant"),
            about=_refs(store, found[node], CK + "about"),
            places=_refs(store, found[node], CK + "place"),
            propositions=_propositions(store, propositions.get(node, [])),
            # copies: the citations of every claim are kept for the store version (see _read)
            sources=[
                dataclasses.replace(c, paragraphs=list(c.paragraphs), locators=list(c.locators), urls=list(c.urls))
                for c in cites.get(node, [])
            ],
        )
        for node, date, reported in page
    ]
