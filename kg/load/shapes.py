"""The SHACL shapes compiled to plain Python checks, for validating many sources quickly.

pySHACL (the reference validator of :func:`kg.load.loader.validate`) spends most of a second on each
source, which rules it out for loads of thousands of sources; the other Python SHACL engines
tried were either no faster per source or changed literals on the way in. This module reads
``ontology/shapes.ttl`` once and turns each shape into
checks over one source's triples, indexed by subject (the same index the loader derives from).

It implements the SHACL Core features the shapes use, with the meaning pySHACL gives them when
the ontology is merged into the data graph:

* targets: ``sh:targetClass`` (with the ontology's subclasses) and ``sh:targetObjectsOf``;
* property shapes with a single-predicate ``sh:path``;
* ``sh:minCount``, ``sh:maxCount``, ``sh:datatype`` (ill-formed literals fail, as in pySHACL),
  ``sh:nodeKind``, ``sh:pattern``, ``sh:class`` (types from the source and the ontology),
  ``sh:in``, ``sh:uniqueLang``, ``sh:node``, ``sh:or``, ``sh:not``, ``sh:property``;
* ``sh:message`` as the result message, the owning node shape as the reported shape.

A shape that uses anything else makes :class:`CompiledShapes` raise when it is built, so a new
kind of constraint in the shapes file can never be skipped silently. The tests check that this
module and pySHACL report the same violations on invalid sources.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg import ontology
from kg.errors import Violation
from kg.namespaces import CK

__all__ = ["CompiledShapes", "Index", "compiled_shapes", "index_triples"]

#: One source's triples by subject and predicate IRI.
Index = Mapping[ox.NamedNode | ox.BlankNode, Mapping[str, list]]

_TYPE = str(RDF.type)
_LANGSTRING = str(RDF.langString)
_IGNORED = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group}
_PROPERTY_PARAMS = {SH.path, SH.message}
_CONSTRAINTS = {
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH["class"],
    SH["in"],
    SH.uniqueLang,
    SH.node,
    SH["or"],
    SH["not"],
    SH.property,
}
_TARGETS = {SH.targetClass, SH.targetObjectsOf}

_TZ = r"(Z|[+-]\d\d:\d\d)?"
_YEAR = r"-?(\d{4}|[1-9]\d{4,})"
_LEXICAL: dict[str, Callable[[str], object]] = {
    str(XSD.boolean): re.compile(r"true|false|1|0").fullmatch,
    str(XSD.integer): re.compile(r"[+-]?\d+").fullmatch,
    str(XSD.positiveInteger): lambda s: re.fullmatch(r"\+?\d+", s) is not None and int(s) > 0,
    str(XSD.gYear): re.compile(_YEAR + _TZ).fullmatch,
    # Any two-digit month, as rdflib (and so pySHACL) accepts; the loader's date rule refuses 13.
    str(XSD.gYearMonth): re.compile(_YEAR + r"-\d\d" + _TZ).fullmatch,
}
_DATE = re.compile(_YEAR + r"-(\d\d)-(\d\d)" + _TZ)


def _is_date(lexical: str) -> bool:
    m = _DATE.fullmatch(lexical)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year if year > 0 else 2000, month)[1]


_LEXICAL[str(XSD.date)] = _is_date


def _datatype_ok(value: object, datatype: str) -> bool:
    if not isinstance(value, ox.Literal):
        return False
    if datatype == _LANGSTRING:
        return value.language is not None
    if value.datatype.value != datatype:
        return False
    check = _LEXICAL.get(datatype)
    return check is None or bool(check(value.value))


_NODE_KINDS = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


def _local(iri: rdflib.term.Node) -> str:
    return str(iri).removeprefix(str(SH))


def _term(node: rdflib.term.Node) -> object:
    """An rdflib term of the shapes graph as the pyoxigraph term data is compared with."""
    if isinstance(node, rdflib.Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
    return ox.NamedNode(str(node))


def _text(node: object) -> str:
    """A node as pySHACL's report shows it: the IRI, the lexical form or the blank node id."""
    return node.value if isinstance(node, ox.NamedNode | ox.BlankNode | ox.Literal) else str(node)


@dataclass
class _Shape:
    name: str
    path: str | None = None
    message: str | None = None
    #: (parameter's local name, value) pairs, in a fixed order.
    constraints: list[tuple[str, Any]] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_objects_of: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Result:
    focus: object
    shape: str
    message: str
    path: str | None
    value: object | None


class CompiledShapes:
    """The shapes of a SHACL graph as checks over one source's indexed triples."""

    def __init__(self, shapes: rdflib.Graph, types: Mapping[str, frozenset[str]], subclasses: Callable) -> None:
        self._graph = shapes
        self._types = types  # rdf:type values of the ontology's own nodes (vocabulary concepts)
        self._subclasses = subclasses
        self._shapes: dict[rdflib.term.Node, _Shape] = {}
        self._targeting: dict[frozenset[str], tuple[_Shape, ...]] = {}
        roots = {s for p in _TARGETS for s in shapes.subjects(p, None)}
        self.roots = [self._compile(s) for s in sorted(roots, key=str)]

    # -- compiling ---------------------------------------------------------------------------

    def _name(self, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.BNode):
            owner = self._graph.value(predicate=SH.property, object=node)
            if owner is not None:
                node = owner
        return self._graph.namespace_manager.normalizeUri(node) if isinstance(node, rdflib.URIRef) else str(node)

    def _compile(self, node: rdflib.term.Node) -> _Shape:
        if node in self._shapes:
            return self._shapes[node]
        shape = self._shapes[node] = _Shape(self._name(node))
        g = self._graph
        for p, o in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if p in _IGNORED:
                continue
            if p == SH.path:
                if not isinstance(o, rdflib.URIRef):
                    raise NotImplementedError(f"shape {shape.name}: only single-predicate sh:path is supported")
                shape.path = str(o)
            elif p == SH.message:
                shape.message = str(o)
            elif p == SH.targetClass:
                shape.target_classes.append(str(o))
            elif p == SH.targetObjectsOf:
                shape.target_objects_of.append(str(o))
            elif p in (SH.minCount, SH.maxCount):
                shape.constraints.append((_local(p), int(str(o))))
            elif p in (SH.datatype, SH["class"]):
                shape.constraints.append((_local(p), str(o)))
            elif p == SH.nodeKind:
                shape.constraints.append(("nodeKind", _NODE_KINDS[rdflib.URIRef(str(o))]))
            elif p == SH.pattern:
                flags = re.IGNORECASE if "i" in str(g.value(node, SH.flags) or "") else 0
                shape.constraints.append(("pattern", re.compile(str(o), flags)))
            elif p == SH.flags:
                continue  # read with sh:pattern
            elif p == SH["in"]:
                shape.constraints.append(("in", frozenset(_term(v) for v in rdflib.collection.Collection(g, o))))
            elif p == SH.uniqueLang:
                if str(o) == "true":
                    shape.constraints.append(("uniqueLang", True))
            elif p in (SH.node, SH["not"], SH.property):
                shape.constraints.append((_local(p), self._compile(o)))
            elif p == SH["or"]:
                shape.constraints.append(("or", [self._compile(m) for m in rdflib.collection.Collection(g, o)]))
            else:
                raise NotImplementedError(f"shape {shape.name}: SHACL parameter {p} is not supported here")
        return shape

    # -- checking ----------------------------------------------------------------------------

    def targeting(self, types: frozenset[str]) -> tuple[_Shape, ...]:
        """The shapes whose ``sh:targetClass`` takes a node of these types."""
        found = self._targeting.get(types)
        if found is None:
            found = self._targeting[types] = tuple(
                shape for shape in self.roots if any(types & self._subclasses(c) for c in shape.target_classes)
            )
        return found

    def check(self, index: Index) -> list[Violation]:
        """Every violation of the shapes by one source (its triples indexed by subject)."""
        return self.with_hints(_Check(self, index).run(), index)

    def with_hints(self, violations: list[Violation], index: Index) -> list[Violation]:
        """``violations`` with a way to fix each added to its message, where one is known.

        So far: a value that must be of a class (``sh:class``) and is not. Either the source
        never declares it (each source declares the entities it mentions, even those other
        sources declare), or it declares it with another type. Both validators' reports go
        through this, so they stay the same (:mod:`tests.test_shapes_parity`).
        """
        return [self._hinted(v, index) for v in violations]

    def _hinted(self, violation: Violation, index: Index) -> Violation:
        wanted = _CLASS_IN_MESSAGE.search(violation.message)
        value = violation.value
        if wanted is None or value is None or not _IRI.match(value) or violation.path is None:
            return violation
        node = ox.NamedNode(value)
        props = index.get(node)
        declared = {t.value for t in props.get(_TYPE, ()) if isinstance(t, ox.NamedNode)} if props else set()
        cls = CK + wanted.group(1)
        if declared:
            types = ", ".join(sorted(_short(t) for t in declared))
            hint = (
                f"{value} is declared in this file as {types}, not as a ck:{wanted.group(1)}: "
                f"fix its type or the {_short(violation.path)} value"
            )
        elif value in self._types:
            types = ", ".join(sorted(_short(t) for t in self._types[value]))
            hint = f"{value} is a {types} of the ontology, not a ck:{wanted.group(1)}"
        else:
            examples = sorted(_short(c) for c in self._subclasses(cls) if c != cls)[:3]
            such_as = f" or a subclass such as {', '.join(examples)}" if examples else ""
            hint = (
                f"{value} is not declared in this file: declare it here with its type "
                f"(a ck:{wanted.group(1)}{such_as}) and a skos:prefLabel; each source declares "
                "the entities it mentions, even those another source declares"
            )
        return dataclasses.replace(violation, message=f"{violation.message}; {hint}")


class _Check:
    """One source checked against compiled shapes (node types are looked up once)."""

    def __init__(self, shapes: CompiledShapes, index: Index) -> None:
        self.shapes = shapes
        self.index = index
        self.subclasses = shapes._subclasses
        self._types: dict[object, set[str]] = {}

    def types_of(self, node: object) -> set[str]:
        found = self._types.get(node)
        if found is None:
            props = self.index.get(node)  # type: ignore[call-overload]
            found = {t.value for t in props.get(_TYPE, ()) if isinstance(t, ox.NamedNode)} if props else set()
            if isinstance(node, ox.NamedNode):
                found |= self.shapes._types.get(node.value, frozenset())
            self._types[node] = found
        return found

    def run(self) -> list[Violation]:
        report: list[_Result] = []
        for subject in self.index:
            for shape in self.shapes.targeting(frozenset(self.types_of(subject))):
                self.results(shape, subject, report)
        for shape in self.shapes.roots:
            for prop in shape.target_objects_of:
                focus_nodes = (v for props in self.index.values() for v in props.get(prop, ()))
                for focus in dict.fromkeys(focus_nodes):
                    self.results(shape, focus, report)
        return [
            Violation(
                focus=_text(r.focus),
                shape=r.shape,
                message=r.message,
                path=r.path,
                value=_text(r.value) if r.value is not None else None,
            )
            for r in report
        ]

    def results(self, shape: _Shape, focus: object, report: list[_Result] | None) -> bool:
        """Check ``focus`` against ``shape``; True when it conforms. Results go to ``report``."""
        if shape.path is None:
            values = [focus]
        elif isinstance(focus, ox.Literal):
            values = []
        else:
            props = self.index.get(focus)  # type: ignore[call-overload]
            values = props.get(shape.path, []) if props else []
        ok = True
        for kind, arg in shape.constraints:
            if kind == "property":
                for value in values:
                    ok = self.results(arg, value, report) and ok
                continue
            if kind == "minCount":
                failed: list[object | None] = [None] if len(values) < arg else []
            elif kind == "maxCount":
                failed = [None] if len(values) > arg else []
            elif kind == "uniqueLang":
                langs = [v.language for v in values if isinstance(v, ox.Literal) and v.language]
                failed = [None for x in sorted(set(langs)) if langs.count(x) > 1]
            else:
                failed = [v for v in values if not self.value_ok(kind, arg, v)]
            if failed:
                ok = False
                if report is None:
                    return False
                message = shape.message or "violates the shape"
                report.extend(_Result(focus, shape.name, message, shape.path, v) for v in failed)
        return ok

    def value_ok(self, kind: str, arg: Any, value: object) -> bool:
        if kind == "datatype":
            return _datatype_ok(value, arg)
        if kind == "class":
            return not isinstance(value, ox.Literal) and not self.types_of(value).isdisjoint(self.subclasses(arg))
        if kind == "nodeKind":
            return isinstance(value, arg)
        if kind == "pattern":
            return not isinstance(value, ox.BlankNode) and arg.search(_text(value)) is not None
        if kind == "in":
            return value in arg
        if kind == "node":
            return self.results(arg, value, None)
        if kind == "not":
            return not self.results(arg, value, None)
        if kind == "or":
            return any(self.results(m, value, None) for m in arg)
        raise AssertionError(kind)


#: The class a value must have, in a shape's message ("... that is a ck:Actor", "must be a ck:Place").
_CLASS_IN_MESSAGE = re.compile(r"(?:that is|must be)(?: an?| one)? ck:(\w+)\b")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def _short(iri: str) -> str:
    """``ck:Name`` for an IRI of the ontology, else the IRI."""
    return "ck:" + iri.removeprefix(CK) if iri.startswith(CK) else iri


def index_triples(triples: Iterable[ox.Triple] | Iterable[ox.Quad]) -> dict:
    """``{subject: {predicate IRI: [objects]}}`` of some triples."""
    index: dict = {}
    for t in triples:
        props = index.get(t.subject)
        if props is None:
            props = index[t.subject] = {}
        values = props.get(t.predicate.value)
        if values is None:
            props[t.predicate.value] = [t.object]
        else:
            values.append(t.object)
    return index


@functools.cache
def compiled_shapes() -> CompiledShapes:
    """The project's shapes (``ontology/shapes.ttl``), compiled once."""
    graph = ontology.ontology_graph()
    types: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef):
            types.setdefault(str(s), set()).add(str(o))
    return CompiledShapes(ontology.shapes_graph(), {k: frozenset(v) for k, v in types.items()}, ontology.subclasses)
