"""Tolerant matching of search words: folding rules, variant tables and an index of key words.

:func:`kg.text.search_key` already ignores case, accents, apostrophes, punctuation and the Arabic
letter variants (alef forms, ta marbuta, alef maqsura, hamza seats, tatweel, diacritics). This
module goes further, word by word, so that a search still finds a name typed differently:

* **Function words** are left out (:data:`STOPWORDS`): English ones ("of", "the") and the
  transliterated Arabic article in its usual and assimilated spellings (al, el, ad, ash, ...), so
  that word order and articles don't matter ("Aleppo Citadel" ~ "Citadel of Aleppo").
* **Variant words** are replaced by one form (:data:`VARIANTS`): common abbreviations ("govt") and
  endonyms used in English beside the exonym ("Türkiye" → "turkey").
* **Transliteration rules** (:data:`_RULES`, applied to Latin words in order): doubled letters are
  written once ("Assad" ~ "Asad"), "ou"/"oo" → "u", "ee" → "i", "q" → "k", "ph" → "f", "dj" → "j",
  a final "ah"/"eh" → "a" ("Nusrah" ~ "Nusra"). Letters without an accent to strip (ı, ł, ʿ) are
  transliterated with ``unidecode``.
* **Inflection**: each word also has its Snowball stem (English for Latin script, Arabic for Arabic
  script; PyStemmer), so "rebels" ~ "rebel" and "الشام" ~ "شام".
* **Typos and vowels**: a word that is not a known form is compared with the known forms by edit
  distance (``rapidfuzz``): one edit in words of four or five characters, two in longer ones,
  candidates coming from a trigram index of the forms (:class:`kg.read.trigrams.TrigramIndex`); and it
  matches the forms written with the same consonants in the same order ("tal" ~ "tel", "jebhat" ~
  "jabhat"), as transliterations of Arabic differ most in their vowels.
* **Words written together**: an unknown word made of two known ones, or of an article and a known
  one, is split ("airforce" → "air force", "alsham" → "sham").

:class:`WordIndex` holds the folded words of every search key, and :func:`score` rates a key
against the query's words. :mod:`kg.read.search` uses both beside the literal matches.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import Stemmer
from rapidfuzz.distance import Levenshtein
from unidecode import unidecode

from kg.read import trigrams

__all__ = ["ARTICLES", "STOPWORDS", "VARIANTS", "QueryWord", "WordIndex", "fold", "query_words", "score"]

#: The transliterated Arabic article in its common and sun-letter-assimilated spellings.
ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ad", "ed", "ud", "ar", "er", "as", "es", "ash", "esh"}
    | {"at", "et", "az", "ez", "an", "en", "ath", "adh"}
)
#: Words left out of tolerant matching: the article, the Arabic conjunction "wa" ("and") and
#: English function words.
STOPWORDS = ARTICLES | frozenset(
    ["a", "an", "and", "the", "of", "in", "on", "at", "for", "by", "to", "from", "with", "wa"]
)

#: Words replaced by one form before folding: abbreviations and endonyms beside the English
#: exonym (generic word knowledge, not names of particular entities).
VARIANTS = {
    "govt": "government",
    "gov": "government",
    "gvt": "government",
    "dept": "department",
    "intl": "international",
    "natl": "national",
    "org": "organisation",
    "organization": "organisation",
    "defense": "defence",
    "turkiye": "turkey",
    "turkei": "turkey",
    "deutschland": "germany",
    "espana": "spain",
    "misr": "egypt",
    "suriya": "syria",
    "souria": "syria",
    "ukraina": "ukraine",
    "rossiya": "russia",
    "rossiia": "russia",
}

#: Transliteration rules for Latin words, applied in order (pattern, replacement).
_RULES = [
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: assad → asad, aleppo → alepo
    (re.compile(r"dj"), "j"),  # French transliteration: djabhat → jabhat
    (re.compile(r"ou|oo"), "u"),  # youssef → yusef
    (re.compile(r"ee"), "i"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|q"), "k"),  # qaida → kaida
    (re.compile(r"(?<=..)[ae]h$"), "a"),  # ta marbuta: nusrah → nusra
]
_VOWELS = re.compile(r"[aeiouy]")
#: Similarity of another form with the same stem ("rebels" ~ "rebel").
_SAME_STEM = 0.9
#: Similarity given at least to a form that differs from the query's only in its vowels.
_SKELETON = 0.75
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

_ENGLISH = Stemmer.Stemmer("english")
_ARABIC = Stemmer.Stemmer("arabic")

#: Shortest word compared by edit distance, and the longest for which one edit is allowed.
_MIN_FUZZY = 4
_ONE_EDIT_UP_TO = 5
_PAD = " "  # forms are indexed padded, so that trigrams mark a word's start and end
_MAX_FORMS = 64  # typo matches kept per query word (closest first)


@functools.lru_cache(maxsize=1 << 16)
def fold(word: str) -> tuple[str, str] | None:
    """The form and stem of one word of a search key, or None for a word left out.

    >>> fold("assad"), fold("rebels"), fold("al")
    (('asad', 'asad'), ('rebel', 'rebel'), None)
    """
    if _ARABIC_LETTER.search(word):
        return word, _ARABIC.stemWord(word)
    if not word.isascii():
        word = _NOT_ALNUM.sub("", unidecode(word).lower())
    word = VARIANTS.get(word, word)
    if not word or word in STOPWORDS:
        return None
    form = word
    for pattern, replacement in _RULES:
        form = pattern.sub(replacement, form)
    stem = _ENGLISH.stemWord(word)
    for pattern, replacement in _RULES:
        stem = pattern.sub(replacement, stem)
    return form, stem


def folded(key: str) -> list[tuple[str, str]]:
    """The forms and stems of the words of ``key`` that are not left out, in order."""
    return [f for f in map(fold, key.split()) if f is not None]


@dataclass
class QueryWord:
    """One word of a query with the indexed forms it matches, each with a similarity in (0, 1]."""

    form: str
    stem: str
    forms: dict[str, float]


def query_words(key: str) -> list[tuple[str, str]]:
    """The folded words of a query's search key (repeats dropped)."""
    return list(dict.fromkeys(folded(key)))


def skeleton(form: str) -> str:
    """A Latin form without its vowels, when two or more consonants are left ("tal", "tel" → "tl"):
    transliterations of Arabic differ most in the vowels they write."""
    if not form.isascii():
        return ""
    bare = _VOWELS.sub("", form)
    return bare if len(bare) >= 2 and bare != form else ""


def _budget(form: str) -> int:
    """Edits allowed between a typed word and a known one."""
    if len(form) < _MIN_FUZZY:
        return 0
    return 1 if len(form) <= _ONE_EDIT_UP_TO else 2


def _shorter_first(key: str) -> tuple[int, str]:
    return len(key), key


class WordIndex:
    """The folded words of a changing set of search keys: which keys hold each form (shorter keys
    first), which forms share a stem or a consonant skeleton, and a trigram index of the forms for
    typo look-ups."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        #: Form → the keys holding a word of that form, shorter first (then sorted).
        self.keys: dict[str, list[str]] = defaultdict(list)
        #: Stem → the forms with that stem.
        self.forms: dict[str, set[str]] = defaultdict(set)
        #: Consonant skeleton → the Latin forms with that skeleton.
        self.skeletons: dict[str, set[str]] = defaultdict(set)
        self._stem_of: dict[str, str] = {}
        holders = self.keys
        for key in sorted(keys, key=_shorter_first):  # each list then in that order
            for form, stem in dict.fromkeys(folded(key)):
                if form not in holders:
                    self._name(form, stem)
                holders[form].append(key)
        self._grams = trigrams.TrigramIndex(_PAD + form + _PAD for form in self.keys)

    def _name(self, form: str, stem: str) -> None:
        """Record a form seen for the first time."""
        if form in self.keys:
            return
        self.forms[stem].add(form)
        self._stem_of[form] = stem
        bare = skeleton(form)
        if bare:
            self.skeletons[bare].add(form)

    def add(self, key: str) -> None:
        for form, stem in dict.fromkeys(folded(key)):
            if form not in self.keys:
                self._grams.add(_PAD + form + _PAD)
            self._name(form, stem)
            holders = self.keys[form]
            at = bisect.bisect_left(holders, _shorter_first(key), key=_shorter_first)
            if at == len(holders) or holders[at] != key:
                holders.insert(at, key)

    def discard(self, key: str) -> None:
        for form, stem in dict.fromkeys(folded(key)):
            holders = self.keys.get(form)
            if holders is None:
                continue
            at = bisect.bisect_left(holders, _shorter_first(key), key=_shorter_first)
            if at < len(holders) and holders[at] == key:
                del holders[at]
            if not holders:
                del self.keys[form]
                del self._stem_of[form]
                self._grams.discard(_PAD + form + _PAD)
                for table, name in ((self.forms, stem), (self.skeletons, skeleton(form))):
                    same = table.get(name)
                    if same is not None:
                        same.discard(form)
                        if not same:
                            del table[name]

    def split(self, words: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """``words`` with each unknown word that is two known ones written together split in two
        ("airforce" → "air", "force"), or an article and a known word ("alsham" → "sham")."""
        result: list[tuple[str, str]] = []
        for form, stem in words:
            if form in self.keys or stem in self.forms or not form.isascii():
                result.append((form, stem))
                continue
            for at in range(2, len(form) - 2):
                head, tail = form[:at], fold(form[at:])
                if tail is None or tail[0] not in self.keys:
                    continue
                if head in ARTICLES:
                    result.append(tail)
                    break
                first = fold(head)
                if first is not None and len(head) >= 3 and first[0] in self.keys:
                    result += [first, tail]
                    break
            else:
                result.append((form, stem))
        return list(dict.fromkeys(result))

    def match(self, form: str, stem: str) -> QueryWord:
        """The indexed forms a query word matches, each with a similarity: itself (1), the forms
        sharing its stem (0.9), and when the word is not a known form, the forms with its consonants
        (at least 0.75) and those within its edit budget (1 - edits / length)."""
        found = dict.fromkeys(self.forms.get(stem, ()), _SAME_STEM)
        if form in self.keys:
            found[form] = 1.0
            return QueryWord(form, stem, found)
        bare = skeleton(form)
        for other in self.skeletons.get(bare, ()) if bare else ():
            found[other] = max(_SKELETON, 1.0 - Levenshtein.normalized_distance(form, other))
        budget = _budget(form)
        if budget:
            padded = _PAD + form + _PAD
            grams = len(padded) - trigrams.N + 1
            close = []
            for candidate in self._grams.sharing(padded, max(1, grams - trigrams.N * budget)):
                other = candidate[1:-1]
                edits = Levenshtein.distance(form, other, score_cutoff=budget)
                if edits <= budget:
                    close.append((edits, other))
            for edits, other in sorted(close)[:_MAX_FORMS]:
                similarity = 1.0 - edits / max(len(form), len(other))
                for same in self.forms.get(self._stem_of[other], (other,)):
                    found[same] = max(found.get(same, 0.0), similarity)
        return QueryWord(form, stem, found)

    def candidates(self, words: list[QueryWord], missing: int) -> Iterator[str]:
        """Keys that may hold a match of every query word but at most ``missing`` of them, shorter
        first: the keys holding a match of one of the ``missing + 1`` words with the fewest keys
        (any other key lacks too many words). Found as they are asked for."""
        sizes = sorted((sum(len(self.keys.get(f, ())) for f in word.forms), i) for i, word in enumerate(words))
        lists = [self.keys[f] for _, i in sizes[: missing + 1] for f in words[i].forms if f in self.keys]
        previous = None
        for key in heapq.merge(*lists, key=_shorter_first):
            if key != previous:
                yield key
            previous = key


def score(words: list[QueryWord], query_length: int, key: str, missing: int = 0) -> float:
    """How well ``key`` matches the query's words, on the scale of :func:`kg.read.search._score` and
    never at 100 (that is for a key equal to the query). Left-out words (:data:`STOPWORDS`) don't
    count, except that only articles may come before a match rated as the key's start:

    * every word of the key, in its order: ~ exact (100);
    * the key's first words, or all of its words reordered: ~ prefix (80 + up to 10 for the share
      of the key the query's text covers);
    * consecutive words inside the key: ~ word match (60 + up to 10);
    * scattered words: ~ substring (40 + up to 10); a word missing: 30 + up to 10;

    less one point, two more for words out of order, and 10 times the share of similarity the
    query's words lack (a typo, a missing word). 0.0 when more than ``missing`` words match
    nothing in the key."""
    held = key.split()
    folds = list(map(fold, held))
    used: set[int] = set()
    places: list[int] = []
    similarity = 0.0
    for word in words:
        best, at = 0.0, -1
        for i, folded_word in enumerate(folds):
            if folded_word is None or i in used:
                continue
            s = word.forms.get(folded_word[0], _SAME_STEM if folded_word[1] == word.stem else 0.0)
            if s > best:
                best, at = s, i
        if best > 0:
            places.append(at)
            used.add(at)
            similarity += best
    if not places or len(words) - len(places) > missing:
        return 0.0
    missing = len(words) - len(places)
    in_order = places == sorted(places)
    first, last = min(places), max(places)
    # words of the key left unmatched (left-out words aside)
    unmatched = [i for i, folded_word in enumerate(folds) if folded_word is not None and i not in used]
    whole = not unmatched
    consecutive = not any(first < i < last for i in unmatched)
    at_start = all(word in ARTICLES for word in held[:first])
    coverage = 10.0 * min(1.0, query_length / max(1, len(key)))
    if missing:
        base = 30.0 + coverage
    elif whole and in_order and at_start:
        base = 100.0
    elif whole or (consecutive and in_order and at_start):
        base = 80.0 + coverage
    elif consecutive:
        base = 60.0 + coverage
    else:
        base = 40.0 + coverage
    penalty = 1.0 + 10.0 * (len(words) - similarity) / len(words) + (0.0 if in_order else 2.0)
    return max(0.0, base - penalty)
