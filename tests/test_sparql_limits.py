"""The SPARQL endpoint's protections against one query or one client taking the machine: the
memory limit of a query, the row cap whatever the query's text says (with the results writer it
falls back on), how a worker's death is told to the client, and each client's share of long
queries."""

from __future__ import annotations

import csv
import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg.sparql import results, worker
from kg.sparql.channel import Reply, decode_reply, encode_reply
from kg.sparql.formats import SOLUTION_TYPES
from tests.sparql_support import assert_error, live_server, parse_solutions, sparql

SELECT_BACKERS = "SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
BACKERS = {"https://w3id.org/conflict-kg/id/russia", "https://w3id.org/conflict-kg/id/iran"}
#: Sorting the cross product of the store with itself: memory grows by about 1 GB/s (bundled data).
CROSS_SORTED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
#: Counting a three-way cross product: runs until stopped, in little memory.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The tester's query: the scanner read the subquery's LIMIT 1 as the outer one, so the row cap's
#: LIMIT was never added.
BYPASS = (
    "SELECT * WHERE { ?s skos:prefLabel ?o FILTER(?o<(?o>0)||?o<(?o>0)||true) "
    "{ SELECT ?x WHERE { VALUES ?x {1} } LIMIT 1 } }"
)
MAX_ROWS = 5


def rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    found = parse_solutions(response)
    assert isinstance(found, list)
    return found


def backers(response: httpx.Response) -> set[str]:
    return {row["b"] for row in rows(response)}


# -- the results writer --------------------------------------------------------------------------

X = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"


def _terms() -> list[Any]:
    """Objects of every kind the formats tell apart, with the characters each format escapes."""
    lit = ox.Literal
    typed = lambda value, datatype: lit(value, datatype=ox.NamedNode(datatype))  # noqa: E731
    terms: list[Any] = [
        ox.NamedNode(EX + "a?x=1&y=%3C2#'"),
        ox.BlankNode("b0"),
        lit("plain"),
        lit(""),
        lit('quote " and \\ backslash'),
        lit("tab\tnew\nline"),
        lit("comma, semicolon; and 'apostrophe'"),
        lit("  edges  "),
        lit("\ttabbed\n"),
        lit('<tag attr="v">&amp; ]]></tag>'),
        lit("é ü 中文 \u2028 \x7f \x08 \x0c"),
        lit("chat", language="fr"),
        lit("colour", language="en-GB"),
        typed("1", X + "integer"),
        typed("-42", X + "integer"),
        typed("2.5", X + "decimal"),
        typed("1000", X + "double"),
        typed("true", X + "boolean"),
        typed("2024-11-30", X + "date"),
        typed("x & y", EX + "datatype?a=1&b=2"),
    ]
    # RDF 1.2: a language tag with a base direction, and a triple term
    terms.append(lit("rtl", language="ar", direction=ox.BaseDirection.RTL))
    terms.append(ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), lit("o")))
    return terms


@pytest.fixture(scope="module")
def terms_store() -> ox.Store:
    store = ox.Store()
    for i, term in enumerate(_terms()):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02}"), ox.NamedNode(EX + "p"), term))
    store.add(ox.Quad(ox.BlankNode("subject1"), ox.NamedNode(EX + "q"), ox.NamedNode(EX + "other")))
    return store


WRITER_QUERIES = [
    # every kind of term, and an unbound variable (?u) in each row
    f"SELECT ?s ?o ?u WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}none> ?u }} }} ORDER BY ?s",
    # a blank node subject, bound and unbound columns in turn
    f"SELECT ?x ?y WHERE {{ {{ ?x <{EX}q> ?y }} UNION {{ ?x <{EX}p> ?z }} }} ORDER BY ?x",
    "SELECT * WHERE { }",  # one solution, no variables
    "SELECT ?x ?y WHERE { } LIMIT 0",  # no solutions
    "SELECT ?x WHERE { }",  # one solution binding nothing
]


@pytest.mark.parametrize("media", SOLUTION_TYPES)
@pytest.mark.parametrize("query", WRITER_QUERIES)
def test_the_results_writer_writes_what_the_engine_writes(terms_store: ox.Store, query: str, media: str) -> None:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    expected = terms_store.query(query).serialize(format=fmt)
    solutions = terms_store.query(query)
    written = results.serialize(solutions.variables, list(solutions), media)
    assert written == expected
    if media == "text/csv":  # lossy: the engine does not read it
        return
    # and the engine reads it back as the same solutions
    back = ox.parse_query_results(written, format=fmt)
    again = terms_store.query(query)
    assert [v.value for v in back.variables] == [v.value for v in again.variables]
    assert [[s[v] for v in back.variables] for s in back] == [[s[v] for v in again.variables] for s in again]


def test_a_triple_term_is_one_csv_field() -> None:
    """The engine quotes each part of a triple term on its own (a comma inside splits the field);
    the writer quotes the field."""
    store = ox.Store()
    triple = ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal('o, "quoted"'))
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), triple))
    solutions = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    written = results.serialize(solutions.variables, list(solutions), "text/csv")
    assert list(csv.reader(io.StringIO(written.decode()))) == [["o"], [f'{EX}s {EX}p o, "quoted"']]


def test_a_carriage_return_inside_an_xml_literal_survives_an_xml_reader() -> None:
    """The engine writes it raw (an XML reader reads a line feed); the writer escapes it."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("a\rb\r\nc")))
    solutions = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    media = "application/sparql-results+xml"
    written = results.serialize(solutions.variables, list(solutions), media)
    assert b"a&#13;b&#13;\nc" in written
    back = ox.parse_query_results(written, format=ox.QueryResultsFormat.XML)
    assert [s["o"] for s in back] == [ox.Literal("a\rb\r\nc")]


# -- the row cap ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def capped(bundled_store: kg.Store) -> Iterator[TestClient]:
    settings = Settings(store="memory", max_rows=MAX_ROWS, query_workers=1, sparql_cache_mb=64, query_timeout=30)
    with TestClient(create_app(settings, store=bundled_store)) as client:
        yield client


@pytest.mark.parametrize("media", SOLUTION_TYPES)
def test_the_row_cap_holds_when_the_limit_rewrite_misses(capped: TestClient, media: str) -> None:
    """The bypass found by the tester: 168 labels on the bundled data (75,839 at 10k actors)."""
    label_count = "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?o }"
    assert int(rows(sparql(capped, label_count))[0]["n"]) > MAX_ROWS + 1
    first = sparql(capped, BYPASS, accept=media)
    assert first.headers["content-type"].split(";")[0] == media
    assert len(rows(first)) == MAX_ROWS
    assert first.headers["x-kg-truncated"] == "true" and first.headers["x-kg-max-rows"] == str(MAX_ROWS)
    # the answer kept by the result cache is the capped one
    again = sparql(capped, BYPASS, accept=media)
    assert again.headers["x-kg-cache"] == "hit" and again.content == first.content
    assert again.headers["x-kg-truncated"] == "true"


@pytest.mark.parametrize("media", SOLUTION_TYPES)
def test_a_capped_answer_keeps_the_querys_order(capped: TestClient, media: str) -> None:
    ordered = BYPASS + " ORDER BY DESC(?o) ?s"
    plain = "SELECT * WHERE { ?s skos:prefLabel ?o BIND(1 AS ?x) } ORDER BY DESC(?o) ?s LIMIT 5"
    response = sparql(capped, ordered, accept=media)
    assert response.headers["x-kg-truncated"] == "true"
    assert rows(response) == rows(sparql(capped, plain, accept=media))


def test_a_subquerys_limit_is_never_lowered_by_the_cap(capped: TestClient) -> None:
    """Where the scanner's reading may not be the parser's (``<(`` compared in a FILTER), the
    cap must not rewrite a LIMIT it takes for the outermost: lowering the subquery's LIMIT 40
    to the cap would drop labels the outer FILTER keeps, and answer fewer rows, untruncated."""
    inner = "{ SELECT ?s ?o WHERE { ?s skos:prefLabel ?o } ORDER BY ?o LIMIT 40 }"
    keep = 'FILTER(?x<(?x>0)||?x<(?x>0)||STRSTARTS(STR(?o), "A"))'
    query = f"SELECT ?o WHERE {{ BIND(1 AS ?x) {keep} {inner} }} ORDER BY ?o"
    kept = f"{inner} FILTER(STRSTARTS(STR(?o), 'A'))"
    count = int(rows(sparql(capped, f"SELECT (COUNT(*) AS ?n) WHERE {{ {kept} }}"))[0]["n"])
    assert MAX_ROWS < count < 40  # the FILTER keeps more than the cap, fewer than the LIMIT
    expected = rows(sparql(capped, f"SELECT ?o WHERE {{ {kept} }} ORDER BY ?o LIMIT {MAX_ROWS}"))
    response = sparql(capped, query)
    assert rows(response) == expected
    assert response.headers["x-kg-truncated"] == "true"


@pytest.fixture(scope="module")
def engine_store(bundled_store: kg.Store) -> ox.Store:
    """The bundled data in a bare engine store, as a worker holds its replica."""
    data = io.BytesIO()
    bundled_store.snapshot_to(data)
    store = ox.Store()
    store.load(data.getvalue(), format=ox.RdfFormat.N_QUADS)
    return store


LABELS = "SELECT ?s ?o WHERE { ?s skos:prefLabel ?o } ORDER BY ?o ?s"
REWRITES = {
    # the scanner finds no LIMIT to add or lower (as with the tester's query)
    "missed": lambda query, limit: query,
    # the LIMIT one above the cap holds, the LIMIT at the cap is put where it does not bind
    "half": lambda query, limit: f"{query} LIMIT {limit}" if limit == MAX_ROWS + 1 else query,
}


@pytest.mark.parametrize("media", SOLUTION_TYPES)
@pytest.mark.parametrize("rewrite", list(REWRITES))
def test_the_cap_holds_whatever_the_rewrite_does(
    engine_store: ox.Store, monkeypatch: pytest.MonkeyPatch, rewrite: str, media: str
) -> None:
    """Whatever the text rewrite does, the worker answers the first ``max_rows`` solutions of the
    query as sent, in its order, byte for byte what the engine writes for them."""
    monkeypatch.setattr(worker, "with_limit", REWRITES[rewrite])
    answer = worker.execute(
        engine_store, {"query": LABELS, "form": "SELECT", "media_type": media, "max_rows": MAX_ROWS}
    )
    assert answer["truncated"] and answer["media_type"] == media
    expected = engine_store.query(
        f"{LABELS} LIMIT {MAX_ROWS}",
        prefixes={"skos": "http://www.w3.org/2004/02/skos/core#"},
    ).serialize(format=ox.QueryResultsFormat.from_media_type(media))
    assert answer["body"] == expected


# -- how a worker's death is told ----------------------------------------------------------------


def test_a_query_past_its_memory_limit_is_stopped_with_503(bundled_store: kg.Store) -> None:
    """Sorting a cross product grew a worker by about 500 MB/s at 10k actors; with a limit the
    worker dies at it and the client is told so (not that the parser crashed)."""
    # the time limit only bounds the test on code without the memory limit (under 2 GB by then)
    settings = Settings(
        store="memory", query_workers=1, query_memory_mb=256, query_timeout=4, sparql_cache_mb=0, warm=False
    )
    with TestClient(create_app(settings, store=bundled_store)) as client:
        message = assert_error(sparql(client, CROSS_SORTED), 503, "query_stopped")
        assert message == "query exceeded its memory limit of 256 MB"
        assert backers(sparql(client, SELECT_BACKERS)) == BACKERS  # a new worker answers
        message = assert_error(sparql(client, CROSS_SORTED, accept="text/csv"), 503, "query_stopped")
        assert "memory limit of 256 MB" in message
        assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


def test_a_memory_error_reply_crosses_the_channel() -> None:
    """A MemoryError in the worker's Python code is answered, not a death."""
    reply = decode_reply(encode_reply(Reply.memory_error()))
    assert not reply.ok and reply.out_of_memory
    assert not decode_reply(encode_reply(Reply.error("x"))).out_of_memory


def _worker_pids(client: TestClient) -> list[int]:
    return [w.process.pid for w in client.app.state.query_pool._workers]  # type: ignore[attr-defined]


def test_a_worker_killed_from_outside_is_a_503_not_the_querys_fault(bundled_store: kg.Store) -> None:
    settings = Settings(store="memory", query_workers=1, query_timeout=30, sparql_cache_mb=0, warm=False)
    with TestClient(create_app(settings, store=bundled_store)) as client:
        (pid,) = _worker_pids(client)
        answer: dict[str, httpx.Response] = {}
        thread = threading.Thread(target=lambda: answer.setdefault("r", sparql(client, ENDLESS)))
        thread.start()
        time.sleep(0.5)  # the query is running (it runs until stopped)
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=30)
        assert not thread.is_alive()
        message = assert_error(answer["r"], 503, "query_stopped")
        assert message == "the query worker died while evaluating this query"
        assert backers(sparql(client, SELECT_BACKERS)) == BACKERS


# -- each client's share of long queries ---------------------------------------------------------

LONG_TIMEOUT = 8.0


@pytest.fixture(scope="module")
def two_workers(bundled_store: kg.Store) -> Iterator[str]:
    settings = Settings(
        store="memory",
        query_workers=2,
        query_timeout=LONG_TIMEOUT,
        long_query_seconds=0.5,
        sparql_cache_mb=0,
        warm=False,
    )
    with live_server(settings, bundled_store) as url:
        yield url


def _from(address: str, base_url: str) -> httpx.Client:
    """A client connecting from ``address`` (any 127.x.y.z reaches the server on loopback)."""
    return httpx.Client(base_url=base_url, timeout=60, transport=httpx.HTTPTransport(local_address=address))


@pytest.mark.slow
def test_one_clients_long_queries_leave_a_worker_to_the_others(two_workers: str) -> None:
    """With two workers, a client sending two long queries keeps one: the other is stopped once
    long (429, Retry-After), and another client's short query is answered while the first runs."""
    answers: dict[str, httpx.Response] = {}
    finished: dict[str, float] = {}

    def run(name: str, address: str, query: str) -> None:
        with _from(address, two_workers) as client:
            answers[name] = client.get("/sparql", params={"query": query})
        finished[name] = time.monotonic()

    hogs = [threading.Thread(target=run, args=(f"long{i}", "127.0.0.2", ENDLESS)) for i in (1, 2)]
    for thread in hogs:
        thread.start()
    time.sleep(1.5)  # both are long by now
    run("short", "127.0.0.3", SELECT_BACKERS)
    for thread in hogs:
        thread.join(timeout=60)
        assert not thread.is_alive()

    statuses = sorted(answers[name].status_code for name in ("long1", "long2"))
    assert statuses == [429, 503], [answers[n].text for n in ("long1", "long2")]
    stopped = next(answers[n] for n in ("long1", "long2") if answers[n].status_code == 429)
    assert "long-running" in assert_error(stopped, 429, "too_many_queries")
    assert 1 <= int(stopped.headers["retry-after"]) <= LONG_TIMEOUT
    kept = next(n for n in ("long1", "long2") if answers[n].status_code == 503)
    assert "time limit" in assert_error(answers[kept], 503, "query_stopped")
    assert backers(answers["short"]) == BACKERS
    assert finished["short"] < finished[kept]  # answered while the long query still ran


@pytest.mark.slow
def test_one_clients_short_queries_are_not_limited(two_workers: str) -> None:
    """The share counts long queries only: a client's concurrent short queries all succeed, and
    its short query is answered while its own long query runs."""
    answers: dict[str, httpx.Response] = {}

    def run(name: str, query: str) -> None:
        with _from("127.0.0.4", two_workers) as client:
            answers[name] = client.get("/sparql", params={"query": query})

    long = threading.Thread(target=run, args=("long", ENDLESS))
    long.start()
    time.sleep(1.0)
    shorts = [threading.Thread(target=run, args=(f"short{i}", SELECT_BACKERS)) for i in range(6)]
    for thread in shorts:
        thread.start()
    for thread in shorts:
        thread.join(timeout=60)
    assert "long" not in answers  # still running
    assert all(backers(answers[f"short{i}"]) == BACKERS for i in range(6))
    long.join(timeout=60)
    assert "time limit" in assert_error(answers["long"], 503, "query_stopped")


# -- settings ------------------------------------------------------------------------------------


def test_the_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KG_QUERY_MEMORY_MB", "KG_LONG_QUERY_SECONDS", "KG_LONG_QUERIES_PER_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    default = Settings.from_env()
    assert (default.query_memory_mb, default.long_query_seconds, default.long_queries_per_client) == (2048, 2.0, None)
    monkeypatch.setenv("KG_QUERY_MEMORY_MB", "0")
    monkeypatch.setenv("KG_LONG_QUERY_SECONDS", "5")
    monkeypatch.setenv("KG_LONG_QUERIES_PER_CLIENT", "3")
    settings = Settings.from_env()
    assert (settings.query_memory_mb, settings.long_query_seconds, settings.long_queries_per_client) == (0, 5.0, 3)


def test_the_readme_documents_the_limits() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in ("KG_QUERY_MEMORY_MB", "KG_LONG_QUERY_SECONDS", "KG_LONG_QUERIES_PER_CLIENT"):
        assert f"`{name}`" in readme
