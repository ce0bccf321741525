"""``kg load`` on the bulk path: many sources per file, chosen by size or by --bulk; into a store on disk
and into a SPARQL server (Oxigraph, Virtuoso)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from typer.testing import CliRunner

import kg
from kg import cli
from kg.cli import app
from kg.load import bulk
from tests.servers import wipe

pytestmark = pytest.mark.slow  # bulk loads through the CLI

runner = CliRunner()

CK = "https://w3id.org/conflict-kg/ontology#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _source(graph: str, title: str) -> str:
    return f'<{graph}> <{RDF_TYPE}> <{CK}ReferenceDocument> <{graph}> .\n<{graph}> <{DCT}title> "{title}" <{graph}> .\n'


@pytest.fixture
def two_sources(tmp_path: Path) -> Path:
    path = tmp_path / "two.nq"
    path.write_text(_source("https://example.org/src/a", "A") + _source("https://example.org/src/b", "B"))
    return path


def _count(store_dir: str) -> str:
    query = (
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a ck:ReferenceDocument } "
        "FILTER(STRSTARTS(STR(?g), 'https://example.org/src/')) }"
    )
    result = runner.invoke(app, ["query", query, "--store", store_dir, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output.split()[-1]


def test_bulk_loads_every_source_of_a_file(two_sources: Path, tmp_path: Path) -> None:
    store_dir = str(tmp_path / "store")
    result = runner.invoke(app, ["load", "--bulk", str(two_sources), "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert "https://example.org/src/a" in result.output and "https://example.org/src/b" in result.output
    assert _count(store_dir) == "2"
    again = runner.invoke(app, ["load", "--bulk", str(two_sources), "--store", store_dir])
    assert again.exit_code == 0 and again.output.count("unchanged, skipped") == 2


def test_the_normal_path_keeps_one_source_per_file(two_sources: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", "--no-bulk", str(two_sources), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1 and "exactly one named graph" in result.output


def test_large_inputs_take_the_bulk_path(two_sources: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bulk, "BULK_THRESHOLD_BYTES", two_sources.stat().st_size)
    monkeypatch.setattr(cli, "_LISTED", 1)
    store_dir = str(tmp_path / "store")
    result = runner.invoke(app, ["load", str(two_sources), "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert f"{two_sources}: 2 sources loaded (4 triples + " in result.output
    assert _count(store_dir) == "2"


def test_an_invalid_source_fails_the_whole_bulk_load(two_sources: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text(
        two_sources.read_text() + _source("https://example.org/src/c", "C").replace(f"<{DCT}title>", f"<{CK}note>")
    )
    store_dir = str(tmp_path / "store")
    result = runner.invoke(app, ["load", "--bulk", str(bad), "--store", store_dir])
    assert result.exit_code == 1
    assert "https://example.org/src/c" in result.output and "dcterms:title" in result.output
    assert "nothing was loaded" in result.output
    assert _count(store_dir) == "0"


# --- the bulk path into a SPARQL server (tests/servers.py) -------------------------------------------

REPO = Path(__file__).resolve().parents[1]
TIMELINE = REPO / "data" / "reference" / "timeline.trig"


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request):
    server = request.getfixturevalue(f"{request.param}_server")
    store = server.open()
    wipe(store)
    store.close()
    return server


def _load(server, *args: str) -> Result:
    """``kg [credentials] load ARGS --store URL``."""
    options = [part for key, value in server.options.items() for part in (f"--store-{key}", value)]
    return runner.invoke(app, [*options, "load", *args, "--store", server.url])


def _canonical(triples: list[ox.Triple]) -> Counter:
    """Triples with blank nodes replaced by what they say (a server names them afresh)."""
    outgoing: dict[str, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject.value, []).append(t)

    def term(t: object) -> str:
        if isinstance(t, ox.BlankNode):
            return "[" + " ; ".join(sorted(f"{u.predicate} {term(u.object)}" for u in outgoing[t.value])) + "]"
        return str(t)

    return Counter((term(t.subject), str(t.predicate), term(t.object)) for t in triples)


def _content(store: kg.Store, graphs: set[str] | None = None) -> dict[str, Counter]:
    """Each named graph's triples (:func:`_canonical`), or those of ``graphs``."""
    return {g: _canonical(store.triples(g)) for g in store.named_graphs() if graphs is None or g in graphs}


def test_a_bulk_load_into_a_server_reads_back_as_the_embedded_one(server, two_sources: Path, tmp_path: Path) -> None:
    files = [str(TIMELINE), str(two_sources)]  # a source already there (replaced), two new ones
    store_dir = str(tmp_path / "store")
    embedded = runner.invoke(app, ["load", "--bulk", "--force", *files, "--store", store_dir])
    assert embedded.exit_code == 0, embedded.output
    result = _load(server, "--bulk", "--force", *files)
    assert result.exit_code == 0, result.output
    assert result.output == embedded.output
    # the sources loaded (the bundled data loaded before them is the normal path's: Virtuoso keeps
    # some literals of the article with another numeric datatype)
    loaded = {source.graph for file in files for source in bulk.read_sources(file)}
    expected = _content(kg.Store(store_dir), loaded)
    remote = server.open()
    assert _content(remote, loaded) == expected and len(expected) == 3
    again = _load(server, "--bulk", *files)  # the digests read back: nothing to do
    assert again.exit_code == 0 and again.output.count("unchanged, skipped") == 3, again.output
    forced = _load(server, "--bulk", "--force", *files)  # every source replaced
    assert forced.exit_code == 0, forced.output
    assert _content(remote, loaded) == expected


def test_a_failing_bulk_load_into_a_server_writes_nothing(server, two_sources: Path, tmp_path: Path) -> None:
    assert _load(server, "--bulk", str(two_sources)).exit_code == 0
    remote = server.open()
    before, version = _content(remote), remote.version
    bad = tmp_path / "bad.nq"
    bad.write_text(
        two_sources.read_text().replace('"A"', '"A again"')
        + _source("https://example.org/src/c", "C").replace(f"<{DCT}title>", f"<{CK}note>")
    )
    result = _load(server, "--bulk", "--force", str(TIMELINE), str(bad))
    assert result.exit_code == 1
    assert "https://example.org/src/c" in result.output and "nothing was loaded" in result.output
    assert _content(remote) == before and remote.version == version
