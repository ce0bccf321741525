"""The search index: same hits and ranking as a scan of the search keys, kept in step with writes."""

from __future__ import annotations

import random
from collections.abc import Iterable

import pyoxigraph as ox
import pytest

import kg
from kg import queries
from kg.load.bulk import bulk_load_files
from kg.names import kind_name, local_name
from kg.namespaces import CK, RDF
from kg.read.search import _score
from kg.read.search_index import SEARCH_INDEX, SearchIndex, _Facts, search_index
from kg.terms import split
from kg.text import search_key


def scan(store: kg.Store, q: str, type: str | None = None) -> list[tuple]:
    """Every hit as the SPARQL scan over ck:searchKey finds it (kg/queries/search.rq), best first."""
    key = search_key(q)
    best: dict[str, tuple] = {}
    for row in store.select(queries.get("search"), {"q": key}):
        category = local_name(row["category"]).lower()
        if type is not None and category != type:
            continue
        score = round(max(_score(k, key) for k in split(row["keys"], "\x1f")), 2)
        entity = row["entity"]
        if entity in best and best[entity][1] >= score:
            continue
        types = sorted(kind_name(t) for t in split(row.get("types")) if t.startswith(CK))
        label = row.get("label") or row.get("otherLabel")
        best[entity] = (entity, score, category, types, label, sorted(split(row.get("aliases"), "\x1f")))
    return sorted(best.values(), key=lambda h: (-h[1], h[0]))


def found(store: kg.Store, q: str, type: str | None = None) -> list[tuple]:
    hits = kg.search(store, q, type=type, limit=100)
    return sorted(((h.iri, h.score, h.type, h.types, h.label, h.aliases) for h in hits), key=lambda h: (-h[1], h[0]))


@pytest.mark.parametrize(
    "q",
    ["hayat tahrir al sham", "HTS", "al", "syr", "aleppo", "russ", "هيئة تحرير", "جبهه", "front", "army", "e"],
)
def test_index_finds_what_the_scan_finds(bundled_store, q):
    expected = scan(bundled_store, q)
    assert expected, "the query should match something in the bundled data"
    assert found(bundled_store, q) == expected[:100]


@pytest.mark.parametrize("type", ["actor", "place", "source"])
def test_index_respects_the_type_filter_like_the_scan(bundled_store, type):
    assert found(bundled_store, "a", type) == scan(bundled_store, "a", type)[:100]


def test_ranking_exact_then_prefix_then_word_prefix_then_substring(store, make_source):
    extra = """
    id:test-gamma a ck:ArmedGroup ; skos:prefLabel "Gamma"@en .
    id:test-gammaray a ck:ArmedGroup ; skos:prefLabel "Gammaray Brigade"@en .
    id:test-old-gamma a ck:ArmedGroup ; skos:prefLabel "Old Gamma Front"@en .
    id:test-omegamma a ck:ArmedGroup ; skos:prefLabel "Omegamma"@en .
"""
    kg.load_files(store, [make_source(extra=extra)])
    hits = kg.search(store, "gamma")
    assert [h.id for h in hits] == ["test-gamma", "test-gammaray", "test-old-gamma", "test-omegamma"]
    assert hits[0].score == 100.0
    assert 80 < hits[1].score < 90 and 60 < hits[2].score < 70 and 40 < hits[3].score < 50


def test_aliases_in_arabic_are_found_and_reported(bundled_store):
    hits = kg.search(bundled_store, "هيئه تحرير الشام", limit=1)
    assert hits[0].id == "hayat-tahrir-al-sham"
    # the Arabic name is HTS's Arabic preferred label, so not also an alias (SKOS keeps them apart);
    # its earlier Arabic names are aliases
    assert "هيئة تحرير الشام" not in hits[0].aliases
    assert {"جبهة النصرة", "جبهة فتح الشام"} <= set(hits[0].aliases)
    assert kg.search(bundled_store, "جبهه النصره", limit=1)[0].id == "hayat-tahrir-al-sham"
    assert kg.search(bundled_store, "Nusra", limit=1)[0].id == "hayat-tahrir-al-sham"


def test_index_follows_a_load_and_a_remove(store, make_source):
    kg.load_files(store, [make_source()])
    assert kg.search(store, "zephyrine") == []
    extra = """
    id:test-zephyr a ck:ArmedGroup ; skos:prefLabel "Zephyrine Guard"@en ;
        skos:altLabel "حرس الزفير"@ar .
"""
    kg.load_files(store, [make_source("second.trig", name="test-second", extra=extra)])
    hits = kg.search(store, "zephyrine")
    assert [h.id for h in hits] == ["test-zephyr"]
    assert hits[0].aliases == ["حرس الزفير"]
    assert [h.id for h in kg.search(store, "حرس")] == ["test-zephyr"]
    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-second")
    assert kg.search(store, "zephyrine") == []
    assert kg.search(store, "حرس") == []
    assert [h.id for h in kg.search(store, "test beta")] == ["test-beta"]


def test_no_stale_result_after_a_write(store, make_source):
    kg.load_files(store, [make_source()])
    assert [h.label for h in kg.search(store, "test alpha")] == ["Test Alpha"]
    before = search_index(store)
    # Reload the source with the actor renamed: the next search must see the new name only.
    renamed = make_source(name="test-source", extra="").read_text(encoding="utf-8")
    path = make_source(text=renamed.replace('"Test Alpha"@en', '"Renamed Polity"@en'))
    kg.load_files(store, [path])
    assert kg.search(store, "test alpha") == []
    assert [h.label for h in kg.search(store, "renamed polity")] == ["Renamed Polity"]
    # updated in place to the store's version (the source's entities read again), not rebuilt
    assert search_index(store) is before and before.version == store.version


def test_the_index_is_reused_while_the_store_is_unchanged(bundled_store):
    assert search_index(bundled_store) is search_index(bundled_store)


# --- updates source by source -------------------------------------------------------------------


def snapshot(store: kg.Store) -> tuple:
    """Everything the index holds that a search can see: keys with their owners, entries, and the
    trigram lists (with their order)."""
    index = search_index(store)
    owners = {k: sorted(v) for k, v in index.owners.items()}
    return owners, dict(index.entries), index.substrings().postings()


def rebuilt(store: kg.Store) -> tuple:
    """The same, from an index built afresh from the store's content."""
    SEARCH_INDEX.forget(store)
    return snapshot(store)


GAMMA = """
    id:test-gamma a ck:ArmedGroup ; skos:prefLabel "Gamma Legion"@en ; skos:altLabel "Gammas"@en .
"""


def test_a_load_updates_the_index_in_place_like_a_rebuild(store, make_source):
    kg.load_files(store, [make_source()])
    index = search_index(store)
    kg.load_files(store, [make_source("second.trig", name="test-second", extra=GAMMA)])
    assert store.changed_graphs(index.version) == {"https://w3id.org/conflict-kg/source/test-second"}
    updated = snapshot(store)
    assert search_index(store) is index and index.version == store.version
    assert [h.id for h in kg.search(store, "gamma legion")] == ["test-gamma"]
    assert kg.search(store, "gammas")[0].aliases == ["Gammas"]
    assert updated == rebuilt(store)


def test_replacing_a_source_drops_its_old_names_and_keeps_names_other_sources_give(store, make_source):
    kg.load_files(store, [make_source(), make_source("second.trig", name="test-second", extra=GAMMA)])
    index = search_index(store)
    renamed = GAMMA.replace("Gamma Legion", "Delta Legion").replace('; skos:altLabel "Gammas"@en', "")
    kg.load_files(store, [make_source("second.trig", name="test-second", extra=renamed)])
    assert search_index(store) is index
    assert kg.search(store, "gamma") == []
    assert [h.id for h in kg.search(store, "delta legion")] == ["test-gamma"]
    # test-alpha is declared by both sources: replacing one of them keeps it found
    assert [h.id for h in kg.search(store, "test alpha")] == ["test-alpha"]
    assert snapshot(store) == rebuilt(store)


def test_removing_a_source_removes_only_what_it_alone_said(store, make_source):
    kg.load_files(store, [make_source(), make_source("second.trig", name="test-second", extra=GAMMA)])
    index = search_index(store)
    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-second")
    assert search_index(store) is index
    assert kg.search(store, "gamma") == []
    assert kg.search(store, "test source test second") == []
    assert [h.id for h in kg.search(store, "test beta")] == ["test-beta"]
    assert snapshot(store) == rebuilt(store)


def test_several_writes_between_two_searches_are_all_applied(store, make_source):
    kg.load_files(store, [make_source()])
    index = search_index(store)
    kg.load_files(store, [make_source("second.trig", name="test-second", extra=GAMMA)])
    kg.load_files(store, [make_source("third.trig", name="test-third")])
    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-source")
    assert len(store.changed_graphs(index.version) or ()) == 3
    assert [h.id for h in kg.search(store, "gamma legion")] == ["test-gamma"]
    assert search_index(store) is index
    assert snapshot(store) == rebuilt(store)


def test_an_unknown_write_rebuilds_the_index(store, make_source, tmp_path):
    kg.load_files(store, [make_source()])
    index = search_index(store)
    bulk_load_files(store, [make_source("second.trig", name="test-second", extra=GAMMA)], spool_dir=tmp_path)
    assert store.changed_graphs(index.version) is None  # a bulk load does not say what it wrote
    assert [h.id for h in kg.search(store, "gamma legion")] == ["test-gamma"]
    assert search_index(store) is not index


def test_the_store_reports_the_graphs_written_since_a_version(store):
    import pyoxigraph as ox

    triple = ox.Triple(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"), ox.Literal("x"))
    start = store.version
    assert store.changed_graphs(start) == frozenset()
    store.replace_graphs({"https://example.org/g1": [triple], "https://example.org/g2": [triple]})
    store.remove_graph("https://example.org/g1")
    assert store.changed_graphs(start) == {"https://example.org/g1", "https://example.org/g2"}
    assert store.changed_graphs(start + 1) == {"https://example.org/g1"}
    store.move_graphs({"https://example.org/g2": "https://example.org/g3"})
    assert store.changed_graphs(start + 2) == {"https://example.org/g2", "https://example.org/g3"}
    for _ in range(80):  # older writes are forgotten: then the store can't tell
        store.remove_graphs(["https://example.org/g3"])
    assert store.changed_graphs(start) is None
    assert store.changed_graphs(store.version - 1) == {"https://example.org/g3"}


def test_callers_arriving_together_share_one_build(store, make_source, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from kg.read import search_index as module

    kg.load_files(store, [make_source(name="build-once")])
    builds: list[int] = []
    started = threading.Event()
    real = module._build

    def slow_build(s):
        builds.append(s.version)
        started.set()
        threading.Event().wait(0.3)  # long enough for the other callers to arrive
        return real(s)

    monkeypatch.setattr(module, "_build", slow_build)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(search_index, store)
        started.wait(5)
        others = [pool.submit(search_index, store) for _ in range(3)]
        indexes = [first.result(), *(f.result() for f in others)]
    assert builds == [store.version]
    assert all(index is indexes[0] for index in indexes)


def test_the_service_builds_the_index_at_start_up(bundled_store):
    import time

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    SEARCH_INDEX.forget(bundled_store)
    with TestClient(create_app(Settings(store="memory", query_workers=1), store=bundled_store)):
        deadline = time.monotonic() + 30
        while SEARCH_INDEX.kept(bundled_store) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        hit = SEARCH_INDEX.kept(bundled_store)
        assert hit is not None and hit[0] == bundled_store.version  # built with no search asked


# --- ranking over generated keys, against a brute-force reference --------------------------------

NAMES = [
    "Ahrar",
    "al-Sham",
    "Jabhat",
    "Taḥrīr",
    "Hay'at",
    "Éclair",
    "Brigade",
    "Front",
    "هيئة",
    "تحرير",
    "الشّام",
    "جبهة",
]


def reference(keys: Iterable[str], q: str) -> list[str]:
    """The keys containing ``q`` in the order ranked promises: exact, prefix, word prefix, substring;
    shorter first, then sorted."""

    def kind(key: str) -> int:
        return 0 if key == q else 1 if key.startswith(q) else 2 if f" {q}" in key else 3

    return sorted((key for key in keys if q in key), key=lambda key: (kind(key), len(key), key))


def generated_facts(count: int, seed: int) -> dict[str, _Facts]:
    """Armed groups with one to three normalised names each, in Latin (with accents) and Arabic."""
    rng = random.Random(seed)
    facts = {}
    for n in range(count):
        found = _Facts()
        found.values[RDF + "type"].add(ox.NamedNode(CK + "ArmedGroup"))
        for _ in range(rng.randint(1, 3)):
            name = " ".join(rng.choice(NAMES) for _ in range(rng.randint(1, 4)))
            found.values[CK + "searchKey"].add(ox.Literal(search_key(name)))
        found.graphs.add(f"https://example.org/source/{n % 7}")
        facts[f"https://example.org/id/group-{n}"] = found
    return facts


def test_ranked_lists_keys_like_a_scan_after_keys_are_added_and_removed():
    facts = generated_facts(400, seed=7)
    entities = sorted(facts)
    index = SearchIndex(0)
    index.set_facts(facts, entities[:250])
    index.substrings()  # built in bulk here, then kept in step
    later = generated_facts(400, seed=8)  # the same entities renamed, and new ones
    index.set_facts(later, entities[100:200])
    index.set_facts({}, entities[:50])  # removed
    index.set_facts(facts, entities[250:])
    now = {e: facts[e] for e in entities[50:100] + entities[200:]} | {e: later[e] for e in entities[100:200]}
    keys = {k.value for found in now.values() for k in found.values[CK + "searchKey"]}
    assert set(index.owners) == keys
    fresh = SearchIndex(0)
    fresh.set_facts(now, entities)
    assert index.substrings().postings() == fresh.substrings().postings()
    rng = random.Random(9)
    queries = ["a", "al", "ال", "هيئه", "tahrir", "al sham", "sham", "eclair", "r", "ront", "zzz", "hayat tahrir"]
    for key in rng.sample(sorted(keys), 60):
        start = rng.randrange(len(key))
        queries.append(key[start : rng.randint(start + 1, len(key))].strip() or key)
    for q in queries:
        assert list(index.ranked(q)) == reference(keys, q), q
