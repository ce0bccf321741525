"""The projection: the knowledge graph as a networkx ``MultiDiGraph`` of actors, as of a day.

Nodes are actors, keyed by id (slug), with ``iri``, ``label`` and ``types``. Edges are statements
whose two ends are actors (support, alliance, hostility, membership, affiliation, part-of,
leadership, office, designation: authority → designee), keyed by statement id, with ``kind``,
``group``, ``support_kinds``, ``alleged``, ``start``/``end`` (the most precise stated dates),
``bounds`` (:class:`kg.timeline.Bounds`), ``status`` on the day, ``symmetric`` (alliance and
hostility: one edge, read both ways) and ``sources`` (:class:`kg.models.Citation` with paragraphs
or locators). Claims are left out unless asked for; then each proposition of a claim whose two ends
are actors is an edge of kind ``"claim"`` with ``claim=True``, its ``claimants``, ``claim_kind`` and
``proposition_kind``, dated by the claim: a claim is never turned into a statement.

Only what certainly holds on the day is projected (the as-of rule of :mod:`kg.timeline`; when
sources date a statement differently their periods intersect, as in :mod:`kg.relations`), unless
``holding_only=False``, which keeps every statement with its status (for :func:`kg.network.changes`).

The graph is read with three SPARQL queries (edges, actors, citations: ``kg/queries/network-*.rq``),
whose results are cached on the store until it is written to; the :class:`~kg.models.Citation`
objects in ``sources`` are shared between projections and must be treated as read-only.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .. import ontology, queries
from ..errors import InvalidInput, NotFound
from ..lookup import kind_name, most_precise, split
from ..models import Citation, Ref
from ..namespaces import CK, ONTOLOGY_GRAPH, SRC, slug
from ..store import Store
from ..timeline import Bounds, Status, parse_at, status

__all__ = ["NEGATIVE", "POSITIVE", "edge_kinds", "known_actor_types", "project"]

#: Statement kinds of the positive (cooperative) network.
POSITIVE = ("support", "alliance")
#: Statement kinds of the negative (hostile) network.
NEGATIVE = ("hostility",)


@functools.cache
def edge_kinds() -> dict[str, ontology.EdgeRule]:
    """Statement kinds that derive an edge (``support``, ``hostility``...), with their rule.

    >>> edge_kinds()["hostility"].symmetric
    True
    """
    return {kind_name(rule.statement_class): rule for rule in ontology.edge_rules()}


@functools.cache
def known_actor_types() -> frozenset[str]:
    """Names of the actor classes (``state``, ``armed-group``...; ``actor`` matches all).

    >>> "armed-group" in known_actor_types()
    True
    """
    return frozenset(kind_name(c) for c in ontology.subclasses(CK + "Actor"))


def _choose(values: Iterable[str] | None, known: Iterable[str], what: str) -> frozenset[str] | None:
    """Validate a filter: None (no filter) or a set of known names; InvalidInput otherwise."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    chosen = frozenset(values)
    unknown = sorted(chosen - set(known))
    if unknown or not chosen:
        raise InvalidInput(
            f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}; known: {', '.join(sorted(known))}"
        )
    return chosen


def _cached(store: Store, name: str, compute: Callable[[], Any]) -> Any:
    """A value derived from the store, computed once per store version (``store.cache``)."""
    hit = store.cache.get(name)
    if hit is not None and hit[0] == store.version:
        return hit[1]
    value = compute()
    store.cache[name] = (store.version, value)
    return value


_kind = functools.lru_cache(maxsize=1024)(kind_name)


@dataclass(frozen=True)
class _Edge:
    """One row of ``network-edges.rq``, read once: IRIs of the ends, kind and the fixed attributes."""

    source: str
    target: str
    kind: str
    node: str
    claim: bool
    bounds: Bounds
    attrs: tuple[tuple[str, Any], ...]


def _edges(store: Store) -> list[_Edge]:
    def read() -> list[_Edge]:
        rules = edge_kinds()
        out = []
        for row in store.select(queries.get("network-edges")):
            kind = _kind(row["kind"])
            rule = rules.get(kind)
            if rule is None:  # a class the ontology files do not know: no edge rule to read it by
                continue
            claim = row.get("claim")
            node = claim or row["node"]
            attrs = {
                "statement": slug(node),
                "iri": node,
                "kind": "claim" if claim else kind,
                "group": "claim" if claim else rule.group,
                "symmetric": rule.symmetric,
                "support_kinds": sorted(_kind(k).removesuffix("-support") for k in split(row.get("supportKinds"))),
                "alleged": row.get("alleged"),
                "start": most_precise(row.get("start")),
                "end": most_precise(row.get("end")),
                "claim": claim is not None,
                "claimants": sorted(slug(c) for c in split(row.get("claimants"))),
                "claim_kind": _kind(row["claimKind"]).removesuffix("-claim") if row.get("claimKind") else None,
                "proposition_kind": kind if claim else None,
            }
            bounds = Bounds(
                row.get("earliestStart"), row.get("latestStart"), row.get("earliestEnd"), row.get("latestEnd")
            )
            out.append(_Edge(row["from"], row["to"], kind, node, claim is not None, bounds, tuple(attrs.items())))
        # Blank-node propositions get new labels per query: order by what is stable.
        return sorted(out, key=lambda e: (e.claim, e.node, e.source, e.target, e.kind))

    return _cached(store, "network:edges", read)


def _actors(store: Store) -> list[tuple[str, str | None, list[str]]]:
    def read() -> list[tuple[str, str | None, list[str]]]:
        rows = store.select(queries.get("network-actors"))
        return sorted((r["actor"], r.get("label"), sorted(_kind(t) for t in split(r.get("types")))) for r in rows)

    return _cached(store, "network:actors", read)


def _citations(store: Store) -> dict[str, tuple[Citation, ...]]:
    """Citations by node IRI, one per source, ordered by source id.

    Built once per store version and shared by the projections: treat them as read-only.
    """

    def read() -> dict[str, tuple[Citation, ...]]:
        grouped: dict[str, dict[str, Citation]] = defaultdict(dict)
        for row in store.select(queries.get("network-citations")):
            source = row["source"]
            by_source = grouped[row["node"]]
            citation = by_source.get(source)
            if citation is None:
                date = row.get("date")
                citation = by_source[source] = Citation(
                    Ref(slug(source), source, row.get("title")),
                    date=None if date is None else str(date),
                    verification=row.get("verification"),
                )
            for key, values in (
                ("paragraph", citation.paragraphs),
                ("locator", citation.locators),
                ("url", citation.urls),
            ):
                value = row.get(key)
                if value is not None and value not in values:
                    values.append(value)
        for by_source in grouped.values():
            for citation in by_source.values():
                citation.paragraphs.sort()
                citation.locators.sort()
                citation.urls.sort()
        return {node: tuple(sorted(c.values(), key=lambda c: c.source.id)) for node, c in grouped.items()}

    return _cached(store, "network:citations", read)


def _sources(store: Store, sources: Iterable[str] | None) -> frozenset[str] | None:
    if sources is None:
        return None
    if isinstance(sources, str):
        sources = [sources]
    known = set(store.named_graphs()) - {ONTOLOGY_GRAPH}
    chosen = set()
    for ident in sources:
        node = ident if ident.startswith(("http://", "https://")) else SRC + ident
        if node not in known:
            raise NotFound(f"no source {ident!r}")
        chosen.add(node)
    if not chosen:
        raise InvalidInput("sources must name at least one source")
    return frozenset(chosen)


def project(
    store: Store,
    at: str | dt.date | None = None,
    *,
    kinds: Iterable[str] | None = None,
    actor_types: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    include_claims: bool = False,
    holding_only: bool = True,
) -> nx.MultiDiGraph:
    """The actors and the statements between them as a ``MultiDiGraph``, as of ``at``.

    Parameters
    ----------
    store : Store
        The knowledge graph.
    at : str or datetime.date, optional
        The day (``YYYY-MM-DD``); default today. Only statements that certainly hold that day
        are kept (unless ``holding_only=False``).
    kinds : iterable of str, optional
        Statement kinds to keep (``support``, ``alliance``, ``hostility``, ``designation``...);
        a claim is kept by the kind of its proposition or by ``"claim"``. Default: every kind.
    actor_types : iterable of str, optional
        Actor classes to keep (``state``, ``armed-group``...); edges need both ends kept.
    sources : iterable of str, optional
        Source ids (or IRIs): keep statements cited by one of them, with only their citations.
    include_claims : bool
        Add claimed propositions between actors as edges of kind ``"claim"`` (``claim=True``).
    holding_only : bool
        False keeps every statement whatever its dates, each with its ``status`` on ``at``.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by actor id, edges keyed by statement id; ``G.graph`` records the options.

    Raises
    ------
    InvalidInput
        A malformed date or an unknown kind or actor type.
    NotFound
        An unknown source.

    Examples
    --------
    >>> G = project(store, "2024-11-30", kinds=["support"])  # doctest: +SKIP
    >>> sorted(u for u, _ in G.in_edges("syrian-government"))  # doctest: +SKIP
    ['iran', 'russia', 'russia']
    """
    day = parse_at(at)
    rules = edge_kinds()
    wanted_kinds = _choose(kinds, [*rules, "claim"], "statement kind")
    wanted_types = _choose(actor_types, known_actor_types(), "actor type")
    wanted_sources = _sources(store, sources)

    graph = nx.MultiDiGraph(
        at=day,
        kinds=None if wanted_kinds is None else sorted(wanted_kinds),
        actor_types=None if wanted_types is None else sorted(wanted_types),
        sources=None if wanted_sources is None else sorted(slug(s) for s in wanted_sources),
        include_claims=include_claims,
        holding_only=holding_only,
    )
    actors: dict[str, str] = {}
    for node, label, types in _actors(store):
        if wanted_types is not None and "actor" not in wanted_types and not wanted_types.intersection(types):
            continue
        ident = slug(node)
        actors[node] = ident
        graph.add_node(ident, id=ident, iri=node, label=label, types=list(types))

    cites = _citations(store)
    for edge in _edges(store):
        if edge.claim and not include_claims:
            continue
        u, v = actors.get(edge.source), actors.get(edge.target)
        chosen = wanted_kinds is None or edge.kind in wanted_kinds or (edge.claim and "claim" in wanted_kinds)
        if u is None or v is None or not chosen:
            continue
        state = status(edge.bounds, day)
        if holding_only and state is not Status.HOLDS:
            continue
        cited = cites.get(edge.node, ())
        if wanted_sources is not None:
            cited = tuple(c for c in cited if c.source.iri in wanted_sources)
            if not cited:
                continue
        attrs = dict(edge.attrs)
        attrs["support_kinds"] = list(attrs["support_kinds"])
        attrs["claimants"] = list(attrs["claimants"])
        key = attrs["statement"]
        n = 1
        while graph.has_edge(u, v, key):
            n += 1
            key = f"{attrs['statement']}#{n}"
        graph.add_edge(u, v, key=key, **attrs, bounds=edge.bounds, status=state.value, sources=list(cited))
    return graph
