"""Plain result objects of the network analytics (no networkx objects, no RDF terms, no HTTP).

Every answer carries the edges behind it as :class:`NetEdge` objects: the statement (or claim)
id, its kind, its dates and its sources, so that each step of an answer can be traced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.models import Citation

__all__ = [
    "Balance",
    "Bloc",
    "BlocConflict",
    "Brokers",
    "Change",
    "Exposure",
    "NetEdge",
    "Path",
    "ProxyConflict",
    "Score",
    "Triad",
    "TriadSide",
]


@dataclass
class NetEdge:
    """One edge of the network: a statement (or a claimed proposition) between two actors.

    ``source`` and ``target`` follow the statement (the backer, then the one backed); in a path,
    ``reversed`` is True when the path walks the edge from ``target`` to ``source``.
    """

    source: str
    target: str
    kind: str
    statement: str
    start: str | None = None
    end: str | None = None
    sources: list[Citation] = field(default_factory=list)
    iri: str | None = None
    status: str | None = None
    symmetric: bool = False
    support_kinds: list[str] = field(default_factory=list)
    alleged: bool | None = None
    claim: bool = False
    claimants: list[str] = field(default_factory=list)
    claim_kind: str | None = None
    proposition_kind: str | None = None
    reversed: bool = False
    #: Why the status (kg.timeline.Reason) and the day that decided it (None: none did).
    status_reason: str | None = None
    status_bound: str | None = None


@dataclass
class Path:
    """A path between two actors: its nodes in order and one edge per step."""

    nodes: list[str]
    edges: list[NetEdge]
    labels: dict[str, str | None] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return len(self.edges)


@dataclass
class ProxyConflict:
    """A hostility and the backers of each of its two sides (the proxy pattern)."""

    hostility: NetEdge
    side_a: str
    side_b: str
    backers_a: list[NetEdge]
    backers_b: list[NetEdge]
    common: list[str] = field(default_factory=list)


@dataclass
class Score:
    """An actor's value for a centrality measure."""

    id: str
    label: str | None
    value: float


@dataclass
class Brokers:
    """Cut points and bridges of a network: the actors and links that hold it together."""

    actors: list[Score]
    bridges: list[list[NetEdge]]


@dataclass
class Bloc:
    """A community of the positive (support/alliance) network."""

    id: int
    members: list[str]
    labels: dict[str, str | None] = field(default_factory=dict)


@dataclass
class BlocConflict:
    """A hostility placed between blocs (``None``: the actor is in no bloc).

    ``within`` is True when both sides are in the same bloc: a fight inside a bloc.
    """

    bloc_a: int | None
    bloc_b: int | None
    within: bool
    edge: NetEdge


@dataclass
class TriadSide:
    """One side of a triad: a pair of actors, its sign and the statements behind it."""

    a: str
    b: str
    sign: int
    edges: list[NetEdge]


@dataclass
class Triad:
    """Three actors related pairwise in the signed network, and whether the triangle is balanced."""

    nodes: list[str]
    sides: list[TriadSide]
    pattern: str
    balanced: bool
    reading: str


@dataclass
class Balance:
    """How balanced a signed network is: counts of triads, the triads, and the mixed pairs.

    ``ratio`` is the share of balanced triads (None when there is no triad).
    """

    balanced: int
    unbalanced: int
    ratio: float | None
    triads: list[Triad]
    mixed: list[list[NetEdge]]


@dataclass
class Exposure:
    """A designated actor: the designations in force and who backs it."""

    id: str
    label: str | None
    designations: list[NetEdge]
    backers: list[NetEdge]


@dataclass
class Change:
    """A relation that started or ended between two days.

    ``certain`` is False when a partial date leaves open whether the change fell in the period.
    """

    change: str
    date: str | None
    certain: bool
    edge: NetEdge
