"""The synthetic-data generator (:mod:`kg.synthetic`) and ``kg generate``: determinism, size, validity, reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg
from kg import ontology, synthetic
from kg.cli import app
from kg.load import loader as load
from kg.namespaces import BASE, CK, DCTERMS, ID, RDF, SKOS, SRC, ST, XSD, slug
from kg.terms import iri
from kg.timeline import PartialDate

pytestmark = pytest.mark.slow  # generates, validates and loads synthetic graphs

REPO = Path(__file__).resolve().parents[1]
N = 200  # actors in the graph that is validated and loaded (10 sources)
SEED = 11
TYPE = RDF + "type"
DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}
STATEMENT_CLASSES = ontology.subclasses(CK + "Statement")
#: Properties whose values are actors, places or events the source must declare.
MENTION_PROPS = {
    CK + p
    for p in [
        "subject",
        "object",
        "participant",
        "event",
        "authority",
        "designee",
        "aliasOf",
        "claimant",
        "about",
        "controller",
        "place",
        "locatedIn",
        "partOfEvent",
    ]
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> synthetic.Summary:
    """N actors written as a directory, one TriG file per source."""
    return synthetic.write(tmp_path_factory.mktemp("synthetic") / "graph", actors=N, seed=SEED)


@pytest.fixture(scope="module")
def syn_store(generated: synthetic.Summary) -> kg.Store:
    store = kg.Store()
    results = load.load_files(store, generated.files)
    assert len(results) == generated.sources and not any(r.skipped for r in results)
    return store


def _is_synthetic(iri: str) -> bool:
    """Whether ``iri`` is a synthetic entity, statement or source: a project IRI with a ``syn-`` slug."""
    return iri.startswith((ID, ST, SRC)) and slug(iri).startswith(synthetic.SYN_PREFIX) and "/" not in slug(iri)


def _quads(actors: int, seed: int) -> list[ox.Quad]:
    return list(synthetic.generate(actors, seed))


def _key(term: object) -> str:
    """A term as a plain string: an IRI, ``_:label`` for a blank node, a literal's value."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _typed(quads: list[ox.Quad]) -> dict[str, set[str]]:
    """Subject (IRI, or _:label) -> its classes."""
    types: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == TYPE:
            types[_key(q.subject)].add(_key(q.object))
    return types


# --- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    digests = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        for suffix in (".nq", ".trig"):
            path = tmp_path / f"{name}{suffix}"
            synthetic.write(path, actors=300, seed=seed)
            digests[name, suffix] = hashlib.sha256(path.read_bytes()).hexdigest()
    for suffix in (".nq", ".trig"):
        assert digests["a", suffix] == digests["b", suffix]
        assert digests["a", suffix] != digests["c", suffix]


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Two interpreters with different hash seeds write the same bytes."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from kg import synthetic; "
        "synthetic.write(sys.argv[2], actors=150, seed=5)"
    )
    for hash_seed in ("1", "2"):
        subprocess.run(
            [sys.executable, "-c", code, str(REPO), str(tmp_path / f"h{hash_seed}.nq")],
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"},
        )
    assert (tmp_path / "h1.nq").read_bytes() == (tmp_path / "h2.nq").read_bytes()


def test_generate_yields_what_write_writes(tmp_path: Path) -> None:
    summary = synthetic.write(tmp_path / "g.nq", actors=120, seed=2)
    written = sorted(str(q) for q in ox.parse(path=str(tmp_path / "g.nq"), format=ox.RdfFormat.N_QUADS))
    assert written == sorted(str(q) for q in synthetic.generate(120, 2))
    assert summary.quads == len(written)


# --- size ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actors", [500, 2000])
def test_size_scales_with_the_actors(actors: int) -> None:
    quads = _quads(actors, 1)
    types = _typed(quads)
    states = [s for s, c in types.items() if CK + "State" in c]
    statements = [s for s, c in types.items() if c & STATEMENT_CLASSES]
    sources = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert len(states) == round(0.02 * actors)  # ~2% states
    assert 4.0 <= len(statements) / actors <= 6.0  # ~5 statements per actor
    assert 40 <= len(quads) / actors <= 70  # roughly 50 quads per actor
    assert len(sources) == actors // synthetic.ACTORS_PER_SOURCE
    kinds = Counter(c for cs in types.values() for c in cs if c in STATEMENT_CLASSES)
    for kind in ("Support", "Alliance", "Hostility", "Membership", "PartOf", "Office", "FormerName",
                 "Designation", "Participation", "TerritorialControl"):  # fmt: skip
        assert kinds[CK + kind] > 0, kind
    actor_kinds = Counter(c for cs in types.values() for c in cs if c.startswith(CK))
    for kind in ("Government", "ArmedForce", "ArmedGroup", "Coalition", "Person", "Collective", "Country",
                 "Region", "Settlement", "Claim", "Proposition", "DesignationAmendment"):  # fmt: skip
        assert actor_kinds[CK + kind] > 0, kind


def test_thousand_actors_are_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    summary = synthetic.write(tmp_path / "k.nq", actors=1000, seed=1)
    assert time.perf_counter() - started < 5
    assert 40_000 <= summary.quads <= 70_000


# --- validity ----------------------------------------------------------------------------------------


def test_every_source_validates(generated: synthetic.Summary) -> None:
    assert len(generated.files) == N // synthetic.ACTORS_PER_SOURCE
    for path in generated.files:
        parsed = load.read_source(path)
        assert parsed.graph.startswith(synthetic.SYN_SRC)
        assert load.validate(parsed) == [], path


def test_every_source_is_self_contained_and_marked_synthetic(generated: synthetic.Summary) -> None:
    for path in generated.files:
        parsed = load.read_source(path)
        typed, english, mentioned = set(), set(), set()
        for t in parsed.triples:
            s, p, o = t.subject, t.predicate.value, t.object
            if isinstance(s, ox.NamedNode):
                assert _is_synthetic(s.value), s  # every IRI we mint is synthetic
                if p == TYPE:
                    typed.add(s.value)
                elif p == SKOS + "prefLabel" and isinstance(o, ox.Literal) and o.language == "en":
                    english.add(s.value)
            if p in MENTION_PROPS and isinstance(o, ox.NamedNode):
                mentioned.add(o.value)
        assert mentioned and mentioned <= typed & english, path
        about_source = [t for t in parsed.triples if _key(t.subject) == parsed.graph]
        notes = [_key(t.object) for t in about_source if t.predicate.value == CK + "note"]
        titles = [_key(t.object) for t in about_source if t.predicate.value == DCTERMS + "title"]
        assert any("SYNTHETIC" in n for n in notes)
        assert titles and all(title.startswith("Synthetic") for title in titles), titles


def test_iris_are_in_the_project_namespaces_with_a_syn_prefix() -> None:
    """Entities, statements and sources get the project's regular IRIs, each with a ``syn-`` slug."""
    minted = set()
    for q in _quads(60, 4):
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE) and not term.value.startswith(CK):
                minted.add(term.value)
    assert minted and [i for i in minted if not _is_synthetic(i)] == []
    assert {i[: i.rindex("/") + 1] for i in minted} == {ID, ST, SRC}
    assert {i for i in minted if i.startswith(SRC)} == {f"{SRC}syn-article-{n}" for n in (1, 2, 3)}


def test_every_fact_cites_its_own_source_by_paragraph(generated: synthetic.Summary) -> None:
    for path in generated.files:
        parsed = load.read_source(path)
        types = _typed([ox.Quad(t.subject, t.predicate, t.object) for t in parsed.triples])
        cited = {CK + "Claim"} | STATEMENT_CLASSES | ontology.subclasses(CK + "Event")
        facts = {s for s, c in types.items() if c & cited}
        citation_of: dict[str, set[str]] = defaultdict(set)
        source_of: dict[str, str] = {}
        paragraphs: dict[str, list[int]] = defaultdict(list)
        for t in parsed.triples:
            if t.predicate.value == CK + "citation":
                citation_of[_key(t.subject)].add(_key(t.object))
            elif t.predicate.value == CK + "source":
                source_of[_key(t.subject)] = _key(t.object)
            elif t.predicate.value == CK + "paragraph":
                paragraphs[_key(t.subject)].append(int(_key(t.object)))
        for fact in facts:
            assert citation_of[fact], fact
            for c in citation_of[fact]:
                assert source_of[c] == parsed.graph
                assert paragraphs[c] and all(n >= 1 for n in paragraphs[c])


def test_loads_into_a_store(syn_store: kg.Store, generated: synthetic.Summary) -> None:
    graphs = [g for g in syn_store.named_graphs() if g.startswith(synthetic.SYN_SRC)]
    assert len(graphs) == generated.sources
    # the loader derived edges, bounds and search keys from the synthetic statements
    assert syn_store.ask("ASK { ?a ck:backs ?b }")
    assert syn_store.ask("ASK { ?a ck:designates ?b }")
    assert syn_store.ask("ASK { ?s ck:latestStart ?d }")
    hits = kg.search(syn_store, "liwa")
    assert hits and all(h.iri.startswith(synthetic.SYN_ID) for h in hits)


def test_entities_are_addressable_by_slug(syn_store: kg.Store, generated: synthetic.Summary) -> None:
    """The REST API and the library find a synthetic actor by its slug, as they do a real one."""
    for key in ("armed_group", "government", "most_designated"):
        iri_ = generated.examples[key]
        ident = slug(iri_)
        assert ident.startswith("syn-") and "/" not in ident, ident
        found = kg.entity(syn_store, ident)
        assert found.iri == iri_ and found.id == ident
        assert found.label
    assert kg.entity(syn_store, slug(generated.examples["most_designated"])).groups["designations"].count > 0
    assert kg.source(syn_store, "syn-article-1").title.startswith("Synthetic")


def test_arabic_labels_and_aliases(syn_store: kg.Store) -> None:
    rows = syn_store.select(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), 'ar')) }"
    )
    assert rows[0]["n"] > 20
    assert syn_store.ask("ASK { ?e skos:altLabel ?l FILTER(LANGMATCHES(LANG(?l), 'ar')) }")
    assert syn_store.ask("ASK { ?e skos:altLabel ?l FILTER(LANGMATCHES(LANG(?l), 'en')) }")


# --- claims are not facts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "edge", "left", "right"),
    [
        ("Support", "backs", "subject", "object"),
        ("Hostility", "opposes", "subject", "object"),
        ("TerritorialControl", "controls", "controller", "place"),
    ],
)
def test_propositions_derive_no_edges(syn_store: kg.Store, kind: str, edge: str, left: str, right: str) -> None:
    """A proposition's pair has the direct edge exactly when a real statement says so."""
    assert not syn_store.ask("ASK { ?p a ck:Proposition . ?p a/rdfs:subClassOf* ck:Statement }")
    assert not syn_store.ask("ASK { ?c a ck:Claim . ?c a/rdfs:subClassOf* ck:Statement }")
    pairs = syn_store.select(
        f"SELECT DISTINCT ?a ?b WHERE {{ ?p a ck:Proposition ; ck:statementKind ck:{kind} ; "
        f"ck:{left} ?a ; ck:{right} ?b }} ORDER BY ?a ?b"
    )
    assert pairs
    unasserted = 0
    for row in pairs:
        a, b = iri(row["a"]), iri(row["b"])
        statement = f"ASK {{ ?s a ck:{kind} ; ck:{left} ?a ; ck:{right} ?b }}"
        asserted = syn_store.ask(statement, {"a": a, "b": b})
        if kind == "Hostility":  # symmetric: the edge is derived both ways
            asserted = asserted or syn_store.ask(statement, {"a": b, "b": a})
        has_edge = syn_store.ask(f"ASK {{ ?a ck:{edge} ?b }}", {"a": a, "b": b})
        assert has_edge == asserted, (kind, row)
        unasserted += not asserted
    assert unasserted > 0  # the check means something: most claimed pairs are not facts


# --- as-of reads -----------------------------------------------------------------------------------------


def test_designations_as_of(syn_store: kg.Store, generated: synthetic.Summary) -> None:
    designee = generated.examples["most_designated"]
    found = kg.designations(syn_store, designee, at="2026-06-30")
    assert len(found) >= 2
    assert len({d.authority.iri for d in found}) == len(found)  # several authorities
    for d in found:
        assert d.designee.iri == designee
        assert d.listed is not None and d.instrument is not None and d.names_covered
        assert d.status in ("holds", "does-not-hold", "unknown")
        assert d.in_force is {"holds": True, "does-not-hold": False, "unknown": None}[d.status]
    # a designation that ended: in force the day before its end, not from its end on
    rows = syn_store.select(
        "SELECT ?d ?designee ?end WHERE { ?d a ck:Designation ; ck:designee ?designee ; ck:endDate ?end ; "
        "ck:latestStart ?ls ; ck:earliestEnd ?end } ORDER BY ?d LIMIT 1"
    )
    assert rows, "some designations have ended"
    end = rows[0]["end"]
    assert isinstance(end, dt.date)

    def in_force(day: dt.date) -> bool | None:
        (match,) = [d for d in kg.designations(syn_store, rows[0]["designee"], at=day) if d.iri == rows[0]["d"]]
        return match.in_force

    assert in_force(end - dt.timedelta(days=1)) is True
    assert in_force(end) is False


def test_amendments_and_former_names(syn_store: kg.Store) -> None:
    rows = syn_store.select(
        "SELECT ?designee ?added ?former WHERE { ?d a ck:Designation ; ck:designee ?designee ; "
        "ck:amendment [ ck:nameAdded ?added ; ck:effectiveDate ?eff ] . "
        "?f a ck:FormerName ; ck:subject ?designee ; ck:name ?former ; ck:endDate ?renamed . "
        "?designee skos:prefLabel ?added } ORDER BY ?designee LIMIT 1"
    )
    assert rows, "a renamed group's designation has an amendment adding its new name"
    amended = [
        d
        for d in kg.designations(syn_store, rows[0]["designee"], at="2026-06-30")
        if any(rows[0]["added"] in a.names_added for a in d.amendments)
    ]
    assert amended and all(rows[0]["former"] in d.names_covered for d in amended)


def test_backers_as_of(syn_store: kg.Store, generated: synthetic.Summary) -> None:
    actor = generated.examples["most_backed"]
    at = dt.date(2026, 6, 30)
    found = kg.backers(syn_store, actor, at=at)
    assert found
    for r in found:
        assert r.object is not None and r.object.iri == actor
        assert r.status == "holds" and r.support_kinds
        assert r.sources and all(c.source.iri.startswith(synthetic.SYN_SRC) for c in r.sources)
    # the same answer from the derived bounds, written directly
    rows = syn_store.select(
        "SELECT DISTINCT ?s ?o ?at WHERE { ?s a ck:Support ; ck:object ?o . "
        "OPTIONAL { ?s ck:latestStart ?ls } OPTIONAL { ?s ck:earliestEnd ?ee } "
        "FILTER((!BOUND(?ls) || ?ls <= ?at) && (!BOUND(?ee) || ?ee > ?at)) }",
        {"o": iri(actor), "at": at},
    )
    assert sorted(r.iri for r in found) == sorted(row["s"] for row in rows)
    # long before the wars, only supports whose start is unknown hold
    early = kg.backers(syn_store, actor, at="1980-01-01")
    assert all(r.start is None for r in early)


# --- dates -----------------------------------------------------------------------------------------------


def test_partial_dates_and_ends_after_starts() -> None:
    start_props = [CK + p for p in ("startDate", "effectiveDate", "listedDate", "date", "announcedDate")]
    seen_types: Counter[str] = Counter()
    dates: dict[str, dict[str, PartialDate]] = defaultdict(dict)
    for q in synthetic.generate(N, SEED):
        if isinstance(q.object, ox.Literal) and q.object.datatype.value in DATE_TYPES:
            seen_types[q.object.datatype.value] += 1
            value = PartialDate.from_literal(q.object.value, q.object.datatype.value)
            assert 1985 <= value.year <= 2026
            dates[_key(q.subject)].setdefault(q.predicate.value, value)
    assert all(seen_types[t] > 10 for t in DATE_TYPES)  # full and partial dates
    ended = 0
    for props in dates.values():
        start = next((props[p] for p in start_props if p in props), None)
        end = props.get(CK + "endDate")
        if start and end:
            ended += 1
            assert end.first_day > start.last_day
    assert ended > 10


# --- other outputs ---------------------------------------------------------------------------------------


def test_split_gives_loadable_sources(tmp_path: Path) -> None:
    summary = synthetic.write(tmp_path / "all.trig", actors=60, seed=9)
    files = synthetic.split(tmp_path / "all.trig", tmp_path / "parts")
    assert len(files) == summary.sources == 3
    parsed = [load.read_source(f) for f in files]
    assert sum(len(p.triples) for p in parsed) == summary.quads
    store = kg.Store()
    load.load_files(store, files)
    assert all(store.contains_graph(p.graph) for p in parsed)


@pytest.mark.parametrize("seed", [2, 3, 5, 11])
def test_small_graphs_validate_too(tmp_path: Path, seed: int) -> None:
    # a control stated twice in one source (one IRI, two start dates) used to make small graphs invalid
    summary = synthetic.write(tmp_path / "small", actors=30, seed=seed)
    assert all(load.validate(load.read_source(f)) == [] for f in summary.files)


def test_rejects_no_actors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.write(tmp_path / "x.nq", actors=0, seed=1)


def test_directory_output_refuses_other_sources(tmp_path: Path) -> None:
    out = tmp_path / "dir"
    first = synthetic.write(out, actors=60, seed=1)
    again = synthetic.write(out, actors=60, seed=1)  # the same run again overwrites its own files
    assert [f.read_bytes() for f in first.files] == [f.read_bytes() for f in again.files]
    with pytest.raises(ValueError, match="other sources"):
        synthetic.write(out, actors=20, seed=1)
    with pytest.raises(ValueError, match=r"use \.nq or \.trig"):
        synthetic.write(tmp_path / "x.ttl", actors=20, seed=1)


# --- the command line ------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_generate_then_load(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    result = runner.invoke(app, ["generate", "--actors", "30", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 sources" in result.output and "quads" in result.output and "statements" in result.output
    files = sorted(out.glob("*.trig"))
    assert [f.name for f in files] == ["article-1.trig", "article-2.trig"]
    assert files[0].read_bytes() == synthetic.write(tmp_path / "again", actors=30, seed=1).files[0].read_bytes()
    store = str(tmp_path / "store")
    loaded = runner.invoke(app, ["load", str(files[0]), "--store", store])
    assert loaded.exit_code == 0, loaded.output
    assert synthetic.SYN_SRC + "article-1" in loaded.output
    listed = runner.invoke(app, ["sources", "--store", store])
    assert listed.exit_code == 0 and "syn-article-1" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--actors", "5", "--out", "{tmp}/graph.ttl"], "use .nq or .trig"),
        (["--actors", "0", "--out", "{tmp}/graph.nq"], "at least 1"),
        (["--actors", "20", "--out", "{tmp}/other"], "other sources"),
    ],
)
def test_cli_generate_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mine.trig").write_text("")
    result = runner.invoke(app, ["generate", *(a.format(tmp=tmp_path) for a in args)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "graph.ttl").exists() and not (tmp_path / "graph.nq").exists()
