"""The SPARQL 1.1 Protocol endpoint at /sparql, through the ASGI app: the protocol's three ways
in, content negotiation, datasets, every error path, the safety limits and the service
description and query page."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient

import kg.errors
import kg.sparql.pool
from api.app import create_app
from api.pages import example_queries
from api.settings import Settings
from tests.sparql_support import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    assert_error,
    parse_graph,
    parse_solutions,
    sparql,
)

MAX_ROWS = 5
MAX_BYTES = 20_000
TIMEOUT = 2.0

ID = "https://w3id.org/conflict-kg/id/"
CK = "https://w3id.org/conflict-kg/ontology#"
SRC = "https://w3id.org/conflict-kg/source/"
ARTICLE = SRC + "aleppo-offensive-article"
US_FTO = SRC + "us-fto-designations"
BACKERS = {ID + "russia", ID + "iran"}

SELECT_BACKERS = "SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
ASK_TRUE = "ASK { id:russia ck:backs id:syrian-government }"
ASK_FALSE = "ASK { id:syrian-government ck:backs id:russia }"
CONSTRUCT_BACKERS = (
    "CONSTRUCT { ?b ck:backs id:syrian-government } "
    "WHERE { SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } }"
)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # no result cache: these tests are of evaluation (a repeated query must reach a worker);
    # the cache has its own tests (test_sparql_cache.py)
    settings = Settings(
        store="memory",
        query_timeout=TIMEOUT,
        max_rows=MAX_ROWS,
        max_query_bytes=MAX_BYTES,
        query_workers=3,
        sparql_cache_mb=0,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def backers(response: Any) -> set[str]:
    assert response.status_code == 200, response.text[:500]
    rows = parse_solutions(response)
    assert isinstance(rows, list)
    return {row["b"] for row in rows}


def post_form(client: TestClient, body: str, **headers: str) -> Any:
    return client.post("/sparql", content=body.encode(), headers={"content-type": FORM, **headers})


def post_direct(client: TestClient, query: str, **headers: str) -> Any:
    return client.post("/sparql", content=query.encode(), headers={"content-type": DIRECT, **headers})


# -- the three ways in ---------------------------------------------------------------------------


def test_select_over_get(client: TestClient) -> None:
    assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


def test_select_over_post_form(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": SELECT_BACKERS})
    assert backers(response) == BACKERS


def test_select_over_post_direct(client: TestClient) -> None:
    assert backers(post_direct(client, SELECT_BACKERS)) == BACKERS
    # a charset parameter naming UTF-8 is fine
    assert backers(post_direct(client, SELECT_BACKERS, **{"content-type": f"{DIRECT}; charset=UTF-8"})) == BACKERS


def test_trailing_slash_is_the_same_endpoint(client: TestClient) -> None:
    assert backers(client.get("/sparql/", params={"query": SELECT_BACKERS})) == BACKERS


# -- result formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("media", SOLUTION_FORMATS)
def test_select_in_each_format(client: TestClient, media: str) -> None:
    response = sparql(client, SELECT_BACKERS, accept=media)
    assert response.headers["content-type"].split(";")[0] == media
    assert backers(response) == BACKERS
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize("media", SOLUTION_FORMATS)
@pytest.mark.parametrize(("query", "expected"), [(ASK_TRUE, True), (ASK_FALSE, False)])
def test_ask_in_each_format(client: TestClient, media: str, query: str, expected: bool) -> None:
    response = sparql(client, query, accept=media)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    assert parse_solutions(response) is expected


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_construct_in_each_format(client: TestClient, media: str) -> None:
    response = sparql(client, CONSTRUCT_BACKERS, accept=media)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == media
    graph = parse_graph(response)
    backs, government = rdflib.URIRef(CK + "backs"), rdflib.URIRef(ID + "syrian-government")
    assert set(graph) == {(rdflib.URIRef(b), backs, government) for b in BACKERS}
    assert "x-kg-truncated" not in response.headers


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_describe_in_each_format(client: TestClient, media: str) -> None:
    response = sparql(client, "DESCRIBE id:russia", accept=media)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    graph = parse_graph(response)
    assert len(graph) > 0
    assert set(graph.subjects()) == {rdflib.URIRef(ID + "russia")}


def test_relative_iris_resolve_against_the_endpoint(client: TestClient) -> None:
    """The W3C construct test sends ``<s> <p> 1``: the base IRI is the endpoint's URL."""
    response = post_direct(client, "CONSTRUCT { <s> <p> 1 } WHERE {}", accept="application/n-triples")
    assert response.status_code == 200, response.text
    assert [str(s) for s in parse_graph(response).subjects()] == ["http://testserver/s"]


# -- content negotiation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (SELECT_BACKERS, None, "application/sparql-results+json"),
        (SELECT_BACKERS, "*/*", "application/sparql-results+json"),
        (SELECT_BACKERS, "application/json", "application/sparql-results+json"),
        (SELECT_BACKERS, "application/xml", "application/sparql-results+xml"),
        (SELECT_BACKERS, "text/*", "text/csv"),
        (SELECT_BACKERS, "application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
        (SELECT_BACKERS, "text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
        (SELECT_BACKERS, "application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
        (
            SELECT_BACKERS,
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
            "application/sparql-results+xml",
        ),
        (ASK_TRUE, "text/csv;q=0.2, application/sparql-results+xml;q=0.3", "application/sparql-results+xml"),
        (CONSTRUCT_BACKERS, None, "text/turtle"),
        (CONSTRUCT_BACKERS, "*/*", "text/turtle"),
        (CONSTRUCT_BACKERS, "application/*", "application/n-triples"),
        (CONSTRUCT_BACKERS, "text/plain", "application/n-triples"),
        (CONSTRUCT_BACKERS, "application/json", "application/ld+json"),
        (CONSTRUCT_BACKERS, "application/ld+json;q=0.9, text/turtle;q=0.8", "application/ld+json"),
        (CONSTRUCT_BACKERS, "text/turtle;q=0, */*;q=0.1", "application/n-triples"),
    ],
)
def test_accept_with_q_values_and_wildcards(client: TestClient, query: str, accept: str | None, expected: str) -> None:
    response = sparql(client, query, accept=accept)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (SELECT_BACKERS, "text/turtle"),
        (SELECT_BACKERS, "image/png"),
        (SELECT_BACKERS, "application/sparql-results+json;q=0"),
        (SELECT_BACKERS, "*/*;q=0"),
        (ASK_TRUE, "application/ld+json"),
        (CONSTRUCT_BACKERS, "application/sparql-results+json"),
        (CONSTRUCT_BACKERS, "text/csv"),
    ],
)
def test_unacceptable_accept_is_406(client: TestClient, query: str, accept: str) -> None:
    message = assert_error(sparql(client, query, accept=accept), 406, "not_acceptable")
    assert "available" in message


# -- malformed requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-results+json", "multipart/form-data"]
)
def test_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    response = client.post("/sparql", content=b"ASK {}", headers={"content-type": content_type})
    assert_error(response, 415, "unsupported_media_type")


def test_missing_content_type_is_415(client: TestClient) -> None:
    assert_error(client.post("/sparql", content=b"query=ASK%20%7B%7D"), 415, "unsupported_media_type")


def test_non_utf8_charset_is_refused(client: TestClient) -> None:
    response = client.post(
        "/sparql", content="ASK {}".encode("utf-16"), headers={"content-type": f"{DIRECT}; charset=UTF-16"}
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", [DIRECT, FORM])
def test_non_utf8_body_is_400(client: TestClient, content_type: str) -> None:
    body = b"query=ASK {\xff\xfe}" if content_type == FORM else b"ASK { \xff\xfe }"
    response = client.post("/sparql", content=body, headers={"content-type": content_type})
    assert "UTF-8" in assert_error(response, 400, "bad_request")


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("SELECT * WHERE { ?s ?p }", "1:"),
        ("ASK {", "1:"),
        ("SELECT ?x WHERE { ?x ?y ?z } GROUP BY", "1:"),
        ("PREFIX nope: <http://example.org/>\nSELECT * WHERE { ?s undeclared:p ?o }", "2:"),
        ("SELECT * WHERE { ?s ?p 'unterminated }", "1:"),
    ],
)
def test_malformed_query_is_400_with_the_parsers_message(client: TestClient, query: str, where: str) -> None:
    for response in (sparql(client, query), post_direct(client, query)):
        message = assert_error(response, 400, "bad_query")
        assert message.startswith("invalid SPARQL: error at " + where), message


def test_multiple_query_parameters_are_400(client: TestClient) -> None:
    response = client.get("/sparql", params=[("query", ASK_TRUE), ("query", SELECT_BACKERS)])
    assert "exactly one 'query'" in assert_error(response, 400, "bad_request")
    form = "query=ASK%20%7B%7D&query=ASK%20%7B%7D"
    assert "exactly one 'query'" in assert_error(post_form(client, form), 400, "bad_request")


def test_form_without_a_query_is_400(client: TestClient) -> None:
    assert_error(post_form(client, "default-graph-uri=http%3A%2F%2Fexample.org%2F"), 400, "bad_request")


def test_direct_post_with_a_query_in_the_url_is_400(client: TestClient) -> None:
    response = client.post(
        "/sparql", params={"query": ASK_TRUE}, content=ASK_TRUE.encode(), headers={"content-type": DIRECT}
    )
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("content_type", [DIRECT, FORM])
def test_body_over_the_limit_is_413(client: TestClient, content_type: str) -> None:
    query = "ASK { }" + " " * MAX_BYTES
    body = ("query=" + query) if content_type == FORM else query
    response = client.post("/sparql", content=body.encode(), headers={"content-type": content_type})
    assert_error(response, 413, "too_large")


def test_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    """Without a Content-Length the body is counted as it arrives."""

    def chunks() -> Iterator[bytes]:
        yield b"ASK { }"
        for _ in range(MAX_BYTES // 1000 + 1):
            yield b" " * 1000

    response = client.post("/sparql", content=chunks(), headers={"content-type": DIRECT})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "too_large")


def test_body_at_the_limit_is_served(client: TestClient) -> None:
    query = ASK_TRUE + " " * (MAX_BYTES - len(ASK_TRUE))
    assert parse_solutions(post_direct(client, query)) is True


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql", params={"query": ASK_TRUE})
    assert_error(response, 405, "method_not_allowed")


# -- read-only -----------------------------------------------------------------------------------

UPDATE = "INSERT DATA { GRAPH <http://example.org/g> { id:iran ck:backs id:hayat-tahrir-al-sham } }"


def _unchanged(client: TestClient) -> None:
    ask = "ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }"
    assert parse_solutions(sparql(client, ask)) is False
    assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


@pytest.mark.parametrize("update", [UPDATE, "CLEAR ALL", "DROP GRAPH <" + ARTICLE + ">", "DELETE WHERE { ?s ?p ?o }"])
def test_updates_are_403_every_way(client: TestClient, update: str) -> None:
    responses = [
        client.post("/sparql", content=update.encode(), headers={"content-type": "application/sparql-update"}),
        client.post("/sparql", data={"update": update}),
        client.get("/sparql", params={"update": update}),
        sparql(client, update),  # update text sent as a query
        client.post("/sparql", data={"query": update}),
        post_direct(client, update),
    ]
    for response in responses:
        assert "read-only" in assert_error(response, 403, "read_only")
    _unchanged(client)


# -- refused before evaluation -------------------------------------------------------------------


@pytest.fixture
def no_evaluation(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any query that reaches the worker pool fails the test."""

    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the query reached evaluation")

    monkeypatch.setattr(client.app.state.query_pool, "execute", refuse)  # type: ignore[attr-defined]


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    # spellings a simple keyword scan misses but the parser reads as SERVICE
    "SELECT * WHERE { ?s ?p ?o.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o SERVICE:x { ?a ?b ?c } }",
    "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    # "<'>" is an IRI to one reading and "less than" then a string to the other
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<'> \"' || EXISTS { SERVICE <http://127.0.0.1:9/> { ?x ?y ?z } } "
    '|| ?o != "x") }',
    'SELECT * WHERE { ?s ?p ?o FILTER(?o<#> "\n|| EXISTS { SERVICE <http://127.0.0.1:9/> { ?x ?y ?z } } || 1 != "x") }',
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
@pytest.mark.usefixtures("no_evaluation")
def test_service_is_refused_before_evaluation(client: TestClient, query: str) -> None:
    for response in (sparql(client, query), post_direct(client, query), client.post("/sparql", data={"query": query})):
        assert "SERVICE not allowed" in assert_error(response, 400, "query_refused")


@pytest.mark.usefixtures("no_evaluation")
def test_load_is_refused_before_evaluation(client: TestClient) -> None:
    load = "LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>"
    responses = [
        sparql(client, load),
        post_direct(client, load),
        client.post("/sparql", data={"update": load}),
        client.post("/sparql", content=load.encode(), headers={"content-type": "application/sparql-update"}),
        client.get("/sparql", params={"update": "load <file:///etc/passwd>"}),
    ]
    for response in responses:
        assert "LOAD not allowed" in assert_error(response, 400, "query_refused")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p 'SERVICE' }",
        "SELECT * WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o } # SERVICE",
        "SELECT ?service WHERE { ?service ?p id:general-intelligence-service }",
        'SELECT * WHERE { ?s ?p """a long\nSERVICE text""" }',
        "SELECT * WHERE { ?s ?p ex:load }",
    ],
)
def test_service_and_load_as_names_or_text_are_not_refused(client: TestClient, query: str) -> None:
    response = sparql(client, query.replace("ex:", "id:"))
    assert response.status_code == 200, response.text


NESTED = {
    "braces": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "optional": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL{" * 1500 + "}" * 1501,
    "parentheses": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }",
    "brackets": "SELECT * WHERE { ?s ?p " + "[?p " * 2000 + "?o" + "]" * 2000 + " }",
    # "<(((…" reads as an IRI to a simple scanner, as "less than" then parentheses to the parser
    "in-iri": "SELECT * WHERE { ?a ?b ?c FILTER(?c<" + "(" * 3000 + "1" + ")" * 3000 + "&&?c>0) }",
    "behind-a-string": "SELECT * WHERE { ?a ?b ?c FILTER(?c<'> \"' * " + "(" * 3000 + "1" + ")" * 3000 + ' = "") }',
}


@pytest.mark.parametrize("name", list(NESTED))
def test_deep_nesting_is_refused_and_the_service_stays_up(client: TestClient, name: str) -> None:
    query = NESTED[name]
    assert len(query.encode()) < MAX_BYTES
    for response in (sparql(client, query), post_direct(client, query)):
        assert "nested more than" in assert_error(response, 400, "query_refused")
    assert parse_solutions(sparql(client, ASK_TRUE)) is True


def test_a_parser_crash_is_a_400_and_the_service_stays_up(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a query ever got past the depth check, the crash takes down one worker, not the service,
    and the client is told its query is at fault (not a 5xx): too complex for the engine, whose
    stack overflowed (the worker's standard error and exit tell, not the parsed mark)."""
    monkeypatch.setattr(kg.sparql.pool, "MAX_NESTING", 10**9)
    message = assert_error(post_direct(client, NESTED["braces"].replace("3000", "5000")), 400, "bad_query")
    assert "too complex for the SPARQL engine" in message and "stack" in message
    for _ in range(3):
        assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


# -- time limit ----------------------------------------------------------------------------------


def test_a_query_past_its_time_limit_is_stopped_and_others_are_served(client: TestClient) -> None:
    finished: dict[str, float] = {}
    results: dict[str, Any] = {}

    def run(name: str, query: str) -> None:
        results[name] = sparql(client, query)
        finished[name] = time.monotonic()

    slow = threading.Thread(target=run, args=("slow", SLOW))
    started = time.monotonic()
    slow.start()
    time.sleep(0.3)
    run("short", SELECT_BACKERS)  # answered while the slow query runs
    slow.join(timeout=30)
    assert not slow.is_alive()

    message = assert_error(results["slow"], 503, "query_stopped")
    assert "time limit" in message and f"{TIMEOUT:g} s" in message
    assert finished["slow"] - started >= TIMEOUT * 0.9  # it ran until it was stopped
    assert backers(results["short"]) == BACKERS
    assert finished["short"] < finished["slow"]
    for _ in range(3):  # and afterwards, the service answers again
        assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


# -- row cap -------------------------------------------------------------------------------------


@pytest.mark.parametrize("media", SOLUTION_FORMATS)
def test_select_is_capped_and_says_so(client: TestClient, media: str) -> None:
    response = sparql(client, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", accept=media)
    rows = parse_solutions(response)
    assert isinstance(rows, list) and len(rows) == MAX_ROWS
    assert response.headers["x-kg-truncated"] == "true"
    assert response.headers["x-kg-max-rows"] == str(MAX_ROWS)


@pytest.mark.parametrize(
    ("query", "count", "truncated"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", 3, False),
        (f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}", MAX_ROWS, False),
        (f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS + 1}", MAX_ROWS, True),
        ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000 OFFSET 10", MAX_ROWS, True),
        ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 } }", 2, False),
        ("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } }", 5, False),
        ("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 6 } }", 5, True),
        ("SELECT ?x WHERE { } VALUES ?x { 1 2 3 4 5 6 }", 5, True),
        ("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 6 7 } } ORDER BY DESC(?x)", 5, True),
    ],
)
def test_row_cap_boundaries(client: TestClient, query: str, count: int, truncated: bool) -> None:
    response = sparql(client, query)
    rows = parse_solutions(response)
    assert isinstance(rows, list) and len(rows) == count
    assert ("x-kg-truncated" in response.headers) is truncated
    if "ORDER BY DESC" in query:  # the cap keeps the query's order
        assert [r["x"] for r in rows] == ["7", "6", "5", "4", "3"]


@pytest.mark.parametrize("media", list(GRAPH_FORMATS))
def test_graph_results_are_capped_and_say_so(client: TestClient, media: str) -> None:
    response = sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }", accept=media)
    assert len(parse_graph(response)) == MAX_ROWS
    assert response.headers["x-kg-truncated"] == "true"


def test_ask_is_not_capped(client: TestClient) -> None:
    response = sparql(client, "ASK { ?s ?p ?o }")
    assert parse_solutions(response) is True and "x-kg-truncated" not in response.headers


# -- datasets ------------------------------------------------------------------------------------

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(response: Any) -> int:
    rows = parse_solutions(response)
    assert response.status_code == 200 and isinstance(rows, list), response.text
    return int(rows[0]["n"])


def rows_of(response: Any) -> list[dict[str, str]]:
    rows = parse_solutions(response)
    assert response.status_code == 200 and isinstance(rows, list), response.text
    return rows


def test_default_graph_uri_selects_graphs(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    assert backers(sparql(client, SELECT_BACKERS, **{"default-graph-uri": ARTICLE})) == BACKERS
    assert backers(sparql(client, SELECT_BACKERS, **{"default-graph-uri": US_FTO})) == set()
    assert count(sparql(client, COUNT_ALL, **{"default-graph-uri": ARTICLE})) == len(store.triples(ARTICLE))
    # over POST too, from the URL and from the form
    response = client.post("/sparql", params={"default-graph-uri": ARTICLE}, data={"query": SELECT_BACKERS})
    assert backers(response) == BACKERS
    response = client.post("/sparql", data={"query": SELECT_BACKERS, "default-graph-uri": US_FTO})
    assert backers(response) == set()
    response = client.post(
        "/sparql",
        params={"default-graph-uri": ARTICLE},
        content=SELECT_BACKERS.encode(),
        headers={"content-type": DIRECT},
    )
    assert backers(response) == BACKERS


def test_named_graph_uri_selects_graphs(client: TestClient) -> None:
    response = client.get(
        "/sparql", params=[("query", GRAPHS), ("named-graph-uri", ARTICLE), ("named-graph-uri", US_FTO)]
    )
    assert {r["g"] for r in rows_of(response)} == {ARTICLE, US_FTO}
    # only named graphs given: the default graph is empty
    assert count(sparql(client, COUNT_ALL, **{"named-graph-uri": ARTICLE})) == 0


def test_without_a_dataset_the_default_graph_is_the_union_and_each_source_is_named(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    assert count(sparql(client, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")) == len(
        store.named_graphs()
    )
    for graph in store.named_graphs():
        assert parse_solutions(sparql(client, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")) is True
    assert count(sparql(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")) > 0


FOREIGN = ["http://127.0.0.1:9/x", "file:///etc/passwd", "https://w3id.org/conflict-kg/source/no-such-source"]


@pytest.mark.parametrize("iri", FOREIGN)
def test_a_graph_not_in_the_store_is_empty(client: TestClient, iri: str) -> None:
    assert rows_of(sparql(client, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": iri})) == []
    assert rows_of(sparql(client, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": iri})) == []
    assert rows_of(sparql(client, f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}")) == []
    assert rows_of(sparql(client, f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")) == []
    assert (
        rows_of(sparql(client, f"SELECT * FROM <{iri}> FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")) == []
    )
    response = sparql(
        client, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples", **{"default-graph-uri": iri}
    )
    assert response.status_code == 200 and response.content.strip() == b""


def test_from_and_from_named_select_graphs_of_the_store(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    assert count(sparql(client, f"SELECT (COUNT(*) AS ?n) FROM <{ARTICLE}> WHERE {{ ?s ?p ?o }}")) == len(
        store.triples(ARTICLE)
    )
    assert backers(sparql(client, f"SELECT DISTINCT ?b FROM <{US_FTO}> WHERE {{ ?b ck:backs ?x }}")) == set()
    response = sparql(client, f"SELECT DISTINCT ?g FROM NAMED <{ARTICLE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert [r["g"] for r in rows_of(response)] == [ARTICLE]
    # FROM NAMED alone leaves the default graph empty
    assert count(sparql(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ARTICLE}> WHERE {{ ?s ?p ?o }}")) == 0


def test_the_protocol_dataset_overrides_from(client: TestClient) -> None:
    query = "SELECT DISTINCT ?b FROM <file:///etc/passwd> WHERE { ?b ck:backs id:syrian-government }"
    assert backers(sparql(client, query)) == set()
    assert backers(sparql(client, query, **{"default-graph-uri": ARTICLE})) == BACKERS


@pytest.mark.parametrize("iri", ["", "not an iri", "relative/path", "http://exa mple.org/"])
def test_an_invalid_graph_iri_is_400(client: TestClient, iri: str) -> None:
    assert_error(sparql(client, ASK_TRUE, **{"default-graph-uri": iri}), 400, "bad_query")
    assert_error(sparql(client, ASK_TRUE, **{"named-graph-uri": iri}), 400, "bad_query")


# -- service description and query page ----------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/sparql", None), ("/sparql", "text/turtle"), ("/sparql/", "*/*"), ("/sparql", "application/rdf+xml")],
)
def test_service_description(client: TestClient, path: str, accept: str | None) -> None:
    response = client.get(path, headers={"accept": accept} if accept else {})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    services = list(graph.subjects(rdflib.RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert list(graph.objects(service, SD.endpoint)) == [rdflib.URIRef("http://testserver" + path)]
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, SD.resultFormat)}
    assert formats >= {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"}
    assert formats >= {"Turtle", "N-Triples", "RDF_XML", "JSON-LD"}
    dataset = graph.value(service, SD.defaultDataset)
    named = list(graph.objects(dataset, SD.namedGraph))
    names = [str(graph.value(n, SD.name)) for n in named]
    store = client.app.state.store  # type: ignore[attr-defined]
    assert sorted(names) == store.named_graphs() and len(named) == len(store.named_graphs())
    assert ARTICLE in names


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [v for _, v in attrs if v]
        if tag in ("script", "style"):
            self._in = (tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[0] == "script":
            self.scripts.append((self._in[1], data))
        elif self._in:
            self.styles.append(data)


def test_query_page_works_offline_and_offers_the_examples(client: TestClient) -> None:
    response = client.get("/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(response.text)
    # nothing is loaded from anywhere: no http(s) URL in an attribute, a script or a style
    code = [s for attrs, s in page.scripts if attrs.get("type") != "application/json"]
    for text in page.attributes + code + page.styles:
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE), text[:200]
    # http(s) URLs appear only as IRIs inside the example queries' text
    data = [s for attrs, s in page.scripts if attrs.get("type") == "application/json"]
    assert len(data) == 1
    examples = json.loads(data[0])
    query_text = "\n".join(e["query"] for e in examples)
    for url in re.findall(r"https?://[^\s\"'<>\\]+", response.text):
        assert url in query_text, url
    # the examples are the named query files, each with its title
    files = sorted(Path(kg.sparql.pool.__file__).parents[1].joinpath("queries", "examples").glob("*.rq"))
    assert [e["id"] for e in examples] == [f.stem for f in files] and len(files) >= 8
    assert examples == example_queries()
    for example in examples:
        assert example["title"] and not example["title"].startswith("#")
    assert "<table" in response.text or "createElement('table')" in response.text


@pytest.mark.parametrize("example", [e["id"] for e in example_queries()])
def test_every_example_query_runs(client: TestClient, example: str) -> None:
    query = next(e["query"] for e in example_queries() if e["id"] == example)
    response = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text[:300]


# -- never a 5xx for bad input -------------------------------------------------------------------

GARBAGE = [
    "",
    "   ",
    "\x00\x01\x02",
    "\ufffd\ufffe",
    "SELECT",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999",
    "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
    "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = '\\u0000') }",
    "SELECT * WHERE { ?s ?p ?o FILTER regex(?o, '(((((') }",
    "SELECT (1/0 AS ?x) WHERE {}",
    "BASE <not a base> SELECT * WHERE { <x> ?p ?o }",
    "PREFIX : <> SELECT * WHERE { :a ?p ?o }",
    "SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?r }",
    "DESCRIBE *",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT * WHERE { ?s ?p ?o } # comment only" + "#" * 1000,
    "ASK {}}}}}}}}}}",
    "{{{{{{{{",
    "'''",
    "<",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1 VALUES",
]


@pytest.mark.parametrize("query", GARBAGE)
def test_bad_input_never_gets_a_server_error(client: TestClient, query: str) -> None:
    for response in (sparql(client, query), post_direct(client, query)):
        assert response.status_code < 500, (response.status_code, response.text[:300])
        if response.status_code >= 400:
            assert_error(response, response.status_code)


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": ";;;q=abc"},
        {"accept": "application/sparql-results+json;q=not-a-number"},
        {"accept": ","},
        {"accept": "*/*;q=-1, text/csv;q=7"},
        {"content-type": ";;"},
        {"content-type": f"{DIRECT}; charset"},
        {"content-type": f'{DIRECT}; charset="utf-8"'},
        {"content-length": "abc"},
    ],
)
def test_odd_headers_never_get_a_server_error(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/sparql", content=ASK_TRUE.encode(), headers={"content-type": DIRECT, **headers})
    assert response.status_code < 500, (response.status_code, response.text[:300])
    response = client.get("/sparql", params={"query": ASK_TRUE}, headers=headers)
    assert response.status_code < 500, (response.status_code, response.text[:300])


@pytest.mark.parametrize("raw", ["query=%FF%FE", "query=%", "query=ASK%20%7B%7D%", "query", "=&&&=", "query=ASK+{}&&"])
def test_odd_query_strings_never_get_a_server_error(client: TestClient, raw: str) -> None:
    for response in (client.get("/sparql?" + raw), post_form(client, raw)):
        assert response.status_code < 500, (response.status_code, response.text[:300])


def _children() -> set[int]:
    """Live child processes of this test process (Linux /proc)."""
    mine = str(os.getpid())
    found = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == mine and fields[0] != "Z":
            found.add(int(status.parent.name))
    return found


def test_a_worker_that_cannot_start_stops_the_service_and_leaves_no_worker_behind(bundled_store, monkeypatch) -> None:
    before = _children()
    real = kg.sparql.pool.QueryPool._replica
    calls = []

    def replica(self):  # the second worker gets a store that does not exist
        calls.append(1)
        return ("disk", "/nonexistent/store", 0) if len(calls) == 2 else real(self)

    monkeypatch.setattr(kg.sparql.pool.QueryPool, "_replica", replica)
    app = create_app(Settings(query_workers=2), store=bundled_store)
    with pytest.raises(kg.errors.QueryAborted, match="could not open the store"), TestClient(app):
        pass
    assert len(calls) == 2
    assert _children() <= before  # the worker that did start was stopped too


def test_workers_exit_on_their_own_when_the_service_stops(bundled_store) -> None:
    # each worker exits at the end of its input; one still running after 5 s is killed (-9), which
    # made every stop of the service wait 5 s per worker
    app = create_app(Settings(query_workers=2), store=bundled_store)
    with TestClient(app) as http:
        assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        processes = [w.process for w in app.state.query_pool._workers]
    assert len(processes) == 2
    assert [p.returncode for p in processes] == [0, 0]
