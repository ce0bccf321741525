"""The SPARQL endpoint served for real (uvicorn on 127.0.0.1): a real client (rdflib's
SPARQLStore) over each protocol binding, proof with a listener that no request leaves the
service, the time limit, and concurrent clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from api.settings import Settings
from tests.sparql_support import Listener, assert_error, build_store, live_server, parse_graph, parse_solutions

TIMEOUT = 2.0
ID = "https://w3id.org/conflict-kg/id/"
CK = "https://w3id.org/conflict-kg/ontology#"
BACKERS = {ID + "russia", ID + "iran"}
PREFIXES = f"PREFIX ck: <{CK}>\nPREFIX id: <{ID}>\n"
SELECT_BACKERS = PREFIXES + "SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
CONSTRUCT_BACKERS = PREFIXES + (
    "CONSTRUCT { ?b ck:backs id:syrian-government } "
    "WHERE { SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } }"
)
ASK_TRUE = PREFIXES + "ASK { id:russia ck:backs id:syrian-government }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(Settings(store="memory", query_timeout=TIMEOUT, query_workers=2), build_store()) as url:
        yield url


@pytest.fixture(scope="module")
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def backers(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text[:300]
    rows = parse_solutions(response)
    assert isinstance(rows, list)
    return {row["b"] for row in rows}


# -- a real client -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_select_construct_ask(base_url: str, method: str) -> None:
    store = SPARQLStore(query_endpoint=f"{base_url}/sparql", method=method)
    graph = rdflib.Graph(store=store)
    rows = graph.query(SELECT_BACKERS)
    assert {str(row[0]) for row in rows} == BACKERS  # type: ignore[index]

    constructed = graph.query(CONSTRUCT_BACKERS).graph
    assert constructed is not None
    backs, government = rdflib.URIRef(CK + "backs"), rdflib.URIRef(ID + "syrian-government")
    assert set(constructed) == {(rdflib.URIRef(b), backs, government) for b in BACKERS}

    assert graph.query(ASK_TRUE).askAnswer is True
    assert graph.query(PREFIXES + "ASK { id:syrian-government ck:backs id:russia }").askAnswer is False


@pytest.mark.parametrize("return_format", ["json", "xml", "csv"])
def test_rdflib_sparqlstore_result_formats(base_url: str, return_format: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=f"{base_url}/sparql", returnFormat=return_format))
    assert {str(row[0]) for row in graph.query(SELECT_BACKERS)} == BACKERS  # type: ignore[index]


# -- nothing leaves the service ------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    # the listener does count: one connection of our own, then back to zero
    socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
    deadline = time.monotonic() + 5
    while server.connections < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.connections == 1
    server.connections = 0
    yield server
    server.close()


def test_no_request_leaves_the_service(http: httpx.Client, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}"
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o SERVICE SILENT <{url}/sparql> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o.SERVICE <{url}/> {{ ?a ?b ?c }} }}",
        f"PREFIX : <{url}/> SELECT * WHERE {{ ?s ?p ?o SERVICE:x {{ ?a ?b ?c }} }}",
        f'SELECT * WHERE {{ ?s ?p ?o FILTER(?o<\'> "\' || EXISTS {{ SERVICE <{url}/> {{ ?x ?y ?z }} }} || 1 != "x") }}',
        f"LOAD <{url}/data.ttl>",
        f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <http://example.org/g>",
    ]
    for query in refused:
        for response in (
            http.get("/sparql", params={"query": query}),
            http.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"}),
        ):
            assert_error(response, 400, "query_refused")
    for update in refused[-2:]:
        assert_error(http.post("/sparql", data={"update": update}), 400, "query_refused")
        response = http.post("/sparql", content=update.encode(), headers={"content-type": "application/sparql-update"})
        assert_error(response, 400, "query_refused")

    empty = [
        ({"query": f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}"}, None),
        ({"query": f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, None),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{url}/g"}, None),
        ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}/g"}, None),
        ({"query": f"DESCRIBE <{url}/thing>"}, "application/ld+json"),
        ({"query": f"BASE <{url}/> CONSTRUCT WHERE {{ <thing> ?p ?o }}"}, "application/ld+json"),
    ]
    for params, accept in empty:
        response = http.get("/sparql", params=params, headers={"accept": accept} if accept else {})
        assert response.status_code == 200, response.text
        if accept:
            assert len(parse_graph(response)) == 0
        else:
            assert parse_solutions(response) == []

    # a JSON-LD result with IRIs of the listener: written without a remote @context to fetch
    query = f"CONSTRUCT {{ <{url}/s> <{url}/p> <{url}/o> . <{url}/s> <{url}/q> 'x' }} WHERE {{}}"
    response = http.get("/sparql", params={"query": query}, headers={"accept": "application/ld+json"})
    assert response.status_code == 200 and "@context" not in response.text
    assert len(parse_graph(response)) == 2

    time.sleep(0.3)  # let any late connection arrive
    assert listener.connections == 0


# -- time limit and concurrency ------------------------------------------------------------------


def test_concurrent_requests_all_succeed(base_url: str) -> None:
    def ask(i: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            for j in range(4):
                kind = (i + j) % 3
                if kind == 0:
                    assert backers(client.get("/sparql", params={"query": SELECT_BACKERS})) == BACKERS
                elif kind == 1:
                    response = client.post("/sparql", data={"query": ASK_TRUE}, headers={"accept": "text/csv"})
                    assert response.status_code == 200 and parse_solutions(response) is True
                else:
                    response = client.post(
                        "/sparql",
                        content=CONSTRUCT_BACKERS.encode(),
                        headers={"content-type": "application/sparql-query", "accept": "application/n-triples"},
                    )
                    assert response.status_code == 200 and len(parse_graph(response)) == 2

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(ask, i) for i in range(8)]:
            future.result()


def test_a_query_past_its_time_limit_gets_503_and_others_are_served(base_url: str) -> None:
    finished: dict[str, float] = {}
    results: dict[str, Any] = {}

    def run(name: str, query: str) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            results[name] = client.get("/sparql", params={"query": query})
        finished[name] = time.monotonic()

    slow = threading.Thread(target=run, args=("slow", SLOW))
    started = time.monotonic()
    slow.start()
    time.sleep(0.3)
    run("short", SELECT_BACKERS)
    slow.join(timeout=30)
    assert not slow.is_alive()

    message = assert_error(results["slow"], 503, "query_stopped")
    assert "time limit" in message
    assert finished["slow"] - started >= TIMEOUT * 0.9
    assert backers(results["short"]) == BACKERS and finished["short"] < finished["slow"]
    with httpx.Client(base_url=base_url, timeout=30) as client:  # the next requests are served
        for _ in range(3):
            assert backers(client.get("/sparql", params={"query": SELECT_BACKERS})) == BACKERS
        assert client.get("/healthz").status_code == 200


# -- large answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_a_large_result_arrives_whole(http: httpx.Client, accept: str) -> None:
    # every quad of the store: far more than one read of the worker's socket (about 1 MB of JSON)
    query = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    expected = int(parse_solutions(http.get("/sparql", params={"query": count}))[0]["n"])
    assert expected > 3000
    response = http.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 200, response.text[:300]
    rows = parse_solutions(response)
    assert isinstance(rows, list) and len(rows) == expected
