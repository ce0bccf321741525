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

The graph is read as flat rows, grouped in Python; what they give is cached on the store until it
is written to (:meth:`kg.store.Store.derived`). The statements (their ends, dates and other
properties, citations) come from one of two places, with the same rows either way:

* the statement table (:mod:`kg.statement_table`, through :mod:`kg.network.table_rows`) when one
  has been built — the service builds it at start-up (:mod:`kg.warm`, before the projection) and
  updates it after each write, so a projection after a write reads no statement from the engine.
  A projection never builds the table itself: a one-off command reads the engine. Measured in
  one process (busy machine): a cold projection 11.5 → 7.2 s at 10k actors and 141 → 96 s at 100k,
  with a peak 2 GB lower at 100k (the engine's packed texts are never made). What remains at 100k
  is about 10 s of table rows, 11 s of claims and 12 s of actors and labels from the engine, and
  the grouping in Python.
* otherwise the engine, with flat SPARQL queries (``network-edges.rq``, ``network-properties.rq``,
  ``network-citations.rq``).

Claims (not statements, so not in the table; their propositions are blank nodes), actors, labels and
sources' titles are read from the engine in both cases (``network-claims.rq``, the claims' own
properties and citations by ``network-claim-*.rq`` when the table gives the statements'). Each query
is a shape the engine evaluates well: parts joined by hashing in subqueries, and the big results
packed by the engine in one text rather than read row by row through the Python binding. Most of a
cold read is the engine turning terms into text (measured on disk: about 10 us per IRI, against
well under 1 us per joined row), so the queries decode as few terms as they can (properties are
named by short roles, not by their IRIs). The built graph is cached too,
per day and options (the :data:`GRAPHS_KEPT` most recently used), and **frozen**
(:func:`networkx.freeze`): a repeated projection returns the same object, so callers must not change
it (copy it with ``nx.MultiDiGraph(G)`` first). The :class:`~kg.models.Citation` objects in
``sources`` are shared between projections and must be treated as read-only.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import itertools
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import networkx as nx

from .. import ontology, queries
from ..errors import InvalidInput, NotFound
from ..lookup import kind_name, most_precise
from ..models import Citation, Ref
from ..namespaces import CK, DCTERMS, ONTOLOGY_GRAPH, SCHEMA, SRC, slug
from ..statement_table import ready_table
from ..store import Store
from ..terms import to_python
from ..timeline import Bounds, Status, parse_at, status
from .table_rows import TableRows, edge_rules

__all__ = ["GRAPHS_KEPT", "NEGATIVE", "POSITIVE", "edge_kinds", "known_actor_types", "project"]

#: Projections kept per store version (the most recently used), each for its day and options.
GRAPHS_KEPT = 8

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


_kind = functools.lru_cache(maxsize=1024)(kind_name)
_GRAPHS_LOCK = threading.Lock()
#: ``Status.value`` read through a dict (reading an enum member's value is slow, once per edge).
_STATUS_TEXT = {s: s.value for s in Status}


@functools.lru_cache(maxsize=65536)
def _day(lexical: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(lexical)
    except ValueError:
        return None


def _packed(store: Store, name: str) -> list[list[str]]:
    """The rows of a query that packs them in one text (``GROUP_CONCAT``: fields separated by
    spaces, rows by newlines), split back into fields."""
    return [line.split(" ") for line in _packed_text(store, name).split("\n") if line]


def _packed_text(store: Store, name: str) -> str:
    rows = store.select_terms(queries.get(name))
    return rows[0][0].value if rows and rows[0][0] is not None else ""


def _grouped(store: Store, name: str) -> list[list[str]]:
    """The lines of a query that packs one line per node (its IRI, then tab-separated fields)."""
    return [line.split("\t") for line in _packed_text(store, name).split("\n") if line]


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large tables of new objects.

    Millions of small objects are created and none is garbage; each full collection walks all of
    them, so with the collector on the build grows faster than the data (measured: ~25% at 10k
    actors). Reference counting still frees what is dropped. Nested and concurrent pauses keep
    the collector off until the last one ends.
    """
    global _PAUSES
    with _PAUSE_LOCK:
        _PAUSES += 1
        if _PAUSES == 1:
            _PAUSED_ENABLED[0] = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _PAUSED_ENABLED[0]:
                gc.enable()


_PAUSE_LOCK = threading.Lock()
_PAUSES = 0
_PAUSED_ENABLED = [True]


def _text(encoded: str) -> str:
    """A value the query percent-encoded (``ENCODE_FOR_URI``)."""
    return unquote(encoded) if "%" in encoded else encoded


def _latest(values: set[str]) -> dt.date | None:
    days = [d for d in map(_day, values) if d is not None]
    return max(days) if days else None


def _earliest(values: set[str]) -> dt.date | None:
    days = [d for d in map(_day, values) if d is not None]
    return min(days) if days else None


@dataclass(frozen=True)
class _Edge:
    """One edge as read from the store: IRIs of the ends, kind and the fixed attributes."""

    source: str
    target: str
    kind: str
    node: str
    claim: bool
    bounds: Bounds
    attrs: tuple[tuple[str, Any], ...]


def _edges_of(
    rule: ontology.EdgeRule,
    kind: str,
    node: str,
    ends_of: Iterable[tuple[str, str]],
    dated: dict[str, set[str]],
    proposition: dict[str, set[str]],
    claim: bool,
) -> list[_Edge]:
    """The edges of one node, one per pair of ends, from the properties of the dated node (the
    statement, or the claim) and those of what it states (the statement itself, or the claim's
    proposition). The attributes are the same for every pair: they are worked out once."""
    none: set[str] = set()
    alleged = proposition.get("alleged")
    attrs = {
        "statement": slug(node),
        "iri": node,
        "kind": "claim" if claim else kind,
        "group": "claim" if claim else rule.group,
        "symmetric": rule.symmetric,
        "support_kinds": sorted(_kind(k).removesuffix("-support") for k in proposition.get("supportKind", none)),
        "alleged": any(a in ("true", "1") for a in alleged) if alleged else None,
        "start": most_precise(" ".join(dated.get("start", none))),
        "end": most_precise(" ".join(dated.get("end", none))),
        "claim": claim,
        "claimants": sorted(slug(c) for c in dated.get("claimant", none)) if claim else [],
        "claim_kind": (
            min(_kind(k) for k in dated["claimKind"]).removesuffix("-claim")
            if claim and dated.get("claimKind")
            else None
        ),
        "proposition_kind": kind if claim else None,
    }
    # Sources that date a node differently: their periods intersect.
    bounds = Bounds(
        _latest(dated.get("earliestStart", none)),
        _earliest(dated.get("latestStart", none)),
        _latest(dated.get("earliestEnd", none)),
        _earliest(dated.get("latestEnd", none)),
    )
    fixed = tuple(attrs.items())
    return [_Edge(source, target, kind, node, claim, bounds, fixed) for source, target in ends_of]


def _fields(fields: list[str]) -> tuple[set[str], set[tuple[str, str]], dict[str, set[str]]]:
    """The kinds, the pairs of ends and the properties in the fields of a packed line
    (``network-edges.rq``, ``network-claims.rq``, ``network-properties.rq``)."""
    kinds: set[str] = set()
    ends: set[tuple[str, str]] = set()
    props: dict[str, set[str]] = {}
    for field in fields:
        tag = field[0]
        if tag == "e":
            _, kind, source, target = field.split(" ")
            kinds.add(_kind(kind))
            ends.add((source, target))
        elif tag == "k":
            kinds.add(_kind(field[2:]))
        else:
            _, role, value = field.split(" ", 2)
            props.setdefault(role, set()).add(value)
    return kinds, ends, props


def _statement_rows(store: Store) -> TableRows | None:
    """The statements' rows from the statement table if one has been built (brought up to date;
    a projection never builds one), else None: the engine is read."""
    table = ready_table(store)
    return None if table is None else TableRows(table, edge_rules(store))


def _edges(store: Store) -> list[_Edge]:
    def read() -> list[_Edge]:
        rules = edge_kinds()

        def known(kinds: set[str]) -> str | None:
            """The statement's kind: the first with an edge rule (a class the ontology files do not
            know has no rule to read it by; a statement of two edge kinds is an error in the data)."""
            return min((k for k in kinds if k in rules), default=None)

        # The statements' ends and properties: from the table, or from the engine (the properties
        # of every node there, claims' included); the claims' from the engine either way.
        table = _statement_rows(store)
        if table is None:
            end_rows: Iterable[Sequence[str]] = _packed(store, "network-edges")
            property_rows: Iterable[Sequence[str]] = _packed(store, "network-properties")
        else:
            end_rows = table.edges()
            property_rows = itertools.chain(table.properties(), _packed(store, "network-claim-properties"))

        # Statements between actors: (node) -> kinds, ends; claims: one line per (claim, proposition).
        statements: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}
        for node, kind, source, target in end_rows:
            kinds, ends = statements.setdefault(node, (set(), set()))
            kinds.add(_kind(kind))
            ends.add((source, target))
        claimed = [(claim, _fields(fields)) for claim, *fields in _grouped(store, "network-claims")]
        wanted = statements.keys() | {claim for claim, _ in claimed}
        properties: dict[str, dict[str, set[str]]] = {}
        for node, role, value in property_rows:
            if node in wanted:
                properties.setdefault(node, {}).setdefault(role, set()).add(value)

        empty: dict[str, set[str]] = {}
        out: list[_Edge] = []
        for node, (kinds, ends_of) in statements.items():
            first = known(kinds)
            if first is not None:
                dated = properties.get(node, empty)
                out.extend(_edges_of(rules[first], first, node, ends_of, dated, dated, claim=False))
        for claim, (kinds, ends_of, props) in claimed:
            first = known(kinds)
            if first is not None:
                dated = properties.get(claim, empty)
                out.extend(_edges_of(rules[first], first, claim, ends_of, dated, props, claim=True))
        # Blank-node propositions get new labels per query: order by what is stable.
        return sorted(out, key=lambda e: (e.claim, e.node, e.source, e.target, e.kind))

    with _no_collection():
        return store.derived("network:edges", read)


def _actors(store: Store) -> list[tuple[str, str | None, list[str]]]:
    def read() -> list[tuple[str, str | None, list[str]]]:
        types: dict[str, set[str]] = defaultdict(set)
        for actor, cls in store.select_terms(queries.get("network-actors")):
            types[actor.value].add(_kind(cls.value))
        labels: dict[str, str] = {}
        for node, encoded in _packed(store, "network-labels"):
            if node in types:
                label, known = _text(encoded), labels.get(node)
                labels[node] = label if known is None else min(known, label)
        return sorted((actor, labels.get(actor), sorted(kinds)) for actor, kinds in types.items())

    with _no_collection():
        return store.derived("network:actors", read)


def _citations(store: Store) -> dict[str, tuple[Citation, ...]]:
    """Citations by node IRI, one per source, ordered by source id.

    Built once per store version and shared by the projections: treat them as read-only.
    """

    def read() -> dict[str, tuple[Citation, ...]]:
        about: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
        for source, prop, value in store.select_terms(queries.get("network-sources")):
            about[source.value][prop.value].add(value)
        refs: dict[str, tuple[Ref, str | None]] = {}

        def ref(source: str) -> tuple[Ref, str | None]:
            known = about.get(source, {})
            titles = known.get(DCTERMS + "title")
            dates = known.get(DCTERMS + "date")
            title = min(str(to_python(t)) for t in titles) if titles else None
            date = min(str(to_python(d)) for d in dates) if dates else None
            refs[source] = (Ref(slug(source), source, title), date)
            return refs[source]

        grouped: dict[str, dict[str, Citation]] = defaultdict(dict)
        field_of = {CK + "paragraph": "paragraphs", CK + "locator": "locators", SCHEMA + "url": "urls"}
        verifications: dict[tuple[str, str], set[str]] = defaultdict(set)
        # Every node's citations from the engine; or the statements' from the table and the claims'
        # from the engine (the only other nodes that make edges).
        table = _statement_rows(store)
        engine = _packed(store, "network-citations" if table is None else "network-claim-citations")
        decoded = ((node, source, prop, _text(encoded)) for node, source, prop, encoded in engine)
        rows = decoded if table is None else itertools.chain(table.citations(), decoded)
        for node, source, prop, value in rows:
            by_source = grouped[node]
            citation = by_source.get(source)
            if citation is None:
                source_ref, date = refs.get(source) or ref(source)
                citation = by_source[source] = Citation(source_ref, date=date)
            if prop == "-":  # a citation with no paragraph, locator, URL or verification
                continue
            field = field_of.get(prop)
            if field is None:
                verifications[node, source].add(value)
                continue
            values = getattr(citation, field)
            python: int | str = int(value) if field == "paragraphs" and value.isdigit() else value
            if python not in values:
                values.append(python)
        for (node, source), found in verifications.items():
            grouped[node][source].verification = min(found)
        for by_source in grouped.values():
            for citation in by_source.values():
                citation.paragraphs.sort()
                citation.locators.sort()
                citation.urls.sort()
        return {node: tuple(sorted(c.values(), key=lambda c: c.source.id)) for node, c in grouped.items()}

    with _no_collection():
        return store.derived("network:citations", read)


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

    key = (day, wanted_kinds, wanted_types, wanted_sources, include_claims, holding_only)
    graphs: OrderedDict[tuple[Any, ...], nx.MultiDiGraph] = store.derived("network:graphs", OrderedDict)
    with _GRAPHS_LOCK:  # requests run in threads: keep the order of use consistent
        graph = graphs.get(key)
        if graph is not None:
            graphs.move_to_end(key)
            return graph
    with _no_collection():
        graph = _build(store, day, wanted_kinds, wanted_types, wanted_sources, include_claims, holding_only)
    with _GRAPHS_LOCK:
        graphs[key] = graph
        while len(graphs) > GRAPHS_KEPT:
            graphs.popitem(last=False)
    return graph


def _build(
    store: Store,
    day: dt.date,
    wanted_kinds: frozenset[str] | None,
    wanted_types: frozenset[str] | None,
    wanted_sources: frozenset[str] | None,
    include_claims: bool,
    holding_only: bool,
) -> nx.MultiDiGraph:
    """The projection for validated options, built from the cached reads and frozen."""
    graph = nx.MultiDiGraph(
        at=day,
        kinds=None if wanted_kinds is None else sorted(wanted_kinds),
        actor_types=None if wanted_types is None else sorted(wanted_types),
        sources=None if wanted_sources is None else sorted(slug(s) for s in wanted_sources),
        include_claims=include_claims,
        holding_only=holding_only,
    )
    actors: dict[str, str] = {}
    nodes = []
    for node, label, types in _actors(store):
        if wanted_types is not None and "actor" not in wanted_types and not wanted_types.intersection(types):
            continue
        ident = slug(node)
        actors[node] = ident
        nodes.append((ident, {"id": ident, "iri": node, "label": label, "types": list(types)}))
    graph.add_nodes_from(nodes)

    cites = _citations(store)
    edges = []
    keys: set[tuple[str, str, str]] = set()
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
        attrs.update(bounds=edge.bounds, status=_STATUS_TEXT[state], sources=list(cited))
        key = attrs["statement"]
        n = 1
        while (u, v, key) in keys:
            n += 1
            key = f"{attrs['statement']}#{n}"
        keys.add((u, v, key))
        edges.append((u, v, key, attrs))
    graph.add_edges_from(edges)
    return nx.freeze(graph)
