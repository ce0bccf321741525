"""Tolerant label search: normalisation, ranking, type filter and paging bounds."""

from __future__ import annotations

import pytest

import kg
from kg.read.search import MAX_LIMIT
from kg.text import search_key

HTS = "hayat-tahrir-al-sham"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Hay'at Tahrir al-Sham", "hayat tahrir al sham"),
        ("Hay’at Taḥrīr al-Shām", "hayat tahrir al sham"),
        ("HAYʼAT  TAHRIR—AL SHAM!", "hayat tahrir al sham"),
        ("  Aléppo ", "aleppo"),
        ("هيئة تحرير الشام", "هييه تحرير الشام"),
        ("هيئه تحرير الشام", "هييه تحرير الشام"),
        ("جبهة فتح الشام", "جبهه فتح الشام"),
        ("'’-", ""),
    ],
)
def test_search_key(text, key):
    assert search_key(text) == key


@pytest.mark.parametrize(
    "query",
    [
        "hayat tahrir al sham",
        "Hay'at Tahrir al-Sham",
        "Hay’at Tahrir al-Sham",
        "HAYAT TAHRIR AL-SHAM",
        "hayat-tahrir-al-sham",
        "Hayʼat Taḥrīr al-Shām",
        "HTS",
        "  hts ",
        "هيئة تحرير الشام",
        "هيئه تحرير الشام",
        "Nusra Front",
        "al-Nusrah Front",
        "Jabhat Fath al-Sham",
        "جبهة النصرة",
    ],
)
def test_spellings_find_hts_first(bundled_store, query):
    hits = kg.search(bundled_store, query)
    assert hits[0].id == HTS
    assert hits[0].label == "Hay'at Tahrir al-Sham"


@pytest.mark.parametrize("query", ["ALEPPO", "Aléppo", "aleppo"])
def test_accents_and_case_find_aleppo_first(bundled_store, query):
    assert kg.search(bundled_store, query)[0].id == "aleppo"


def test_ranking_in_the_bundled_data(bundled_store):
    hits = kg.search(bundled_store, "aleppo", limit=5)
    # exact label; then prefixes "aleppo airport" 80+10*6/14 and "aleppo province" 80+10*6/15;
    # then a word inside a label, "citadel of aleppo" 60+10*6/17
    assert [(h.id, h.score) for h in hits[:4]] == [
        ("aleppo", 100.0),
        ("aleppo-international-airport", 84.29),
        ("aleppo-governorate", 84.0),
        ("aleppo-citadel", 63.53),
    ]


RANKING_SOURCE = """
    id:test-kappa a ck:ArmedGroup ; skos:prefLabel "Kappa"@en .
    id:test-kappaland a ck:Region ; skos:prefLabel "Kappaland"@en .
    id:test-big-kappa a ck:Collective ; skos:prefLabel "Big Kappa"@en .
    id:test-ekappax a ck:Settlement ; skos:prefLabel "Ekappax"@en .
    id:test-other a ck:Collective ; skos:prefLabel "Other"@en ; skos:altLabel "kappa front"@en .
"""


@pytest.fixture
def ranking_store(store, make_source):
    kg.load_files(store, [make_source(extra=RANKING_SOURCE)])
    return store


def test_exact_before_prefix_before_word_before_substring(ranking_store):
    hits = kg.search(ranking_store, "KAPPA")
    # exact 100; prefix 80 + 10*len(q)/len(key); word prefix 60 + ...; substring 40 + ...
    assert [(h.id, h.score) for h in hits] == [
        ("test-kappa", 100.0),
        ("test-kappaland", 85.56),  # 80 + 50/9
        ("test-other", 84.55),  # alias "kappa front": 80 + 50/11
        ("test-big-kappa", 65.56),  # 60 + 50/9
        ("test-ekappax", 47.14),  # 40 + 50/7
    ]
    assert hits[2].label == "Other"
    assert hits[2].aliases == ["kappa front"]


def test_type_filter(ranking_store, bundled_store):
    assert [h.id for h in kg.search(ranking_store, "kappa", type="place")] == ["test-kappaland", "test-ekappax"]
    assert [h.id for h in kg.search(ranking_store, "kappa", type="actor")] == [
        "test-kappa",
        "test-other",
        "test-big-kappa",
    ]
    assert kg.search(ranking_store, "kappa", type="event") == []
    for kind in ("actor", "place", "event", "claim", "source"):
        hits = kg.search(bundled_store, "aleppo", type=kind, limit=MAX_LIMIT)
        assert hits, kind
        assert {h.type for h in hits} == {kind}
    sources = kg.search(bundled_store, "HTS", type="source", limit=MAX_LIMIT)
    assert {h.id for h in sources} == {
        "uk-proscription",
        "us-fto-designations",
        "turkey-designations",
        "russia-designations",
        "canada-designations",
        "un-1267-designations",
    }


def test_paging(bundled_store):
    everything = kg.search(bundled_store, "aleppo", limit=MAX_LIMIT)
    assert len(everything) > 10
    assert kg.search(bundled_store, "aleppo") == everything[:10]
    assert kg.search(bundled_store, "aleppo", limit=3, offset=3) == everything[3:6]
    assert kg.search(bundled_store, "aleppo", limit=1) == everything[:1]
    assert kg.search(bundled_store, "aleppo", offset=len(everything)) == []
    scores = [h.score for h in everything]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "paging",
    [{"limit": 0}, {"limit": -1}, {"limit": MAX_LIMIT + 1}, {"offset": -1}, {"limit": 0, "offset": -5}],
)
def test_paging_bounds_raise(bundled_store, paging):
    with pytest.raises(kg.InvalidInput):
        kg.search(bundled_store, "aleppo", **paging)


def test_empty_query_raises(bundled_store):
    with pytest.raises(kg.InvalidInput):
        kg.search(bundled_store, "")


@pytest.mark.parametrize("query", ["   ", "\x1e", "'’", "-- !", "\u0640"])
def test_query_of_only_punctuation_finds_nothing(bundled_store, query):
    # Nothing is left to compare once apostrophes, punctuation and tatweel are folded away.
    assert kg.search(bundled_store, query) == []


def test_unknown_type_raises(bundled_store):
    with pytest.raises(kg.InvalidInput):
        kg.search(bundled_store, "aleppo", type="person")


def test_no_match_is_empty(bundled_store):
    assert kg.search(bundled_store, "zzyzx qwerty") == []


def test_query_text_is_not_sparql(bundled_store):
    before = len(bundled_store)
    assert kg.search(bundled_store, '" } ; DROP ALL ; #') == []
    assert len(bundled_store) == before
