"""Claims: who said what about whom, as reported by which source. Never facts."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import queries
from kg.errors import InvalidInput, NotFound
from kg.models import Claim, Proposition, Ref, Relation
from kg.names import kind_class, kind_name, local_name
from kg.namespaces import CK, RDF, slug
from kg.read.labels import ref
from kg.read.lookup import require_entity
from kg.read.nodes import Properties, grouped_citations, node_key, properties
from kg.read.relations import relations, statement_kinds
from kg.store import Store
from kg.store.derived import Derived, derived
from kg.terms import iri, to_python
from kg.timeline import Bounds, PartialDate, Status, status

_TYPE = RDF + "type"
_CLAIM = iri(CK + "Claim")

__all__ = ["ROLL_UP", "ROLL_UP_DEPTH", "RollUp", "RollUpStep", "RolledUpClaim", "claim_kinds", "claims"]


#: The statement kinds through which claims roll up to an actor, for each role the actor can
#: have in a claim, and the end of the statement (``subject`` or ``object``) the actor must be at
#: for the claim to roll up from the other end:
#:
#: * claimant: members speak for their collective (membership), an organ or unit for the whole it
#:   is part of (part-of), an office holder for the state or body of the office (office). A leader
#:   does not speak for what it leads, nor the led for their leader; an affiliate is not a formal
#:   part of what it is affiliated with: neither rolls up.
#: * about: the same, plus leadership: a claim about a body is about the actor that leads it.
ROLL_UP: dict[str, tuple[tuple[str, str], ...]] = {
    "claimant": (("membership", "object"), ("part-of", "object"), ("office", "object")),
    "about": (("membership", "object"), ("part-of", "object"), ("office", "object"), ("leadership", "subject")),
}

#: The relation that may only end a roll-up path (see :meth:`_RollUp.paths`).
_LAST = "leadership"

#: How many statements a roll-up path may chain (a member of a unit of a state: 2).
ROLL_UP_DEPTH = 3

_ATTRIBUTE_DOCS = {"use_attribute_docstrings": True}  # field docstrings describe the OpenAPI schema


@dataclass(frozen=True)
class RollUpStep:
    """One statement on a roll-up path, leading one actor closer to the actor asked about."""

    __pydantic_config__ = _ATTRIBUTE_DOCS

    relation: str
    """The statement's kind: membership, part-of, office or leadership."""
    statement: str
    """The id of the statement (see /actors/{id}/relations)."""
    actor: Ref
    """The actor this step reaches: the next on the path; the last step reaches the actor asked about."""
    status: str
    """Whether the statement held when the claim was made: 'holds', or 'unknown' when a partial or
    missing date leaves it open (a statement that certainly did not hold rolls nothing up)."""
    office_title: str | None = None
    """The office held, for an office step (e.g. 'Foreign Minister')."""


@dataclass
class RollUp:
    """Through whom a claim reaches the actor asked about."""

    __pydantic_config__ = _ATTRIBUTE_DOCS

    actor: Ref
    """The actor named in the claim (its claimant, or the actor it is about)."""
    via: list[RollUpStep] = field(default_factory=list)
    """The statements leading from that actor to the actor asked about, in order; empty when the
    claim names the actor asked about itself."""


@dataclass
class RolledUpClaim(Claim):
    """A claim found by rolling an actor's claims up through membership, part-of, office and
    (for ``about``) leadership: who made it or whom it is about, and how they relate to the actor
    asked about."""

    __pydantic_config__ = _ATTRIBUTE_DOCS

    made_by: RollUp | None = None
    """With claimant= and include_members: the claimant through whom the claim counts as the
    actor's, and the path from that claimant to the actor."""
    concerns: RollUp | None = None
    """With about= and include_members: the actor the claim is about through whom it concerns
    the actor asked about, and the path from one to the other."""


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
        return _ALL_CLAIMS.of(store)
    return _read_anchored(store, anchor)


def _read_anchored(store: Store, anchor: dict[str, Any]) -> tuple[dict, dict, dict]:
    prefix = "claim-" if anchor else "all-claim-"
    found = properties(store, prefix + "properties", anchor)
    propositions: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for *_, claim, proposition, prop, value in store.select_terms(queries.get(prefix + "propositions"), anchor):
        propositions[node_key(claim)].append((node_key(proposition), prop.value, to_python(value)))
    cites = grouped_citations(store, prefix + "citations", anchor) if found else {}
    return found, propositions, cites


#: Every claim's properties, propositions and citations (:func:`_read` with no anchor).
_ALL_CLAIMS: Derived[tuple[dict, dict, dict]] = derived("claims:all", lambda store: _read_anchored(store, {}))


def _first(props: Properties, prop: str) -> Any:
    values = props.get(prop)
    return min((to_python(t) for t in values), key=str) if values else None


def _refs(store: Store, props: Properties, prop: str) -> list[Ref]:
    """The IRI values of ``prop`` as references, by id (the engine's row order varies between stores)."""
    refs = [r for t in props.get(prop, []) if isinstance(t, ox.NamedNode) and (r := ref(store, t.value))]
    return sorted(refs, key=lambda r: r.id)


@dataclass(frozen=True)
class _Edge:
    """A roll-up statement seen from the actor asked about: ``near`` is the end nearer to it."""

    near: str
    far: Ref
    relation: str
    statement: str
    reached: Ref
    bounds: Bounds
    office_title: str | None


def _bounds(start: str | None, end: str | None) -> Bounds:
    return Bounds.of(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None)


def _period(date: str | None) -> PartialDate | None:
    """The period a claim's date stands for (None: undated, or a date the rule can't read)."""
    if date is None:
        return None
    try:
        return PartialDate.parse(date)
    except InvalidInput:
        return None


def _held(bounds: Bounds, period: PartialDate | None) -> Status:
    """Whether a statement held when a claim made during ``period`` was made, by the as-of rule
    (:mod:`kg.timeline`) applied to the period's first and last days: it holds if it certainly
    holds on both (so on every day between), does not hold if it certainly holds on none of them
    (started after the period's last day, or ended on or before its first), and is unknown
    otherwise. For an undated claim, only a statement without any date certainly holds; any other
    is unknown."""
    if period is None:
        return Status.HOLDS if bounds == Bounds() else Status.UNKNOWN
    first, last = period.first_day, period.last_day
    if status(bounds, first) is Status.HOLDS and status(bounds, last) is Status.HOLDS:
        return Status.HOLDS
    if (bounds.earliest_start is not None and bounds.earliest_start > last) or (
        bounds.latest_end is not None and bounds.latest_end <= first
    ):
        return Status.NOT_HOLDS
    return Status.UNKNOWN


class _RollUp:
    """The actors whose claims roll up to one actor in one role (``claimant`` or ``about``): the
    roll-up statements within :data:`ROLL_UP_DEPTH` steps of it, whatever their dates, and the
    paths through them that hold on each claim date asked about."""

    def __init__(self, store: Store, node: str, role: str) -> None:
        known = set(statement_kinds(store))
        rules = {kind: end for kind, end in ROLL_UP[role] if kind in known}
        self.node = node
        self.edges: dict[str, list[_Edge]] = defaultdict(list)  # by the near end
        self.reach = {node}
        frontier = [node]
        for _ in range(ROLL_UP_DEPTH):
            found: list[str] = []
            for near in frontier:
                for rel in self._relations(store, near, sorted(rules)):
                    ends = {"subject": rel.subject, "object": rel.object}
                    here, there = ends[rules[rel.kind]], ends["object" if rules[rel.kind] == "subject" else "subject"]
                    if here is None or there is None or here.iri != near or there.iri == near:
                        continue
                    edge = _Edge(near, there, rel.kind, rel.id, here, _bounds(rel.start, rel.end), rel.office_title)
                    self.edges[near].append(edge)
                    if there.iri not in self.reach:
                        self.reach.add(there.iri)
                        found.append(there.iri)
            frontier = sorted(found)
        for edges in self.edges.values():
            edges.sort(key=lambda e: (e.far.id, e.relation, e.statement))
        self._paths: dict[str | None, dict[str, tuple[RollUpStep, ...]]] = {}

    @staticmethod
    def _relations(store: Store, node: str, kinds: list[str]) -> list[Relation]:
        """The node's statements of those kinds (none for a node that is not an entity: a
        statement's end the loader let through without a type)."""
        if not kinds:
            return []
        try:
            return relations(store, node, kind=kinds)
        except NotFound:
            return []

    def paths(self, date: str | None) -> dict[str, tuple[RollUpStep, ...]]:
        """The path of every actor whose claim made on ``date`` rolls up to the node: the fewest
        steps, then the fewest of unknown status, then the first by statement ids.

        Leadership steps come last on a path (nearest the node): a claim about a member of the
        rebels HTS leads concerns HTS, but a claim about a government does not concern the state
        its leader holds office in."""
        cached = self._paths.get(date)
        if cached is not None:
            return cached
        period = _period(date)
        # searched from the node outwards; a state is (actor, only leadership steps so far)
        best: dict[tuple[str, bool], tuple[RollUpStep, ...]] = {(self.node, True): ()}
        frontier = [(self.node, True)]
        for _ in range(ROLL_UP_DEPTH):
            found: dict[tuple[str, bool], tuple[RollUpStep, ...]] = {}
            for near, leading in frontier:
                for edge in self.edges.get(near, []):
                    leads = edge.relation == _LAST
                    state = (edge.far.iri, leading and leads)
                    if (leads and not leading) or state in best:
                        continue
                    held = _held(edge.bounds, period)
                    if held is Status.NOT_HOLDS:
                        continue
                    step = RollUpStep(edge.relation, edge.statement, edge.reached, held.value, edge.office_title)
                    path = (step, *best[near, leading])
                    if state not in found or _rank(path) < _rank(found[state]):
                        found[state] = path
            best.update(found)
            frontier = sorted(found)
        paths: dict[str, tuple[RollUpStep, ...]] = {}
        for (actor, _), path in sorted(best.items()):
            if actor not in paths or _rank(path) < _rank(paths[actor]):
                paths[actor] = path
        self._paths[date] = paths
        return paths

    def of(self, store: Store, values: Iterable[Any], date: str | None) -> RollUp | None:
        """How a claim naming ``values`` in the role (made on ``date``) rolls up (None: it doesn't)."""
        paths = self.paths(date)
        candidates = [
            (_rank(paths[t.value]), t.value) for t in values if isinstance(t, ox.NamedNode) and t.value in paths
        ]
        if not candidates:
            return None
        _, chosen = min(candidates)
        actor = ref(store, chosen)
        assert actor is not None
        return RollUp(actor=actor, via=list(paths[chosen]))


def _rank(path: tuple[RollUpStep, ...]) -> tuple[int, int, tuple[str, ...]]:
    return (len(path), sum(s.status != Status.HOLDS.value for s in path), tuple(s.statement for s in path))


#: Above this many actors, a roll-up reads every claim (kept per store version) instead of reading
#: the claims of each actor in turn.
_ANCHORED_READS = 16


def _read_rolled(store: Store, prop: str, nodes: set[str]) -> tuple[dict, dict, dict]:
    """:func:`_read` for the claims in which any of ``nodes`` has the role ``prop``."""
    if len(nodes) > _ANCHORED_READS:
        return _read(store, {})
    found: dict = {}
    propositions: dict = {}
    cites: dict = {}
    for node in sorted(nodes):
        more = _read(store, {"entity": iri(node), "role": iri(prop)})
        for into, part in zip((found, propositions, cites), more, strict=True):
            into.update(part)
    return found, propositions, cites


def claims(
    store: Store,
    *,
    claimant: str | None = None,
    about: str | None = None,
    kind: str | None = None,
    include_members: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[Claim]:
    """Claims, optionally by ``claimant``, ``about`` an actor or event, of a ``kind``
    (``accusation``, ``report``, ``promise``...), oldest first, each with its source.
    ``offset`` and ``limit`` choose a page of that list (only the page's claims are built).

    ``include_members`` rolls claims up to the actor asked about (``claimant``, ``about`` or both)
    through the relations of :data:`ROLL_UP`, up to :data:`ROLL_UP_DEPTH` statements deep, none
    of which may certainly have ended or not yet begun on the claim's date (see :func:`_held`):
    Iran's claims then include those of Iranian officials (members) and of its foreign minister
    (office). Each claim is then a :class:`RolledUpClaim` saying through whom and which
    statements it was found (``made_by``, ``concerns``). Without an actor it changes nothing.

    A claim's propositions are returned with ``asserted=False``: the graph does not hold them.
    """
    anchor: dict[str, Any] = {}
    wanted: dict[str, str] = {}  # further roles a claim must have (property → entity)
    nodes: dict[str, str] = {}  # role → entity asked about
    for role, prop, ident in (("claimant", CK + "claimant", claimant), ("about", CK + "about", about)):
        if ident is not None:
            node = require_entity(store, ident)["entity"]
            nodes[role] = node
            if anchor:
                wanted[prop] = node
            else:
                anchor = {"entity": iri(node), "role": iri(prop)}
    kind_iri = None
    if kind is not None:
        if kind not in claim_kinds(store):
            raise InvalidInput(f"no claim kind {kind!r}; known kinds: {', '.join(claim_kinds(store))}")
        kind_iri = kind_class(kind + "-claim")
    rolled: dict[str, _RollUp] = {}
    if include_members and nodes:  # without an actor there is nothing to roll up to: every claim is listed
        rolled = {role: _RollUp(store, node, role) for role, node in nodes.items()}
        first = next(iter(rolled))
        found, propositions, cites = _read_rolled(store, CK + first, rolled[first].reach)
    else:
        found, propositions, cites = _read(store, anchor)
    chosen: list[tuple[str, Any, str, dict[str, RollUp]]] = []  # (claim, date, kind IRI reported, roll-ups)
    for node, props in found.items():
        kinds = sorted(t.value for t in props.get(CK + "claimKind", []))
        if not (kinds and props.get(CK + "claimant") and props.get(CK + "summary") and _CLAIM in props.get(_TYPE, [])):
            continue  # not a complete claim
        if kind_iri is not None and kind_iri not in kinds:
            continue
        date = _first(props, CK + "date")
        date = None if date is None else str(date)
        if rolled:
            # the claim must reach every actor asked about, each in its role
            ups = {role: up for role, r in rolled.items() if (up := r.of(store, props.get(CK + role, []), date))}
            if len(ups) == len(rolled):
                chosen.append((node, date, kind_iri or kinds[0], ups))
            continue
        if any(iri(v) not in props.get(p, []) for p, v in wanted.items()):
            continue
        chosen.append((node, date, kind_iri or kinds[0], {}))
    # undated claims first, as SPARQL orders them
    chosen.sort(key=lambda c: (c[1] is not None, c[1] or "", c[0]))
    page = chosen[offset:] if limit is None else chosen[offset : offset + limit]
    out: list[Claim] = []
    for node, date, reported, found_ups in page:
        fields = {
            "id": slug(node),
            "iri": node,
            "kind": kind_name(reported).removesuffix("-claim"),
            "date": date,
            "summary": _first(found[node], CK + "summary"),
            "claimants": _refs(store, found[node], CK + "claimant"),
            "about": _refs(store, found[node], CK + "about"),
            "places": _refs(store, found[node], CK + "place"),
            "propositions": _propositions(store, propositions.get(node, [])),
            # copies: the citations of every claim are kept for the store version (see _read)
            "sources": [
                dataclasses.replace(c, paragraphs=list(c.paragraphs), locators=list(c.locators), urls=list(c.urls))
                for c in cites.get(node, [])
            ],
        }
        if rolled:
            out.append(RolledUpClaim(**fields, made_by=found_ups.get("claimant"), concerns=found_ups.get("about")))
        else:
            out.append(Claim(**fields))
    return out
