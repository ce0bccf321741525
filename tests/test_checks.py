"""The rules across sources (kg.load.checks): refused at load on both paths, reported by ``kg check``.

Each file of ``tests/fixtures/checks/`` is valid on its own (shapes and loading rules) and breaks
one rule once the bundled sources are there too.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.load.bulk import bulk_load_files
from kg.load.checks import check_store, incoming_defects
from kg.load.loader import derive, read_source, validate
from kg.namespaces import CK, ID, SRC

ARTICLE = SRC + "aleppo-offensive-article"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"

#: fixture file -> (rule, focus, words the message must contain)
BAD = {
    "second-pref-label.trig": (
        "pref-label",
        "https://w3id.org/conflict-kg/id/syrian-government",
        ['"Assad regime"@en', '"Syrian government"@en', "src:aleppo-offensive-article", "src:check-second-pref-label"],
    ),
    "two-pref-labels-in-one-source.trig": (
        "pref-label",
        "https://w3id.org/conflict-kg/id/check-test-list",
        ["src:check-two-pref-labels gives it 2 preferred labels in language 'en'", "skos:altLabel"],
    ),
    "pref-label-as-alt-label.trig": (
        "pref-alt-label",
        "https://w3id.org/conflict-kg/id/syrian-democratic-forces",
        ["قوات سوريا الديمقراطية", "skos:prefLabel (in src:arabic-names)", "skos:altLabel (in src:check-pref-alt)"],
    ),
    "end-before-start.trig": (
        "end-before-start",
        "https://w3id.org/conflict-kg/statement/russia-backs-syrian-government",
        ["ck:endDate 2024-12-08 in src:offensive-timeline", "ck:startDate 2025 in src:check-end-before-start"],
    ),
    "paragraph-beyond-the-source.trig": (
        "paragraph",
        "https://w3id.org/conflict-kg/statement/check-russia-allied-with-iran",
        ["paragraph 25 of src:aleppo-offensive-article", "which has 19 paragraphs"],
    ),
    "paragraph-without-count.trig": (
        "paragraph",
        "https://w3id.org/conflict-kg/statement/check-russia-allied-with-iran-2",
        ["paragraph 3 of src:check-no-count", "declares no ck:paragraphCount"],
    ),
    "claim-as-statement.trig": (
        "claim-edge",
        "https://w3id.org/conflict-kg/id/claim-iranian-officials-us-israel-instigated-offensive",
        ["a claim or proposition in src:aleppo-offensive-article", "a statement in src:check-claim-as-statement"],
    ),
}


def test_every_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("*.trig")} == set(BAD)


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_is_valid_on_its_own(name):
    parsed = read_source(FIXTURES / name)
    assert validate(parsed) == []


def _only(violations, rule, focus, words):
    found = [v for v in violations if v.shape == "check:" + rule]
    assert [v.focus for v in found] == [focus], violations
    for word in words:
        assert word in found[0].message, found[0].message


@pytest.mark.parametrize("name", sorted(BAD))
def test_load_refuses_each_bad_file_and_writes_nothing(loaded_store, name):
    rule, focus, words = BAD[name]
    before = len(loaded_store)
    with pytest.raises(kg.ValidationFailed) as failed:
        kg.load_files(loaded_store, [FIXTURES / name])
    assert failed.value.file == str(FIXTURES / name)
    _only(failed.value.violations, rule, focus, words)
    assert len(loaded_store) == before


@pytest.mark.parametrize("name", sorted(BAD))
def test_bulk_load_refuses_each_bad_file_and_writes_nothing(loaded_store, tmp_path, name):
    rule, focus, words = BAD[name]
    graphs = loaded_store.named_graphs()
    with pytest.raises(kg.ValidationFailed) as failed:
        bulk_load_files(loaded_store, [FIXTURES / name], spool_dir=tmp_path, jobs=1)
    _only(failed.value.violations, rule, focus, words)
    assert loaded_store.named_graphs() == graphs


def test_the_second_pref_label_message_names_the_fix(loaded_store):
    with pytest.raises(kg.ValidationFailed) as failed:
        kg.load_files(loaded_store, [FIXTURES / "second-pref-label.trig"])
    text = str(failed.value)
    assert "nothing was loaded" in text
    assert 'give "Assad regime" as skos:altLabel' in text
    # and after the refusal every answer still uses the canonical label
    assert kg.entity(loaded_store, "syrian-government").labels["en"] == "Syrian government"


def test_the_same_label_from_another_source_is_accepted(loaded_store, make_source):
    path = make_source(extra='    id:syrian-government a ck:Government ; skos:prefLabel "Syrian government"@en .')
    kg.load_files(loaded_store, [path])
    assert check_store(loaded_store) == []


def test_replacing_a_source_is_checked_without_its_old_version(loaded_store, make_source):
    # a source may change its own preferred label: its old version is not another source
    first = make_source(extra='    id:check-x a ck:State ; skos:prefLabel "Check X"@en .')
    kg.load_files(loaded_store, [first])
    second = make_source(extra='    id:check-x a ck:State ; skos:prefLabel "Check X renamed"@en .')
    kg.load_files(loaded_store, [second])
    assert kg.entity(loaded_store, "check-x").labels["en"] == "Check X renamed"


def test_two_new_sources_in_one_load_are_checked_together(store, make_source):
    a = make_source("a.trig", name="check-a", extra='    id:check-y a ck:State ; skos:prefLabel "Why"@en .')
    b = make_source("b.trig", name="check-b", extra='    id:check-y a ck:State ; skos:prefLabel "Wye"@en .')
    with pytest.raises(kg.ValidationFailed) as failed:
        kg.load_files(store, [a, b])
    assert {v.shape for v in failed.value.violations} == {"check:pref-label"}
    assert not store.contains_graph("https://w3id.org/conflict-kg/source/check-a")


def test_a_paragraph_count_that_strands_citations_is_refused(loaded_store, tmp_path):
    [article] = [p for p in kg.bundled_data_files() if p.name == "aleppo-offensive-article.trig"]
    text = article.read_text(encoding="utf-8").replace(
        'ck:paragraphCount "19"^^xsd:positiveInteger', 'ck:paragraphCount "12"^^xsd:positiveInteger'
    )
    shorter = tmp_path / "article.trig"
    shorter.write_text(text, encoding="utf-8")
    with pytest.raises(kg.ValidationFailed) as failed:
        kg.load_files(loaded_store, [shorter])
    assert {v.shape for v in failed.value.violations} == {"check:paragraph"}
    assert all("which has 12 paragraphs" in v.message for v in failed.value.violations)


# --- kg check -----------------------------------------------------------------------------------


def test_the_bundled_data_has_no_defect(bundled_store):
    assert check_store(bundled_store) == []


def test_kg_check_passes_the_bundled_data():
    result = CliRunner().invoke(app, ["check", "--store", "memory"])
    assert result.exit_code == 0, result.output
    assert "no defects" in result.output


def test_kg_validate_against_a_store_reports_the_second_label():
    bad = str(FIXTURES / "second-pref-label.trig")
    alone = CliRunner().invoke(app, ["validate", bad])
    assert alone.exit_code == 0, alone.output  # valid on its own
    against = CliRunner().invoke(app, ["validate", "--against", "memory", bad])
    assert against.exit_code == 1
    assert 'give "Assad regime" as skos:altLabel' in against.output


def _forced(bundled_store: kg.Store, path: Path, directory: Path) -> kg.Store:
    """An on-disk copy of the bundled data with ``path``'s source (and what it derives) written
    past the loader, as a store written by hand or by an older version could hold it."""
    parsed = read_source(path)
    forced = kg.Store(directory)
    forced.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
    forced.replace_graphs({parsed.graph: parsed.triples + derive(parsed)})
    return forced


@pytest.mark.parametrize("name", sorted(BAD))
def test_kg_check_lists_each_defect_and_fails(bundled_store, tmp_path, name):
    rule, focus, words = BAD[name]
    forced = _forced(bundled_store, FIXTURES / name, tmp_path / "store")
    defects = check_store(forced)
    assert [(d.rule, d.focus) for d in defects] == [(rule, focus)]
    forced.close()
    result = CliRunner().invoke(app, ["check", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1, result.output
    assert f"[{rule}]" in result.stdout
    for word in words:
        assert word in result.stdout


def test_kg_check_finds_an_edge_no_statement_derives(loaded_store):
    # the edge the article's claim (Iranian officials accusing the US) must never give
    backs = ox.Triple(
        ox.NamedNode(ID + "united-states"), ox.NamedNode(CK + "backs"), ox.NamedNode(ID + "hts-led-rebels")
    )
    loaded_store.replace_graph(ARTICLE, [*loaded_store.triples(ARTICLE), backs])
    defects = check_store(loaded_store)
    assert [(d.rule, d.focus) for d in defects] == [("claim-edge", "https://w3id.org/conflict-kg/id/united-states")]
    assert "ck:backs id:hts-led-rebels" in defects[0].message


def test_incoming_defects_name_only_the_new_sources(bundled_store):
    parsed = read_source(FIXTURES / "second-pref-label.trig")
    defects = incoming_defects(bundled_store, {parsed.graph: parsed.triples})
    assert [d.sources for d in defects] == [
        (
            "https://w3id.org/conflict-kg/source/aleppo-offensive-article",
            "https://w3id.org/conflict-kg/source/check-second-pref-label",
            "https://w3id.org/conflict-kg/source/offensive-timeline",
        )
    ]
