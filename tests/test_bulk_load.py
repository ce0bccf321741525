"""The bulk loader keeps the loader's guarantees: same store as the normal path, all or nothing.

The normal path (:func:`kg.load_files`) is the reference: the bulk path must write exactly the
quads it writes (blank nodes compared by their content, since the engine names them afresh).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg import synthetic
from kg.load import bulk
from kg.load import loader as loader
from kg.namespaces import CK, SRC

pytestmark = pytest.mark.slow  # bulk loads of synthetic data, several in other processes

SYN_1K_SOURCES = 50


def canonical(store: kg.Store, *, digests: bool = True) -> Counter:
    """Every quad of the store, blank nodes replaced by what they say (their outgoing triples)."""
    quads = list(store._store.quads_for_pattern(None, None, None, None))
    outgoing: dict[ox.BlankNode, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.BlankNode):
            outgoing.setdefault(q.subject, []).append(q)

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return "[" + " ; ".join(sorted(f"{q.predicate} {term(q.object)}" for q in outgoing.get(t, []))) + "]"
        return str(t)

    digest = CK + "contentDigest"
    return Counter(
        (term(q.subject), str(q.predicate), term(q.object), str(q.graph_name))
        for q in quads
        if digests or q.predicate.value != digest
    )


def snapshot(store: kg.Store) -> tuple[list[str], Counter]:
    return store.named_graphs(), canonical(store)


@pytest.fixture(scope="module")
def syn_1k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The synthetic 1k-actor set, as one N-Quads file and as a directory of TriG files."""
    root = tmp_path_factory.mktemp("syn1k")
    synthetic.write(root / "syn.nq", 1000, seed=1)
    synthetic.write(root / "dir", 1000, seed=1)
    return root / "syn.nq", root / "dir"


def test_bulk_and_normal_paths_give_identical_stores_on_the_bundled_data(bundled_store):
    store = kg.Store()
    results = bulk.bulk_load_files(store, kg.bundled_data_files())
    assert results and not any(r.skipped for r in results)
    assert snapshot(store) == snapshot(bundled_store)


def test_bulk_and_normal_paths_give_identical_stores_on_synthetic_data(syn_1k, monkeypatch):
    nq, directory = syn_1k
    files = sorted(directory.glob("*.trig"))
    assert len(files) == SYN_1K_SOURCES
    by_bulk = kg.Store()
    bulk.bulk_load_files(by_bulk, files)
    # The normal path with pySHACL takes most of a minute on 50 sources; what is compared here is
    # what each path writes (the shapes are compared with pySHACL in test_shapes_parity).
    monkeypatch.setattr(loader, "_shacl_violations", lambda triples: [])
    by_normal = kg.Store()
    kg.load_files(by_normal, files)
    assert snapshot(by_bulk) == snapshot(by_normal)
    # The same sources in one N-Quads file: the same store but for the per-source digests
    # (written through several spool files).
    monkeypatch.setattr(bulk, "SPOOL_QUADS", 20_000)
    from_one_file = kg.Store()
    results = bulk.bulk_load_files(from_one_file, [nq])
    assert len(results) == SYN_1K_SOURCES and {r.file for r in results} == {str(nq)}
    assert from_one_file.named_graphs() == by_normal.named_graphs()
    assert canonical(from_one_file, digests=False) == canonical(by_normal, digests=False)


def _defect(nq: Path, tmp_path: Path, graph_number: int, extra: str) -> tuple[Path, str]:
    """A copy of ``nq`` with ``extra`` (an N-Triples line) added to one source's graph."""
    lines = nq.read_text(encoding="utf-8").splitlines(keepends=True)
    graph = f"{SRC}syn-article-{graph_number}"
    at = max(i for i, line in enumerate(lines) if line.rstrip().endswith(f"<{graph}> ."))
    lines.insert(at + 1, f"{extra} <{graph}> .\n")
    out = tmp_path / "defect.nq"
    out.write_text("".join(lines), encoding="utf-8")
    return out, graph


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("number", [1, 49])  # the first source of the file, one near the end
def test_one_invalid_source_in_a_large_batch_writes_nothing(syn_1k, loaded_store, tmp_path, number, jobs):
    nq, _ = syn_1k
    statement = "<https://w3id.org/conflict-kg/statement/syn-bulk-test>"
    bad, graph = _defect(nq, tmp_path, number, f"{statement} <{kg.namespaces.RDF}type> <{CK}Support>")
    before = snapshot(loaded_store)
    with pytest.raises(kg.ValidationFailed) as info:
        bulk.bulk_load_files(loaded_store, [bad], jobs=jobs)
    assert snapshot(loaded_store) == before
    assert graph in str(info.value) and str(bad) in str(info.value)
    shapes = {(v.focus, v.shape, v.path) for v in info.value.violations}
    assert (statement.strip("<>"), "cks:StatementShape", CK + "citation") in shapes
    assert (statement.strip("<>"), "cks:BinaryStatementShape", CK + "subject") in shapes


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_syntax_error_at_the_end_writes_nothing(syn_1k, loaded_store, tmp_path, jobs):
    nq, _ = syn_1k
    bad = tmp_path / "broken.nq"
    bad.write_bytes(nq.read_bytes() + b"<https://example.org/s> <https://example.org/p> .\n")
    before = snapshot(loaded_store)
    with pytest.raises(kg.LoadError, match="syntax error"):
        bulk.bulk_load_files(loaded_store, [bad], jobs=jobs)
    assert snapshot(loaded_store) == before


def test_two_processes_load_what_one_loads(syn_1k):
    nq, _ = syn_1k
    by_one, by_two = kg.Store(), kg.Store()
    one = bulk.bulk_load_files(by_one, [nq], jobs=1)
    two = bulk.bulk_load_files(by_two, [nq], jobs=2)
    assert two == one  # the same results, in the order of the input
    assert snapshot(by_two) == snapshot(by_one)


def test_with_two_processes_the_earliest_invalid_source_is_reported(syn_1k, loaded_store, tmp_path):
    nq, _ = syn_1k
    support = f"<{kg.namespaces.RDF}type> <{CK}Support>"
    once, _ = _defect(nq, tmp_path, 3, f"<https://w3id.org/conflict-kg/statement/syn-bulk-b> {support}")
    twice, earliest = _defect(once, tmp_path, 2, f"<https://w3id.org/conflict-kg/statement/syn-bulk-a> {support}")
    before = snapshot(loaded_store)
    with pytest.raises(kg.ValidationFailed) as info:
        bulk.bulk_load_files(loaded_store, [twice], jobs=2)
    assert snapshot(loaded_store) == before
    assert f"source {earliest})" in str(info.value)
    assert {v.focus for v in info.value.violations} == {"https://w3id.org/conflict-kg/statement/syn-bulk-a"}


def test_jobs_must_be_positive(syn_1k):
    store = kg.Store()
    with pytest.raises(kg.InvalidInput, match="at least 1"):
        bulk.bulk_load_files(store, [syn_1k[0]], jobs=0)
    assert store.named_graphs() == []


def test_unchanged_sources_are_skipped_and_changed_ones_replaced(syn_1k, tmp_path):
    nq, _ = syn_1k
    store = kg.Store()
    first = bulk.bulk_load_files(store, [nq])
    assert not any(r.skipped for r in first)
    before = snapshot(store)
    again = bulk.bulk_load_files(store, [nq])
    assert all(r.skipped for r in again) and len(again) == SYN_1K_SOURCES
    assert snapshot(store) == before
    # One source changed (a new alias): only it is written again, and its old content goes.
    label = f'<{kg.namespaces.ID}syn-bulk-alias> <{kg.namespaces.SKOS}altLabel> "Bulk alias"@en'
    changed, graph = _defect(nq, tmp_path, 12, label)
    results = bulk.bulk_load_files(store, [changed])
    assert [r.source for r in results if not r.skipped] == [graph]
    assert store.named_graphs() == before[0]
    assert any(t.object == ox.Literal("Bulk alias", language="en") for t in store.triples(graph))
    added = canonical(store) - before[1]
    assert {q[3] for q in added} == {f"<{graph}>", str(ox.DefaultGraph())}  # its graph, and the union
    assert not any(g.startswith("urn:kg:staging:") for g in store.named_graphs())


def test_one_source_files_share_digests_with_the_normal_path(tmp_path, make_source):
    path = make_source()
    store = kg.Store()
    [loaded] = bulk.bulk_load_files(store, [path])
    assert not loaded.skipped
    [skipped] = kg.load_files(store, [path])
    assert skipped.skipped


def test_a_failed_write_is_undone(syn_1k, loaded_store, tmp_path, monkeypatch):
    """The engine's bulk loader writes, then fails: new graphs are dropped, replaced ones kept."""
    nq, _ = syn_1k
    replaced = next(iter(kg.bundled_data_files()))
    kept = loader.read_source(replaced).graph
    changed = tmp_path / "changed.trig"
    changed.write_text(replaced.read_text(encoding="utf-8").replace("}", "  <urn:x> <urn:y> <urn:z> .\n}", 1))
    before = snapshot(loaded_store)
    real = kg.Store.bulk_load

    def half_done(self, path):
        real(self, path)
        raise kg.StoreError("disk full (simulated)")

    monkeypatch.setattr(kg.Store, "bulk_load", half_done)
    with pytest.raises(kg.StoreError, match="simulated"):
        bulk.bulk_load_files(loaded_store, [nq, changed])
    assert snapshot(loaded_store) == before
    assert loaded_store.contains_graph(kept)


def test_a_failed_move_is_undone(syn_1k, loaded_store, tmp_path, monkeypatch):
    nq, _ = syn_1k
    replaced = next(iter(kg.bundled_data_files()))
    changed = tmp_path / "changed.trig"
    changed.write_text(replaced.read_text(encoding="utf-8").replace("}", "  <urn:x> <urn:y> <urn:z> .\n}", 1))
    before = snapshot(loaded_store)

    def failing(self, moves):
        assert moves
        raise kg.StoreError("move failed (simulated)")

    monkeypatch.setattr(kg.Store, "move_graphs", failing)
    with pytest.raises(kg.StoreError, match="simulated"):
        bulk.bulk_load_files(loaded_store, [nq, changed])
    assert snapshot(loaded_store) == before


NQ = "<{s}> <{p}> {o} <{g}> .\n"


def _source_lines(graph: str, title: str = "T") -> str:
    return NQ.format(s=graph, p=kg.namespaces.RDF + "type", o=f"<{CK}ReferenceDocument>", g=graph) + NQ.format(
        s=graph, p=kg.namespaces.DCTERMS + "title", o=f'"{title}"', g=graph
    )


def test_many_sources_in_one_file_load_as_separate_graphs(tmp_path):
    path = tmp_path / "two.nq"
    path.write_text(_source_lines("https://example.org/a") + _source_lines("https://example.org/b"))
    store = kg.Store()
    results = bulk.bulk_load_files(store, [path])
    assert [r.source for r in results] == ["https://example.org/a", "https://example.org/b"]
    assert {"https://example.org/a", "https://example.org/b"} <= set(store.named_graphs())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _source_lines("https://example.org/a")
            + _source_lines("https://example.org/b")
            + _source_lines("https://example.org/a", "again"),
            "split in two parts",
        ),
        ("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n", "outside a named graph"),
        (_source_lines("https://w3id.org/conflict-kg/ontology"), "reserved for the ontology"),
        ("", "no data"),
    ],
)
def test_malformed_many_source_files_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.nq"
    path.write_text(text)
    store = kg.Store()
    with pytest.raises(kg.LoadError, match=message):
        bulk.bulk_load_files(store, [path])
    assert store.named_graphs() in ([], [kg.namespaces.ONTOLOGY_GRAPH])


def test_the_same_source_in_two_files_is_refused(tmp_path, make_source):
    one = make_source("one.trig")
    two = tmp_path / "two.trig"
    two.write_text(one.read_text())
    with pytest.raises(kg.LoadError, match="also in"):
        bulk.bulk_load_files(kg.Store(), [one, two])


def test_on_disk_store(tmp_path, syn_1k):
    nq, _ = syn_1k
    store = kg.Store(tmp_path / "store")
    bulk.bulk_load_files(store, [nq])
    expected = canonical(store)
    store.close()
    reopened = kg.Store(tmp_path / "store")
    assert canonical(reopened) == expected
    assert len(reopened.named_graphs()) == SYN_1K_SOURCES + 1  # and the ontology graph
