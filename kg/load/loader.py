"""Loading: parse a source file, validate it, derive what is derived, write it atomically.

A data file is one source: a TriG (or N-Quads) file with exactly one named graph, named by the
IRI of the ``ck:Source`` it describes, or a Turtle file describing exactly one ``ck:Source``.

Steps, in order; the first failure raises and nothing is written:

1. parse (syntax errors name the file and position);
2. structural rules: one graph, described as a source; no hand-written derived triples; an end
   date's range (``ck:endNotBefore``/``ck:endNotAfter``) lies within it;
3. SHACL validation against ``ontology/shapes.ttl`` (with the ontology's class hierarchy);
4. derivation: direct edges from statement nodes (rules from ``ck:derivesEdge``), the as-of
   bounds of every dated node (:mod:`kg.timeline`, narrowed by an end's range), search keys,
   the file's digest;
5. the rules across sources (:mod:`kg.load.checks`), against the store's other sources;
6. one transaction replaces the source's graph(s).

Loading an unchanged file again is skipped (its digest is stored in its graph), so loading is
idempotent: ``make serve`` twice never duplicates data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from kg import ontology
from kg.errors import InvalidInput, LoadError, StoreError, ValidationFailed, Violation
from kg.load.checks import incoming_defects
from kg.load.limits import InputLimits, LimitedReader, parse_limited
from kg.load.shapes import Index, compiled_shapes, index_triples
from kg.namespaces import CK, DCTERMS, ONTOLOGY_GRAPH, RDF, SKOS
from kg.store import JOURNAL, STAGING, Store, connect
from kg.terms import date_literal
from kg.text import search_key
from kg.timeline import Bounds, PartialDate

__all__ = [
    "LoadResult",
    "ParsedSource",
    "bundled_data_files",
    "derive",
    "ensure_ontology",
    "load_files",
    "loader_violations",
    "open_store",
    "read_source",
    "remove_source",
    "stored_digest",
    "validate",
]

#: Bumped when derivation changes, so that unchanged files are derived again.
LOADER_VERSION = "2"

_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE}
_TYPE = RDF + "type"
_START_PROPS = [CK + p for p in ("startDate", "effectiveDate", "listedDate", "date", "announcedDate")]
_END_PROP = CK + "endDate"
#: The first and last day of the range of days an end date is known to fall in (when no xsd date
#: denotes it, e.g. "10 or 11 November"): they narrow the as-of bounds of ``ck:endDate``.
_END_NOT_BEFORE, _END_NOT_AFTER = CK + "endNotBefore", CK + "endNotAfter"
_DATE_PROPS = frozenset([*_START_PROPS, _END_PROP, _END_NOT_BEFORE, _END_NOT_AFTER])
RDF_TYPE = rdflib.RDF.type
_LABEL_PROPS = {SKOS + "prefLabel", SKOS + "altLabel", DCTERMS + "title", CK + "summary"}


@dataclass
class ParsedSource:
    """A parsed data file: its source (graph) IRI and triples, before derivation."""

    file: str
    graph: str
    triples: list[ox.Triple]
    digest: str


@dataclass(frozen=True)
class LoadResult:
    file: str
    source: str
    triples: int
    derived: int
    skipped: bool


def _digest(data: bytes) -> str:
    return _finish_digest(hashlib.sha256(data))


def _finish_digest(h: Any) -> str:
    """The digest of a file whose bytes ``h`` (a sha256) has read: with the loader's version, the ontology."""
    h.update(LOADER_VERSION.encode())
    for path in ontology.ontology_files():
        h.update(path.read_bytes())
    return h.hexdigest()


def read_source(path: str | Path, *, limits: InputLimits | None = None) -> ParsedSource:
    """Parse a data file and check that it holds exactly one source's graph.

    The file is read within ``limits`` (line length, expansion; default:
    :meth:`InputLimits.from_env`, see :mod:`kg.load.limits`).
    """
    path = Path(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (use .trig, .nq or .ttl)")
    limits = limits or InputLimits.from_env()
    triples: list[ox.Triple] = []
    graphs: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = set()
    try:
        with path.open("rb") as file:
            reader = LimitedReader(path, file, limits.max_line_bytes)
            last = None
            for quad in parse_limited(reader, fmt, limits):
                if quad.graph_name != last:
                    last = quad.graph_name
                    graphs.add(last)
                triples.append(quad.triple)
            reader.drain()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}") from None
    except SyntaxError as exc:
        raise LoadError(f"{path}: syntax error: {exc}") from None
    except MemoryError:
        triples.clear()
        raise LoadError(f"{path}: out of memory while reading it; nothing was loaded") from None
    source_class = ontology.subclasses(CK + "Source")
    graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | ox.Triple
    if fmt is ox.RdfFormat.TURTLE:
        sources = {
            t.subject
            for t in triples
            if t.predicate.value == _TYPE and isinstance(t.object, ox.NamedNode) and t.object.value in source_class
        }
        if len(sources) != 1:
            raise LoadError(f"{path}: a Turtle file must describe exactly one ck:Source, found {len(sources)}")
        graph = next(iter(sources))
    else:
        if ox.DefaultGraph() in graphs:
            raise LoadError(f"{path}: triples outside a named graph; put them in the source's graph")
        if len(graphs) != 1:
            names = ", ".join(sorted(_name(g) for g in graphs))
            raise LoadError(
                f"{path}: a data file holds exactly one named graph (one source), found {len(graphs)}: {names}"
            )
        graph = next(iter(graphs))
    return ParsedSource(str(path), source_graph(path, graph), triples, _finish_digest(reader.sha256))


def source_graph(path: str | Path, graph: object) -> str:
    """The name of a source's graph read from ``path``; :class:`LoadError` for what cannot name a
    source: the default graph, a blank node, or a name the store keeps for itself (the ontology's
    graph, a bulk load's staging graphs and journals, which a store drops when it opens)."""
    if isinstance(graph, ox.DefaultGraph):
        raise LoadError(f"{path}: triples outside a named graph; put them in the source's graph")
    if not isinstance(graph, ox.NamedNode):
        raise LoadError(f"{path}: the source must be named by an IRI, not a blank node")
    if graph.value == ONTOLOGY_GRAPH:
        raise LoadError(f"{path}: the graph {ONTOLOGY_GRAPH} is reserved for the ontology")
    if graph.value.startswith((STAGING, JOURNAL)):
        raise LoadError(f"{path}: graph names starting {STAGING} or {JOURNAL} are reserved for bulk loads")
    return graph.value


def _name(term: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | ox.Triple) -> str:
    """A node as reports show it: the plain IRI, or _:label for a blank node."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


class _QuietLiterals(logging.Filter):
    """Drops rdflib's "Failed to convert Literal lexical form to value" records (a warning with a
    traceback, printed on stderr when logging is not configured) in the threads copying a source
    into rdflib: the loader reports such a literal itself (the date rule, ``sh:datatype``), with
    its node and property."""

    def __init__(self) -> None:
        super().__init__()
        self.active = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        quiet = getattr(self.active, "depth", 0) > 0
        return not (quiet and str(record.msg).startswith("Failed to convert Literal lexical form"))


_QUIET_LITERALS = _QuietLiterals()
logging.getLogger("rdflib.term").addFilter(_QUIET_LITERALS)


@contextlib.contextmanager
def _quiet_literals() -> Iterator[None]:
    _QUIET_LITERALS.active.depth = getattr(_QUIET_LITERALS.active, "depth", 0) + 1
    try:
        yield
    finally:
        _QUIET_LITERALS.active.depth -= 1


def _to_rdflib(triples: Sequence[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    with _quiet_literals():
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def _shape_name(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """A readable name for a shape: the node shape that owns an anonymous property shape."""
    if isinstance(shape, rdflib.BNode):
        owner = shapes.value(predicate=SH.property, object=shape)
        if owner is not None:
            shape = owner
    return shapes.namespace_manager.normalizeUri(shape) if isinstance(shape, rdflib.URIRef) else str(shape)


def validate(parsed: ParsedSource) -> list[Violation]:
    """Every reason ``parsed`` cannot be loaded (empty when it is valid), checked with pySHACL."""
    violations = loader_violations(parsed) + _shacl_violations(parsed.triples)
    return sorted(violations, key=lambda v: (v.focus, v.shape, v.message))


def loader_violations(parsed: ParsedSource) -> list[Violation]:
    """The loader's own rules (no derived triples, the graph is a source, dates are valid)."""
    violations: list[Violation] = []
    derived = ontology.derived_properties()
    source_classes = ontology.subclasses(CK + "Source")
    described = False
    for t in parsed.triples:
        prop = t.predicate.value
        if prop in derived:
            violations.append(Violation(_name(t.subject), "loader:derived", "derived property written by hand", prop))
        elif prop == _TYPE:
            described = described or (
                isinstance(t.subject, ox.NamedNode)
                and t.subject.value == parsed.graph
                and isinstance(t.object, ox.NamedNode)
                and t.object.value in source_classes
            )
        elif prop in _DATE_PROPS and isinstance(t.object, ox.Literal):
            try:
                PartialDate.from_literal(t.object.value, t.object.datatype.value)
            except InvalidInput as exc:
                violations.append(Violation(_name(t.subject), "loader:date", str(exc), prop, t.object.value))
    if not described:
        violations.append(
            Violation(parsed.graph, "loader:source", "the graph's name must be described in it as a ck:Source")
        )
    return violations + _end_range_violations(parsed.triples)


def _end_range_violations(triples: Iterable[ox.Triple]) -> list[Violation]:
    """``ck:endNotBefore``/``ck:endNotAfter`` narrow the ``ck:endDate`` of the same node in the same
    source: both lie within its period, in order."""
    ranges: dict[Any, dict[str, list[ox.Literal]]] = {}
    for t in triples:
        if t.predicate.value in (_END_PROP, _END_NOT_BEFORE, _END_NOT_AFTER) and isinstance(t.object, ox.Literal):
            ranges.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    violations: list[Violation] = []
    for subject, props in ranges.items():
        if _END_NOT_BEFORE not in props and _END_NOT_AFTER not in props:
            continue
        try:
            end = _date(props.get(_END_PROP, []))
            low, high = (_date(props.get(p, [])) for p in (_END_NOT_BEFORE, _END_NOT_AFTER))
        except InvalidInput:
            continue  # reported by the date rule
        if end is None:
            message = "ck:endNotBefore/ck:endNotAfter narrow a ck:endDate: give the end date too"
            violations.append(Violation(_name(subject), "loader:end-range", message))
            continue
        for prop, day in ((_END_NOT_BEFORE, low), (_END_NOT_AFTER, high)):
            if day is not None and not end.first_day <= day.first_day <= end.last_day:
                message = f"must lie within the period of ck:endDate {end}"
                violations.append(Violation(_name(subject), "loader:end-range", message, prop, str(day)))
        if low is not None and high is not None and low > high:
            message = f"ck:endNotBefore {low} is after ck:endNotAfter {high}"
            violations.append(Violation(_name(subject), "loader:end-range", message))
    return violations


def _shacl_violations(triples: Sequence[ox.Triple]) -> list[Violation]:
    """The SHACL shapes, checked by pySHACL (the reference; :mod:`kg.load.shapes` is the fast twin)."""
    violations: list[Violation] = []
    shapes = ontology.shapes_graph()
    # The ontology (classes and vocabulary concepts) is added to the data graph so that
    # sh:class sees the class hierarchy and the concepts' types.
    with _quiet_literals():  # pySHACL copies the data graph: its literals are converted again
        data = _to_rdflib(triples)
        data += ontology.ontology_graph()
        conforms, report, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    if not conforms:
        # A result's sh:detail results (why a value fails an sh:node shape) repeat the finding
        # with the value as focus node and a generated message: only the result itself counts.
        details = set(report.objects(None, SH.detail))
        for result in report.subjects(RDF_TYPE, SH.ValidationResult):
            if result in details:
                continue
            value = report.value(result, SH.value)
            path = report.value(result, SH.resultPath)
            violations.append(
                Violation(
                    focus=str(report.value(result, SH.focusNode)),
                    shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
                    message=str(report.value(result, SH.resultMessage) or "violates the shape"),
                    path=str(path) if isinstance(path, rdflib.URIRef) else None,
                    value=str(value) if value is not None else None,
                )
            )
    return compiled_shapes().with_hints(violations, index_triples(triples)) if violations else violations


def _date(values: list) -> PartialDate | None:
    for value in values:
        if isinstance(value, ox.Literal):
            return PartialDate.from_literal(value.value, value.datatype.value)
    return None


@functools.lru_cache(maxsize=4096)
def _rules_for(types: frozenset[str]) -> tuple[tuple[ontology.EdgeRule, ox.NamedNode], ...]:
    """The edge rules (and edges) whose statement class is among ``types`` (or above one of them)."""
    rules = ontology.edge_rules()
    return tuple((r, ox.NamedNode(r.edge_property)) for r in rules if types & ontology.subclasses(r.statement_class))


#: (attribute of :class:`Bounds`, property) of the derived as-of bounds.
_BOUND_PROPS = [
    (name, ox.NamedNode(CK + "".join(w.capitalize() if i else w for i, w in enumerate(name.split("_")))))
    for name in ("earliest_start", "latest_start", "earliest_end", "latest_end")
]
_SEARCH_KEY = ox.NamedNode(CK + "searchKey")


#: Labels recur across sources (each declares the actors it mentions): fold each once.
_search_key = functools.lru_cache(maxsize=1 << 16)(search_key)


def derive(parsed: ParsedSource, index: Index | None = None) -> list[ox.Triple]:
    """The triples the loader adds to a valid source: edges, as-of bounds, search keys, digest.

    ``index`` is ``parsed.triples`` indexed by :func:`kg.load.shapes.index_triples`, when the caller
    has it already.
    """
    if index is None:
        index = index_triples(parsed.triples)
    out: list[ox.Triple] = []
    proposition = CK + "Proposition"
    for subject, props in index.items():
        types = frozenset(t.value for t in props.get(_TYPE, ()) if isinstance(t, ox.NamedNode))
        if proposition in types:
            continue  # a claim's proposition is never asserted: no edge, no bounds
        for rule, edge in _rules_for(types):
            for a in props.get(rule.from_role, ()):
                for b in props.get(rule.to_role, ()):
                    out.append(ox.Triple(a, edge, b))
                    if rule.symmetric and not isinstance(b, ox.Literal):
                        out.append(ox.Triple(b, edge, a))
        start = next((d for p in _START_PROPS if p in props and (d := _date(props[p])) is not None), None)
        end = _date(props[_END_PROP]) if _END_PROP in props else None
        if start or end:
            bounds = _narrowed(Bounds.of(start, end), props)
            for name, prop in _BOUND_PROPS:
                day = getattr(bounds, name)
                if day is not None:
                    out.append(ox.Triple(subject, prop, date_literal(day)))
        keys = {_search_key(v.value) for p in _LABEL_PROPS for v in props.get(p, ()) if isinstance(v, ox.Literal)}
        out.extend(ox.Triple(subject, _SEARCH_KEY, ox.Literal(k)) for k in sorted(keys) if k)
    out.append(ox.Triple(ox.NamedNode(parsed.graph), ox.NamedNode(CK + "contentDigest"), ox.Literal(parsed.digest)))
    return list(dict.fromkeys(out))


def _narrowed(bounds: Bounds, props: Mapping[str, list]) -> Bounds:
    """``bounds`` with the end's range narrowed by ``ck:endNotBefore``/``ck:endNotAfter`` (if any)."""
    low = _date(props[_END_NOT_BEFORE]) if _END_NOT_BEFORE in props else None
    high = _date(props[_END_NOT_AFTER]) if _END_NOT_AFTER in props else None
    if bounds.earliest_end is None or (low is None and high is None):
        return bounds
    return dataclasses.replace(
        bounds,
        earliest_end=max(bounds.earliest_end, low.first_day) if low else bounds.earliest_end,
        latest_end=min(bounds.latest_end, high.last_day) if high and bounds.latest_end else bounds.latest_end,
    )


def stored_digest(store: Store, graph: str) -> str | None:
    rows = store.select("SELECT ?g ?d WHERE { GRAPH ?g { ?g ck:contentDigest ?d } }", {"g": ox.NamedNode(graph)})
    return rows[0]["d"] if rows else None


def load_files(
    store: Store, paths: Iterable[str | Path], *, force: bool = False, limits: InputLimits | None = None
) -> list[LoadResult]:
    """Validate every file, then write all changed sources in one transaction.

    Raises :class:`ValidationFailed` (or :class:`LoadError`) before anything is written if any
    file is invalid. Unchanged files (same digest in the store) are skipped unless ``force``.
    Files are read within ``limits`` (see :func:`read_source`); running out of memory while
    reading or checking a file is a :class:`LoadError` too.
    """
    ensure_ontology(store)
    limits = limits or InputLimits.from_env()
    parsed: list[ParsedSource] = []
    seen: dict[str, str] = {}
    for path in paths:
        source = read_source(path, limits=limits)
        if source.graph in seen:
            raise LoadError(f"{path}: source {source.graph} is also in {seen[source.graph]}")
        seen[source.graph] = source.file
        parsed.append(source)
    results, writes = [], {}
    for source in parsed:
        if not force and stored_digest(store, source.graph) == source.digest:
            results.append(LoadResult(source.file, source.graph, len(source.triples), 0, True))
            continue
        try:
            violations = validate(source)
            if violations:
                raise ValidationFailed(source.file, violations)
            derived = derive(source)
            writes[source.graph] = source.triples + derived
        except MemoryError:
            parsed.clear()
            writes.clear()
            raise LoadError(f"{source.file}: out of memory while checking it; nothing was loaded") from None
        results.append(LoadResult(source.file, source.graph, len(source.triples), len(derived), False))
    _check_across_sources(store, [s for s in parsed if s.graph in writes])
    store.replace_graphs(writes)
    return results


def _check_across_sources(store: Store, sources: list[ParsedSource]) -> None:
    """Refuse the load when the sources about to be written break a rule across sources
    (:mod:`kg.load.checks`: one preferred label per language, end not before start, cited paragraphs
    exist, claims derive no edge): the error names the first file involved, with each defect."""
    if not sources:
        return
    defects = incoming_defects(store, {s.graph: s.triples for s in sources})
    if defects:
        first = next(s for s in sources if any(s.graph in d.sources for d in defects))
        raise ValidationFailed(first.file, [d.violation() for d in defects])


def ensure_ontology(store: Store) -> None:
    """Put the ontology, vocabularies and shapes in their own graph (when they changed)."""
    data = b"".join(p.read_bytes() for p in ontology.ontology_files())
    digest = _digest(data)
    if stored_digest(store, ONTOLOGY_GRAPH) == digest:
        return
    triples = [
        q.triple for path in ontology.ontology_files() for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    ]
    triples.append(ox.Triple(ox.NamedNode(ONTOLOGY_GRAPH), ox.NamedNode(CK + "contentDigest"), ox.Literal(digest)))
    store.replace_graph(ONTOLOGY_GRAPH, triples)


def remove_source(store: Store, source: str) -> bool:
    """Remove a source's graph; False when the store has no such source."""
    if source == ONTOLOGY_GRAPH:
        raise InvalidInput("the ontology graph is not a source")
    return store.remove_graph(source)


#: The data shipped with the project.
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def bundled_data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The data files shipped with the project (every ``.trig`` under ``data/``)."""
    return sorted(data_dir.rglob("*.trig"))


def open_store(
    spec: str | Path | None, extra: Sequence[str | Path] = (), *, bundled: bool = True, **remote: Any
) -> Store:
    """Open a store (``"memory"``/None, a directory, or a server's URL with the ``remote`` options of
    :class:`kg.store.RemoteStore`) with the bundled data and ``extra`` files.

    Unchanged files are not reloaded, so opening an on-disk store again is cheap and never
    duplicates data. A store another process holds gives a :class:`StoreError` that says so.
    """
    try:
        store = connect(spec, **remote)
    except StoreError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"the store at {spec} is in use by another process (is `kg serve` running?); "
                "stop it, query its /sparql endpoint, or use --store memory"
            ) from None
        raise
    files = [*bundled_data_files(), *extra] if bundled else list(extra)
    load_files(store, files)
    return store
