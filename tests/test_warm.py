"""Values the service reads on most requests are computed ahead of the first request."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from api.warm import warm, warm_steps
from kg.errors import StoreError
from kg.store.derived import REGISTRY

KEYS = {
    "labels",
    "search:index",
    "catalog:actors",
    "catalog:sources",
    "nodes:source-details",
    "quads",
    "network:graphs",
}


def current(store: kg.Store) -> set[str]:
    return {key.name for key in REGISTRY.current(store)}


def forget(store: kg.Store, names: set[str]) -> None:
    REGISTRY.forget(store, *(REGISTRY[name] for name in names))


def test_warm_computes_each_value_for_the_current_version(store, make_source):
    kg.load_files(store, [make_source()])
    assert warm(store) == []
    assert current(store) >= KEYS
    kg.load_files(store, [make_source("second.trig", name="test-second")])
    assert not KEYS & current(store)  # a write leaves them to be computed again
    warm(store)
    assert current(store) >= KEYS


def test_a_step_that_fails_is_named_and_the_others_still_run(store, make_source):
    kg.load_files(store, [make_source()])

    def broken(_store: kg.Store) -> None:
        raise StoreError("the store went away")

    planned = warm_steps()
    steps = [planned[0], ("broken", broken), *planned[1:]]
    assert warm(store, steps) == ["broken"]
    assert current(store) >= KEYS


def test_the_service_warms_at_start_up(bundled_store):
    forget(bundled_store, KEYS)
    with TestClient(create_app(Settings(store="memory", query_workers=1), store=bundled_store)):
        deadline = time.monotonic() + 60
        while not current(bundled_store) >= KEYS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert current(bundled_store) >= KEYS  # with no request made


def test_a_hook_runs_once_the_start_up_values_are_computed(bundled_store):
    """``kg serve`` passes ``gc.freeze``: the values must exist when it runs."""
    forget(bundled_store, KEYS)
    seen: list[set[str]] = []
    app = create_app(
        Settings(store="memory", query_workers=1),
        store=bundled_store,
        after_warm=lambda: seen.append(current(bundled_store)),
    )
    with TestClient(app) as http:
        deadline = time.monotonic() + 60
        while not http.get("/healthz").json()["warm"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(seen) == 1 and seen[0] >= KEYS


def test_the_health_check_says_when_the_start_up_values_are_ready(bundled_store, monkeypatch):
    import threading

    import api.app

    release = threading.Event()
    monkeypatch.setattr(api.app, "warm", lambda store: release.wait(30))
    with TestClient(api.app.create_app(Settings(store="memory", query_workers=1), store=bundled_store)) as http:
        assert http.get("/healthz").json()["warm"] is False
        release.set()
        deadline = time.monotonic() + 30
        while not http.get("/healthz").json()["warm"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert http.get("/healthz").json()["warm"] is True


def test_kg_warm_0_computes_nothing_at_start_up(bundled_store, monkeypatch):
    monkeypatch.setenv("KG_WARM", "0")
    settings = Settings.from_env(store="memory", query_workers=1)
    assert settings.warm is False
    forget(bundled_store, KEYS)
    with TestClient(create_app(settings, store=bundled_store)) as http:
        assert http.get("/healthz").json()["warm"] is True  # nothing to wait for
        time.sleep(0.5)
        assert not current(bundled_store) & {"search:index", "network:graphs", "labels"}
        assert http.get("/api/v1/search", params={"q": "aleppo"}).status_code == 200
        assert "search:index" in current(bundled_store)  # computed by the first request needing it


def test_the_steps_are_the_values_the_registry_marks_for_warming_in_order():
    names = [name for name, _ in warm_steps()]
    assert names == [
        "labels",  # first: other steps and pages use them
        "search index",
        "actor list",
        "sources",
        "source details",
        "quad count",
        "statements",
        "network",  # after the statements, whose table it reads, the actor list and source details
    ]
    assert {key.name for key in REGISTRY.warmed()} == KEYS | {"statements:table"}
