"""The remote store in service: shared by two API instances, atomic writes, a server that is
down, refused credentials. (The Store interface itself is tested on every backend in test_store.)"""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg.namespaces import ONTOLOGY_GRAPH
from kg.remote import MARKER_GRAPH
from tests.servers import VIRTUOSO_USER, start_oxigraph, wipe

SERVERS = ["oxigraph", "virtuoso"]


@pytest.fixture(params=SERVERS)
def server(request):
    return request.getfixturevalue(f"{request.param}_server")


def settings_for(server, **overrides) -> Settings:
    options = {"store_" + k: v for k, v in server.options.items()}
    return Settings(**{"store": server.url, "query_workers": 2, "store_timeout": 10.0, **options, **overrides})


def test_a_write_request_with_an_error_changes_nothing(server):
    store = server.open()
    wipe(store)
    kg.load_files(store, [])  # the ontology graph
    before, version = store.triples(ONTOLOGY_GRAPH), store.version
    graph = f"<{ONTOLOGY_GRAPH}>"
    broken = f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{ <urn:a> <urn:b> }} }}"  # no object
    with pytest.raises(kg.StoreError, match="write failed"):
        store._update(broken)
    assert set(store.triples(ONTOLOGY_GRAPH)) == set(before) and before
    assert store.version == version


def test_the_marker_graph_is_not_a_source(server):
    store = server.open()
    with pytest.raises(kg.InvalidInput):
        store.replace_graph(MARKER_GRAPH, [])
    assert MARKER_GRAPH not in store.named_graphs()


def test_two_instances_on_one_store_answer_the_same(server, make_source):
    wipe(server.open())
    settings = settings_for(server)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        paths = ["/api/v1/sources", "/api/v1/search?q=test%20alpha", "/api/v1/actors/russia", "/healthz"]
        query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ck:subject ?o }"}
        # each instance warms in its own thread (/healthz says when): let both finish, so that
        # the comparison is of answers, not of how far each has got
        deadline = time.monotonic() + 60
        while not all(c.get("/healthz").json()["warm"] for c in (one, two)) and time.monotonic() < deadline:
            time.sleep(0.05)
        for client in (one, two):  # fill the caches of both
            assert client.get("/api/v1/search", params={"q": "test alpha"}).json() == []
        before = [one.get(p).json() for p in paths]
        assert before == [two.get(p).json() for p in paths]
        assert one.get("/sparql", params=query).json() == two.get("/sparql", params=query).json()

        kg.load_files(one.app.state.store, [make_source(name="shared-test")])  # one instance writes

        after = [two.get(p).json() for p in paths]
        assert after == [one.get(p).json() for p in paths]
        assert after != before
        assert [hit["id"] for hit in after[1]] == ["test-alpha"]
        assert "shared-test" in {s["id"] for s in after[0]}
        counts = [client.get("/sparql", params=query).json() for client in (one, two)]
        assert counts[0] == counts[1] != one.get("/sparql", params={"query": "ASK {}"}).json()


def test_a_stopped_server_gives_503(tmp_path):
    server = start_oxigraph(tmp_path)
    try:
        with TestClient(create_app(settings_for(server, store_timeout=3.0))) as client:
            assert client.get("/healthz").status_code == 200
            server.stop()
            for path in ("/healthz", "/api/v1/sources", "/api/v1/actors/russia", "/sparql?query=ASK%20%7B%7D"):
                response = client.get(path)
                assert response.status_code == 503, path
                error = response.json()["error"]
                assert error["code"] == "store_unavailable"
                assert server.url in error["message"] and "cannot reach" in error["message"]
    finally:
        server.stop()


def test_a_server_that_is_down_at_start_up_is_a_clear_error(tmp_path):
    server = start_oxigraph(tmp_path)
    server.stop()
    with pytest.raises(kg.StoreError, match="cannot reach the store"):
        kg.open_store(server.url)


def test_wrong_credentials_fail_at_start_up(virtuoso_server):
    with pytest.raises(kg.StoreError, match="credentials given were refused"):
        virtuoso_server.open(password="wrong")
    with pytest.raises(kg.StoreError, match="needs credentials"):
        kg.Store.open(virtuoso_server.url)
    app = create_app(settings_for(virtuoso_server, store_password="not-" + VIRTUOSO_USER))
    with pytest.raises(kg.StoreError, match="refused"), TestClient(app):
        pass


def test_settings_select_the_remote_store(monkeypatch, oxigraph_server):
    monkeypatch.setenv("KG_STORE", oxigraph_server.url)
    monkeypatch.setenv("KG_STORE_DIALECT", "oxigraph")
    settings = Settings.from_env()
    assert settings.remote_options() == {"dialect": "oxigraph", "timeout": 30.0}
    store = kg.Store.open(settings.store, **settings.remote_options())
    assert store.dialect.name == "oxigraph" and store.update_url == oxigraph_server.url + "/update"
    assert Settings(store="var/store").remote_options() == {}


def test_the_network_projection_on_a_server_is_the_embedded_one(server, bundled_store):
    # the projection's queries pack their rows into long texts: every server must return them whole
    store = server.open()
    wipe(store)
    kg.load_files(store, kg.bundled_data_files())
    for at in ("2024-11-30", "2016-06-01"):
        here = kg.network.project(bundled_store, at, include_claims=True)
        there = kg.network.project(store, at, include_claims=True)
        assert dict(there.nodes(data=True)) == dict(here.nodes(data=True))
        assert len(here.edges) > 20
        edges = {(u, v, k): d for u, v, k, d in here.edges(keys=True, data=True)}
        assert {(u, v, k): d for u, v, k, d in there.edges(keys=True, data=True)} == edges
