"""``kg load`` on the bulk path: many sources per file, chosen by size or by --bulk."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import cli
from kg.cli import app
from kg.load import bulk

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
