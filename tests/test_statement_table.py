"""The statement table answers relations, backers and designations exactly as the engine does,
and stays so after loads, replacements and removals of sources."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

import kg
from kg.load.bulk import bulk_load_files
from kg.namespaces import slug
from kg.read.statement_table import STATEMENT_TABLE, StatementTable, _build, _unpack, statement_table

DAYS = ("2024-11-30", "2012-06-01")
GRAPH = "https://w3id.org/conflict-kg/source/test-source"


def copy_of(store: kg.Store) -> kg.Store:
    copy = kg.Store()
    copy.replace_graphs({g: store.triples(g) for g in store.named_graphs()})
    return copy


def entities(store: kg.Store) -> list[str]:
    rows = store.select(
        "SELECT DISTINCT ?e WHERE { ?e a ?k . VALUES ?top { ck:Actor ck:Place } ?k rdfs:subClassOf* ?top }"
    )
    return sorted(slug(r["e"]) for r in rows)


def answers(store: kg.Store) -> dict[str, Any]:
    """Everything the table serves, for every actor and place, on two days."""
    out: dict[str, Any] = {"all designations": [asdict(d) for d in kg.designations(store, at=DAYS[0])]}
    for ident in entities(store):
        for day in DAYS:
            out[f"{ident} {day}"] = {
                "relations": [asdict(r) for r in kg.relations(store, ident, at=day)],
                "backers": [asdict(r) for r in kg.backers(store, ident, day)],
                "backed": [asdict(r) for r in kg.backed(store, ident, day)],
                "designated": [asdict(d) for d in kg.designations(store, ident, at=day)],
                "designating": [asdict(d) for d in kg.designations(store, authority=ident, at=day)],
            }
        out[f"{ident} page"] = asdict(kg.entity(store, ident, at=DAYS[0]))
    return out


def normalised(table: StatementTable) -> tuple[Any, ...]:
    """A table's content, without the order of values (a read of a few statements may list them
    in another order than a read of all)."""

    def props(p: dict[str, list[Any]]) -> dict[str, set[Any]]:
        return {k: set(v) for k, v in p.items()}

    return (
        {s: props(p) for s, p in table.properties(table.props).items()},
        {s: {part: props(_unpack(p)) for part, p in parts} for s, parts in table.parts.items()},
        {k: v for k, v in table.mentions.items() if v},
        {k: v for k, v in table.graph_statements.items() if v},
    )


def updated_like_rebuilt(store: kg.Store, table: StatementTable) -> bool:
    """The table (updated after writes) is the current one and holds what a new build reads."""
    return statement_table(store) is table and normalised(table) == normalised(_build(store))


@pytest.fixture(scope="module")
def engine_answers(bundled_store: kg.Store) -> dict[str, Any]:
    return answers(copy_of(bundled_store))  # a store of its own: no table was ever built for it


def test_the_table_answers_like_the_engine(bundled_store, engine_answers):
    store = copy_of(bundled_store)
    table = statement_table(store)
    assert len(table.props) > 50 and table.parts  # the bundled statements and their citations
    with_table = answers(store)
    assert with_table == engine_answers
    # the comparison covers what the table serves: backers, designations, citations, amendments
    assert any(a["backers"] for k, a in with_table.items() if k.endswith(DAYS[0]))
    designated = [d for k, a in with_table.items() if k.endswith(DAYS[0]) for d in a["designated"]]
    assert any(d["sources"] for d in designated) and any(d["amendments"] for d in designated)


def test_without_a_table_no_read_builds_one(bundled_store):
    store = copy_of(bundled_store)
    kg.backers(store, "syrian-government", "2024-11-30")
    kg.designations(store, "hayat-tahrir-al-sham")
    assert STATEMENT_TABLE.kept(store) is None


def test_the_table_follows_loads_replacements_and_removals(loaded_store, make_source):
    store = loaded_store
    table = statement_table(store)
    kg.load_files(store, [make_source("one.trig")])
    assert kg.backed(store, "test-alpha", "2020-01-01")  # read through the updated table
    assert updated_like_rebuilt(store, table) and table.version == store.version
    assert answers(store) == answers(copy_of(store))

    kg.load_files(store, [make_source("two.trig", start='"2021"^^xsd:gYear')])  # the source replaced
    assert not kg.backed(store, "test-alpha", "2020-01-01")
    assert kg.backed(store, "test-alpha", "2022-01-01")
    assert updated_like_rebuilt(store, table)

    designating = [
        r["g"] for r in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d a ck:Designation ; ck:amendment ?a } }")
    ]
    before = kg.designations(store)
    for graph in [GRAPH, *designating]:
        assert kg.remove_source(store, graph)
    assert len(kg.designations(store)) < len(before)
    assert updated_like_rebuilt(store, table)
    assert answers(store) == answers(copy_of(store))


def test_a_bulk_load_rebuilds_the_table(store, make_source, tmp_path):
    kg.load_files(store, [make_source()])
    table = statement_table(store)
    bulk_load_files(store, [make_source("second.trig", name="test-second")], spool_dir=tmp_path)
    assert store.changed_graphs(table.version) is None  # a bulk load does not say what it wrote
    assert len(kg.backed(store, "test-alpha", "2020-01-01")) == 2
    rebuilt = statement_table(store)
    assert rebuilt is not table
    assert "https://w3id.org/conflict-kg/statement/test-second-alpha-backs-beta" in rebuilt.props
