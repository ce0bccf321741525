"""What a user sees when something goes wrong: a message that names the fix."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

from .test_cli import VALID

runner = CliRunner()

UNDECLARED = VALID.replace('id:cli-a a ck:ArmedGroup ; skos:prefLabel "Cli Alpha Brigade"@en .', "")
WRONG_TYPE = VALID.replace("id:cli-a a ck:ArmedGroup ;", "id:cli-a a ck:Region ;")


def _write(tmp_path: Path, text: str, name: str = "source.trig") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_undeclared_entity_names_the_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, UNDECLARED)
    result = runner.invoke(app, ["load", str(path), "--store", "memory"])
    assert result.exit_code == 1
    text = result.output
    assert "needs exactly one ck:object that is a ck:Actor" in text  # the shape's own words stay
    assert "https://w3id.org/conflict-kg/id/cli-a is not declared in this file" in text
    assert "declare it here with its type (a ck:Actor or a subclass such as" in text
    assert "Traceback" not in text


def test_entity_of_the_wrong_type_names_its_type(tmp_path: Path) -> None:
    path = _write(tmp_path, WRONG_TYPE)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "is declared in this file as ck:Region, not as a ck:Actor" in result.output


def test_declared_in_another_source_still_needs_declaring(tmp_path: Path) -> None:
    """Each source declares what it mentions: loading the declaring file first does not help,
    and the message says so rather than suggesting it."""
    store = str(tmp_path / "store")
    other = _write(tmp_path, VALID.replace("src/cli", "src/cli-other"), "other.trig")
    assert runner.invoke(app, ["load", str(other), "--store", store]).exit_code == 0
    result = runner.invoke(app, ["load", str(_write(tmp_path, UNDECLARED)), "--store", store])
    assert result.exit_code == 1
    assert "even those another source declares" in result.output
