"""What a user sees when something goes wrong: one clean report, no traceback and no library
log line, unless ``kg --debug``; a message that names the fix; exit codes 1 (bad input) and 2
(an unexpected error)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import cli
from kg.cli import app

from .test_cli import VALID

runner = CliRunner()

IMPOSSIBLE_DATE = VALID.replace(
    "ck:supportKind ck:WeaponsSupport ;",
    'ck:supportKind ck:WeaponsSupport ; ck:startDate "2024-02-30"^^<http://www.w3.org/2001/XMLSchema#date> ;',
)
UNDECLARED = VALID.replace('id:cli-a a ck:ArmedGroup ; skos:prefLabel "Cli Alpha Brigade"@en .', "")
WRONG_TYPE = VALID.replace("id:cli-a a ck:ArmedGroup ;", "id:cli-a a ck:Region ;")
LIBRARY_NOISE = ("Traceback", "Failed to convert Literal", "rdflib", "ValueError")


def _write(tmp_path: Path, text: str, name: str = "source.trig") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process: stderr as a user's terminal shows it."""
    env = {**os.environ, "PYTHONWARNINGS": "default"}  # warnings shown, as a user's Python would
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_impossible_date_gives_the_report_and_nothing_else(tmp_path: Path) -> None:
    path = _write(tmp_path, IMPOSSIBLE_DATE)
    done = _kg("load", str(path), "--store", "memory")
    assert done.returncode == 1, done.stderr
    for noise in LIBRARY_NOISE:
        assert noise not in done.stdout + done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {path}: ")
    assert "'2024-02-30'" in done.stderr and "cli-b-backs-a" in done.stderr and "startDate" in done.stderr


def test_impossible_date_logs_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    path = _write(tmp_path, IMPOSSIBLE_DATE)
    result = runner.invoke(app, ["load", str(path), "--store", "memory"])
    assert result.exit_code == 1
    assert "not a valid date: '2024-02-30'" in result.output
    assert "Traceback" not in result.output
    assert not [r for r in caplog.records if r.name.startswith("rdflib") and r.levelno >= logging.WARNING]


def test_rdflib_still_logs_outside_the_loader(caplog: pytest.LogCaptureFixture) -> None:
    """The filter is scoped: an impossible literal built elsewhere is logged as rdflib does."""
    import rdflib

    with caplog.at_level(logging.WARNING, logger="rdflib.term"):
        rdflib.Literal("2024-02-30", datatype=rdflib.XSD.date)
    assert any("Failed to convert Literal" in r.getMessage() for r in caplog.records)


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, IMPOSSIBLE_DATE)
    done = _kg("--debug", "load", str(path), "--store", "memory")
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr and "ValidationFailed" in done.stderr
    assert "Failed to convert Literal" not in done.stderr
    assert "error: " in done.stderr and "'2024-02-30'" in done.stderr


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


def test_unexpected_error_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something inside broke\nsecond line")

    monkeypatch.setattr(cli.loader, "load_files", broken)
    path = _write(tmp_path, VALID)
    result = runner.invoke(app, ["load", str(path), "--store", "memory"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "unexpected error (RuntimeError: something inside broke)" in lines[0]
    assert "--debug" in lines[0] and "Traceback" not in result.output
    debug = runner.invoke(app, ["--debug", "load", str(path), "--store", "memory"])
    assert debug.exit_code == 2
    assert "Traceback (most recent call last)" in debug.output and "second line" in debug.output


def test_known_errors_keep_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["load", str(tmp_path / "missing.trig"), "--store", "memory"])
    assert result.exit_code == 1 and result.output.startswith("error: ")
    assert "Traceback" not in result.output


def test_usage_errors_keep_exit_2() -> None:
    assert runner.invoke(app, ["load", "--no-such-option"]).exit_code == 2
