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

Only what certainly holds on the day is projected (the as-of rule of :func:`kg.timeline.verdict`,
with the existence of the two ends and the statement's attestation, as in :mod:`kg.read.relations`; when
sources date a statement differently their periods intersect), unless ``holding_only=False``, which
keeps every statement with its status (for :func:`kg.network.changes`). Each edge says why:
``status_reason`` and ``status_bound`` (the day that decided), and ``bounds`` holds the existence
and attestation bounds besides the stated ones; they are worked out once per store version.

The graph is read as flat rows, grouped in Python; what they give is kept per store version (values
declared with :mod:`kg.store.derived`). The statements (their ends, dates and other
properties, citations) come from one of two places, with the same rows either way:

* the statement table (:mod:`kg.read.statement_table`, through :mod:`kg.network.table_rows`: one
  snapshot per store version, grouped in one pass) when one has been built — the service builds it
  at start-up (:mod:`api.warm`, before the projection) and updates it after each write, so a
  projection after a write reads no statement from the engine. A projection never builds the
  table itself: a one-off command reads the engine.
* otherwise the engine, with flat SPARQL queries (``network-edges.rq``, ``network-properties.rq``,
  ``network-citations.rq``).

The nodes are the catalog's list of actors (:func:`kg.read.catalog.listed_actors`: each actor's smallest
English label and its classes) and the sources' titles and dates those of
:func:`kg.read.nodes.source_details`; the service computes both at start-up, before the projection.
Claims (not statements, so not in the table; their propositions are blank nodes) are read from the
engine in both cases (``network-claims.rq``, the claims' own properties and citations by
``network-claim-*.rq`` when the table gives the statements'). Each query is a shape the engine
evaluates well: parts joined by hashing in subqueries, and the big results packed by the engine in
one text rather than read row by row through the Python binding. Most of a cold read is the engine
turning terms into text (measured on disk: about 10 us per IRI, against well under 1 us per joined
row), so the queries decode as few terms as they can (properties are named by short roles, not by
their IRIs, except for the claims' propositions, matched with the edge rules in Python).

What is kept per store version is shaped for the cyclic garbage collector, which walks every object
it tracks once the projection is built (it is paused while building): each edge is one tuple, its
fixed attributes a dict of plain values (never tracked), bounds and lists of support kinds shared.
Where a cold projection's time goes at 100k actors (claims read from the engine, Python grouping
the statements' rows, networkx adding the nodes and edges, the collector's one walk) and how it
changed is in docs/performance.md.

The built graph is cached too,
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
import operator
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple
from urllib.parse import unquote

import networkx as nx

from kg import kinds as kind_table
from kg import ontology, queries
from kg.errors import InvalidInput, NotFound
from kg.models import Citation, Ref
from kg.names import kind_class, kind_name
from kg.namespaces import CK, ONTOLOGY_GRAPH, SCHEMA, SRC, slug
from kg.network.table_rows import TableRows, edge_rules, rule_pairs
from kg.read import catalog, existence, nodes
from kg.read.statement_table import ready_table, statement_table
from kg.store import Store
from kg.store.derived import Derived, Warm, derived
from kg.timeline import Bounds, PartialDate, Status, Verdict, most_precise, parse_at, verdict

__all__ = ["BACKING", "GRAPHS_KEPT", "NEGATIVE", "POSITIVE", "edge_kinds", "known_actor_types", "project"]

#: Projections kept per store version (the most recently used), each for its day and options.
GRAPHS_KEPT = 8

#: Statement kinds of the positive (cooperative) network: those the ontology calls positive
#: (``ck:polarity``; support and alliance).
POSITIVE = kind_table.of_polarity("positive")
#: Statement kinds of the negative (hostile) network (``ck:polarity`` negative: hostility).
NEGATIVE = kind_table.of_polarity("negative")
#: Statement kinds whose subject backs their object (their edge is ``ck:backs`` or a sub-property: support).
BACKING = kind_table.backing()


@functools.cache
def edge_kinds() -> dict[str, ontology.EdgeRule]:
    """Statement kinds that derive an edge (``support``, ``hostility``...), with their rule.

    >>> edge_kinds()["hostility"].symmetric
    True
    """
    return kind_table.edge_kinds()


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
_classes = functools.lru_cache(maxsize=1024)(kind_class)
_GRAPHS_LOCK = threading.Lock()
#: The projections built in this version (:data:`GRAPHS_KEPT` at most), by day and options. The
#: service builds today's at start-up: the explorer, paths and analytics need it. After the
#: statements, whose table it reads them from, and the actor list and source details, whose
#: values it takes (the engine only for claims).
GRAPHS: Derived[OrderedDict[tuple[Any, ...], nx.MultiDiGraph]] = derived(
    "network:graphs", lambda store: OrderedDict(), warm=Warm(80, "network", run=lambda store: project(store))
)
#: Verdicts kept per distinct bounds, by day (then forgotten: any day can be asked about).
_DAYS_KEPT = 16
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
    return max(filter(None, map(_day, values)), default=None)


def _earliest(values: set[str]) -> dt.date | None:
    return min(filter(None, map(_day, values)), default=None)


@functools.lru_cache(maxsize=65536)
def _last_day(lexical: str) -> dt.date | None:
    """The last day a date's lexical form (a day, a month or a year) can denote."""
    try:
        return PartialDate.parse(lexical).last_day
    except InvalidInput:
        return None


def _attested(values: set[str]) -> dt.date | None:
    return min(filter(None, map(_last_day, values)), default=None)


def _precise(values: set[str] | None) -> str | None:
    """:func:`kg.timeline.most_precise` of the values joined by spaces, without joining one."""
    if not values:
        return None
    if len(values) == 1:
        (value,) = values
        if " " not in value:
            return value or None
    return most_precise(" ".join(values))


#: An edge between two actors as read from the store, kept per store version: the IRIs of its ends, its kind, the IRI
#: of its node (statement or claim), whether it is a claim, its bounds, the attributes every
#: projection gives it (a dict of plain values: the lists are the two tuples that follow, so that
#: the dict is never tracked by the cyclic garbage collector), its support kinds and claimants.
#: Bounds and the tuples are shared by the edges that have equal ones. Millions of objects at 100k
#: actors: every one the collector tracks it walks, which took longer than building them.
_Edge = tuple[str, str, str, str, bool, Bounds, dict[str, Any], tuple[str, ...], tuple[str, ...]]
_CLAIM, _NODE, _SOURCE, _TARGET, _KIND = 4, 3, 0, 1, 2
#: Edges are kept in an order that does not depend on how they were read.
_EDGE_ORDER = operator.itemgetter(_CLAIM, _NODE, _SOURCE, _TARGET, _KIND)


def _claim_order(edge: _Edge) -> tuple[Any, ...]:
    alleged = edge[6]["alleged"]
    return (*_EDGE_ORDER(edge), edge[7], alleged is None, bool(alleged))


class _Shared:
    """One object per distinct value: bounds (by their four days), tuples of support kinds or
    claimants."""

    def __init__(self) -> None:
        self.bounds: dict[tuple[dt.date | None, ...], Bounds] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def __call__(self, value: tuple[str, ...]) -> tuple[str, ...]:
        return self.tuples.setdefault(value, value)


def _edges_of(
    rule: ontology.EdgeRule,
    kind: str,
    node: str,
    ends_of: Iterable[tuple[str, str]],
    dated: dict[str, set[str]],
    proposition: dict[str, set[str]],
    claim: bool,
    shared: _Shared,
) -> list[_Edge]:
    """The edges of one node, one per pair of ends, from the properties of the dated node (the
    statement, or the claim) and those of what it states (the statement itself, or the claim's
    proposition). The attributes are the same for every pair: they are worked out once."""
    alleged = proposition.get("alleged")
    kinds = proposition.get("supportKind")
    claimants = dated.get("claimant") if claim else None
    claim_kinds = dated.get("claimKind") if claim else None
    attrs = {
        "statement": slug(node),
        "iri": node,
        "kind": "claim" if claim else kind,
        "group": "claim" if claim else rule.group,
        "symmetric": rule.symmetric,
        "support_kinds": None,  # a list per projection, from the tuple kept with the edge
        "alleged": any(a in ("true", "1") for a in alleged) if alleged else None,
        "start": _precise(dated.get("start")),
        "end": _precise(dated.get("end")),
        "claim": claim,
        "claimants": None,  # as support_kinds
        "claim_kind": min(_kind(k) for k in claim_kinds).removesuffix("-claim") if claim_kinds else None,
        "proposition_kind": kind if claim else None,
    }
    support = shared(tuple(sorted(_kind(k).removesuffix("-support") for k in kinds))) if kinds else ()
    claimed_by = shared(tuple(sorted(slug(c) for c in claimants))) if claimants else ()
    # Sources that date a node differently: their periods intersect.
    get = dated.get
    days = (
        _latest(found) if (found := get("earliestStart")) else None,
        _earliest(found) if (found := get("latestStart")) else None,
        _latest(found) if (found := get("earliestEnd")) else None,
        _earliest(found) if (found := get("latestEnd")) else None,
        _attested(found) if (found := get("attested")) else None,
    )
    bounds = shared.bounds.get(days)
    if bounds is None:
        bounds = shared.bounds[days] = Bounds(*days[:4], attested=days[4])
    return [(source, target, kind, node, claim, bounds, attrs, support, claimed_by) for source, target in ends_of]


#: The properties of a claim's proposition kept besides its ends (``network-claims.rq``).
_PROPOSITION_ROLES = {CK + "supportKind": "supportKind", CK + "alleged": "alleged"}
_STATEMENT_KIND = CK + "statementKind"


def _propositions(store: Store) -> list[tuple[str, tuple[set[str], set[tuple[str, str]], dict[str, set[str]]]]]:
    """Each claimed proposition that derives an edge between two IRIs (``network-claims.rq``):
    ``(claim, (kinds, pairs of ends, properties))``, the kinds being those with a pair."""
    rules = edge_rules(store)
    found = []
    for claim, *fields in _grouped(store, "network-claims"):
        iris: dict[str, list[str]] = {}
        props: dict[str, set[str]] = {}
        for field in fields:
            tag, prop, value = field.split(" ", 2)
            if tag == "i":
                iris.setdefault(prop, []).append(value)
            role = _PROPOSITION_ROLES.get(prop)
            if role is not None:
                props.setdefault(role, set()).add(value)
        kinds: set[str] = set()
        ends: set[tuple[str, str]] = set()
        for kind, source, target in rule_pairs(iris, iris.get(_STATEMENT_KIND, []), rules):
            kinds.add(_kind(kind))
            ends.add((source, target))
        if ends:
            found.append((claim, (kinds, ends, props)))
    return found


def _statement_rows(store: Store) -> TableRows | None:
    """The statements' rows from the statement table if one has been built (brought up to date;
    a projection never builds one), else None: the engine is read. One snapshot of the table per
    store version, shared by the edges and the citations."""
    table = ready_table(store)
    if table is None:
        return None
    return _TABLE_ROWS.of(store)


#: The statements' rows from the statement table (:func:`_statement_rows`; only once one is built).
_TABLE_ROWS: Derived[TableRows] = derived(
    "network:table-rows", lambda store: TableRows(statement_table(store), edge_rules(store))
)


def _grouped_properties(rows: Iterable[Sequence[str]], wanted: Any) -> dict[str, dict[str, set[str]]]:
    properties: dict[str, dict[str, set[str]]] = {}
    for node, role, value in rows:
        if node in wanted:
            props = properties.get(node)
            if props is None:
                props = properties[node] = {}
            values = props.get(role)
            if values is None:
                props[role] = {value}
            else:
                values.add(value)
    return properties


class _EdgeList(NamedTuple):
    """The edges between actors read from the store, in a stable order."""

    edges: list[_Edge]
    #: Statement ids that are not one edge's alone (several pairs of ends, or a clash of ids) or
    #: that hold a ``#``: the only ones whose keys need checking for a clash (:func:`_build`).
    checked: frozenset[str]


def _edges(store: Store) -> _EdgeList:
    with _no_collection():
        return _EDGES.of(store)


def _read_edges(store: Store) -> _EdgeList:
    rules = edge_kinds()

    def known(kinds: set[str]) -> str | None:
        """The statement's kind: the first with an edge rule (a class the ontology files do not
        know has no rule to read it by; a statement of two edge kinds is an error in the data)."""
        return min((k for k in kinds if k in rules), default=None)

    # Statements between actors: (node) -> kinds, ends, and their properties: from the table
    # (grouped there), or from the engine (the properties of every node there, claims'
    # included); the claims' from the engine either way, one line per (claim, proposition).
    claimed = _propositions(store)
    claims = {claim for claim, _ in claimed}
    table = _statement_rows(store)
    statements: dict[str, tuple[set[str], set[tuple[str, str]]]]
    if table is None:
        statements = {}
        for node, kind, source, target in _packed(store, "network-edges"):
            kinds, ends = statements.setdefault(node, (set(), set()))
            kinds.add(kind)
            ends.add((source, target))
        properties = _grouped_properties(_packed(store, "network-properties"), statements.keys() | claims)
    else:
        statements, properties = table.grouped()
        properties.update(_grouped_properties(_packed(store, "network-claim-properties"), claims))

    empty: dict[str, set[str]] = {}
    shared = _Shared()
    # In an order that does not depend on how they were read (blank-node propositions get new
    # labels per query): statements, then claims, by IRI, then by ends (a statement has one
    # kind); sorting the IRIs alone is several times faster than sorting the edges by key.
    # only the pairs of ends that are both actors can be edges (the others are about a third of
    # the statements of the edge kinds: places, authorities that are not actors...)
    actors = {actor for actor, _, _ in _actors(store)}

    def between_actors(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(pair for pair in pairs if pair[0] in actors and pair[1] in actors)

    out: list[_Edge] = []
    for node in sorted(statements):
        kinds, ends_of = statements[node]
        first = known({_kind(k) for k in kinds})
        pairs = between_actors(ends_of)
        if first is not None and pairs:
            dated = properties.get(node, empty)
            out.extend(_edges_of(rules[first], first, node, pairs, dated, dated, False, shared))
    claim_edges: list[_Edge] = []
    for claim, (kinds, ends_of, props) in claimed:
        first = known(kinds)
        pairs = between_actors(ends_of)
        if first is not None and pairs:
            dated = properties.get(claim, empty)
            claim_edges.extend(_edges_of(rules[first], first, claim, pairs, dated, props, True, shared))
    # a claim's propositions with the same ends and kind: by what they say (else by blank node)
    claim_edges.sort(key=_claim_order)
    out.extend(claim_edges)
    counts = Counter(attrs["statement"] for *_, attrs, _, _ in out)
    return _EdgeList(out, frozenset(k for k, n in counts.items() if n > 1 or "#" in k))


_EDGES: Derived[_EdgeList] = derived("network:edges", _read_edges)


def _amended(store: Store) -> dict[str, dt.date]:
    """The earliest day an amendment attests each amended statement (designations), by IRI: from
    the statement table if one has been built, else from the engine (``network-amendments.rq``)."""
    return _AMENDED.of(store)


def _read_amended(store: Store) -> dict[str, dt.date]:
    table = _statement_rows(store)
    rows = table.amendments() if table is not None else map(tuple, _packed(store, "network-amendments"))
    found: dict[str, dt.date] = {}
    for node, lexical in rows:
        day = _last_day(lexical)
        if day is not None and (node not in found or day < found[node]):
            found[node] = day
    return found


_AMENDED: Derived[dict[str, dt.date]] = derived("network:amended", _read_amended)


def _timed(store: Store) -> dict[tuple[str, str, str, bool], tuple[Bounds, dict[dt.date, Verdict]]]:
    """Each edge's bounds with its ends' existence and its attestation (:mod:`kg.read.existence`),
    by (node, from, to, claim), worked out once per store version, with its verdicts by day."""
    with _no_collection():
        return _TIMED.of(store)


def _read_timed(store: Store) -> dict[tuple[str, str, str, bool], tuple[Bounds, dict[dt.date, Verdict]]]:
    cites = _citations(store)
    amended = _amended(store)
    known = existence.context(store)
    found: dict[tuple[str, str, str, bool], tuple[Bounds, dict[dt.date, Verdict]]] = {}
    shared: dict[Bounds, tuple[Bounds, dict[dt.date, Verdict]]] = {}
    for source, target, kind, node, claim, bounds, *_ in _edges(store).edges:
        sources = [c.source.iri for c in cites.get(node, ())]
        explicit = [bounds.attested] if bounds.attested is not None else []
        day = known.attested(sources, explicit, [amended[node]] if node in amended else [])
        # a claim is dated by itself, whatever became of what it is about
        ends: tuple[str | None, str | None] = (None, None) if claim else (source, target)
        full = known.bounded(bounds, _classes(kind), ends[0], ends[1], day)
        entry = shared.get(full)
        if entry is None:
            entry = shared[full] = (full, {})
        found[node, source, target, claim] = entry
    return found


_TIMED: Derived[dict[tuple[str, str, str, bool], tuple[Bounds, dict[dt.date, Verdict]]]] = derived(
    "network:timed", _read_timed
)


def _actors(store: Store) -> list[tuple[str, str | None, list[str]]]:
    """Every actor (IRI), its English label (the smallest) and its actor types, by IRI: from the
    list of actors the catalog keeps (the service computes it at start-up)."""
    with _no_collection():
        return _ACTORS.of(store)


def _read_actors(store: Store) -> list[tuple[str, str | None, list[str]]]:
    return sorted((a.actor, a.label, sorted({_kind(t) for t in a.types})) for a in catalog.listed_actors(store))


_ACTORS: Derived[list[tuple[str, str | None, list[str]]]] = derived("network:actors", _read_actors)


#: Where a citation's value goes (paragraphs, locators, URLs; anything else is its verification).
_CITATION_FIELD = {CK + "paragraph": 0, CK + "locator": 1, SCHEMA + "url": 2}


def _paragraphs(values: list[str]) -> set[Any]:
    """Paragraph numbers (a value that is not a number kept as text)."""
    return {int(p) if p.isdigit() else p for p in values}


def _by_source_id(citation: Citation) -> str:
    return citation.source.id


def _citations(store: Store) -> dict[str, tuple[Citation, ...]]:
    """Citations by node IRI, one per source, ordered by source id.

    Built once per store version and shared by the projections: treat them as read-only.
    """
    with _no_collection():
        return _CITATIONS.of(store)


def _read_citations(store: Store) -> dict[str, tuple[Citation, ...]]:
    # the smallest title and date of each source, as text (the service reads them at start-up)
    details = nodes.source_details(store)
    refs: dict[str, tuple[Ref, str | None]] = {}

    def ref(source: str) -> tuple[Ref, str | None]:
        title, date = details.get(source, (None, None))
        found = refs[source] = (
            Ref(slug(source), source, None if title is None else str(title)),
            None if date is None else str(date),
        )
        return found

    # Every node's citations from the engine; or the statements' from the table and the claims'
    # from the engine (the only other nodes that make edges).
    # Only the citations of the nodes of edges (between actors) are ever given.
    edges = {node for _, _, _, node, *_ in _edges(store).edges}
    table = _statement_rows(store)
    engine = _packed(store, "network-citations" if table is None else "network-claim-citations")
    decoded = ((node, source, prop, _text(encoded)) for node, source, prop, encoded in engine if node in edges)
    rows = decoded if table is None else itertools.chain(table.citations(edges), decoded)
    # node -> source -> the values of its paragraphs, locators, URLs and verifications
    found: dict[str, dict[str, tuple[list[str], list[str], list[str], list[str]]]] = {}
    for node, source, prop, value in rows:
        by_source = found.get(node)
        if by_source is None:
            by_source = found[node] = {}
        values = by_source.get(source)
        if values is None:
            values = by_source[source] = ([], [], [], [])
        if prop != "-":  # "-": a citation with no paragraph, locator, URL or verification
            values[_CITATION_FIELD.get(prop, 3)].append(value)
    out: dict[str, tuple[Citation, ...]] = {}
    for node, by_source in found.items():
        cited = []
        for source, (paragraphs, locators, urls, verifications) in by_source.items():
            source_ref, date = refs.get(source) or ref(source)
            cited.append(
                Citation(
                    source_ref,
                    date,
                    sorted(_paragraphs(paragraphs)) if paragraphs else [],
                    sorted(set(locators)) if locators else [],
                    sorted(set(urls)) if urls else [],
                    min(verifications) if verifications else None,
                )
            )
        if len(cited) > 1:
            cited.sort(key=_by_source_id)
        out[node] = tuple(cited)
    return out


_CITATIONS: Derived[dict[str, tuple[Citation, ...]]] = derived("network:citations", _read_citations)


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
    graphs = GRAPHS.of(store)
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
    timed = _timed(store)
    edges = []
    read = _edges(store)
    checked = read.checked
    keys: set[tuple[str, str, str]] = set()  # of the checked edges
    no_citations: tuple[Citation, ...] = ()
    for source, target, kind, node, claim, _, fixed, support, claimants in read.edges:
        if claim and not include_claims:
            continue
        u, v = actors.get(source), actors.get(target)
        if u is None or v is None:
            continue
        if wanted_kinds is not None and kind not in wanted_kinds and not (claim and "claim" in wanted_kinds):
            continue
        bounds, verdicts = timed[node, source, target, claim]  # shared by the edges with equal bounds
        found = verdicts.get(day)
        if found is None:
            if len(verdicts) >= _DAYS_KEPT:
                verdicts.clear()
            found = verdicts[day] = verdict(bounds, day)
        state = found.status
        if holding_only and state is not Status.HOLDS:
            continue
        cited = cites.get(node, no_citations)
        if wanted_sources is not None:
            cited = tuple(c for c in cited if c.source.iri in wanted_sources)
            if not cited:
                continue
        statement = key = fixed["statement"]
        if statement in checked:  # else no other edge can have the key
            n = 1
            while (u, v, key) in keys:
                n += 1
                key = f"{statement}#{n}"
            keys.add((u, v, key))
        attrs = {
            **fixed,
            "support_kinds": [*support],
            "claimants": [*claimants],
            "bounds": bounds,
            "status": _STATUS_TEXT[state],
            "status_reason": found.reason.value,
            "status_bound": found.bound,
            "sources": [*cited],
        }
        edges.append((u, v, key, attrs))
    graph.add_edges_from(edges)
    return nx.freeze(graph)
