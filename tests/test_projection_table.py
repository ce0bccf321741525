"""The network projection read from the statement table is the projection read from the engine,
edge by edge with every attribute, for every option, over the bundled and a generated graph, and
after loads, replacements and removals of sources."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

import kg
from kg import network, queries, synthetic
from kg.names import kind_name
from kg.namespaces import slug
from kg.network import projection
from kg.network.table_rows import ROLES, TableRows, edge_rules
from kg.read.statement_table import STATEMENT_TABLE, statement_table

DAYS = ("2024-11-30", "2012-06-01")
GRAPH = "https://w3id.org/conflict-kg/source/test-source"
#: kinds (None: all) x claims x holding only: the options that choose edges or their attributes.
OPTIONS = list(
    itertools.product([None, ("support", "alliance"), ("designation", "claim")], [False, True], [True, False])
)


def copy_of(store: kg.Store) -> kg.Store:
    copy = kg.Store()
    copy.replace_graphs({g: store.triples(g) for g in store.named_graphs()})
    return copy


def most_cited_source(store: kg.Store) -> str:
    rows = store.select("SELECT ?s (COUNT(*) AS ?n) WHERE { ?c ck:source ?s } GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    return slug(rows[0]["s"])


def contents(G: Any) -> tuple[Any, ...]:
    """Everything a projection holds: its options, nodes and edges with all their attributes."""
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: e[:3])
    return dict(G.graph), dict(G.nodes(data=True)), edges


def projections(store: kg.Store) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The projection for each option, on two days, unfiltered and filtered by one source."""
    out = {}
    for (kinds, claims, holding), day, sources in itertools.product(OPTIONS, DAYS, [None, most_cited_source(store)]):
        G = network.project(store, day, kinds=kinds, include_claims=claims, holding_only=holding, sources=sources)
        out[kinds, claims, holding, day, sources] = contents(G)
    return out


def engine_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the packed queries the projection reads from then on."""
    read: list[str] = []
    packed_text = projection._packed_text

    def recording(store: kg.Store, name: str) -> str:
        read.append(name)
        return packed_text(store, name)

    monkeypatch.setattr(projection, "_packed_text", recording)
    return read


def assert_alike(with_table: dict[Any, Any], from_engine: dict[Any, Any]) -> None:
    assert with_table.keys() == from_engine.keys()
    for options, found in with_table.items():
        assert found == from_engine[options], options


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    summary = synthetic.write(tmp_path_factory.mktemp("generated") / "graph", actors=300, seed=1)
    store = kg.Store()
    kg.load_files(store, summary.files)
    return store


@pytest.mark.parametrize("graph", ["bundled_store", pytest.param("generated_store", marks=pytest.mark.slow)])
def test_the_projection_from_the_table_is_the_one_from_the_engine(graph, request, monkeypatch):
    source = request.getfixturevalue(graph)
    from_engine = projections(copy_of(source))  # a store of its own: no table was ever built for it
    store = copy_of(source)
    statement_table(store)
    read = engine_reads(monkeypatch)
    with_table = projections(store)
    # the statements came from the table: only claims, labels and the like from the engine
    assert not {"network-edges", "network-properties", "network-citations"} & set(read)
    assert {"network-claim-properties", "network-claim-citations"} <= set(read)
    assert_alike(with_table, from_engine)
    # the comparison covers claims, citations with paragraphs or locators, and statements not holding
    everything = with_table[None, True, False, DAYS[0], None][2]
    assert any(d["claim"] for *_, d in everything) and any(not d["claim"] for *_, d in everything)
    assert all(d["sources"] for *_, d in everything)
    assert any(c.paragraphs or c.locators for *_, d in everything for c in d["sources"])
    assert any(d["status"] != "holds" for *_, d in everything)
    assert len(with_table[None, False, True, DAYS[0], None][2]) > 20


def test_a_projection_never_builds_the_table(bundled_store):
    store = copy_of(bundled_store)
    network.project(store, DAYS[0], include_claims=True)
    assert STATEMENT_TABLE.kept(store) is None


def test_the_projection_follows_the_table_after_loads_replacements_and_removals(loaded_store, make_source):
    store = loaded_store
    table = statement_table(store)
    kg.load_files(store, [make_source("one.trig")])
    assert_alike(projections(store), projections(copy_of(store)))
    assert statement_table(store) is table  # updated, not rebuilt
    G = network.project(store, "2020-01-01", kinds=["support"])
    assert G.has_edge("test-alpha", "test-beta")

    kg.load_files(store, [make_source("two.trig", start='"2021"^^xsd:gYear')])  # the source replaced
    assert not network.project(store, "2020-01-01", kinds=["support"]).has_edge("test-alpha", "test-beta")
    assert_alike(projections(store), projections(copy_of(store)))

    designating = [
        r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a ck:Designation ; ck:citation ?c } }")
    ]
    for graph in [GRAPH, *designating]:
        assert kg.remove_source(store, graph)
    assert not network.project(store, DAYS[0], kinds=["designation"]).number_of_edges()
    assert statement_table(store) is table
    assert_alike(projections(store), projections(copy_of(store)))


def test_blank_node_statements_and_amendments_are_no_edges_nor_citations_either_way(store, make_source):
    odd = """
    [] a ck:Support ; ck:subject id:test-beta ; ck:object id:test-alpha ; ck:supportKind ck:AirSupport ;
        ck:startDate "2015"^^xsd:gYear ; ck:citation [ ck:source src:test-source ; ck:locator "elsewhere" ] .
    st:test-listing a ck:Designation ; ck:authority id:test-alpha ; ck:designee id:test-beta ;
        ck:listedDate "2015-01-01"^^xsd:date ;
        ck:citation [ ck:source src:test-source ; ck:locator "the list" ] ;
        ck:amendment [ a ck:DesignationAmendment ; ck:effectiveDate "2016-01-01"^^xsd:date ;
            ck:source src:test-source ; ck:locator "an amendment, not a citation" ] .
    """
    kg.load_files(store, [make_source(extra=odd)])
    from_engine = contents(network.project(copy_of(store), "2020-01-01"))
    statement_table(store)
    with_table = contents(network.project(store, "2020-01-01"))
    assert with_table == from_engine
    edges = {(u, v, d["kind"]): d for u, v, _, d in with_table[2]}
    assert edges.keys() == {("test-alpha", "test-beta", "support"), ("test-alpha", "test-beta", "designation")}
    assert [c.locators for c in edges["test-alpha", "test-beta", "designation"]["sources"]] == [["the list"]]


@pytest.mark.parametrize("query", ["network-properties", "network-claim-properties"])
def test_the_roles_read_from_the_table_are_the_roles_of_the_queries(query):
    pairs = re.findall(r'\(ck:(\w+) "(\w+)"\)', queries.get(query))
    assert {f"https://w3id.org/conflict-kg/ontology#{p}": role for p, role in pairs} == ROLES


@pytest.mark.slow  # a generated graph of 300 actors
def test_the_rows_from_the_table_are_the_engines_rows(generated_store: kg.Store):
    """Row for row (not only once grouped): the ends, properties and citations of the statements."""

    store = copy_of(generated_store)
    rows = TableRows(statement_table(store), edge_rules(store))
    statements = {node for node, *_ in rows.edges()}
    assert set(map(tuple, projection._packed(store, "network-edges"))) == set(rows.edges())
    engine_properties = {tuple(r) for r in projection._packed(store, "network-properties") if r[0] in statements}
    assert engine_properties == {r for r in rows.properties() if r[0] in statements}
    engine_citations = {
        (n, s, p, projection._text(v))
        for n, s, p, v in projection._packed(store, "network-citations")
        if n in statements
    }
    assert engine_citations == {r for r in rows.citations() if r[0] in statements}


#: Two statements with one id (in two namespaces) and a claim with two propositions, all between
#: the same two actors: the second edge of each id is keyed "#2" (the propositions were keyed in
#: the order of their blank nodes, which changed from one read to the next).
CLASHING = """
    id:test-twice a ck:Support ; ck:subject id:test-alpha ; ck:object id:test-beta ; ck:supportKind ck:AirSupport ;
        ck:attestedDate "2019"^^xsd:gYear ; ck:citation [ ck:source src:test-source ; ck:locator "one" ] .
    st:test-twice a ck:Support ; ck:subject id:test-alpha ; ck:object id:test-beta ; ck:supportKind ck:AirSupport ;
        ck:attestedDate "2019"^^xsd:gYear ; ck:citation [ ck:source src:test-source ; ck:locator "two" ] .
    id:test-claim a ck:Claim ; ck:claimant id:test-beta ; ck:claimKind ck:AccusationClaim ;
        ck:date "2014-02-01"^^xsd:date ; ck:summary "Beta said Alpha backed it twice over."@en ;
        ck:citation [ ck:source src:test-source ; ck:locator "three" ] ;
        ck:proposition [ a ck:Proposition ; ck:statementKind ck:Support ;
                         ck:subject id:test-alpha ; ck:object id:test-beta ; ck:supportKind ck:AirSupport ] ,
                       [ a ck:Proposition ; ck:statementKind ck:Support ;
                         ck:subject id:test-alpha ; ck:object id:test-beta ; ck:supportKind ck:WeaponsSupport ] .
"""


def test_edges_sharing_an_id_between_the_same_actors_are_keyed_apart_either_way(store, make_source):
    kg.load_files(store, [make_source(extra=CLASHING)])
    from_engine = contents(network.project(copy_of(store), "2020-01-01", include_claims=True))
    statement_table(store)
    G = network.project(store, "2020-01-01", include_claims=True)
    assert contents(G) == from_engine
    keys = sorted(k for _, _, k in G.edges(keys=True))
    assert keys == ["test-claim", "test-claim#2", "test-source-alpha-backs-beta", "test-twice", "test-twice#2"]
    assert G.edges["test-alpha", "test-beta", "test-twice"]["iri"].endswith("/id/test-twice")
    assert [c.locators for c in G.edges["test-alpha", "test-beta", "test-twice#2"]["sources"]] == [["two"]]
    # the two propositions of the claim in the order of what they say, not of their blank nodes
    claimed = {k: d["support_kinds"] for _, _, k, d in G.edges(keys=True, data=True) if d["claim"]}
    assert claimed == {"test-claim": ["air"], "test-claim#2": ["weapons"]}


def actors_read_plainly(store: kg.Store) -> dict[str, dict[str, Any]]:
    """Every actor as a node: its smallest English label and its actor types, read by one plain query."""
    rows = store.select(
        """SELECT ?actor ?type ?label WHERE {
             ?class rdfs:subClassOf* ck:Actor . ?actor a ?class . BIND(?class AS ?type)
             OPTIONAL { ?actor skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "en")) } }"""
    )
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        node = found.setdefault(slug(row["actor"]), {"iri": row["actor"], "labels": set(), "types": set()})
        node["types"].add(kind_name(row["type"]))
        if "label" in row:
            node["labels"].add(row["label"])
    return {
        ident: {"id": ident, "iri": a["iri"], "label": min(a["labels"], default=None), "types": sorted(a["types"])}
        for ident, a in found.items()
    }


@pytest.mark.parametrize("graph", ["bundled_store", pytest.param("generated_store", marks=pytest.mark.slow)])
def test_the_nodes_are_the_actors_with_their_smallest_english_label_and_types(graph, request):
    store = request.getfixturevalue(graph)
    G = network.project(store, DAYS[0])
    assert dict(G.nodes(data=True)) == actors_read_plainly(store)
    assert list(G) == sorted(G, key=lambda ident: G.nodes[ident]["iri"])  # in the order of their IRIs


@pytest.mark.slow  # a generated graph of 300 actors
def test_the_grouped_rows_of_the_table_are_its_rows_grouped(generated_store: kg.Store):
    rows = TableRows(statement_table(copy_of(generated_store)), edge_rules(generated_store))
    ends: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}
    for node, kind, source, target in rows.edges():
        kinds, pairs = ends.setdefault(node, (set(), set()))
        kinds.add(kind)
        pairs.add((source, target))
    properties: dict[str, dict[str, set[str]]] = {}
    for node, role, value in rows.properties():
        properties.setdefault(node, {}).setdefault(role, set()).add(value)
    grouped_ends, grouped_properties = rows.grouped()
    assert grouped_ends == ends and len(ends) > 100
    assert grouped_properties == properties


#: The claimed propositions with the edge rules joined by the engine (what network-claims.rq read
#: before the rules were joined in Python): one row per (claim, kind, from, to).
CLAIMED_ENDS = """
SELECT DISTINCT ?claim ?kind ?from ?to WHERE {
  ?claim a ck:Claim ; ck:proposition ?node . ?node ck:statementKind ?kind .
  ?kind ck:derivesEdge ?rule . ?rule ck:fromRole ?fromRole ; ck:toRole ?toRole .
  ?node ?fromRole ?from ; ?toRole ?to .
  FILTER(isIRI(?from) && isIRI(?to))
}"""


@pytest.mark.parametrize("graph", ["bundled_store", pytest.param("generated_store", marks=pytest.mark.slow)])
def test_the_claimed_ends_are_those_of_the_edge_rules(graph, request):
    store = request.getfixturevalue(graph)
    expected = {(r["claim"], kind_name(r["kind"]), r["from"], r["to"]) for r in store.select(CLAIMED_ENDS)}
    found = projection._propositions(store)
    assert {(claim, kind, *pair) for claim, (kinds, ends, _) in found for kind in kinds for pair in ends} == expected
    assert len(expected) > 5
    # the support kinds of the claimed support
    assert any(props.get("supportKind") for _, (_, _, props) in found)
