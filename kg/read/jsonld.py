"""The store as JSON-LD for readers: compacted with the project's context, without what only the service needs.

:meth:`kg.store.protocol.Store.export_to` writes every quad the store holds, as the engine expands it (full
IRIs, no ``@context``): a dump. This module writes the dataset a reader wants instead:

- compacted with the project's context (``ontology/context.jsonld``: the prefixes of
  :data:`kg.namespaces.PREFIXES` and a term for each property of the ontology), which the document
  references by its stable IRI, :data:`CONTEXT_IRI`; the service publishes the same file at that
  path (``/ontology/context.jsonld``), and a reader that cannot fetch it can load the file itself;
- still a dataset: each source is a named graph (``{"@id": source, "@graph": [...]}``);
- without the triples the loader writes for its own use (:data:`INTERNAL_PREDICATES`: search keys,
  content digests) unless ``internal=True``, and without the ontology's graph (classes, vocabularies,
  SHACL shapes) unless ``ontology=True``.

The loader's other derived triples (direct edges, as-of bounds) stay: they are part of the data
model, documented in the ontology and used by queries.

Each graph is compacted on its own (with rdflib) and written before the next one is read, so
memory holds one source at a time, not the whole store.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterable
from typing import Any, BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.plugins.shared.jsonld.keys import ID

from kg.errors import InvalidInput
from kg.namespaces import BASE, CK, ONTOLOGY_GRAPH
from kg.ontology import DERIVED_META, ONTOLOGY_DIR
from kg.store import JOURNAL, STAGING, Store

__all__ = [
    "CONTEXT_FILE",
    "CONTEXT_IRI",
    "INTERNAL_PREDICATES",
    "context",
    "context_document",
    "export_jsonld",
    "exported_graphs",
    "is_internal",
]

#: Where the project's JSON-LD context is published (the service serves it at this path).
CONTEXT_IRI = BASE + "ontology/context.jsonld"
#: The context in the repository (shipped with the package, next to the ontology's Turtle files).
CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"

#: Predicates the loader writes for the service itself, not facts: ``ck:searchKey`` (the folded
#: labels search compares with) and ``ck:contentDigest`` (a source file's hash, to skip reloading it).
INTERNAL_PREDICATES = frozenset(CK + name for name in DERIVED_META)


@functools.cache
def context_document() -> bytes:
    """The context file as published (``{"@context": {...}}``)."""
    return CONTEXT_FILE.read_bytes()


@functools.cache
def _context() -> dict[str, Any]:
    found = json.loads(context_document())["@context"]
    assert isinstance(found, dict)
    return found


def context() -> dict[str, Any]:
    """The project's context: the value of ``@context`` in the context file (a copy)."""
    return dict(_context())


def is_internal(graph: str) -> bool:
    """A graph that holds no source: a bulk load's staging graph or journal."""
    return graph.startswith((STAGING, JOURNAL))


def exported_graphs(
    store: Store, graph: str | None = None, *, internal: bool = False, ontology: bool = False
) -> list[str]:
    """The named graphs an export writes: ``graph`` alone (InvalidInput if the store has none of that
    name), else every source's graph, with the ontology's when ``ontology`` and a bulk load's
    staging graphs and journals (there only while one runs) when ``internal``."""
    if graph is not None:
        if not store.contains_graph(graph):
            raise InvalidInput(f"no graph {graph}")
        return [graph]
    return [g for g in store.named_graphs() if (ontology or g != ONTOLOGY_GRAPH) and (internal or not is_internal(g))]


def _rdflib_graph(name: str, triples: Iterable[ox.Triple], internal: bool) -> rdflib.Graph:
    kept = [t for t in triples if internal or t.predicate.value not in INTERNAL_PREDICATES]
    data = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None
    return rdflib.Graph(identifier=rdflib.URIRef(name)).parse(data=data, format="nt")


class _Converter(Converter):
    """rdflib's RDF to JSON-LD converter, compacting with a context, with one fault mended: a blank node
    that is the value of a term typed ``@id`` (``"citation": "_:b0"``) was written as a reference only,
    its own triples lost. Literals keep their lexical form (no native JSON numbers or booleans)."""

    def __init__(self, context: Context) -> None:
        super().__init__(context, use_native_types=False, use_rdf_type=False)
        self.use_native_types = False  # the parent turns them on whenever a context is active
        self._graph = rdflib.Graph()
        self._nodemap: dict[Any, Any] = {}

    def from_graph(self, graph: rdflib.Graph) -> list[Any]:
        self._graph, self._nodemap = graph, {}
        for s in set(graph.subjects()):
            # IRIs and unreferenced blank nodes; the others are written where they are referenced
            if isinstance(s, rdflib.URIRef) or (isinstance(s, rdflib.BNode) and not any(graph.subjects(None, s))):
                self.process_subject(graph, s, self._nodemap)
        return list(self._nodemap.values())

    def type_coerce(self, o: Any, coerce_type: str) -> Any:
        if coerce_type == ID and isinstance(o, rdflib.BNode):
            self.process_subject(self._graph, o, self._nodemap)
        return super().type_coerce(o, coerce_type)


def _nodes(graph: rdflib.Graph) -> list[Any]:
    """The graph's node objects, compacted with the project's context."""
    return _Converter(Context(_context())).from_graph(graph)


def export_jsonld(
    store: Store,
    output: BinaryIO,
    graph: str | None = None,
    *,
    internal: bool = False,
    ontology: bool = False,
    inline_context: bool = False,
) -> None:
    """Write the store's sources (or the one named graph ``graph``) to ``output`` as compacted JSON-LD:
    ``{"@context": CONTEXT_IRI, "@graph": [{"@id": <source>, "@graph": [<nodes>]}, ...]}``.

    ``internal``: keep the loader's internal triples (:data:`INTERNAL_PREDICATES`) and a bulk load's
    working graphs; ``ontology``: add the ontology's graph (classes, vocabularies and shapes);
    ``inline_context``: write the context itself instead of its address, for a file read offline (a
    processor that cannot fetch the published context can still expand it).
    InvalidInput when ``graph`` is not in the store.
    """
    graphs = exported_graphs(store, graph, internal=internal, ontology=ontology)
    text = io.TextIOWrapper(output, encoding="utf-8", newline="\n", write_through=True)
    try:
        head = json.dumps(_context() if inline_context else CONTEXT_IRI, ensure_ascii=False)
        text.write('{"@context": ' + head + ', "@graph": [')
        for i, name in enumerate(graphs):
            nodes = _nodes(_rdflib_graph(name, store.triples(name), internal))
            text.write(",\n" if i else "\n")
            json.dump({"@id": _compact_iri(name), "@graph": nodes}, text, ensure_ascii=False)
        text.write("\n]}\n")
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open


def _compact_iri(iri: str) -> str:
    """``iri`` as a prefixed name of the context where one prefix fits (``src:uk-proscription``)."""
    for prefix, namespace in _context().items():
        if isinstance(namespace, str) and iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + ":" + iri[len(namespace) :]
    return iri
