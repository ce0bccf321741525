"""Values derived from the store: computed once per version, shared by callers asking together."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox

from kg import Store


def _write(store: Store) -> None:
    store.replace_graph("urn:g", [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))])


def test_a_value_is_computed_once_per_version_and_again_after_a_write():
    store = Store(None)
    calls = []

    def compute():
        calls.append(store.version)
        return len(store)

    assert store.derived("size", compute) == 0
    assert store.derived("size", compute) == 0
    assert calls == [0]
    _write(store)
    assert store.derived("size", compute) == 1
    assert calls == [0, store.version]


def test_callers_asking_together_share_one_computation():
    store = Store(None)
    started = threading.Barrier(4)
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)  # long enough for the other callers to arrive and wait
        return object()

    results = []

    def ask():
        started.wait()
        results.append(store.derived("slow", compute))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1


def test_a_write_during_the_computation_is_not_hidden():
    store = Store(None)

    def compute():
        seen = len(store)
        _write(store)  # lands meanwhile
        return seen

    assert store.derived("size", compute) == 0
    assert store.derived("size", lambda: len(store)) == 1  # kept under the older version: computed again
