"""Kinds of statement as data: what the code does with each kind, read from the ontology in one place.

Each statement class of the ontology (``ck:Support``, ``ck:Hostility``...) carries annotations
that say how the rest of the code treats its statements (see ``ontology/conflict-kg.ttl``):

* ``ck:relationGroup``: the family it belongs to (``support``, ``membership``...);
* ``ck:polarity``: ``positive`` (ties its participants together: blocs, the + of balance) or
  ``negative`` (sets them against each other: the − of balance, fights between blocs);
* backing: its subject backs its object (backers and backed, backing chains, exposure) when the
  edge it derives is ``ck:backs`` or a sub-property of it (``rdfs:subPropertyOf``);
* ``ck:pageGroup`` and ``ck:inversePageGroup``: the group of an entity page that lists it, on the
  page of each participant; ``ck:displayOrder`` places it among the others;
* ``ck:displayColour``, ``ck:displayDashes``, ``ck:displayWidth``: how the explorer draws it (also
  given on ``ck:Claim``, drawn as a kind of its own);
* ``ck:phrase``, ``ck:inversePhrase``, ``ck:timelineColour``, ``ck:timelineSection``: how an actor's
  timeline words and colours its statements.

:func:`kinds` reads them once into a table of :class:`Kind`; entity pages, the service's lists and
links, the explorer's styles and legend, the actor timeline, the projection and the network
analytics all ask it, so a kind added to the ontology (and its shapes) is picked up everywhere with
no code change (``tests/test_kinds_as_data.py``).
This module belongs to the vocabulary layer: it reads the ontology files, never the store.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import rdflib
from rdflib.namespace import RDFS

from kg import ontology
from kg.errors import InvalidInput, LoadError
from kg.names import kebab
from kg.namespaces import CK

__all__ = [
    "POLARITIES",
    "Kind",
    "Style",
    "backing",
    "edge_kinds",
    "kind",
    "kinds",
    "names",
    "of_polarity",
    "page_groups",
    "styles",
]

_CK = rdflib.Namespace(CK)

#: The values ``ck:polarity`` may take.
POLARITIES = ("positive", "negative")


@dataclass(frozen=True)
class Style:
    """How the explorer draws the lines of a kind: a colour, a dash pattern (empty: solid), a width."""

    colour: str
    dashes: tuple[int, ...] = ()
    width: float = 1

    def options(self) -> dict[str, Any]:
        """vis-network's edge options (``color``, ``dashes``: a list or False, ``width``)."""
        return {"color": self.colour, "dashes": list(self.dashes) or False, "width": self.width}


@dataclass(frozen=True)
class Kind:
    """One kind of statement and what the code does with it, as the ontology says."""

    #: kebab-case name (``territorial-control``), the ``kind`` of relations and edges
    name: str
    #: the statement class
    iri: str
    #: English ``rdfs:label`` (``terrorist designation``)
    label: str
    #: ``ck:relationGroup`` (None: not given)
    group: str | None
    #: ``positive``, ``negative`` or None
    polarity: str | None
    #: its subject backs its object: the edge it derives is ``ck:backs`` or a sub-property of it
    backing: bool
    #: page group of the participant at the start of its edge (None: listed under "other")
    page_group: str | None
    #: page group of the participant at the end of its edge
    inverse_page_group: str | None
    #: ``ck:displayOrder`` (None: after every kind that has one)
    order: int | None
    #: how the explorer draws it (None: the explorer's fallback)
    style: Style | None
    #: the rule deriving its direct edge (None: it derives none, like a dissolution)
    edge: ontology.EdgeRule | None
    #: how it reads from the start of its edge (``backs {other}``) and from its end (None: as from the start)
    phrase: str | None = None
    inverse_phrase: str | None = None
    #: the colour of its bars on an actor's timeline, and the timeline's section (None: relations)
    timeline_colour: str | None = None
    timeline_section: str | None = None

    @property
    def page_groups(self) -> tuple[str, ...]:
        """Its page groups in display order: the inverse one first (what others do to an actor,
        then what the actor does)."""
        found = [g for g in (self.inverse_page_group, self.page_group) if g]
        return tuple(dict.fromkeys(found))


def _text(graph: rdflib.Graph, node: rdflib.URIRef, prop: rdflib.URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value).strip() or None


def _number(value: Any, where: str) -> int | float:
    number = value.toPython() if isinstance(value, rdflib.Literal) else value
    if isinstance(number, Decimal):
        number = float(number)
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise LoadError(f"{where} must be a number, not {value!r}")
    return number


def _style(graph: rdflib.Graph, cls: rdflib.URIRef) -> Style | None:
    colour = _text(graph, cls, _CK.displayColour)
    if colour is None:
        return None
    dashes = _text(graph, cls, _CK.displayDashes) or ""
    try:
        pattern = tuple(int(part) for part in dashes.split())
    except ValueError:
        raise LoadError(f"ck:displayDashes of {cls} must be whole numbers and spaces, not {dashes!r}") from None
    width = graph.value(cls, _CK.displayWidth)
    return Style(colour, pattern, 1 if width is None else _number(width, f"ck:displayWidth of {cls}"))


def _english(graph: rdflib.Graph, node: rdflib.URIRef, prop: rdflib.URIRef) -> str | None:
    """The English (or untagged) value of ``prop``, the smallest when there are several."""
    found = [str(v) for v in graph.objects(node, prop) if getattr(v, "language", None) in (None, "en")]
    return min(found) if found else None


def _label(graph: rdflib.Graph, cls: rdflib.URIRef) -> str:
    return _english(graph, cls, RDFS.label) or kebab(str(cls)).replace("-", " ")


def _kind(
    graph: rdflib.Graph, cls: rdflib.URIRef, rules: Mapping[str, ontology.EdgeRule], backing_edges: frozenset[str]
) -> Kind:
    polarity = _text(graph, cls, _CK.polarity)
    if polarity is not None and polarity not in POLARITIES:
        raise LoadError(f"ck:polarity of {cls} must be one of {', '.join(POLARITIES)}, not {polarity!r}")
    order = graph.value(cls, _CK.displayOrder)
    edge = rules.get(str(cls))
    return Kind(
        name=kebab(str(cls)),
        iri=str(cls),
        label=_label(graph, cls),
        group=_text(graph, cls, _CK.relationGroup),
        polarity=polarity,
        backing=edge is not None and edge.edge_property in backing_edges,
        page_group=_text(graph, cls, _CK.pageGroup),
        inverse_page_group=_text(graph, cls, _CK.inversePageGroup),
        order=None if order is None else int(_number(order, f"ck:displayOrder of {cls}")),
        style=_style(graph, cls),
        edge=edge,
        phrase=_english(graph, cls, _CK.phrase),
        inverse_phrase=_english(graph, cls, _CK.inversePhrase),
        timeline_colour=_text(graph, cls, _CK.timelineColour),
        timeline_section=_text(graph, cls, _CK.timelineSection),
    )


@functools.cache
def kinds() -> tuple[Kind, ...]:
    """Every kind of statement (each class below ``ck:Statement``), by display order, then name."""
    graph = ontology.ontology_graph()
    rules = {r.statement_class: r for r in ontology.edge_rules()}
    classes = sorted(ontology.subclasses(CK + "Statement") - {CK + "Statement"})
    backing_edges = frozenset(str(p) for p in graph.transitive_subjects(RDFS.subPropertyOf, _CK.backs))
    found = [_kind(graph, rdflib.URIRef(c), rules, backing_edges) for c in classes]
    return tuple(sorted(found, key=lambda k: (k.order is None, k.order or 0, k.name)))


@functools.cache
def _by_name() -> dict[str, Kind]:
    return {k.name: k for k in kinds()}


def kind(name: str) -> Kind | None:
    """The kind named ``name`` (``support``), None when the ontology has none."""
    return _by_name().get(name)


def names() -> tuple[str, ...]:
    """Names of every kind, in display order."""
    return tuple(_by_name())


@functools.cache
def edge_kinds() -> dict[str, ontology.EdgeRule]:
    """Kinds that derive a direct edge, by name, with their rule (in display order)."""
    return {k.name: k.edge for k in kinds() if k.edge is not None}


def of_polarity(polarity: str) -> tuple[str, ...]:
    """Names of the kinds of a polarity (``positive``: support, alliance...), in display order."""
    if polarity not in POLARITIES:
        raise InvalidInput(f"polarity must be one of {', '.join(POLARITIES)}, not {polarity!r}")
    return tuple(k.name for k in kinds() if k.polarity == polarity)


def backing() -> tuple[str, ...]:
    """Names of the kinds whose subject backs their object (``support``: their edge is ``ck:backs``
    or a sub-property of it), in display order."""
    return tuple(k.name for k in kinds() if k.backing)


@functools.cache
def page_groups() -> dict[str, tuple[str, ...]]:
    """The groups of an entity page that list statements, in display order, each with its kinds."""
    groups: dict[str, list[str]] = {}
    for k in kinds():
        for name in k.page_groups:
            groups.setdefault(name, []).append(k.name)
    return {name: tuple(members) for name, members in groups.items()}


@functools.cache
def styles() -> dict[str, Style]:
    """How the explorer draws each kind that has a style, by name; ``claim`` (``ck:Claim``) too."""
    found = {k.name: k.style for k in kinds() if k.style is not None}
    claim = _style(ontology.ontology_graph(), _CK.Claim)
    if claim is not None:
        found["claim"] = claim
    return found
