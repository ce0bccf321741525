"""A bulk load killed at any point leaves, once the store is opened again, the old or the new state.

Each round copies an on-disk store holding a small synthetic graph, starts a process that bulk
loads a larger one over it (new sources and replaced ones, several spool files) and kills
itself with SIGKILL at one point of the load, then opens the store and compares every quad with
the store before and after a complete load. ``make faults`` does the same at random points.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg import synthetic
from kg.load import bulk
from kg.store import JOURNAL, STAGING

pytestmark = pytest.mark.slow  # bulk loads killed in child processes

REPO = Path(__file__).resolve().parents[1]

#: The child: bulk loads argv[2] into the store argv[1] and kills itself at the point argv[3]
#: (by wrapping the store's methods, so that it needs no hook in the library).
CHILD = """
import os, signal, sys, threading
sys.path.insert(0, sys.argv[4])
from kg.load import bulk
from kg import Store

store_dir, data, point = sys.argv[1:4]
bulk.SPOOL_QUADS = 3000  # several files to load


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def wrap(name, before=0, after=0, timer=0):
    real = getattr(Store, name)
    calls = [0]

    def wrapper(self, *args):
        calls[0] += 1
        if calls[0] == before:
            die()
        if calls[0] == timer:
            threading.Timer(0.005, die).start()
        result = real(self, *args)
        if calls[0] == after:
            die()
        return result

    setattr(Store, name, wrapper)


if point == "before-first-file":
    wrap("bulk_load", before=1)
elif point == "after-first-file":
    wrap("bulk_load", after=1)
elif point == "during-second-file":
    wrap("bulk_load", timer=2)
elif point == "during-union":
    wrap("add_to_union", timer=1)
elif point == "after-union":
    wrap("add_to_union", after=1)
elif point == "before-move":
    wrap("move_graphs", before=1)
elif point == "after-move":
    wrap("move_graphs", after=1)
store = Store(store_dir)
bulk.bulk_load_files(store, [data], jobs=1)
if point == "before-close":
    die()
store.close()
"""


def content(store: kg.Store) -> Counter:
    """Every quad of the store (blank nodes, which a bulk load names afresh, as ``_``)."""

    def term(t: object) -> str:
        return "_" if isinstance(t, ox.BlankNode) else str(t)

    quads = store._store.quads_for_pattern(None, None, None, None)

    def graph(g: object) -> str:  # the default graph holds the union of the sources
        return g.value if isinstance(g, ox.NamedNode) else str(g)

    return Counter((term(q.subject), str(q.predicate), term(q.object), graph(q.graph_name)) for q in quads)


def per_graph(state: Counter) -> dict[str, int]:
    counts: Counter = Counter()
    for quad, n in state.items():
        counts[quad[3]] += n
    return dict(counts)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A store holding 100 synthetic actors (closed, to be copied), 300 other ones to load over
    it, and the content before and after that load; the same for a load into an empty store."""
    root = tmp_path_factory.mktemp("crash")
    old, new = root / "old.nq", root / "new.nq"
    synthetic.write(old, 100, seed=1)
    synthetic.write(new, 300, seed=2)
    found: dict[str, object] = {"root": root, "new": new}
    for name, preload in (("over", [old]), ("empty", [])):
        pristine = root / f"{name}-pristine"
        store = kg.Store(pristine)
        kg.load.loader.ensure_ontology(store)
        if preload:
            bulk.bulk_load_files(store, preload, jobs=1)
        found[f"{name}-old"] = content(store)
        store.close()
        done = root / f"{name}-done"
        shutil.copytree(pristine, done)
        store = kg.Store(done)
        results = bulk.bulk_load_files(store, [new], jobs=1)
        found[f"{name}-new"] = content(store)
        store.close()
        if preload:  # both kinds of write: sources replaced (staging graphs) and new ones
            assert any(r.source in per_graph(found[f"{name}-old"]) for r in results)  # type: ignore[arg-type]
            assert any(r.source not in per_graph(found[f"{name}-old"]) for r in results)  # type: ignore[arg-type]
    return found


def _crash(states: dict[str, object], base: str, point: str) -> Counter:
    """Copy the ``base`` store, bulk load the new data into the copy killing the load at ``point``,
    open the copy again: its content."""
    root = states["root"]
    assert isinstance(root, Path)
    target = root / f"{base}-{point}"
    shutil.copytree(root / f"{base}-pristine", target)
    spool = root / f"{base}-{point}-tmp"  # a killed load leaves its spool folder behind
    spool.mkdir()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(target), str(states["new"]), point, str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(spool)},
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    store = kg.Store(target)  # the next open recovers
    try:
        assert not [g for g in store.named_graphs() if g.startswith((STAGING, JOURNAL))]
        return content(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ("before-first-file", "old"),
        ("after-first-file", "old"),
        ("during-second-file", "old"),
        ("during-union", "old"),  # the new sources' triples going into the union (the default graph)
        ("after-union", "old"),
        ("before-move", "old"),  # every graph loaded, nothing committed
        ("after-move", "new"),  # committed, the journal not yet dropped
        ("before-close", "new"),
    ],
)
def test_a_killed_bulk_load_leaves_the_old_or_the_new_state(states, point, expected):
    found = _crash(states, "over", point)
    old, new = states["over-old"], states["over-new"]
    assert found in (old, new), f"a mixed state: {per_graph(found)}"
    assert found == states[f"over-{expected}"]


@pytest.mark.parametrize("point", ["after-first-file", "during-union", "after-union", "before-move", "before-close"])
def test_a_killed_load_into_an_empty_store_leaves_it_empty_or_full(states, point):
    """Only new sources, so no move: marking the journal loaded commits the load."""
    found = _crash(states, "empty", point)
    assert found == (states["empty-new"] if point in ("before-move", "before-close") else states["empty-old"])


def test_an_open_drops_staging_graphs_left_without_a_journal(tmp_path):
    """As an older version's crashed loads left them (``kg remove`` cannot name them)."""
    store = kg.Store(tmp_path / "store")
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    store.replace_graphs({f"{STAGING}0123": [triple], "https://example.org/kept": [triple]})
    store.close()
    reopened = kg.Store(tmp_path / "store")
    assert reopened.named_graphs() == ["https://example.org/kept"]


def test_a_graph_that_is_not_a_source_is_replaced_not_added_to(tmp_path):
    """A graph without a digest counts as existing: its old content does not stay beside the new."""
    store = kg.Store()
    graph = "https://example.org/src/a"
    store.replace_graph(graph, [ox.Triple(ox.NamedNode("urn:left"), ox.NamedNode("urn:over"), ox.Literal("x"))])
    path = tmp_path / "a.nq"
    rdf, ck, dct = kg.namespaces.RDF, kg.namespaces.CK, kg.namespaces.DCTERMS
    path.write_text(
        f'<{graph}> <{rdf}type> <{ck}ReferenceDocument> <{graph}> .\n<{graph}> <{dct}title> "A" <{graph}> .\n'
    )
    bulk.bulk_load_files(store, [path])
    assert not any(t.subject == ox.NamedNode("urn:left") for t in store.triples(graph))
    assert not [g for g in store.named_graphs() if g.startswith((STAGING, JOURNAL))]


def test_graph_names_of_bulk_loads_are_refused_as_sources(tmp_path):
    path = tmp_path / "a.nq"
    path.write_text(f"<urn:s> <urn:p> <urn:o> <{STAGING}x> .\n")
    with pytest.raises(kg.LoadError, match="reserved for bulk loads"):
        bulk.bulk_load_files(kg.Store(), [path])


def test_an_interruption_after_the_commit_keeps_the_load(states, monkeypatch):
    """An exception in the load's process undoes it only if the move had not committed."""
    store = kg.Store()
    real = kg.Store.move_graphs

    def interrupted(self, moves):
        real(self, moves)
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.Store, "move_graphs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bulk.bulk_load_files(store, [states["new"]], jobs=1)
    assert per_graph(content(store)) == per_graph(states["empty-new"])  # type: ignore[arg-type]


def test_an_undo_cut_short_is_finished_at_the_next_open(tmp_path):
    """The undo drops graphs in several transactions: the journal, no longer marked loaded, stays
    until the last one, so that an open after a crash in between drops the rest."""
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    new, staging = "https://example.org/new", f"{STAGING}1"
    store = kg.Store(tmp_path / "store")
    journal = store.open_journal([new, staging])
    store.replace_graphs({new: [triple], staging: [triple]})
    store.journal_loaded(journal)
    # the first steps of the undo, then a crash: the mark removed, the staging graph dropped
    store._update(f"DELETE DATA {{ GRAPH <{journal}> {{ <{journal}> <urn:kg:journal#loaded> true }} }}")
    store.remove_graphs([staging])
    store.close()
    reopened = kg.Store(tmp_path / "store")
    assert reopened.named_graphs() == []


def test_the_normal_loader_refuses_the_names_of_bulk_loads(tmp_path: Path) -> None:
    """A source named like a staging graph or a journal would be dropped by the next open."""
    for prefix in (STAGING, JOURNAL):
        path = tmp_path / "reserved.nq"
        path.write_text(f'<urn:x:s> <urn:x:p> "o" <{prefix}1234> .\n', encoding="utf-8")
        with pytest.raises(kg.LoadError, match="reserved for bulk loads"):
            kg.load.loader.read_source(path)
