"""The documentation: README.md and docs/*.md stay true to the code they describe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import settings
from api.app import create_app

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
#: The examples the pages give: SPARQL sent with curl, and addresses of the service.
SPARQL_EXAMPLE = re.compile(r"--data-urlencode 'query=\n(.*?)'$", re.M | re.S)
URL_EXAMPLE = re.compile(r"^(?:curl -s ')?http://127\.0\.0\.1:8000(/(?:api/v1|explorer)[^'\s]*)'?$", re.M)


def _examples(pattern: re.Pattern[str]) -> list[Any]:
    """Each match of ``pattern`` in the pages, named by its page and its number there."""
    found = []
    for page in PAGES:
        for number, match in enumerate(pattern.findall(page.read_text(encoding="utf-8")), start=1):
            found.append(pytest.param(match, id=f"{page.relative_to(REPO)}:{number}"))
    assert found, pattern.pattern
    return found


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings.Settings(store="memory", warm=False))) as test_client:
        yield test_client


@pytest.mark.parametrize("query", _examples(SPARQL_EXAMPLE))
def test_the_example_queries_answer(client: TestClient, query: str) -> None:
    response = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert len(response.text.strip().splitlines()) > 1, "no rows"


@pytest.mark.parametrize("path", _examples(URL_EXAMPLE))
def test_the_example_addresses_answer(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:200]
    assert response.content not in (b"", b"[]")


def test_the_settings_table_is_up_to_date() -> None:
    page = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert settings.markdown() in page, "docs/deployment.md's settings table is out of date: run `make docs`"


def test_every_kg_variable_read_in_kg_and_api_is_documented() -> None:
    documented = {v for variables, _, _ in settings.documented() + list(settings.LIBRARY_SETTINGS) for v in variables}
    read = set()
    for folder in ("kg", "api"):
        for path in (REPO / folder).rglob("*.py"):
            read |= set(re.findall(r"[\"'](KG_[A-Z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
    assert read - documented == set(), "add them to api/settings.py (a comment on the field, or LIBRARY_SETTINGS)"
    assert {"KG_STORE", "KG_QUERY_TIMEOUT", "KG_MAX_LINE_BYTES", "KG_QUERY_SANDBOX"} <= read


def test_a_setting_without_its_comment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    source = '@dataclass\nclass Settings:\n    # KG_STORE: where.\n    store: str = ""\n    store_user: str = ""\n'
    monkeypatch.setattr("inspect.getsource", lambda _: source)
    with pytest.raises(ValueError, match=r"Settings\.store_user"):
        settings.documented()


def test_the_readme_begins_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme[2] == "```" and readme[5] == "```"
    assert readme[3].startswith("make serve   # start the service on the bundled graph")
    assert readme[4].startswith("make test    # install everything into .venv, then run ruff, mypy and the whole test")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def _anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page: Path) -> None:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    broken = []
    for match in LINK.finditer(text):
        target = match.group(1) or match.group(2)
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        unknown_anchor = anchor and linked.suffix == ".md" and anchor not in _anchors(linked)
        if not linked.exists() or unknown_anchor:
            broken.append(target)
    assert broken == []


def test_the_docs_are_linked_from_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in (REPO / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme
