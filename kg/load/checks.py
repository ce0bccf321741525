"""Cross-source checks: rules that hold over the union of all sources, not just inside one.

Each source is validated on its own (:mod:`kg.load.shapes`, :func:`kg.load.loader.loader_violations`); these
rules need the other sources too:

* **one preferred label** (``pref-label``): an entity has at most one ``skos:prefLabel`` per
  language, whichever sources give it. A source that gives an entity a second preferred label in
  a language (another source's label, or two of its own) is refused; the fix is
  ``skos:altLabel``.
* **SKOS label integrity** (``pref-alt-label``): the same label is never both an entity's
  ``skos:prefLabel`` and one of its ``skos:altLabel`` values (SKOS keeps them disjoint).
* **end not before start** (``end-before-start``): a node's end date (with its
  ``ck:endNotAfter``) is not wholly before one of its start dates (``ck:startDate``,
  ``ck:effectiveDate``, ``ck:listedDate``, ``ck:date``, ``ck:announcedDate``), wherever each is given.
* **cited paragraphs exist** (``paragraph``): a ``ck:paragraph`` cited from a source lies
  within the ``ck:paragraphCount`` that source declares (it must declare one, and only one).
* **claims never derive edges** (``claim-edge``): no node is a claim or proposition in one source
  and a statement in another; and (on a store) every derived edge of a graph comes from a
  statement of that graph.
* **the default graph is the union** (``union``, on a store): the default graph every query reads
  holds exactly the set union of the sources' graphs, each triple once (derived data the store
  keeps with every write: :mod:`kg.store.embedded`); :func:`union_defects`.

They run in three places, on the same rules: :func:`kg.load.loader.load_files` checks the sources it is
about to write against the store (:func:`incoming_defects`), the bulk loader checks its spool
against the store before writing it (:func:`check_spool`), and ``kg check`` checks a whole store
(:func:`check_store`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import ontology
from kg.errors import InvalidInput, ValidationFailed, Violation
from kg.namespaces import CK, ONTOLOGY_GRAPH, PREFIXES, RDF, SKOS
from kg.store import JOURNAL, STAGING, Store
from kg.timeline import PartialDate

__all__ = ["Defect", "check_spool", "check_store", "incoming_defects", "union_defects"]

_PREF, _ALT = SKOS + "prefLabel", SKOS + "altLabel"
_TYPE = RDF + "type"
_STARTS = tuple(CK + p for p in ("startDate", "effectiveDate", "listedDate", "date", "announcedDate"))
_END, _END_NOT_AFTER = CK + "endDate", CK + "endNotAfter"
_DATES = (*_STARTS, _END, _END_NOT_AFTER)
_COUNT, _CITATION, _SOURCE, _PARAGRAPH = (CK + p for p in ("paragraphCount", "citation", "source", "paragraph"))
#: Every property a rule reads (the others are skipped unread).
_READS = frozenset([_PREF, _ALT, *_DATES, _TYPE, _COUNT, _CITATION, _SOURCE, _PARAGRAPH])
#: Subjects per VALUES block when reading what the store says about some subjects.
_CHUNK = 400


@dataclass(frozen=True)
class Defect:
    """One broken cross-source rule: the rule, the node, a message, and the sources involved."""

    rule: str
    focus: str
    message: str
    sources: tuple[str, ...]

    def violation(self) -> Violation:
        return Violation(self.focus, "check:" + self.rule, self.message)

    def __str__(self) -> str:
        return f"{short(self.focus)}: {self.message} [{self.rule}]"


def short(iri: str) -> str:
    """An IRI with the project's prefixes (``id:russia``), as messages show it."""
    for prefix in ("id", "st", "src", "ck"):
        if iri.startswith(PREFIXES[prefix]):
            return f"{prefix}:{iri[len(PREFIXES[prefix]) :]}"
    return iri


def _sources(graphs: Iterable[str]) -> str:
    return ", ".join(short(g) for g in sorted(graphs))


@functools.cache
def _claim_classes() -> frozenset[str]:
    return ontology.subclasses(CK + "Claim") | ontology.subclasses(CK + "Proposition")


@functools.cache
def _statement_classes() -> frozenset[str]:
    return ontology.subclasses(CK + "Statement")


@functools.lru_cache(maxsize=1 << 14)
def _date(lexical: str, datatype: str) -> PartialDate:
    return PartialDate.from_literal(lexical, datatype)


@functools.lru_cache(maxsize=256)
def _kind(cls: str) -> str | None:
    """ "claim" for a claim or proposition class, "statement" for a statement class, else None."""
    if cls in _claim_classes():
        return "claim"
    return "statement" if cls in _statement_classes() else None


@functools.cache
def _read_line() -> re.Pattern[bytes]:
    """An N-Quads line that a rule reads: its predicate (for rdf:type, also its class)."""
    props = b"|".join(re.escape(p.encode()) for p in sorted(_READS - {_TYPE}))
    classes = b"|".join(re.escape(c.encode()) for c in sorted(_claim_classes() | _statement_classes()))
    return re.compile(b" <(?:" + props + b")> | <" + re.escape(_TYPE.encode()) + b"> <(?:" + classes + b")> ")


@dataclass
class _Facts:
    """What the rules read, by node and source graph."""

    #: (node, language) -> kind ("pref"/"alt") -> label -> graphs
    labels: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
    #: node -> property -> [(date, graph)]
    dates: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    #: node -> "claim"/"statement" -> graphs
    kinds: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    #: source -> paragraph count -> graphs that declare it
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    #: (graph, fact, cited source, paragraph)
    cites: set = field(default_factory=set)

    def add(self, graph: str, node: str, prop: str, value: object) -> None:
        """Record one triple ``node prop value`` of ``graph`` if a rule reads it."""
        if prop in (_PREF, _ALT):
            if isinstance(value, ox.Literal) and value.language:
                kind = "pref" if prop == _PREF else "alt"
                self.labels[(node, value.language.lower())][kind][value.value].add(graph)
        elif prop in _DATES:
            if isinstance(value, ox.Literal):
                with contextlib.suppress(InvalidInput):  # an invalid date is the loader's finding
                    self.dates[node][prop].append((_date(value.value, value.datatype.value), graph))
        elif prop == _TYPE:
            typed = _kind(value.value) if isinstance(value, ox.NamedNode) else None
            if typed is not None:
                self.kinds[node][typed].add(graph)
        elif prop == _COUNT and isinstance(value, ox.Literal):
            with contextlib.suppress(ValueError):
                self.counts[node][int(value.value)].add(graph)

    def add_triples(self, graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        """Record one source's triples (citations are joined through their nodes)."""
        citation_of: dict[object, list[str]] = defaultdict(list)
        cited: dict[object, list[str]] = defaultdict(list)
        paragraphs: dict[object, list[int]] = defaultdict(list)
        for t in triples:
            prop = t.predicate.value
            if prop not in _READS:
                continue
            node = _key(t.subject)
            if prop == _CITATION:
                citation_of[t.object].append(node)
            elif prop == _SOURCE and isinstance(t.object, ox.NamedNode):
                cited[t.subject].append(t.object.value)
            elif prop == _PARAGRAPH and isinstance(t.object, ox.Literal):
                with contextlib.suppress(ValueError):
                    paragraphs[t.subject].append(int(t.object.value))
            else:
                self.add(graph, node, prop, t.object)
        for citation, facts in citation_of.items():
            for fact, source, number in itertools.product(facts, cited.get(citation, ()), paragraphs.get(citation, ())):
                self.cites.add((graph, fact, source, number))

    def subjects(self) -> set[str]:
        return {n for n, _ in self.labels} | set(self.dates) | set(self.kinds)


def _key(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


# --- reading the store -----------------------------------------------------------------------

_READ = """
SELECT ?g ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  VALUES ?p {{ {props} }}
  {values}
}}
"""

_CITES = """
SELECT ?g ?s ?src ?n WHERE {{
  GRAPH ?g {{ ?s ck:citation ?c . ?c ck:source ?src ; ck:paragraph ?n }}
  {values}
}}
"""


def _iris(values: Iterable[str]) -> str:
    return " ".join(f"<{v}>" for v in values)


def _read_store(
    facts: _Facts,
    store: Store,
    *,
    subjects: Collection[str] | None = None,
    cited: Collection[str] | None = None,
    skip: Collection[str] = (),
) -> None:
    """Add what ``store`` says (outside the ontology and the ``skip`` graphs) to ``facts``.

    ``subjects``: only about these nodes (None: about every node); ``cited``: only the citations
    of these sources (None: every citation; empty: none).
    """
    skipped = {ONTOLOGY_GRAPH, *skip}
    props = _iris([_PREF, _ALT, *_DATES, _TYPE, _COUNT])
    named = None if subjects is None else sorted(s for s in subjects if not s.startswith("_:"))
    blocks = [""] if named is None else [_values("s", named[i : i + _CHUNK]) for i in range(0, len(named), _CHUNK)]
    for values in blocks:
        for g, s, p, o in store.iter_terms(_READ.format(props=props, values=values)):
            if g.value not in skipped:
                facts.add(g.value, _key(s), p.value, o)
    if cited is not None and not cited:
        return
    listed = None if cited is None else sorted(cited)
    blocks = [""] if listed is None else [_values("src", listed[i : i + _CHUNK]) for i in range(0, len(listed), _CHUNK)]
    for values in blocks:
        for g, s, src, n in store.iter_terms(_CITES.format(values=values)):
            if g.value not in skipped and isinstance(src, ox.NamedNode) and isinstance(n, ox.Literal):
                try:
                    facts.cites.add((g.value, _key(s), src.value, int(n.value)))
                except ValueError:
                    continue


def _values(var: str, iris: Sequence[str]) -> str:
    return f"VALUES ?{var} {{ {_iris(iris)} }}" if iris else f"VALUES ?{var} {{ }}"


# --- the rules ---------------------------------------------------------------------------------


def _label_defects(facts: _Facts, focus: Collection[str] | None) -> list[Defect]:
    out = []
    for (node, lang), kinds in facts.labels.items():
        prefs: dict[str, set[str]] = kinds.get("pref", {})
        if len(prefs) > 1:
            out.extend(_pref_defects(node, lang, prefs, focus))
        for label in sorted(set(prefs) & set(kinds.get("alt", {}))):
            pref_graphs, alt_graphs = prefs[label], kinds["alt"][label]
            message = (
                f'"{label}"@{lang} is both its skos:prefLabel (in {_sources(pref_graphs)}) and a skos:altLabel '
                f"(in {_sources(alt_graphs)}); SKOS keeps preferred and alternative labels apart: remove the "
                "skos:altLabel"
            )
            out.append(Defect("pref-alt-label", node, message, tuple(sorted(pref_graphs | alt_graphs))))
    return out


def _pref_defects(node: str, lang: str, prefs: Mapping[str, set[str]], focus: Collection[str] | None) -> list[Defect]:
    """Two or more preferred labels in one language: which source gives which, and the fix."""
    out = []
    by_graph: dict[str, list[str]] = defaultdict(list)
    for label, graphs in prefs.items():
        for g in graphs:
            by_graph[g].append(label)
    for g, labels in sorted(by_graph.items()):
        if len(labels) > 1:
            shown = ", ".join(f'"{v}"@{lang}' for v in sorted(labels))
            message = (
                f"{short(g)} gives it {len(labels)} preferred labels in language '{lang}' ({shown}); "
                "an entity has one skos:prefLabel per language: give the others as skos:altLabel"
            )
            out.append(Defect("pref-label", node, message, (g,)))

    def settled(label: str) -> tuple[bool, int, str]:
        """The label that stays: one given outside the checked sources, then the most given."""
        graphs = prefs[label]
        return (focus is not None and not (graphs - set(focus)), -len(graphs), label)

    kept = min(prefs, key=settled)
    for label in sorted(prefs):
        if label == kept:
            continue
        graphs, others = prefs[label], prefs[kept]
        if graphs <= others:
            continue  # both in the same sources: reported above
        message = (
            f'{_sources(graphs)} gives it the preferred label "{label}"@{lang}, but it already has '
            f'"{kept}"@{lang} from {_sources(others)}; an entity has one skos:prefLabel per language '
            f'across all sources: use the same label, or give "{label}" as skos:altLabel'
        )
        out.append(Defect("pref-label", node, message, tuple(sorted(graphs | others))))
    return out


def _date_defects(facts: _Facts) -> list[Defect]:
    out = []
    for node, props in facts.dates.items():
        limits = {g: d.last_day for d, g in props.get(_END_NOT_AFTER, [])}
        for end, end_graph in props.get(_END, []):
            last = min(end.last_day, limits.get(end_graph, end.last_day))
            for prop in _STARTS:
                for start, start_graph in props.get(prop, []):
                    if last < start.first_day:
                        message = (
                            f"it ends (ck:endDate {end} in {short(end_graph)}) before it starts "
                            f"(ck:{prop.removeprefix(CK)} {start} in {short(start_graph)}); ck:endDate is the first "
                            "day on which it no longer holds"
                        )
                        out.append(Defect("end-before-start", node, message, tuple(sorted({end_graph, start_graph}))))
    return out


def _paragraph_defects(facts: _Facts) -> list[Defect]:
    out = []
    for graph, fact, source, number in facts.cites:
        counts = facts.counts.get(source, {})
        declared = {g for graphs in counts.values() for g in graphs}
        if not counts:
            message = (
                f"cites paragraph {number} of {short(source)}, which declares no ck:paragraphCount: "
                "give the source its number of paragraphs"
            )
            out.append(Defect("paragraph", fact, message, (graph,)))
        elif len(counts) > 1:
            shown = ", ".join(f"{n} (in {_sources(g)})" for n, g in sorted(counts.items()))
            message = f"cites {short(source)}, whose sources disagree on its ck:paragraphCount: {shown}"
            out.append(Defect("paragraph", fact, message, tuple(sorted({graph, *declared}))))
        elif number > (count := next(iter(counts))):
            message = (
                f"cites paragraph {number} of {short(source)} (in {short(graph)}), which has {count} paragraphs "
                "(ck:paragraphCount)"
            )
            out.append(Defect("paragraph", fact, message, tuple(sorted({graph, *declared}))))
    return out


def _claim_defects(facts: _Facts) -> list[Defect]:
    out = []
    for node, kinds in facts.kinds.items():
        if "claim" in kinds and "statement" in kinds:
            message = (
                f"it is a claim or proposition in {_sources(kinds['claim'])} and a statement in "
                f"{_sources(kinds['statement'])}: a claim never derives an edge; give the statement an IRI of its own"
            )
            out.append(Defect("claim-edge", node, message, tuple(sorted(kinds["claim"] | kinds["statement"]))))
    return out


def _defects(facts: _Facts, focus: Collection[str] | None = None) -> list[Defect]:
    """Every defect of ``facts`` (only those involving a ``focus`` graph, when given)."""
    found = _label_defects(facts, focus) + _date_defects(facts) + _paragraph_defects(facts) + _claim_defects(facts)
    if focus is not None:
        wanted = set(focus)
        found = [d for d in found if wanted.intersection(d.sources)]
    return sorted(set(found), key=lambda d: (d.focus, d.rule, d.message))


_EDGES = "SELECT ?g ?a ?b WHERE {{ GRAPH ?g {{ ?a <{edge}> ?b }} }}"
_ENDS = (
    "SELECT ?g ?a ?b WHERE {{ GRAPH ?g {{ ?st a ?cls ; <{source}> ?a ; <{target}> ?b }} VALUES ?cls {{ {classes} }} }}"
)


def _edge_defects(store: Store) -> list[Defect]:
    """Derived edges of a graph that no statement of that graph derives (a claim's proposition never does).

    Two scans per edge property (its edges, and the ends of the statements that derive it) compared
    as sets: a correlated ``FILTER NOT EXISTS`` is ten times slower on large stores.
    """
    rules: dict[str, list[ontology.EdgeRule]] = defaultdict(list)
    for rule in ontology.edge_rules():
        rules[rule.edge_property].append(rule)
    out = []
    for edge, group in sorted(rules.items()):
        justified: set[tuple] = set()
        for rule in group:
            classes = _iris(sorted(ontology.subclasses(rule.statement_class)))
            query = _ENDS.format(source=rule.from_role, target=rule.to_role, classes=classes)
            for g, a, b in store.iter_terms(query):
                justified.add((g, a, b))
                if rule.symmetric:
                    justified.add((g, b, a))
        for g, a, b in store.iter_terms(_EDGES.format(edge=edge)):
            if (g, a, b) in justified or g.value == ONTOLOGY_GRAPH:
                continue
            shown = b.value if isinstance(b, ox.NamedNode) else str(b)
            message = (
                f"{short(g.value)} holds the derived edge {short(edge)} {short(shown)}, which no statement of that "
                "graph derives (a claim's proposition never derives one): reload the source"
            )
            out.append(Defect("claim-edge", _key(a), message, (g.value,)))
    return out


#: A graph of the store's own (a bulk load's), never a source.
_OWN = f'(STRSTARTS(STR(?g), "{STAGING}") || STRSTARTS(STR(?g), "{JOURNAL}"))'
#: Triples of a source missing from the default graph, and triples of the default graph no source states.
#: (MINUS, not a correlated FILTER NOT EXISTS: half the time at 10k actors.)
_NOT_IN_UNION = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!OWN) MINUS { ?s ?p ?o } } LIMIT "
_NOT_FROM_A_SOURCE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o MINUS { GRAPH ?g { ?s ?p ?o } FILTER(!OWN) } } LIMIT "


def union_defects(store: Store, limit: int = 10) -> list[Defect]:
    """Where the default graph is not the set union of the sources' graphs (at most ``limit`` of
    each kind: a triple a source states that it lacks, a triple it holds that no source states)."""
    out = []
    for s, p, o, g in store.iter_terms(_NOT_IN_UNION.replace("OWN", _OWN) + str(limit)):
        message = (
            f"{short(g.value)} states {short(p.value)} {o}, which the default graph (the union of the sources) "
            "lacks: the union is out of step with the sources"
        )
        out.append(Defect("union", _key(s), message, (g.value,)))
    for s, p, o in store.iter_terms(_NOT_FROM_A_SOURCE.replace("OWN", _OWN) + str(limit)):
        message = (
            f"the default graph (the union of the sources) holds {short(p.value)} {o}, which no source states: "
            "the union is out of step with the sources"
        )
        out.append(Defect("union", _key(s), message, ()))
    return out


# --- entry points ------------------------------------------------------------------------------


def check_store(store: Store) -> list[Defect]:
    """Every defect of a store's sources (``kg check``); empty when the store passes."""
    facts = _Facts()
    _read_store(facts, store)
    found = _defects(facts) + _edge_defects(store) + union_defects(store)
    return sorted(set(found), key=lambda d: (d.focus, d.rule, d.message))


def incoming_defects(
    store: Store, sources: Mapping[str, Iterable[ox.Triple | ox.Quad]], *, skip: Collection[str] = ()
) -> list[Defect]:
    """The defects that writing ``sources`` (graph -> its triples, derived ones excluded) into
    ``store`` would bring: each involves one of them. The store's graphs named in ``sources`` (which
    the write replaces) and in ``skip`` are left out."""
    facts = _Facts()
    for graph, triples in sources.items():
        facts.add_triples(graph, triples)
    declared = set(facts.counts)
    cited = {source for _, _, source, _ in facts.cites}
    # what the other sources say about the same nodes, the counts of the cited sources, and the
    # citations of any source whose count is declared here
    _read_store(facts, store, subjects=facts.subjects() | cited, cited=declared, skip={*sources, *skip})
    return _defects(facts, focus=set(sources))


def check_spool(store: Store, files: Iterable[str | Path], moves: Mapping[str, str]) -> None:
    """The bulk loader's check of its spool (N-Quads files) against ``store``, before writing.

    ``moves`` maps staging graphs to the sources they replace. Raises :class:`ValidationFailed`
    (nothing is written) when the spool brings a defect.
    """
    facts = _Facts()
    graphs: set[str] = set()
    names = dict(moves)
    for path in files:
        quads: dict[str, list[ox.Quad]] = defaultdict(list)
        pattern = _read_line()
        with open(path, "rb") as spool:  # only the lines the rules read are parsed
            kept = b"".join(line for line in spool if pattern.search(line))
        for quad in ox.parse(kept, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode):
                quads[names.get(quad.graph_name.value, quad.graph_name.value)].append(quad)
        for graph, found in quads.items():
            graphs.add(graph)
            facts.add_triples(graph, found)
    if not graphs:
        return
    others = set(store.named_graphs()) - graphs - {ONTOLOGY_GRAPH} - set(moves)
    if others:
        _read_store(facts, store, skip={*graphs, *moves})
    defects = _defects(facts, focus=graphs)
    if defects:
        raise ValidationFailed("bulk load (checks across sources)", [d.violation() for d in defects])
