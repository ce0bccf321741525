"""The seed article is covered paragraph by paragraph, and never copied.

Paragraphs are numbered as kg.paragraphs.paragraphs numbers them (non-empty blocks from 1):
1 headline, 2 standfirst, 3 photo caption, 4 dateline, 5-18 body, 19 page furniture.
Run ``pytest -s tests/test_article_coverage.py`` to see the facts counted per paragraph.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kg.paragraphs import paragraphs
from kg.text import search_key

REPO = Path(__file__).resolve().parents[1]
ARTICLE_GRAPH = "https://w3id.org/conflict-kg/source/aleppo-offensive-article"
DATELINE, FURNITURE = 4, 19
RUN = 9  # words in a row that count as copying

FACTS_PER_PARAGRAPH = """
SELECT ?paragraph (COUNT(DISTINCT ?fact) AS ?facts)
WHERE {
  GRAPH src:aleppo-offensive-article {
    ?fact ck:citation ?citation ; a ?type .
    ?citation ck:source src:aleppo-offensive-article ; ck:paragraph ?paragraph .
  }
  ?type rdfs:subClassOf* ?category .
  VALUES ?category { ck:Statement ck:Event ck:Claim }
}
GROUP BY ?paragraph
ORDER BY ?paragraph
"""


@pytest.fixture(scope="module")
def article_paragraphs(article_text) -> list[str]:
    return paragraphs(article_text)


@pytest.fixture(scope="module")
def facts_per_paragraph(bundled_store) -> dict[int, int]:
    return {r["paragraph"]: r["facts"] for r in bundled_store.select(FACTS_PER_PARAGRAPH)}


def test_paragraph_count_matches_the_article(bundled_store, article_paragraphs):
    rows = bundled_store.select(
        "SELECT ?n WHERE { GRAPH src:aleppo-offensive-article { src:aleppo-offensive-article ck:paragraphCount ?n } }"
    )
    assert [r["n"] for r in rows] == [len(article_paragraphs)] == [19]


def test_every_paragraph_has_a_fact_but_dateline_and_furniture(article_paragraphs, facts_per_paragraph):
    print("\nparagraph  facts  text")
    for number, text in enumerate(article_paragraphs, start=1):
        print(f"{number:>9}  {facts_per_paragraph.get(number, 0):>5}  {text[:60]}")
    expected = set(range(1, len(article_paragraphs) + 1)) - {DATELINE, FURNITURE}
    assert set(facts_per_paragraph) == expected
    assert all(count >= 1 for count in facts_per_paragraph.values())


def test_no_citation_beyond_the_article(bundled_store, article_paragraphs):
    cited = bundled_store.select(
        "SELECT DISTINCT ?p WHERE { ?x ck:citation [ ck:source src:aleppo-offensive-article ; ck:paragraph ?p ] }"
    )
    assert {r["p"] for r in cited} <= set(range(1, len(article_paragraphs) + 1))


def test_dateline_is_the_sources_place(bundled_store, article_paragraphs):
    rows = bundled_store.select(
        """
        SELECT ?place ?label WHERE { GRAPH src:aleppo-offensive-article {
          src:aleppo-offensive-article dcterms:spatial ?place .
          ?place a ck:Settlement ; skos:prefLabel ?label } }
        """
    )
    assert [(r["place"], r["label"]) for r in rows] == [("https://w3id.org/conflict-kg/id/amman", "Amman")]
    assert search_key(article_paragraphs[DATELINE - 1]) == search_key(rows[0]["label"])


def test_last_paragraph_is_page_furniture(article_paragraphs):
    assert article_paragraphs[FURNITURE - 1] == "Load Next Story"


def test_headline_is_the_title(bundled_store, article_paragraphs):
    rows = bundled_store.select(
        "SELECT ?t WHERE { GRAPH src:aleppo-offensive-article { src:aleppo-offensive-article dcterms:title ?t } }"
    )
    assert [r["t"] for r in rows] == [article_paragraphs[0]]


# --- own words ----------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def project_files() -> list[Path]:
    """Every file git tracks or would track (the notebooks, README and tests included)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:  # not a git checkout: walk the project's folders
        return [p for p in sorted(REPO.rglob("*")) if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    return [REPO / name for name in sorted(listed.stdout.splitlines()) if (REPO / name).is_file()]


def test_the_run_detector_works():
    text = "one two three four five six seven eight nine ten"
    assert len(runs(words(text))) == 2
    assert runs(words(text.upper())) & runs(words("zero " + text))


def test_no_nine_word_run_of_the_article_is_copied(article_text):
    body = article_text.split("\n", 1)[1]  # the headline (line 1) is the title and may be quoted
    article_runs = runs(words(body))
    assert len(article_runs) > 500
    files = project_files()
    assert any(p.suffix == ".trig" for p in files)
    copied = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for run in runs(words(text)) & article_runs:
            copied.append(f"{path.relative_to(REPO)}: {' '.join(run)}")
    assert copied == []
