"""A measured quality set for search: queries a user might type against the bundled graph, each
with the entity that should come first.

Run ``.venv/bin/python -m tests.search_quality`` to print recall@1 and recall@5 and the queries
whose expected entity is not first; ``tests/test_search_quality.py`` asserts the floor.

Each row is (query, expected id, what the query tests). The expected entity is the one a reader
of the query means, whatever the current ranking gives: a row the search gets wrong stays in the
table and counts as a miss.
"""

from __future__ import annotations

from dataclasses import dataclass

import kg

HTS = "hayat-tahrir-al-sham"

QUERIES: list[tuple[str, str, str]] = [
    # --- the armed group, in its many spellings ---
    ("Hay'at Tahrir al-Sham", HTS, "label"),
    ("hayat tahrir alsham", HTS, "article joined to the word"),
    ("hayet tahrir al-sham", HTS, "vowel variant"),
    ("Hayat Tahrir el-Sham", HTS, "el- for al-"),
    ("Hay'at Tahrir ash-Sham", HTS, "assimilated article"),
    ("Hay'at Tahrir al-Sham (HTS)", HTS, "parenthesised abbreviation"),
    ("HTS (Hay'at Tahrir al-Sham)", HTS, "parenthesised full name"),
    ("tahrir al sham", HTS, "part of the name"),
    ("hayat tahrir al shaam", HTS, "doubled vowel"),
    ("Hayat Tahir al-Sham", HTS, "typo: letter left out"),
    ("al-Nusra Front", HTS, "former name, with article"),
    ("Nusrah Front", HTS, "ta marbuta spelt -ah"),
    ("Jebhat al-Nusra", HTS, "vowel variant of Jabhat"),
    ("Jabhat al Nusrah", HTS, "former name"),
    ("Jabhat Fateh al-Sham", HTS, "former name, vowel inserted"),
    ("Nusra", HTS, "one word of a former name"),
    # --- persons ---
    ("asad", "bashar-al-assad", "single s"),
    ("Bashar al-Asad", "bashar-al-assad", "single s in full name"),
    ("Bashar el-Assad", "bashar-al-assad", "el- for al-"),
    ("Basher Assad", "bashar-al-assad", "vowel variant, no article"),
    ("Assad", "bashar-al-assad", "alias"),
    ("Sergey Lavrov", "sergei-lavrov", "y for i"),
    ("Lavrov", "sergei-lavrov", "surname only"),
    ("Hakan Fidan", "hakan-fidan", "label"),
    ("Abbas Araqchi", "abbas-araghchi", "q for gh"),
    ("Ahmad al-Shara", "ahmed-al-sharaa", "vowel variants"),
    ("Anas Khatab", "anas-khattab", "single t"),
    # --- states, governments, forces ---
    ("Türkiye", "turkey", "endonym"),
    ("Turky", "turkey", "typo"),
    ("Rusia", "russia", "typo"),
    ("syrian govt", "syrian-government", "abbreviation"),
    ("Syrian goverment", "syrian-government", "typo"),
    ("Assad government", "syrian-government", "alias"),
    ("Syrian army", "syrian-army", "label"),
    ("government troops", "syrian-army", "alias"),
    ("Syrian government force", "syrian-army", "alias, singular"),
    ("Russian Air Force", "russian-air-force", "label, other case"),
    ("Russian airforce", "russian-air-force", "two words written as one"),
    ("Russian Defense Ministry", "russian-defence-ministry", "US spelling"),
    ("Russia's defence ministry", "russian-defence-ministry", "alias"),
    ("HTS-led rebels", "hts-led-rebels", "plural of a shorter label"),
    ("HTS led rebel force", "hts-led-rebels", "singular"),
    ("Syrain Democratic Forces", "syrian-democratic-forces", "transposed letters"),
    ("Syrian Democratic Force", "syrian-democratic-forces", "singular"),
    ("SDF", "syrian-democratic-forces", "abbreviation"),
    ("Syrian National Army", "syrian-national-army", "label"),
    ("SNA", "syrian-national-army", "abbreviation"),
    ("People's Protection Units", "ypg", "label"),
    ("YPG", "ypg", "abbreviation"),
    ("al-Qaeda", "al-qaida", "common English spelling"),
    ("alqaida", "al-qaida", "article written together"),
    ("Al Qaida in Iraq", "al-qaida-in-iraq", "label"),
    ("UN Securty Council", "un-security-council", "typo"),
    ("Military Operation Command", "military-operations-command", "singular"),
    ("Syrian Civil Defense", "syrian-civil-defence", "US spelling"),
    ("Turkish intelligence", "sources-close-to-turkish-intelligence", "part of a label"),
    ("Kurdish forces", "kurdish-forces-aleppo", "start of a label"),
    ("Iranian officials", "iranian-officials", "label"),
    # --- places ---
    ("Aleppo", "aleppo", "label"),
    ("Alepo", "aleppo", "single p"),
    ("Aleppo Citadel", "aleppo-citadel", "word order"),
    ("citadel aleppo", "aleppo-citadel", "word order, no 'of'"),
    ("Aleppo airport", "aleppo-international-airport", "alias"),
    ("Aleppo International Airpot", "aleppo-international-airport", "typo"),
    ("Aleppo province", "aleppo-governorate", "alias"),
    ("Aleppo governate", "aleppo-governorate", "common misspelling"),
    ("Edlib", "idlib", "vowel variant"),
    ("Damascus", "damascus", "label (also an alias of the government)"),
    ("Damascas", "damascus", "typo"),
    ("Tal Rifat", "tel-rifaat", "vowel variant, single a"),
    ("Rashidin", "al-rashideen", "ee as i, no article"),
    ("Sadallah al-Jabiri Square", "saadallah-al-jabiri-square", "single a"),
    ("Aazaz", "azaz", "doubled vowel"),
    ("Moscow", "moscow", "label (also an alias of Russia)"),
    # --- events ---
    ("Deterrence of Aggression", "aleppo-offensive-2024", "alias"),
    ("2024 rebel offensive on Aleppo", "aleppo-offensive-2024", "label"),
    ("Syrian war", "syrian-civil-war", "alias"),
    ("Gaza war", "gaza-war", "label"),
    ("Moscow Additional Protocol", "idlib-de-escalation-agreement-2020", "alias"),
    ("Russian airstrikes on Aleppo", "russian-airstrikes-aleppo-city-2024-11-30", "part of a label"),
    ("rebels entering Aleppo", "rebels-enter-aleppo-2024", "inflection"),
    ("Victory Conference", "victory-conference-2025", "label without year"),
    # --- Arabic ---
    ("هيئة تحرير الشام", HTS, "Arabic alias"),
    ("هيئه تحرير الشام", HTS, "ha for ta marbuta"),
    ("هَيْئَة تَحْرِير الشَّام", HTS, "with diacritics"),
    ("هيئـة تحريـر الشـام", HTS, "with tatweel"),
    ("تحرير الشام", HTS, "part of the Arabic name"),
    ("جبهة النصرة", HTS, "Arabic former name"),
    ("جبهه النصره", HTS, "ha for ta marbuta"),
    ("جبهة فتح الشام", HTS, "Arabic former name"),
    ("جبهة النصرة لاهل الشام", HTS, "bare alef for alef with hamza"),
    ("جبهه النصره لأهل الشأم", HTS, "hamza on the alef of al-Sham"),
    ("قوات سوريا الديمقراطية", "syrian-democratic-forces", "Arabic alias"),
    ("قوات سوريا الديموقراطية", "syrian-democratic-forces", "spelling with waw"),
    ("الجيش الوطني السوري", "syrian-national-army", "Arabic alias"),
    ("الجيش الوطنى السورى", "syrian-national-army", "alef maqsura for ya"),
    ("ردع العدوان", "aleppo-offensive-2024", "Arabic alias"),
    ("حلب", "aleppo", "Arabic name of the city"),
]


@dataclass
class Result:
    """Recall over :data:`QUERIES`: the share whose expected entity is first, and in the top five."""

    queries: int
    at_1: float
    at_5: float
    misses: list[tuple[str, str, list[str]]]  # (query, expected, the top five ids)


def measure(store: kg.Store) -> Result:
    first = five = 0
    misses = []
    for query, expected, _ in QUERIES:
        top = [hit.id for hit in kg.search(store, query, limit=5)]
        first += bool(top) and top[0] == expected
        five += expected in top
        if not top or top[0] != expected:
            misses.append((query, expected, top))
    return Result(len(QUERIES), first / len(QUERIES), five / len(QUERIES), misses)


def main() -> None:
    store = kg.Store()
    kg.load_files(store, kg.bundled_data_files())
    result = measure(store)
    print(f"{result.queries} queries: recall@1 {result.at_1:.3f}, recall@5 {result.at_5:.3f}")
    for query, expected, top in result.misses:
        print(f"  not first: {query!r} expected {expected}, got {top}")


if __name__ == "__main__":
    main()
