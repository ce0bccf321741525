"""One source under construction: its random generator, mentions, citations, dates and statements.

Each source has its own generator, seeded by ``(seed, source number)``, and the world is read-only
while sources are built, so a source's content depends on the world and its number only.
:class:`SourceBuilder` offers the low-level steps the fact makers (:mod:`~kg.synthetic.statements`,
:mod:`~kg.synthetic.events`, :mod:`~kg.synthetic.actors`) share.
"""

from __future__ import annotations

import random

from kg.synthetic.ntriples import (
    CITATION,
    DATE_NOTE,
    EARLIEST,
    END,
    LATEST,
    MIN_SPAN,
    OBJECT,
    PARAGRAPH,
    PARAGRAPHS,
    SOURCE,
    START,
    SUBJECT,
    SYN_SRC,
    SYN_ST,
    VERIFICATION,
    A,
    ck,
    date_literal,
    en,
    local_id,
    plain,
    random_precision,
)
from kg.synthetic.world import World

__all__ = ["Echo", "SourceBuilder", "source_slug"]

#: A statement a source may have cited again by the next: (IRI term, class, subject, object, support kinds).
Echo = tuple[str, str, int, int, str]


def source_slug(j: int) -> str:
    """Every fifth source is a register of checked facts, the others are news articles."""
    return f"register-{j + 1}" if j % 5 == 4 else f"article-{j + 1}"


class SourceBuilder:
    """The triples of one source (one named graph) while they are being made.

    ``body`` holds the facts as ``"s p o"`` lines; the declarations of what they mention and the
    citation nodes are added when the source is assembled (:mod:`kg.synthetic.sources`). ``echoes``
    are statements of the previous source that this one cites again.
    """

    def __init__(self, world: World, j: int, echoes: list[Echo]) -> None:
        self.w = world
        self.j = j
        self.rng = random.Random(f"conflict-kg-synthetic:{world.seed}:source:{j}")
        self.reference = j % 5 == 4
        self.slug = source_slug(j)
        self.g = f"<{SYN_SRC}{self.slug}>"
        self.paragraphs = self.rng.randint(15, 60)
        self.body: list[str] = []
        self.mentioned_actors: dict[int, None] = {}
        self.mentioned_places: dict[int, None] = {}
        self.mentioned_wars: dict[int, None] = {}
        self.instruments: dict[str, str] = {}
        self.seen: set[tuple[str, int, int]] = set()  # membership tests only, never iterated
        self.targets: list[tuple[str, int]] = []  # (class, object) of supports and designations
        self.bn = 0
        self.citations: dict[tuple[int, ...], str] = {}
        self.citation_lines: list[str] = []  # the citation nodes, written after the facts
        self.latest = EARLIEST
        self.earliest = LATEST
        self.statements = 0
        self.claims = 0
        self.events = 0
        self.echoable: list[Echo] = []  # (iri, class, subject, object, extra)
        self.echoes = echoes

    def t(self, s: str, p: str, o: str) -> None:
        """Add the triple ``s p o`` (N-Triples terms)."""
        self.body.append(f"{s} {p} {o}")

    def blank(self) -> str:
        """A new blank node label, unique in the whole graph."""
        self.bn += 1
        return f"_:s{self.j + 1}b{self.bn}"

    def cite(self, node: str) -> None:
        """Cite ``node`` to this source: one or two paragraphs (and, in a register, a verification).

        Facts found in the same place share one citation node (the source and its paragraphs).
        """
        rng = self.rng
        first = rng.randint(1, self.paragraphs)
        key: tuple[int, ...] = (first,)
        if rng.random() < 0.1:
            second = rng.randint(1, self.paragraphs)
            key = (min(first, second), max(first, second)) if second != first else key
        if self.reference:
            key = (0 if rng.random() < 0.85 else -1, *key)
        c = self.citations.get(key)
        if c is None:
            c = self.citations[key] = self.blank()
            out = self.citation_lines
            out.append(f"{c} {SOURCE} {self.g}")
            for n in key:
                if n > 0:
                    out.append(f"{c} {PARAGRAPH} {PARAGRAPHS[n]}")
            if self.reference:
                out.append(f"{c} {VERIFICATION} {plain('verified' if key[0] == 0 else 'partial')}")
        self.body.append(f"{node} {CITATION} {c}")

    def seen_date(self, ordinal: int) -> None:
        """Widen the source's coverage to the day ``ordinal``."""
        if ordinal > self.latest:
            self.latest = ordinal
        if ordinal < self.earliest:
            self.earliest = ordinal

    def date(self, node: str, prop: str, ordinal: int, precision: int | None = None) -> None:
        """``node prop`` a date at ``precision`` (random if None), sometimes with a note on a partial date."""
        p = random_precision(self.rng) if precision is None else precision
        self.body.append(f"{node} {prop} {date_literal(ordinal, p)}")
        self.seen_date(ordinal)
        if p < 3 and self.rng.random() < 0.15:
            what = "the month" if p == 2 else "the year"
            self.body.append(f"{node} {DATE_NOTE} {en(f'Only {what} is given in this synthetic source.')}")

    def span(self, node: str, lo: int, p_start: float = 0.75, p_end: float = 0.25) -> None:
        """A start date (probability ``p_start``) and an end at least :data:`MIN_SPAN` days later."""
        rng = self.rng
        lo = max(lo, EARLIEST)
        start = rng.randint(lo, max(lo, LATEST - 30))
        if rng.random() < p_start:
            self.date(node, START, start)
        if rng.random() < p_end and start + MIN_SPAN < LATEST:
            self.date(node, END, rng.randint(start + MIN_SPAN, LATEST))

    def actor(self, i: int) -> str:
        """The IRI term of actor ``i``, noted as mentioned (so that the source declares it)."""
        self.mentioned_actors[i] = None
        return self.w.actors[i].iri

    def place(self, p: int) -> str:
        """The IRI term of place ``p``, noted as mentioned."""
        self.mentioned_places[p] = None
        return self.w.places[p].iri

    def war(self, t: int) -> str:
        """The IRI term of the war of theatre ``t``, noted as mentioned."""
        self.mentioned_wars[t] = None
        return self.w.theatres[t].war_iri

    def statement(
        self, cls: str, verb: str, s: int, o: int, *, unique: bool = False, roles: tuple[str, str] = (SUBJECT, OBJECT)
    ) -> str | None:
        """A binary statement ``s`` ``cls`` ``o`` with its citation; None if already made here."""
        if s < 0 or o < 0 or s == o or (cls, s, o) in self.seen:
            return None
        self.seen.add((cls, s, o))
        if cls in ("Support", "Designation"):
            self.targets.append((cls, o))
        w = self.w
        si, oi = w.actors[s].iri, w.actors[o].iri
        name = f"{local_id(si)}-{verb}-{local_id(oi)}"
        node = f"<{SYN_ST}{name}>" if unique else f"<{SYN_ST}{name}-s{self.j + 1}>"
        body = self.body
        body.append(f"{node} {A} {ck(cls)}")
        body.append(f"{node} {roles[0]} {self.actor(s)}")
        body.append(f"{node} {roles[1]} {self.actor(o)}")
        self.cite(node)
        self.statements += 1
        return node

    def lo(self, i: int) -> int:
        """Earliest plausible day for statements about actor ``i``: a few years before its war."""
        return self.w.theatres[self.w.actors[i].theatre].war_start - 3 * 365

    def blank_statement(self, cls: str, name: str) -> str:
        """A cited statement of class ``cls`` named ``name`` in this source, with no participants yet."""
        node = f"<{SYN_ST}{name}-s{self.j + 1}>"
        self.t(node, A, ck(cls))
        self.cite(node)
        self.statements += 1
        return node
