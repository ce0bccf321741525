"""Values derived from the store: declared once, computed once per version, shared by callers
asking together, brought up to date after a write when they can be."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import Store
from kg.store.derived import REGISTRY, Registry, Warm


def _write(store: Store, graph: str = "urn:g") -> None:
    store.replace_graph(graph, [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))])


def test_a_value_is_computed_once_per_version_and_again_after_a_write():
    store = Store(None)
    calls = []

    def compute(store):
        calls.append(store.version)
        return len(store)

    size = Registry().declare("size", compute)
    assert size.of(store) == 0
    assert size.of(store) == 0
    assert calls == [0]
    _write(store)
    assert size.of(store) == 1
    assert calls == [0, store.version]


def test_callers_asking_together_share_one_computation():
    store = Store(None)
    started = threading.Barrier(4)
    calls = []

    def compute(store):
        calls.append(1)
        time.sleep(0.2)  # long enough for the other callers to arrive and wait
        return object()

    slow = Registry().declare("slow", compute)
    results = []

    def ask():
        started.wait()
        results.append(slow.of(store))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1


def test_a_write_during_the_computation_is_not_hidden():
    store = Store(None)
    writes = []

    def compute(store):
        seen = len(store)
        if not writes:
            writes.append(1)
            _write(store)  # lands meanwhile
        return seen

    size = Registry().declare("size", compute)
    assert size.of(store) == 0
    assert size.of(store) == 1  # kept under the older version: computed again


def test_an_older_value_is_updated_with_the_graphs_written_since():
    store = Store(None)
    seen: list[tuple[object, frozenset[str]]] = []

    def update(store, older, graphs):
        seen.append((older, graphs))
        return None if "urn:rebuild" in graphs else {"updated": len(store)}

    graphs = Registry().declare("graphs", lambda store: {"computed": len(store)}, update=update)
    first = graphs.of(store)
    assert first == {"computed": 0}
    _write(store, "urn:one")
    _write(store, "urn:two")
    assert graphs.of(store) == {"updated": 2}
    assert seen == [(first, frozenset({"urn:one", "urn:two"}))]
    _write(store, "urn:rebuild")  # the update gives up: computed afresh
    assert graphs.of(store) == {"computed": 3}


def test_kept_forget_and_current():
    store = Store(None)
    registry = Registry()
    size = registry.declare("size", len)
    other = registry.declare("other", lambda store: "x")
    assert size.kept(store) is None and registry.current(store) == set()
    size.of(store)
    assert size.kept(store) == (0, 0)
    assert registry.current(store) == {size}
    _write(store)
    assert size.kept(store) == (0, 0)  # kept, of an older version: nothing computed
    assert registry.current(store) == set()
    other.of(store)
    registry.forget(store, other)
    assert other.kept(store) is None and size.kept(store) is not None
    registry.forget(store)
    assert size.kept(store) is None


def test_each_name_is_declared_once():
    registry = Registry()
    registry.declare("size", len)
    with pytest.raises(ValueError, match="declared twice"):
        registry.declare("size", len)
    assert [key.name for key in registry] == ["size"]


def test_values_marked_for_warming_come_in_their_order():
    registry = Registry()
    late = registry.declare("late", len, warm=Warm(20, "late"))
    registry.declare("never", len)
    early = registry.declare("early", len, warm=Warm(10, "early"))
    assert registry.warmed() == [early, late]


def test_the_values_each_module_declares_are_in_the_one_registry():
    import api.routers.explorer
    import api.warm

    names = {key.name for key in REGISTRY}
    assert {"labels", "search:index", "statements:table", "network:graphs", "explorer:pages"} <= names
    assert REGISTRY["explorer:pages"] is api.routers.explorer.PAGES


def test_only_the_registry_reads_the_values_a_store_keeps():
    """No module reaches into the values kept on a store: they are read through their keys."""
    root = Path(__file__).resolve().parents[1]
    allowed = {"kg/store/derived.py", "kg/store/embedded.py", "kg/store/remote.py", "tests/test_derived.py"}
    readers = {
        path.relative_to(root).as_posix()
        for folder in ("kg", "api", "tests", "benchmarks")
        for path in (root / folder).rglob("*.py")
        if re.search(r"\.derived_values\b|\bstore\.cache\b|\.cache\[", path.read_text(encoding="utf-8"))
    }
    assert readers <= allowed, sorted(readers - allowed)
