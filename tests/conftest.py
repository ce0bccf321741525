"""Shared fixtures.

* ``bundled_store`` (session): the bundled data loaded once into an in-memory store. Read-only:
  tests must not write to it.
* ``store`` (function): an empty in-memory store, for tests that load their own files.
* ``loaded_store`` (function): a private copy of ``bundled_store`` (same quads, same digests),
  for tests that write on top of the bundled data. Copying takes a few milliseconds where
  loading takes over a second.
* ``article_text``: the seed article, skipped when the shared checkout is not there.
* ``oxigraph_server``, ``virtuoso_server`` (session): SPARQL servers for the remote store.
* ``make_source``: writes a small valid TriG source (see :data:`SOURCE_TEMPLATE`), optionally
  with one defect, to ``tmp_path`` and returns its path.

At the end: the slow groups' markers, put on at collection and checked while the tests run
(pyproject.toml, tests/markers.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The package is not installed in the project's venv: make ``import kg`` work from a checkout.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import kg  # noqa: E402

ARTICLE = REPO.parent / "shared" / "seed" / "aleppo-offensive-article.txt"

PREFIXES = """\
@prefix ck:      <https://w3id.org/conflict-kg/ontology#> .
@prefix id:      <https://w3id.org/conflict-kg/id/> .
@prefix st:      <https://w3id.org/conflict-kg/statement/> .
@prefix src:     <https://w3id.org/conflict-kg/source/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

#: A minimal valid source: two actors and one dated, cited support statement.
#: ``{extra}`` is pasted inside the graph; ``{start}`` is the statement's start date literal.
SOURCE_TEMPLATE = (
    PREFIXES
    + """
src:{name} {{
    src:{name} a ck:ReferenceDocument ;
        dcterms:title "Test source {name}" .
    id:test-alpha a ck:State ; skos:prefLabel "Test Alpha"@en .
    id:test-beta a ck:ArmedGroup ; skos:prefLabel "Test Beta"@en .
    st:{name}-alpha-backs-beta a ck:Support ;
        ck:subject id:test-alpha ; ck:object id:test-beta ;
        ck:supportKind ck:AirSupport ;
        ck:startDate {start} ;
        ck:citation [ ck:source src:{name} ; ck:locator "test locator" ] .
{extra}
}}
"""
)


@pytest.fixture(scope="session")
def bundled_store() -> kg.Store:
    """The bundled data, loaded once per session. Read-only."""
    store = kg.Store()
    kg.load_files(store, kg.bundled_data_files())
    return store


@pytest.fixture
def store() -> kg.Store:
    """An empty in-memory store of one's own."""
    return kg.Store()


@pytest.fixture
def loaded_store(bundled_store: kg.Store) -> kg.Store:
    """A writable copy of the bundled data (every named graph, digests included)."""
    copy = kg.Store()
    copy.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
    assert len(copy) == len(bundled_store)
    return copy


@pytest.fixture(scope="session")
def article_text() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"the seed article is not available at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def make_source(tmp_path: Path) -> Callable[..., Path]:
    """``make_source(file_name, name=..., extra=..., start=..., text=...)`` → the written file.

    Without ``text`` the file is :data:`SOURCE_TEMPLATE` filled with the source ``name``, the
    ``extra`` lines pasted into its graph and the statement's ``start`` literal.
    """

    def make(
        file_name: str = "source.trig",
        *,
        name: str = "test-source",
        extra: str = "",
        start: str = '"2016"^^xsd:gYear',
        text: str | None = None,
    ) -> Path:
        path = tmp_path / file_name
        body = text if text is not None else SOURCE_TEMPLATE.format(name=name, extra=extra, start=start)
        path.write_text(body, encoding="utf-8")
        return path

    return make


@pytest.fixture(scope="module")
def evil_store(bundled_store: kg.Store, tmp_path_factory: pytest.TempPathFactory) -> kg.Store:
    """The bundled data plus a source whose actor carries script and markup payloads (explorer tests)."""
    from tests.explorer_support import write_evil_source

    copy = kg.Store()
    copy.replace_graphs({g: bundled_store.triples(g) for g in bundled_store.named_graphs()})
    kg.load_files(copy, [write_evil_source(tmp_path_factory.mktemp("evil"))])
    return copy


# --- SPARQL servers for the remote store (tests/servers.py) -----------------------------------------


def _server(name: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.servers import STARTERS

    server = STARTERS[name](tmp_path_factory.mktemp(name))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An Oxigraph server (``oxigraph serve``, no union default graph) on a free loopback port."""
    yield from _server("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Virtuoso 7 with its own database on free loopback ports (dba/dba, digest)."""
    yield from _server("virtuoso", tmp_path_factory)


# --- the slow groups (markers registered in pyproject.toml; tests/markers.py) -----------------------

from collections.abc import Iterator  # noqa: E402

from tests import markers  # noqa: E402

#: The fixtures whose tests are marked ``servers`` at collection.
SERVER_FIXTURES = {"oxigraph_server", "virtuoso_server"}


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``servers`` every test that uses a server fixture, directly or through other fixtures,
    and every test parametrized by a server's name (fixtures such as test_store's ``any_store``
    ask for ``f"{name}_server"`` at run time, which collection cannot see). What this misses
    fails at run time (tests/markers.py)."""
    from tests.servers import STARTERS

    for item in items:
        callspec = getattr(item, "callspec", None)
        by_name = callspec is not None and any(isinstance(v, str) and v in STARTERS for v in callspec.params.values())
        if by_name or SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.servers)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(markers, "tests.markers")  # its hooks: which test runs, which fixture starts


@pytest.fixture(autouse=True)
def _slow_groups_are_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: every fixture it used (also those asked for at run time) that started a
    server or a browser asks for that group's marker."""
    yield
    markers.check_fixtures(request.node, request.fixturenames)
