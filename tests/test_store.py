"""The store: idempotent loading, persistence, removal, export, safe queries."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.namespaces import ONTOLOGY_GRAPH, SRC
from kg.sparql.gate import MAX_NESTING
from kg.store import Capability, as_journaled, as_replicable, as_server
from kg.terms import iri
from tests.servers import wipe

BUNDLED_SOURCES = 10
REPO = Path(__file__).resolve().parents[1]

# --- backends ---------------------------------------------------------------------------------------
# The tests that are about the store's interface run on each backend: the embedded store and
# the remote store over an Oxigraph server and over Virtuoso 7 (session servers, tests/servers.py).

BACKENDS = ["embedded", "oxigraph", "virtuoso"]


@pytest.fixture(params=BACKENDS)
def any_store(request):
    """An empty store on each backend."""
    if request.param == "embedded":
        yield kg.Store()
        return
    server = request.getfixturevalue(f"{request.param}_server")
    remote = server.open()
    wipe(remote)
    yield remote
    remote.close()


@pytest.fixture
def any_loaded(any_store, bundled_store):
    """A writable copy of the bundled data on each backend."""
    any_store.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
    assert len(any_store) == len(bundled_store)
    return any_store


#: Per server: the version its store had once the bundled data was copied to it (reused while unchanged).
_COPIED: dict[str, int] = {}


@pytest.fixture(params=BACKENDS)
def any_bundled(request, bundled_store):
    """The bundled data on each backend. Read-only."""
    if request.param == "embedded":
        yield bundled_store
        return
    server = request.getfixturevalue(f"{request.param}_server")
    remote = server.open()
    if _COPIED.get(server.url) != remote.version:
        wipe(remote)
        remote.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
        _COPIED[server.url] = remote.version
    yield remote
    remote.close()


def quad_lines(store: kg.Store) -> set[bytes]:
    return set(store.export("nquads").splitlines())


def ground_quads(store: kg.Store) -> set[bytes]:
    """The quads without blank nodes (blank node labels differ between two stores)."""
    return {line for line in quad_lines(store) if b"_:" not in line}


# --- loading is idempotent ------------------------------------------------------------------------


def test_loading_twice_changes_nothing(any_store):
    store = any_store
    first = kg.load_files(store, kg.bundled_data_files())
    assert len(first) == BUNDLED_SOURCES
    assert not any(r.skipped for r in first)
    size, quads = len(store), quad_lines(store)
    for r in first:  # a derived triple may repeat an authored or another derived one
        assert r.triples < len(store.triples(r.source)) <= r.triples + r.derived

    again = kg.load_files(store, kg.bundled_data_files())
    assert all(r.skipped for r in again)
    assert (len(store), quad_lines(store)) == (size, quads)

    forced = kg.load_files(store, kg.bundled_data_files(), force=True)
    assert not any(r.skipped for r in forced)
    assert len(store) == size
    assert len(store.named_graphs()) == BUNDLED_SOURCES + 1


def test_a_changed_file_is_loaded_again(any_store, make_source):
    store = any_store
    path = make_source()
    kg.load_files(store, [path])
    path.write_text(path.read_text().replace('"2016"^^xsd:gYear', '"2017"^^xsd:gYear'))
    [result] = kg.load_files(store, [path])
    assert result.skipped is False
    years = store.select("SELECT ?d WHERE { ?st ck:startDate ?d }")
    assert [r["d"] for r in years] == ["2017"]


def test_on_disk_store_survives_close_and_reopen(tmp_path):
    path = tmp_path / "store"
    disk = kg.Store(path)
    kg.load_files(disk, kg.bundled_data_files())
    size, graphs = len(disk), disk.named_graphs()
    disk.close()

    reopened = kg.Store(path)
    try:
        assert len(reopened) == size
        assert reopened.named_graphs() == graphs
        assert all(r.skipped for r in kg.load_files(reopened, kg.bundled_data_files()))
        assert len(reopened) == size
        assert {r.subject.id for r in kg.backers(reopened, "syrian-government", at="2024-11-30")} == {"russia", "iran"}
    finally:
        reopened.close()


def test_on_disk_store_is_locked_while_open(tmp_path):
    first = kg.Store(tmp_path / "store")
    try:
        with pytest.raises(kg.StoreError):
            kg.Store(tmp_path / "store")
    finally:
        first.close()


# --- removal ------------------------------------------------------------------------------------------


def test_remove_source(any_loaded, bundled_store):
    loaded_store = any_loaded
    uk = SRC + "uk-proscription"
    assert kg.remove_source(loaded_store, uk) is True
    assert uk not in loaded_store.named_graphs()
    assert len(loaded_store) == len(bundled_store) - len(bundled_store.triples(uk))
    assert kg.remove_source(loaded_store, uk) is False
    assert kg.remove_source(loaded_store, SRC + "no-such-source") is False
    # loading it again restores what was there; the other sources are skipped
    results = kg.load_files(loaded_store, kg.bundled_data_files())
    assert [r.source for r in results if not r.skipped] == [uk]
    assert len(loaded_store) == len(bundled_store)
    assert ground_quads(loaded_store) == ground_quads(bundled_store)


def test_remove_graphs_removes_and_unlists_them(any_store):
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    a, b = "https://example.org/g/a", "https://example.org/g/b"
    any_store.replace_graphs({a: [ox.Triple(s, p, ox.Literal("a"))], b: [ox.Triple(s, p, ox.Literal("b"))]})
    any_store.remove_graphs([a, "https://example.org/g/absent"])
    assert any_store.named_graphs() == [b] and not any_store.contains_graph(a)
    assert len(any_store) == 1 and any_store.select("SELECT ?o WHERE { ?s <https://example.org/p> ?o }") == [{"o": "b"}]


def test_each_backend_says_what_it_can_do(any_store):
    """Capabilities are asked for, and a store has the members of those it has, and no others."""
    server = any_store.supports(Capability.SERVER)
    assert any_store.supports(Capability.SHARED) == server  # a server is written by other processes too
    assert any_store.supports(Capability.JOURNAL) == any_store.supports(Capability.REPLICAS) == (not server)
    assert (as_journaled(any_store) is None) == server and (as_server(any_store) is None) != server
    assert (as_replicable(any_store) is None) == server
    journal = ("bulk_load", "add_to_union", "open_journal", "journal_loaded", "move_graphs", "finish_journal")
    for member in (*journal, "recover", "snapshot_to"):
        assert hasattr(any_store, member) != server, member  # nothing inherited that it cannot honour


def test_the_ontology_graph_is_not_a_source(any_loaded):
    loaded_store = any_loaded
    with pytest.raises(kg.InvalidInput):
        kg.remove_source(loaded_store, ONTOLOGY_GRAPH)
    assert ONTOLOGY_GRAPH in loaded_store.named_graphs()


# --- export --------------------------------------------------------------------------------------------


def distinct_triples(store: kg.Store) -> int:
    return store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")[0]["n"]


@pytest.mark.parametrize(
    ("fmt", "rdf_format", "dataset"),
    [
        ("trig", ox.RdfFormat.TRIG, True),
        ("nquads", ox.RdfFormat.N_QUADS, True),
        ("jsonld", ox.RdfFormat.JSON_LD, True),
        ("turtle", ox.RdfFormat.TURTLE, False),
        ("ntriples", ox.RdfFormat.N_TRIPLES, False),
    ],
)
def test_export_parses_back(any_bundled, fmt, rdf_format, dataset):
    bundled_store = any_bundled
    parsed = list(ox.parse(bundled_store.export(fmt), format=rdf_format))
    if dataset:
        assert len(parsed) == len(bundled_store)
        assert {q.graph_name.value for q in parsed} == set(bundled_store.named_graphs())
    else:  # the union of the sources, each triple once
        assert len(parsed) == distinct_triples(bundled_store) < len(bundled_store)
        assert {q.graph_name for q in parsed} == {ox.DefaultGraph()}
    assert len(set(parsed)) == len(parsed)


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [("nquads", ox.RdfFormat.N_QUADS), ("turtle", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)],
)
def test_export_one_graph(any_bundled, fmt, rdf_format):
    bundled_store = any_bundled
    graph = SRC + "uk-proscription"
    parsed = list(ox.parse(bundled_store.export(fmt, graph=graph), format=rdf_format))
    assert {q.triple for q in parsed} == set(bundled_store.triples(graph))
    assert len(parsed) == len(bundled_store.triples(graph)) == 45  # 34 authored + 11 derived


def test_export_rejects_unknown_format_and_graph(any_bundled):
    bundled_store = any_bundled
    with pytest.raises(kg.InvalidInput):
        bundled_store.export("rdfxml")
    with pytest.raises(kg.InvalidInput):
        bundled_store.export("turtle", graph=SRC + "no-such-source")


# --- queries ---------------------------------------------------------------------------------------------

HOSTILE = '" } ; DROP ALL ; #'


def test_bound_values_are_literals(any_bundled):
    bundled_store = any_bundled
    before = quad_lines(bundled_store)
    query = "SELECT ?label ?entity WHERE { ?entity skos:prefLabel ?label }"
    assert bundled_store.select(query, {"label": HOSTILE}) == []
    assert bundled_store.select("SELECT ?entity ?q WHERE { ?entity ck:searchKey ?q }", {"q": HOSTILE}) == []
    assert not bundled_store.ask("ASK { ?entity skos:prefLabel ?label }", {"label": HOSTILE})
    assert quad_lines(bundled_store) == before
    # the same binding mechanism does find a matching literal
    rows = bundled_store.select(query, {"label": ox.Literal("Iran", language="en")})
    assert {r["entity"] for r in rows} == {"https://w3id.org/conflict-kg/id/iran"}


def test_strings_are_never_bound_as_iris(any_bundled):
    bundled_store = any_bundled
    query = "SELECT ?entity ?type WHERE { ?entity a ?type }"
    assert bundled_store.select(query, {"entity": "https://w3id.org/conflict-kg/id/iran"}) == []
    assert bundled_store.select(query, {"entity": iri("https://w3id.org/conflict-kg/id/iran")})


def test_too_deeply_nested_query_is_refused(any_bundled):
    bundled_store = any_bundled
    with pytest.raises(kg.QueryError):
        bundled_store.select("SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    deepest = getattr(bundled_store, "max_nesting", MAX_NESTING)  # a server's parser may accept less
    with pytest.raises(kg.QueryError):
        bundled_store.select("SELECT * WHERE " + "{" * (deepest + 1) + "}" * (deepest + 1))
    assert bundled_store.select("SELECT * WHERE " + "{" * deepest + "}" * deepest) == [{}]


def test_nesting_hidden_after_less_than_does_not_crash():
    depth = 20_000
    query = "SELECT ?x WHERE{FILTER(0<" + "(" * depth + "1" + ")" * depth + ")BIND(<urn:x>AS?x)}"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO)!r})
        import kg
        try:
            kg.Store().select({query!r})
        except kg.QueryError:
            print("refused")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the process died with code {done.returncode}"
    assert done.stdout.strip() == "refused"


@pytest.mark.parametrize(
    "query",
    [
        "SELEC * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p }",
        "SELECT ?x WHERE { ?x ?y ?z } LIMIT",
        "SELECT * WHERE { ?s ?p ?o ",
        "SELECT * WHERE { ?s unknown:p ?o }",
        "",
    ],
)
def test_malformed_query_raises_query_error(any_bundled, query):
    bundled_store = any_bundled
    with pytest.raises(kg.QueryError):
        bundled_store.select(query)


def test_query_of_the_wrong_form_raises_query_error(any_bundled):
    bundled_store = any_bundled
    with pytest.raises(kg.QueryError):
        bundled_store.select("ASK { ?s ?p ?o }")
    with pytest.raises(kg.QueryError):
        bundled_store.ask("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(kg.QueryError):
        bundled_store.construct("SELECT * WHERE { ?s ?p ?o } LIMIT 1")


def test_updates_are_not_queries(any_loaded):
    loaded_store = any_loaded
    before = len(loaded_store)
    with pytest.raises(kg.QueryError):
        loaded_store.select("DROP ALL")
    assert len(loaded_store) == before


def test_construct(any_bundled):
    bundled_store = any_bundled
    triples = bundled_store.construct("CONSTRUCT { ?a ck:backs ?b } WHERE { ?a ck:backs ?b }")
    assert (
        ox.Triple(
            ox.NamedNode("https://w3id.org/conflict-kg/id/russia"),
            ox.NamedNode("https://w3id.org/conflict-kg/ontology#backs"),
            ox.NamedNode("https://w3id.org/conflict-kg/id/syrian-government"),
        )
        in triples
    )


def test_on_disk_store_creates_missing_parent_folders(tmp_path):
    # `make serve` uses var/store in a fresh checkout, where var/ does not exist yet
    store = kg.Store(tmp_path / "var" / "store")
    assert len(store) == 0 and (tmp_path / "var" / "store").is_dir()
    store.close()
