"""The remote store in service: shared by two API instances, atomic writes, a server that is
down, refused credentials. (The Store interface itself is tested on every backend in test_store.)"""

from __future__ import annotations

import dataclasses
import time

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

import kg
import kg.synthetic
from api.app import create_app
from api.settings import Settings
from kg.namespaces import ONTOLOGY_GRAPH
from kg.store.remote import MARKER_GRAPH, _batches, _bind, one_version
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


@pytest.mark.servers  # starts its own server
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


@pytest.mark.servers  # starts its own server
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
    for at, holding_only in (("2024-11-30", True), ("2016-06-01", False)):
        # 2016-06-01: every statement with its status (few certainly held then)
        here = kg.network.project(bundled_store, at, include_claims=True, holding_only=holding_only)
        there = kg.network.project(store, at, include_claims=True, holding_only=holding_only)
        assert dict(there.nodes(data=True)) == dict(here.nodes(data=True))
        assert len(here.edges) > 20
        edges = {(u, v, k): d for u, v, k, d in here.edges(keys=True, data=True)}
        assert {(u, v, k): d for u, v, k, d in there.edges(keys=True, data=True)} == edges


def test_actor_pages_of_synthetic_data_on_a_server_are_the_embedded_ones(server, tmp_path):
    """Synthetic actors bring more classes and graphs than the bundled data: on Virtuoso, the class
    walk every page starts with once failed there ("transitive start not given") for every actor."""
    kg.synthetic.write(tmp_path / "synthetic", 60, seed=1)
    files = [*kg.bundled_data_files(), *sorted((tmp_path / "synthetic").iterdir())]
    remote = server.open()
    wipe(remote)
    kg.load_files(remote, files)
    embedded = kg.Store.open("memory")
    kg.load_files(embedded, files)
    actors = ["russia", "hayat-tahrir-al-sham", "syn-government-1", "syn-armed-group-3"]
    paths = [f"/api/v1/actors/{a}{tail}" for a in actors for tail in ("", "/backers", "/designations")]
    with (
        TestClient(create_app(settings_for(server, warm=False))) as there,
        TestClient(create_app(Settings(store="memory", warm=False), store=embedded)) as here,
    ):
        for path in paths:
            expected = here.get(path, params={"at": "2020-06-30"})
            assert expected.status_code == 200, (path, expected.text)
            answer = there.get(path, params={"at": "2020-06-30"})
            assert answer.status_code == 200, (path, answer.text[:300])
            assert answer.json() == expected.json(), path


def test_bindings_reach_the_subqueries_that_project_them():
    query = "SELECT ?s ?o WHERE { { SELECT ?s WHERE { ?s ?role ?x } } { SELECT ?y WHERE { ?y ?role ?s } } ?s ?p ?o }"
    a, r = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/r")
    bound = " ".join(_bind(query, {"s": a, "role": r}).split())
    assert bound.startswith(f"SELECT ?s ?o WHERE {{ VALUES (?s ?role) {{ ({a} {r}) }} ")
    assert f"{{ SELECT ?s WHERE {{ VALUES (?s) {{ ({a}) }} ?s ?role ?x }} }}" in bound
    assert "{ SELECT ?y WHERE { ?y ?role ?s } }" in bound  # its ?s and ?role are its own


def test_a_write_of_many_graphs_fits_the_servers_request_size(server, tmp_path, monkeypatch):
    """Where the dialect limits a request (Virtuoso refuses about 10 MB), a load of many sources goes
    in several requests of whole graphs; here a limit of one byte sends each graph alone."""
    kg.synthetic.write(tmp_path / "synthetic", 120, seed=2)
    files = sorted((tmp_path / "synthetic").iterdir())
    store = server.open()
    wipe(store)
    store.dialect = dataclasses.replace(store.dialect, max_update_bytes=1)
    sent = []
    real = store._update
    monkeypatch.setattr(store, "_update", lambda update, *a, **k: (sent.append(update), real(update, *a, **k)))
    kg.load_files(store, files)
    embedded = kg.Store.open("memory")
    kg.load_files(embedded, files)
    graphs = set(embedded.named_graphs())
    assert set(store.named_graphs()) == graphs and len(files) > 2
    assert len(sent) >= len(files)  # each source's graph in a request of its own
    for graph in graphs:
        assert len(store.triples(graph)) == len(embedded.triples(graph)), graph


def test_batches_keep_graphs_whole_and_under_the_limit():
    writes = [(f"<g{i}>", ["x" * 40, "y" * 40], True) for i in range(5)]
    assert [len(b) for b in _batches(writes, None)] == [5]
    assert [len(b) for b in _batches(writes, 200)] == [2, 2, 1]  # 86 bytes per graph
    assert [len(b) for b in _batches(writes, 10)] == [1, 1, 1, 1, 1]  # a graph over the limit goes alone


def test_a_request_reads_the_stores_version_once(server, make_source, monkeypatch):
    """Every cached value is checked against the version, a query on a server: once per request,
    and once more when the answer is ready, to check that no write landed meanwhile (api.app)."""
    store = server.open()
    wipe(store)
    kg.load_files(store, kg.bundled_data_files())
    reads = []
    real = store._select

    def counting(query, *args, **kwargs):
        if "#version>" in query:
            reads.append(query)
        return real(query, *args, **kwargs)

    monkeypatch.setattr(store, "_select", counting)
    with TestClient(create_app(settings_for(server, warm=False), store=store)) as client:
        for path in ("/api/v1/actors/russia", "/api/v1/actors/russia/backers", "/api/v1/search?q=russia"):
            reads.clear()
            assert client.get(path).status_code == 200
            assert len(reads) == 2, path  # read at the start, checked at the end
        reads.clear()
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        assert len(reads) == 0  # the default graph is the union graph: no list of graphs to name
        query = "ASK { GRAPH ?g { ?s ?p ?o } }"
        assert client.get("/sparql", params={"query": query}).json()["boolean"] is True
        assert len(reads) == 2  # the named graphs to list: the version read, and checked at the end
    reads.clear()
    assert store.version == store.version  # outside a request, every read asks the server
    assert len(reads) == 2
    with one_version():
        before = store.version
        kg.load_files(store, [make_source(name="one-version")])  # a write within: seen at once
        assert store.version != before
