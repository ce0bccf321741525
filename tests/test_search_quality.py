"""Search quality, measured: recall over the query set of tests/search_quality.py."""

from __future__ import annotations

from tests.search_quality import QUERIES, measure


def test_the_query_set_is_large_and_mixed():
    assert len(QUERIES) >= 60
    assert sum(any("\u0600" <= c <= "\u06ff" for c in q) for q, _, _ in QUERIES) >= 10  # Arabic
    assert len({q for q, _, _ in QUERIES}) == len(QUERIES)


def test_recall(bundled_store, capsys):
    result = measure(bundled_store)
    with capsys.disabled():
        print(f"\nsearch quality: {result.queries} queries, recall@1 {result.at_1:.3f}, recall@5 {result.at_5:.3f}")
    assert result.at_1 >= 0.9, result.misses
    assert result.at_5 >= result.at_1
