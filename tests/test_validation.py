"""The loader rejects invalid sources, names the file, the node and the rule, and writes nothing.

Each defective file is the minimal valid source of ``conftest.SOURCE_TEMPLATE`` with ONE defect.
Every rejection is tried on a store that already holds the bundled data, which must come out
of it exactly as it went in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import kg
from kg.namespaces import CK, ID, SRC, ST

STATEMENT = ST + "test-source-alpha-backs-beta"
CITATION = '        ck:citation [ ck:source src:test-source ; ck:locator "test locator" ] .\n'


@dataclass(frozen=True)
class Snapshot:
    size: int
    graphs: tuple[str, ...]
    quads: frozenset[bytes]
    version: int


def snapshot(store: kg.Store) -> Snapshot:
    return Snapshot(
        len(store), tuple(store.named_graphs()), frozenset(store.export("nquads").splitlines()), store.version
    )


def rejection(store: kg.Store, path, error=kg.ValidationFailed) -> kg.LoadError:
    """Load ``path`` into ``store``, expecting ``error``; check that nothing changed."""
    before = snapshot(store)
    with pytest.raises(error) as info:
        kg.load_files(store, [path])
    assert snapshot(store) == before
    assert str(path) in str(info.value)
    return info.value


def violations_of(error: kg.ValidationFailed, shape: str) -> list:
    return [v for v in error.violations if v.shape == shape]


# ---------------------------------------------------------------------------------------------


def test_the_minimal_source_is_valid_and_loads(store, make_source):
    path = make_source()
    [result] = kg.load_files(store, [path])
    assert result.source == SRC + "test-source"
    assert result.skipped is False
    assert result.file == str(path)
    assert SRC + "test-source" in store.named_graphs()
    backers = kg.backers(store, "test-beta", at="2017-01-01")
    assert [(r.subject.id, r.support_kinds) for r in backers] == [("test-alpha", ["air"])]


def test_the_minimal_source_loads_next_to_the_bundled_data(loaded_store, make_source):
    before = len(loaded_store)
    [result] = kg.load_files(loaded_store, [make_source()])
    assert len(loaded_store) == before + result.triples + result.derived


def test_statement_without_citation(loaded_store, make_source):
    valid = make_source().read_text()
    assert " ;\n" + CITATION in valid
    path = make_source(text=valid.replace(" ;\n" + CITATION, " .\n"))
    error = rejection(loaded_store, path)
    [violation] = error.violations
    assert violation.focus == STATEMENT
    assert violation.shape == "cks:StatementShape"
    assert violation.path == CK + "citation"
    assert "citation" in violation.message
    assert STATEMENT in str(error) and "cks:StatementShape" in str(error)


def test_invalid_date(loaded_store, make_source):
    error = rejection(loaded_store, make_source(start='"2024-13-45"^^xsd:date'))
    on_statement = [v for v in error.violations if STATEMENT in v.focus]
    assert {v.shape for v in on_statement} == {"cks:StatementShape", "loader:date"}
    assert {v.path for v in on_statement} == {CK + "startDate"}
    assert {v.value for v in on_statement} == {"2024-13-45"}
    assert "cks:StatementShape" in str(error) and "2024-13-45" in str(error)


def test_designation_without_authority(loaded_store, make_source):
    extra = (
        "    st:test-designation a ck:Designation ; ck:designee id:test-beta ;\n"
        '        ck:citation [ ck:source src:test-source ; ck:locator "test locator" ] .\n'
    )
    error = rejection(loaded_store, make_source(extra=extra))
    [violation] = error.violations
    assert violation.focus == ST + "test-designation"
    assert violation.shape == "cks:DesignationShape"
    assert violation.path == CK + "authority"
    assert "authority" in violation.message


def test_hand_written_derived_edge(loaded_store, make_source):
    error = rejection(loaded_store, make_source(extra="    id:test-alpha ck:backs id:test-beta .\n"))
    [violation] = error.violations
    assert ID + "test-alpha" in violation.focus
    assert violation.shape == "loader:derived"
    assert violation.path == CK + "backs"
    assert "derived" in violation.message


def test_loader_violations_name_the_node_like_shacl_does(store, make_source):
    with pytest.raises(kg.ValidationFailed) as info:
        kg.load_files(store, [make_source(extra="    id:test-alpha ck:backs id:test-beta .\n")])
    assert info.value.violations[0].focus == ID + "test-alpha"


@pytest.mark.parametrize("prop", ["backs", "opposes", "designates", "earliestStart", "searchKey", "contentDigest"])
def test_every_derived_property_is_refused(store, make_source, prop):
    value = '"2016-01-01"^^xsd:date' if prop == "earliestStart" else "id:test-beta"
    with pytest.raises(kg.ValidationFailed) as info:
        kg.load_files(store, [make_source(extra=f"    id:test-alpha ck:{prop} {value} .\n")])
    assert [(v.shape, v.path) for v in info.value.violations] == [("loader:derived", CK + prop)]


def test_two_named_graphs_in_one_file(loaded_store, make_source):
    other = '\nsrc:other-source { src:other-source a ck:ReferenceDocument ; dcterms:title "Other" . }\n'
    path = make_source(text=make_source().read_text() + other)
    error = rejection(loaded_store, path, kg.LoadError)
    assert not isinstance(error, kg.ValidationFailed)
    assert "exactly one named graph" in str(error)
    assert "found 2" in str(error)


def test_two_named_graphs_error_names_the_graphs(store, make_source):
    other = '\nsrc:other-source { src:other-source a ck:ReferenceDocument ; dcterms:title "Other" . }\n'
    path = make_source(text=make_source().read_text() + other)
    with pytest.raises(kg.LoadError) as info:
        kg.load_files(store, [path])
    assert SRC + "other-source" in str(info.value) and SRC + "test-source" in str(info.value)


def test_syntax_error(loaded_store, make_source):
    defect = "    id:test-gamma a ck:State , ."
    path = make_source(extra=defect + "\n")
    line = path.read_text().splitlines().index(defect) + 1
    error = rejection(loaded_store, path, kg.LoadError)
    assert "syntax error" in str(error)
    assert f"line {line}" in str(error)


def test_proposition_typed_as_statement(loaded_store, make_source):
    extra = """
    id:test-claim a ck:Claim ; ck:claimant id:test-alpha ; ck:claimKind ck:AccusationClaim ;
        ck:summary "A test accusation."@en ;
        ck:citation [ ck:source src:test-source ; ck:locator "test locator" ] ;
        ck:proposition st:test-proposition .
    st:test-proposition a ck:Proposition, ck:Support ; ck:statementKind ck:Support ;
        ck:subject id:test-beta ; ck:object id:test-alpha ; ck:supportKind ck:AirSupport .
"""
    error = rejection(loaded_store, make_source(extra=extra))
    shapes = {v.shape for v in error.violations if v.focus == ST + "test-proposition"}
    assert "cks:PropositionShape" in shapes
    [message] = [v.message for v in violations_of(error, "cks:PropositionShape")]
    assert "not be typed as a ck:Statement" in message


def test_source_graph_not_described_as_a_source(loaded_store, make_source):
    text = make_source().read_text().replace("src:test-source a ck:ReferenceDocument ;", "src:test-source")
    error = rejection(loaded_store, make_source(text=text))
    assert [v.focus for v in violations_of(error, "loader:source")] == [SRC + "test-source"]


def test_triples_outside_a_named_graph(loaded_store, make_source):
    text = make_source().read_text() + '\nid:test-alpha skos:altLabel "Alpha"@en .\n'
    error = rejection(loaded_store, make_source(text=text), kg.LoadError)
    assert "outside a named graph" in str(error)


@pytest.mark.parametrize(
    ("file_name", "message"), [("source.txt", "unsupported file type"), ("missing.trig", "cannot read")]
)
def test_unreadable_files(loaded_store, tmp_path, make_source, file_name, message):
    path = tmp_path / file_name
    if file_name.endswith(".txt"):
        make_source(file_name)
    error = rejection(loaded_store, path, kg.LoadError)
    assert message in str(error)


@pytest.mark.parametrize("year", ["0000", "10000"])
def test_year_out_of_range_is_a_validation_failure(store, make_source, year):
    with pytest.raises(kg.ValidationFailed):
        kg.load_files(store, [make_source(start=f'"{year}"^^xsd:gYear')])


# --- batches -----------------------------------------------------------------------------------


def test_batch_with_an_invalid_second_file_writes_nothing(loaded_store, make_source):
    good = make_source("good.trig", name="test-good")
    bad = make_source("bad.trig", name="test-bad", start='"2024-13-45"^^xsd:date')
    before = snapshot(loaded_store)
    with pytest.raises(kg.ValidationFailed) as info:
        kg.load_files(loaded_store, [good, bad])
    assert info.value.file == str(bad)
    assert snapshot(loaded_store) == before
    assert SRC + "test-good" not in loaded_store.named_graphs()


def test_batch_with_an_unparsable_second_file_writes_nothing(loaded_store, make_source):
    good = make_source("good.trig", name="test-good")
    bad = make_source("bad.trig", text="this is not { TriG")
    before = snapshot(loaded_store)
    with pytest.raises(kg.LoadError, match=r"bad\.trig"):
        kg.load_files(loaded_store, [good, bad])
    assert snapshot(loaded_store) == before


def test_batch_with_one_source_in_two_files_is_refused(loaded_store, make_source):
    first = make_source("first.trig")
    second = make_source("second.trig")
    before = snapshot(loaded_store)
    with pytest.raises(kg.LoadError, match="also in"):
        kg.load_files(loaded_store, [first, second])
    assert snapshot(loaded_store) == before


def test_a_valid_file_replaces_its_source_as_a_whole(store, make_source):
    kg.load_files(store, [make_source()])
    changed = make_source(start='"2020"^^xsd:gYear')
    kg.load_files(store, [changed])
    starts = store.select(
        "SELECT ?d WHERE { GRAPH src:test-source { st:test-source-alpha-backs-beta ck:startDate ?d } }"
    )
    assert [r["d"] for r in starts] == ["2020"]
