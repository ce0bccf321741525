"""The command line: each command's output and exit code, on good and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import CK

runner = CliRunner()

VALID = """
@prefix ck: <https://w3id.org/conflict-kg/ontology#> .
@prefix id: <https://w3id.org/conflict-kg/id/> .
@prefix st: <https://w3id.org/conflict-kg/statement/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/src/cli> {
  <https://example.org/src/cli> a ck:ReferenceDocument ; dcterms:title "CLI test source" .
  id:cli-a a ck:ArmedGroup ; skos:prefLabel "Cli Alpha Brigade"@en .
  id:cli-b a ck:State ; skos:prefLabel "Cli Beta"@en .
  st:cli-b-backs-a a ck:Support ; ck:subject id:cli-b ; ck:object id:cli-a ;
    ck:supportKind ck:WeaponsSupport ;
    ck:citation [ ck:source <https://example.org/src/cli> ; ck:locator "test" ] .
}
"""


@pytest.fixture
def store_dir(tmp_path: Path) -> str:
    return str(tmp_path / "store")


def _write(tmp_path: Path, text: str, name: str = "source.trig") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_then_query_json(tmp_path: Path, store_dir: str) -> None:
    path = _write(tmp_path, VALID)
    result = runner.invoke(app, ["load", str(path), "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert "https://example.org/src/cli" in result.output
    query = "SELECT DISTINCT ?b WHERE { ?b ck:backs id:cli-a }"
    result = runner.invoke(app, ["query", query, "--store", store_dir, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"b": "https://w3id.org/conflict-kg/id/cli-b"}]


def test_reload_is_skipped_and_store_survives_reopen(tmp_path: Path, store_dir: str) -> None:
    path = _write(tmp_path, VALID)
    assert runner.invoke(app, ["load", str(path), "--store", store_dir]).exit_code == 0
    again = runner.invoke(app, ["load", str(path), "--store", store_dir])
    assert again.exit_code == 0 and "unchanged, skipped" in again.output
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/src/cli> { ?s ?p ?o } }"
    first = runner.invoke(app, ["query", count, "--store", store_dir, "--format", "csv"])
    forced = runner.invoke(app, ["load", str(path), "--store", store_dir, "--force"])
    assert forced.exit_code == 0 and "derived" in forced.output
    second = runner.invoke(app, ["query", count, "--store", store_dir, "--format", "csv"])
    assert first.output == second.output and int(first.output.split()[-1]) > 0


def test_invalid_file_is_rejected_with_a_report_and_exit_1(tmp_path: Path, store_dir: str) -> None:
    bad = _write(
        tmp_path, VALID.replace('ck:citation [ ck:source <https://example.org/src/cli> ; ck:locator "test" ] ', "")
    )
    result = runner.invoke(app, ["load", str(bad), "--store", store_dir])
    assert result.exit_code == 1
    assert "cli-b-backs-a" in result.output and "citation" in result.output and str(bad) in result.output
    listed = runner.invoke(app, ["sources", "--store", store_dir])
    assert "example.org/src/cli" not in listed.output and "cli" not in listed.output.split()


def test_validate_reports_without_loading(tmp_path: Path) -> None:
    good = _write(tmp_path, VALID, "good.trig")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0 and "valid" in result.output
    broken = _write(tmp_path, VALID.replace("ck:Support ;", "ck:Support"), "broken.trig")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1 and "syntax error" in result.output


def test_malformed_query_exits_1_with_the_parser_message(store_dir: str) -> None:
    result = runner.invoke(app, ["query", "SELECT ?x WHERE { ?x", "--store", store_dir])
    assert result.exit_code == 1
    assert "invalid SPARQL" in result.output


def test_ask_and_construct(store_dir: str) -> None:
    ask = runner.invoke(app, ["query", "ASK { id:russia ck:backs id:syrian-government }", "--store", store_dir])
    assert ask.exit_code == 0 and ask.output.strip() == "true"
    construct = runner.invoke(
        app,
        [
            "query",
            "CONSTRUCT { ?b ck:backs id:syrian-government } WHERE { ?b ck:backs id:syrian-government }",
            "--store",
            store_dir,
        ],
    )
    triples = list(ox.parse(construct.output.encode(), format=ox.RdfFormat.TURTLE))
    assert {t.subject.value for t in triples} == {
        "https://w3id.org/conflict-kg/id/russia",
        "https://w3id.org/conflict-kg/id/iran",
    }


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "jsonld"])
def test_export_formats_parse_back(tmp_path: Path, store_dir: str, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(
        app, ["export", "--format", fmt, "--source", "uk-proscription", "-o", str(out), "--store", store_dir]
    )
    assert result.exit_code == 0, result.output
    rdf_format = {
        "turtle": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "nquads": ox.RdfFormat.N_QUADS,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt]
    parsed = list(ox.parse(out.read_bytes(), format=rdf_format))
    assert any(
        getattr(q, "object", None) == ox.NamedNode("https://w3id.org/conflict-kg/id/united-kingdom") for q in parsed
    )


def test_the_json_ld_export_is_compacted_and_holds_the_same_triples(tmp_path: Path, store_dir: str) -> None:
    """``kg export --format jsonld`` writes the compacted form the service gives, with the context written
    inline (so the file expands offline), and the source's triples without the loader's internal ones."""
    out = tmp_path / "export.jsonld"
    result = runner.invoke(
        app, ["export", "--format", "jsonld", "--source", "uk-proscription", "-o", str(out), "--store", store_dir]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict) and document["@context"]["ck"].startswith("https://w3id.org/")
    [source] = document["@graph"]
    assert source["@id"] == "src:uk-proscription"
    nquads = runner.invoke(app, ["export", "--format", "nquads", "--source", "uk-proscription", "--store", store_dir])
    internal = {CK + "searchKey", CK + "contentDigest"}

    def graph(quads: object) -> rdflib.Graph:  # the triples, compared up to blank node names
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.predicate.value not in internal]
        return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")

    exported = graph(ox.parse(out.read_bytes(), format=ox.RdfFormat.JSON_LD))
    stored = graph(ox.parse(nquads.stdout.encode(), format=ox.RdfFormat.N_QUADS))
    assert len(stored) > 10 and isomorphic(exported, stored)


def test_export_unknown_source_fails(store_dir: str) -> None:
    result = runner.invoke(app, ["export", "--source", "no-such-source", "--store", store_dir])
    assert result.exit_code == 1 and "no graph" in result.output


def test_a_failed_export_to_a_file_leaves_no_file(tmp_path: Path, store_dir: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "export.trig"
    result = runner.invoke(app, ["export", "--source", "no-such-source", "-o", str(out), "--store", store_dir])
    assert result.exit_code == 1 and "no graph" in result.output
    assert list(folder.iterdir()) == []


def test_remove_source(tmp_path: Path, store_dir: str) -> None:
    path = _write(tmp_path, VALID)
    runner.invoke(app, ["load", str(path), "--store", store_dir])
    removed = runner.invoke(app, ["remove", "https://example.org/src/cli", "--store", store_dir])
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["remove", "https://example.org/src/cli", "--store", store_dir])
    assert missing.exit_code == 1 and "no source" in missing.output
