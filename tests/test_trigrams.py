"""The trigram index lists the same keys, in the same order, as a brute-force scan, built in bulk or
kept in step key by key."""

from __future__ import annotations

import random

import pytest

from kg.read.trigrams import N, TrigramIndex, trigrams

# words with Latin, accented, Arabic and non-BMP letters (a code point above 0xFFFF)
WORDS = ["al", "sham", "ahrar", "jabhat", "tahrir", "éclair", "çà", "هيئة", "تحرير", "الشام", "جبهة", "𝒜bc", "a"]


def generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = {" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) for _ in range(count)}
    keys |= {"", "x", "ab"}  # keys shorter than a trigram
    return sorted(keys)


def by_length(key: str) -> tuple[int, str]:
    return len(key), key


def found(index: TrigramIndex, text: str) -> list[str]:
    return [key for batch in index.containing(text) for key in batch]


def expected(keys: list[str], text: str) -> list[str]:
    return sorted((key for key in keys if text in key), key=by_length)


def queries(keys: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["al ", "sham", "هيئة تحرير", "𝒜bc", "éclair çà", "zzz", "الش", "abc", "l s"]
    for key in rng.sample([k for k in keys if len(k) >= N], 40):
        start = rng.randrange(len(key) - N + 1)
        texts.append(key[start : rng.randint(start + N, len(key))])
    return texts


def test_a_bulk_built_index_finds_what_a_scan_finds_in_order():
    keys = generated(600, seed=1)
    index = TrigramIndex(reversed(keys), order=by_length)
    assert len(index) == len([key for key in keys if len(key) >= N])  # shorter keys can't be found
    for text in queries(keys, seed=2):
        assert found(index, text) == expected(keys, text), text


def test_added_and_removed_keys_give_the_lists_of_a_bulk_build():
    keys = generated(800, seed=3)
    rng = random.Random(4)
    rng.shuffle(keys)
    index = TrigramIndex(keys[:400], order=by_length)
    for key in keys[400:]:
        index.add(key)
    removed = set(rng.sample(keys, 300))
    for key in removed:
        index.discard(key)
    for key in rng.sample(sorted(removed), 100):  # freed ids are given to new keys
        index.add(key)
        removed.discard(key)
    kept = [key for key in keys if key not in removed]
    index.add(kept[0])  # already there: nothing changes
    index.discard("not a key")
    assert index.postings() == TrigramIndex(kept, order=by_length).postings()
    assert set(index.postings()) == set().union(*(trigrams(key) for key in kept))
    for text in queries(kept, seed=5):
        assert found(index, text) == expected(kept, text), text
    assert all(key not in index for key in removed)
    assert all((key in index) == (len(key) >= N) for key in kept)
    assert len(index) == len([key for key in kept if len(key) >= N])


def test_the_default_order_is_sorted_and_an_empty_index_finds_nothing():
    keys = ["b sham", "a sham", "sham", "shamal"]
    assert found(TrigramIndex(keys), "sham") == sorted(keys)
    empty = TrigramIndex()
    assert found(empty, "sham") == []
    empty.add("shams")
    assert found(empty, "ham") == ["shams"]
    empty.discard("shams")
    assert found(empty, "ham") == [] and empty.postings() == {}


def test_short_texts_and_repeated_keys_are_refused():
    with pytest.raises(ValueError):
        found(TrigramIndex(["abc"]), "ab")
    with pytest.raises(ValueError):
        TrigramIndex(["abc", "abc"])
