"""The ontology as data: files in ``ontology/`` read once, and the rules the loader derives from.

Each statement class names, through ``ck:derivesEdge``, the direct edge the loader derives from
its statements; this module turns those descriptions into :class:`EdgeRule` objects, so adding a
statement kind to the ontology needs no code change.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import LoadError
from kg.names import kebab
from kg.namespaces import CK

__all__ = [
    "ONTOLOGY_DIR",
    "ONTOLOGY_ENV",
    "EdgeRule",
    "actor_types",
    "claim_kinds",
    "class_names",
    "concept_names",
    "derived_properties",
    "edge_rules",
    "ontology_files",
    "ontology_graph",
    "shapes_graph",
    "subclasses",
]


#: Environment variable naming another directory of ontology files to use instead of the bundled
#: one (read once, when :mod:`kg` is imported): an ontology with a kind of statement added, say.
ONTOLOGY_ENV = "KG_ONTOLOGY"


def _find_dir() -> Path:
    chosen = os.environ.get(ONTOLOGY_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser().resolve()
        if not (path / "conflict-kg.ttl").is_file() or not (path / "shapes.ttl").is_file():
            raise LoadError(f"{ONTOLOGY_ENV}={chosen}: no conflict-kg.ttl and shapes.ttl in that directory")
        return path
    here = Path(__file__).resolve().parent
    for candidate in (here / "ontology_files", here.parent / "ontology"):
        if (candidate / "conflict-kg.ttl").is_file():
            return candidate
    raise FileNotFoundError("ontology files not found next to the kg package")


ONTOLOGY_DIR = _find_dir()
_CK = rdflib.Namespace(CK)

#: Properties the loader writes; a data file that contains one is rejected.
DERIVED_BOUNDS = ("earliestStart", "latestStart", "earliestEnd", "latestEnd")
DERIVED_META = ("searchKey", "contentDigest")


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology, its vocabularies and its shapes."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl"))


@functools.cache
def ontology_graph() -> rdflib.Graph:
    """Classes, properties and vocabularies (not the shapes), parsed once."""
    graph = rdflib.Graph()
    for path in ontology_files():
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    return graph


@functools.cache
def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes, parsed once."""
    return rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@dataclass(frozen=True)
class EdgeRule:
    """How a direct edge is derived from the statements of one class."""

    statement_class: str
    edge_property: str
    from_role: str
    to_role: str
    symmetric: bool
    group: str | None


@functools.cache
def edge_rules() -> tuple[EdgeRule, ...]:
    """Every ``ck:derivesEdge`` description of the ontology."""
    graph = ontology_graph()
    rules = []
    for cls, desc in graph.subject_objects(_CK.derivesEdge):
        prop = graph.value(desc, _CK.edgeProperty)
        rules.append(
            EdgeRule(
                statement_class=str(cls),
                edge_property=str(prop),
                from_role=str(graph.value(desc, _CK.fromRole)),
                to_role=str(graph.value(desc, _CK.toRole)),
                symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
                group=str(graph.value(cls, _CK.relationGroup) or "") or None,
            )
        )
    return tuple(sorted(rules, key=lambda r: r.statement_class))


@functools.cache
def subclasses(cls: str) -> frozenset[str]:
    """``cls`` and every class below it in the ontology."""
    graph = ontology_graph()
    return frozenset(str(c) for c in graph.transitive_subjects(RDFS.subClassOf, rdflib.URIRef(cls)))


def class_names(cls: str) -> list[str]:
    """Kebab-case names of the strict subclasses of ``cls`` (``ck:ArmedGroup`` → ``armed-group``)."""
    return sorted(kebab(c) for c in subclasses(cls) if c != cls)


def actor_types() -> list[str]:
    """Names of the kinds of actor (``armed-group``, ``state``...): the subclasses of ``ck:Actor``."""
    return class_names(CK + "Actor")


def claim_kinds() -> list[str]:
    """Names of the kinds of claim (``attribution``, ``promise``...), without their ``-claim`` suffix."""
    return concept_names(CK + "ClaimKind", "-claim")


def concept_names(cls: str, suffix: str = "") -> list[str]:
    """Kebab-case names of the vocabulary concepts typed ``cls``, without ``suffix``."""
    graph = ontology_graph()
    return sorted(kebab(str(c)).removesuffix(suffix) for c in graph.subjects(RDF.type, rdflib.URIRef(cls)))


@functools.cache
def derived_properties() -> frozenset[str]:
    """Every property the loader writes and authors must not."""
    names = [CK + n for n in DERIVED_BOUNDS + DERIVED_META]
    return frozenset(names + [r.edge_property for r in edge_rules()])
