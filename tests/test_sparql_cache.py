"""The SPARQL result cache: answers to repeated queries sent again without evaluation, never
older than the data, and kept apart by everything that shapes an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg.sparql.cache import ResultCache
from kg.sparql.text import analyse
from tests.sparql_support import parse_solutions, sparql

ID = "https://w3id.org/conflict-kg/id/"
BACKERS = "SELECT DISTINCT ?b WHERE { ?b ck:backs id:syrian-government } ORDER BY ?b"
TEST_BACKED = "SELECT ?b WHERE { ?b ck:backs id:test-beta }"


# -- the cache itself ----------------------------------------------------------------------------


def test_a_kept_answer_is_returned_for_its_key_and_version() -> None:
    cache: ResultCache[str] = ResultCache(100_000)
    assert cache.get(1, "q") is None
    assert cache.put(1, "q", "answer", 10)
    assert cache.get(1, "q") == "answer"
    assert cache.get(1, "other") is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_new_version_empties_the_cache() -> None:
    cache: ResultCache[str] = ResultCache(100_000)
    assert cache.get(1, "q") is None  # the first read sets the version
    cache.put(1, "q", "old", 10)
    assert cache.get(1, "q") == "old"
    assert cache.get(2, "q") is None
    assert len(cache) == 0 and cache.bytes == 0
    assert not cache.put(1, "q", "late", 10)  # read at a version that has passed: not kept
    assert cache.get(2, "q") is None


def test_the_least_recently_used_answers_go_first_when_the_bytes_run_out() -> None:
    cache: ResultCache[str] = ResultCache(8_000)  # room for about 8 entries of 600 bytes
    cache.get(1, "warm-up")
    for k in range(6):
        assert cache.put(1, k, f"answer {k}", 600)
    assert cache.get(1, 0) == "answer 0"  # 0 is now the most recently used
    for k in range(6, 10):
        cache.put(1, k, f"answer {k}", 600)
    assert cache.bytes <= 8_000
    kept = {k for k in range(10) if cache.get(1, k) is not None}
    assert 0 in kept and 9 in kept
    assert 1 not in kept  # the least recently used went first
    assert len(kept) == len(cache) < 10


def test_an_answer_larger_than_an_eighth_of_the_cache_is_not_kept() -> None:
    cache: ResultCache[str] = ResultCache(80_000)
    cache.get(1, "warm-up")
    assert not cache.put(1, "big", "x", 10_000)
    assert cache.put(1, "small", "x", 9_000)
    assert cache.get(1, "big") is None and cache.get(1, "small") == "x"


def test_a_cache_needs_a_positive_size() -> None:
    with pytest.raises(ValueError):
        ResultCache(0)


@pytest.mark.parametrize(
    ("query", "volatile"),
    [
        ("SELECT (NOW() AS ?t) {}", True),
        ("SELECT ?x { BIND(rand() AS ?x) }", True),
        ("SELECT (STRUUID() AS ?u) (UUID() AS ?v) {}", True),
        ("SELECT ?now { ?now ?p ?o }", False),  # a variable, not the function
        ("SELECT ?s { ?s ex:rand ?o }", False),  # a prefixed name
        ('SELECT ?s { ?s ?p "NOW()" }', False),  # a string
        ("SELECT ?s { ?s ?p <http://example.org/uuid> }", False),  # an IRI
        ("SELECT * { ?s ?p ?o } # NOW()", False),  # a comment
    ],
)
def test_volatile_functions_are_found_as_code_only(query: str, volatile: bool) -> None:
    assert analyse(query).volatile is volatile


# -- through the endpoint ------------------------------------------------------------------------


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", query_workers=1, sparql_cache_mb=8))) as test_client:
        yield test_client


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    rows: list[dict[str, str]] = parse_solutions(response)
    return rows


def _no_evaluation(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the query reached a worker")

    monkeypatch.setattr(client.app.state.query_pool, "_evaluate", refuse)  # type: ignore[attr-defined]


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sparql(client, BACKERS)
    assert first.headers["x-kg-cache"] == "miss"
    assert {row["b"] for row in _rows(first)} == {ID + "russia", ID + "iran"}
    _no_evaluation(client, monkeypatch)
    again = sparql(client, BACKERS)
    assert again.headers["x-kg-cache"] == "hit"
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["vary"] == "Accept"


def test_answers_are_kept_apart_by_format_dataset_and_text(client: TestClient) -> None:
    json_answer = sparql(client, BACKERS)
    assert sparql(client, BACKERS).headers["x-kg-cache"] == "hit"
    csv_answer = sparql(client, BACKERS, accept="text/csv")
    assert csv_answer.headers["x-kg-cache"] == "miss"
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.content != json_answer.content
    article = "https://w3id.org/conflict-kg/source/aleppo-offensive-article"
    empty = sparql(client, BACKERS, **{"default-graph-uri": "https://w3id.org/conflict-kg/source/none"})
    assert empty.headers["x-kg-cache"] == "miss" and _rows(empty) == []
    scoped = sparql(client, BACKERS, **{"default-graph-uri": article})
    assert scoped.headers["x-kg-cache"] == "miss" and _rows(scoped)
    assert sparql(client, BACKERS + " LIMIT 1").headers["x-kg-cache"] == "miss"
    assert sparql(client, BACKERS, **{"default-graph-uri": article}).headers["x-kg-cache"] == "hit"


def test_a_write_empties_the_cache(client: TestClient, make_source: Callable[..., Path]) -> None:
    assert _rows(sparql(client, TEST_BACKED)) == []
    assert sparql(client, TEST_BACKED).headers["x-kg-cache"] == "hit"
    kg.load_files(client.app.state.store, [make_source(name="cache-test")])  # type: ignore[attr-defined]
    after = sparql(client, TEST_BACKED)
    assert after.headers["x-kg-cache"] == "miss"
    assert _rows(after) == [{"b": ID + "test-alpha"}]


def test_volatile_queries_are_always_evaluated(client: TestClient) -> None:
    query = "SELECT (STRUUID() AS ?u) {}"
    answers = [sparql(client, query) for _ in range(2)]
    assert all("x-kg-cache" not in a.headers for a in answers)
    assert _rows(answers[0])[0]["u"] != _rows(answers[1])[0]["u"]


def test_errors_are_not_kept(client: TestClient) -> None:
    for _ in range(2):
        response = sparql(client, "SELECT ?s WHERE { ?s ?p }")
        assert response.status_code == 400 and "x-kg-cache" not in response.headers
    assert client.app.state.query_pool.cache.bytes == 0  # type: ignore[attr-defined]


def test_a_size_of_zero_turns_the_cache_off() -> None:
    with TestClient(create_app(Settings(store="memory", query_workers=1, sparql_cache_mb=0))) as client:
        assert client.app.state.query_pool.cache is None  # type: ignore[attr-defined]
        for _ in range(2):
            response = sparql(client, BACKERS)
            assert response.status_code == 200 and "x-kg-cache" not in response.headers


def test_the_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_SPARQL_CACHE_MB", "0.5")
    assert Settings.from_env().sparql_cache_mb == 0.5
    monkeypatch.delenv("KG_SPARQL_CACHE_MB")
    assert Settings.from_env().sparql_cache_mb == 64
