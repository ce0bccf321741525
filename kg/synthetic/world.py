"""The world a synthetic graph describes: actors, places and theatres, laid out before any source.

A *theatre* is one civil war around a host state, with about :data:`STATES_PER_THEATRE` states
(and their governments, armies, air forces and ministries), some intergovernmental organisations
and about 200 non-state actors drawn by :data:`FILL_KINDS`; every armed actor is on a side
(0 the government side, 1 the rebels, 2 a third force). :class:`World` lays the actors out
theatre by theatre, then :func:`~kg.synthetic.naming.name_all` names them and their places.
Actors and places are referred to by their index in ``World.actors`` / ``World.places``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kg.synthetic.naming import name_all
from kg.synthetic.ntriples import SYN_ID, ck

__all__ = [
    "ACTORS_PER_SOURCE",
    "FILL_KINDS",
    "SLUGS",
    "STATES_PER_THEATRE",
    "TYPES",
    "Actor",
    "Place",
    "Theatre",
    "World",
]

#: Actors whose statements one source holds.
ACTORS_PER_SOURCE = 20
#: Actors per theatre (one war around a host state); about four states per theatre.
STATES_PER_THEATRE = 4

# Actor kinds (class local names) and how the non-state actors of a theatre are drawn.
FILL_KINDS = [
    ("ArmedGroup", 40),
    ("Person", 33),
    ("Collective", 11),
    ("Coalition", 6),
    ("PoliticalOrganisation", 4),
    ("Media", 3),
    ("CivilOrganisation", 3),
]
SLUGS = {
    "State": "state",
    "Government": "government",
    "GovernmentBody": "government-body",
    "ArmedForce": "armed-force",
    "IntergovernmentalOrganisation": "igo",
    "ArmedGroup": "armed-group",
    "Coalition": "coalition",
    "Person": "person",
    "Collective": "collective",
    "PoliticalOrganisation": "political-organisation",
    "Media": "media",
    "CivilOrganisation": "civil-organisation",
}
#: Type lines of an actor: a state is also its country (as id:syria is in the real data).
TYPES: dict[str, tuple[str, ...]] = {k: (ck(k),) for k in SLUGS}
TYPES["State"] = (ck("State"), ck("Country"))


@dataclass(slots=True)
class Actor:
    """An actor: its kind (class local name), IRI term, theatre, side and names."""

    kind: str
    iri: str  # "<...>"
    theatre: int
    side: int  # 0 government side, 1 rebels, 2 third force; -1 not armed
    parent: int = -1  # state of a government, force or body; org of a person's office
    label: str = ""
    label_ar: str = ""
    aliases: tuple[str, ...] = ()
    aliases_ar: tuple[str, ...] = ()


@dataclass(slots=True)
class Place:
    """A region, settlement or site (a country is its state, an :class:`Actor`)."""

    kind: str  # Country is the state itself; Region, Settlement, Site here
    iri: str
    label: str
    label_ar: str
    parent_place: int = -1  # index in world.places
    parent_state: int = -1  # actor index of the country (for regions and capitals)
    alias: str = ""


@dataclass
class Theatre:
    """One war around a host state: its states, places, war event and actors by role key.

    Role keys are a kind (``"ArmedGroup"``) or a kind and a side (``"ArmedGroup1"``).
    """

    index: int
    host: int = -1  # actor index of the host state
    states: list[int] = field(default_factory=list)
    regions: list[int] = field(default_factory=list)
    settlements: list[int] = field(default_factory=list)
    sites: list[int] = field(default_factory=list)
    war_iri: str = ""
    war_label: str = ""
    war_label_ar: str = ""
    war_start: int = 0
    war_precision: int = 2
    first_source: int = 0
    by: dict[str, list[int]] = field(default_factory=dict)  # role key -> actor indices

    def pick(self, rng: random.Random, *keys: str) -> int:
        """A random actor among the lists ``keys`` (first non-empty), or -1."""
        for key in keys:
            options = self.by.get(key)
            if options:
                return options[rng.randrange(len(options))]
        return -1


class World:
    """The actor table, places and theatres: everything a source may refer to."""

    def __init__(self, actors: int, seed: int) -> None:
        if actors < 1:
            raise ValueError("actors must be at least 1")
        self.n = actors
        self.seed = seed
        rng = random.Random(f"conflict-kg-synthetic:{seed}:world")
        self.rng = rng
        self.n_states = max(1, round(actors * 0.02))
        self.n_theatres = max(1, self.n_states // STATES_PER_THEATRE)
        self.actors: list[Actor] = []
        self.places: list[Place] = []
        self.theatres = [Theatre(t) for t in range(self.n_theatres)]
        self.states: list[int] = []
        self.majors: list[int] = []
        self.igos: list[int] = []
        self.authorities: list[int] = []  # designating authorities (states, IGOs), majors repeated
        self.instruments: dict[int, list[tuple[str, str]]] = {}  # authority -> [(iri, label)]
        self.capital: dict[int, int] = {}  # state -> settlement place index
        self.government: dict[int, int] = {}  # state -> its government
        self.second_forces: set[int] = set()  # armed forces that are a state's air force
        self._has_force: set[int] = set()
        self.used_stems: set[str] = set()
        self._counters: dict[str, int] = {}
        self._layout()
        name_all(self)
        self.n_sources = (actors + ACTORS_PER_SOURCE - 1) // ACTORS_PER_SOURCE

    # -- layout ------------------------------------------------------------------------------

    def new_iri(self, slug: str) -> str:
        """A fresh entity IRI term: ``slug-1``, ``slug-2``... in the synthetic id namespace."""
        n = self._counters.get(slug, 0) + 1
        self._counters[slug] = n
        return f"<{SYN_ID}{slug}-{n}>"

    def _layout(self) -> None:
        """Draw each theatre's actors: states, their governments and forces, IGOs, then the others."""
        rng, n, T = self.rng, self.n, self.n_theatres
        states_of: list[list[int]] = [[] for _ in range(T)]
        for s in range(self.n_states):
            states_of[s % T].append(s)
        n_igo = 0 if n < 50 else max(1, round(self.n_states / 40))
        igos_of: list[int] = [0] * T
        for k in range(n_igo):
            igos_of[(k * 7) % T] += 1
        fill_kinds = [k for k, _ in FILL_KINDS]
        fill_weights = [w for _, w in FILL_KINDS]
        n_major = max(1, self.n_states // 30)
        for t in range(T):
            start = len(self.actors)
            size = n // T + (1 if t < n % T else 0)
            plan: list[tuple[str, int]] = []  # (kind, state ordinal for packages)
            for s in states_of[t]:
                plan.append(("State", s))
            for s in states_of[t]:
                plan.append(("Government", s))
                plan.append(("ArmedForce", s))
            for s in states_of[t]:
                if rng.random() < 0.5:
                    plan.append(("ArmedForce", s))
                if rng.random() < 0.6:
                    plan.append(("GovernmentBody", s))
            plan.extend(("IntergovernmentalOrganisation", -1) for _ in range(igos_of[t]))
            plan = plan[:size]
            plan.extend((k, -1) for k in rng.choices(fill_kinds, fill_weights, k=size - len(plan)))
            th = self.theatres[t]
            state_actor: dict[int, int] = {}
            for kind, s in plan:
                i = len(self.actors)
                side = -1
                parent = -1
                if kind == "State":
                    state_actor[s] = i
                    self.states.append(i)
                    th.states.append(i)
                    if s < n_major:
                        self.majors.append(i)
                elif kind in ("Government", "ArmedForce", "GovernmentBody"):
                    parent = state_actor[s]
                    side = 0
                elif kind == "ArmedGroup":
                    r = rng.random()
                    side = 0 if r < 0.25 else 1 if r < 0.82 else 2
                elif kind == "Coalition":
                    r = rng.random()
                    side = 0 if r < 0.15 else 1 if r < 0.8 else 2
                elif kind == "IntergovernmentalOrganisation":
                    self.igos.append(i)
                self.actors.append(Actor(kind, self.new_iri(SLUGS[kind]), t, side, parent))
                th.by.setdefault(kind, []).append(i)
                if side >= 0:
                    th.by.setdefault(f"{kind}{side}", []).append(i)
                if kind == "Government":
                    self.government[parent] = i
                elif kind == "ArmedForce":
                    if parent in self._has_force:
                        self.second_forces.add(i)
                    self._has_force.add(parent)
            th.host = th.states[0] if th.states else -1
            th.first_source = start // ACTORS_PER_SOURCE
        # armed forces and governments of the host state are the government side of the theatre;
        # those of foreign states are not a side of it.
        for th in self.theatres:
            for key in ("Government0", "ArmedForce0", "GovernmentBody0"):
                for i in th.by.get(key, []):
                    if self.actors[i].parent != th.host:
                        self.actors[i].side = -1
                th.by[key] = [i for i in th.by.get(key, []) if self.actors[i].parent == th.host]
        self.authorities = self.states + self.majors * 6 + self.igos * 10

    def add_place(self, kind: str, label: str, label_ar: str, parent_place: int, parent_state: int, alias: str) -> int:
        """Add a place (with a fresh IRI) and return its index."""
        self.places.append(Place(kind, self.new_iri(kind.lower()), label, label_ar, parent_place, parent_state, alias))
        return len(self.places) - 1

    # -- helpers -----------------------------------------------------------------------------

    def state_pref(self, state: int, theatre: int) -> int:
        """The side a state favours in a theatre (0 government, 1 rebels, 2 third force)."""
        if self.theatres[theatre].host == state:
            return 0
        r = (state * 2654435761 + theatre * 40503 + self.seed * 97) % 10
        return 0 if r < 4 else 1 if r < 8 else 2

    def foreign_state(self, rng: random.Random, theatre: int, major_bias: float = 0.35) -> int:
        """A state for a foreign role in ``theatre``: a major power (``major_bias``) or one nearby."""
        if self.majors and rng.random() < major_bias:
            return self.majors[rng.randrange(len(self.majors))]
        t = (theatre + rng.randint(-2, 2)) % self.n_theatres
        states = self.theatres[t].states
        return states[rng.randrange(len(states))] if states else self.states[0]
