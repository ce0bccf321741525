"""Input limits of the loader: an over-long line or a file whose terms expand enormously (a long
prefix used many times) is refused with the file and line named, cheaply, and nothing is written.

See :mod:`kg.load.limits`. The files here are a few MB at most; the limits are lowered where a
test needs a file over them to stay small.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import InvalidInput, LoadError
from kg.load import bulk
from kg.load import loader as loader
from kg.load.limits import InputLimits, LimitedReader
from tests.conftest import PREFIXES, REPO, SOURCE_TEMPLATE
from tests.test_validation import snapshot

runner = CliRunner()

#: The line of the template's graph where ``extra`` goes (1-based; the template's lines, then extra).
_EXTRA_LINE = SOURCE_TEMPLATE.format(name="test-source", extra="@@", start="x").split("\n").index("@@") + 1


def _long_line(length: int) -> str:
    """A description of the source on one line of ``length`` bytes or more."""
    return f'    src:test-source dcterms:description "{"x" * length}"@en .'


def _blow_up(prefix_length: int, uses: int) -> str:
    """A valid source with a prefix of ``prefix_length`` characters used by ``uses`` actors."""
    actors = "\n".join(f'    p:a{i} a ck:ArmedGroup ; skos:prefLabel "A{i}"@en .' for i in range(uses))
    long = "https://example.org/" + "a" * prefix_length + "/"
    template = SOURCE_TEMPLATE.format(name="test-source", extra=actors, start='"2016"^^xsd:gYear')
    return f"@prefix p: <{long}> .\n" + template


def _refused(store: kg.Store, path: Path, **options: object) -> str:
    """Load ``path`` into ``store`` expecting a LoadError; check that nothing changed; its message."""
    before = snapshot(store)
    with pytest.raises(LoadError) as info:
        kg.load_files(store, [path], **options)
    assert snapshot(store) == before
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    return message


# --- long lines ---------------------------------------------------------------------------------


def test_a_line_over_the_default_limit_is_refused_with_its_number(loaded_store, make_source):
    path = make_source(extra=_long_line(1_500_000))
    message = _refused(loaded_store, path)
    assert f"line {_EXTRA_LINE} is longer than 1,000,000 bytes" in message
    assert "KG_MAX_LINE_BYTES" in message and "nothing was loaded" in message


def test_the_line_limit_is_a_parameter(loaded_store, make_source):
    path = make_source(extra=_long_line(200_000))
    message = _refused(loaded_store, path, limits=InputLimits(max_line_bytes=64_000))
    assert f"line {_EXTRA_LINE} is longer than 64,000 bytes" in message
    # the same file within a raised limit loads
    [result] = kg.load_files(loaded_store, [path], limits=InputLimits(max_line_bytes=300_000))
    assert not result.skipped


def test_the_line_limit_comes_from_the_environment(loaded_store, make_source, monkeypatch):
    path = make_source(extra=_long_line(100_000))
    monkeypatch.setenv("KG_MAX_LINE_BYTES", "50_000")
    assert "longer than 50,000 bytes" in _refused(loaded_store, path)
    with pytest.raises(LoadError, match="longer than 50,000 bytes"):
        loader.read_source(path)
    monkeypatch.setenv("KG_MAX_LINE_BYTES", "1e6")
    assert loader.read_source(path).graph.endswith("test-source")


@pytest.mark.parametrize("value", ["lots", "nan", "inf", "0", "-5"])
def test_a_bad_limit_in_the_environment_is_invalid_input(value, monkeypatch):
    monkeypatch.setenv("KG_MAX_LINE_BYTES", value)
    with pytest.raises(InvalidInput, match=r"KG_MAX_LINE_BYTES|at least 1"):
        InputLimits.from_env()


def _one_long_literal(path: Path, *, megabytes: int) -> Path:
    """A source of one triple on one line, whose literal is ``megabytes`` MiB long."""
    with path.open("wb") as out:
        out.write(b'<https://example.org/s> { <https://example.org/s> <https://example.org/p> "')
        for _ in range(megabytes):
            out.write(b"x" * 1_048_576)
        out.write(b'" . }\n')
    return path


def test_a_token_over_the_parsers_buffer_is_a_load_error(tmp_path):
    """Above 16 MB in one token, the parser itself gives up (MemoryError): a LoadError, not a crash."""
    path = _one_long_literal(tmp_path / "huge.trig", megabytes=17)
    with pytest.raises(LoadError, match=r"huge\.trig: too large to parse .*by line 1; nothing was loaded"):
        loader.read_source(path, limits=InputLimits(max_line_bytes=100_000_000))


def _lines_too_long(data: bytes, limit: int) -> int | None:
    """The number of the first line of ``data`` longer than ``limit`` bytes (the reference)."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if len(line) > limit:
            return number
    return None


def test_the_reader_finds_exactly_the_first_line_over_the_limit():
    """Chunked reading, whatever sizes the parser asks for, agrees with splitting the lines."""
    rng = random.Random(7)
    for _ in range(300):
        limit = rng.randint(1, 40)
        lines = [b"y" * rng.choice([0, 1, limit - 1, limit, limit, limit + 1, rng.randint(0, 90)]) for _ in range(12)]
        data = b"\n".join(lines) + rng.choice([b"", b"\n"])
        reader = LimitedReader(Path("f.trig"), io.BytesIO(data), limit)
        expected = _lines_too_long(data, limit)
        read = b""
        try:
            for _ in range(len(data) + 2):
                chunk = reader.read(rng.choice([-1, 1, 2, 3, 7, 64, 2048]))
                if not chunk:
                    break
                read += chunk
        except LoadError as exc:
            assert expected is not None, (data, limit)
            assert f"f.trig: line {expected} is longer than {limit:,} bytes" in str(exc)
            assert len(read) <= len(data)
        else:
            assert expected is None, (data, limit)
            assert read == data and reader.lines == data.count(b"\n")


# --- expansion ------------------------------------------------------------------------------------


def test_a_long_prefix_used_many_times_is_refused_at_the_default_limits(loaded_store, make_source):
    """20 KB of prefix used 600 times: 50 KB of input, 24 M characters of terms."""
    path = make_source(text=_blow_up(20_000, 600))
    message = _refused(loaded_store, path)
    assert "expanded to over" in message and "20 times the input plus 8,000,000" in message
    line = int(message.split("by line ")[1].split(",")[0])
    assert 1 < line < 600  # refused while reading, before the end of the file
    assert "nothing was loaded" in message


def test_the_expansion_limits_are_parameters(loaded_store, make_source):
    path = make_source(text=_blow_up(2_000, 100))  # 9 KB of input, 400 K characters of terms
    tight = InputLimits(max_expansion=10, expansion_allowance=100_000)
    assert "10 times the input plus 100,000" in _refused(loaded_store, path, limits=tight)
    [result] = kg.load_files(loaded_store, [path])  # the default limits accept it
    assert result.triples > 200


def test_a_subject_repeated_by_semicolons_and_commas_counts_in_full(loaded_store, tmp_path):
    """No prefix: a 10 KB subject written once, with 2,000 objects after it (Turtle)."""
    subject = "<https://example.org/" + "s" * 10_000 + ">"
    labels = ", ".join(f'"{i}"' for i in range(2_000))
    path = tmp_path / "repeated.ttl"
    path.write_text(PREFIXES + f"{subject} a ck:ReferenceDocument ;\n  skos:altLabel {labels} .\n", encoding="utf-8")
    limits = InputLimits(max_expansion=20, expansion_allowance=1_000_000)
    assert "expanded to over" in _refused(loaded_store, path, limits=limits)


def test_the_bundled_data_is_well_within_the_limits_and_keeps_its_digests():
    limits = InputLimits(max_expansion=6, expansion_allowance=0)  # the bundled data expands at most ~4.4 times
    for path in kg.bundled_data_files():
        parsed = loader.read_source(path, limits=limits)
        # the digest is the one of the file's bytes, as before (stores need not reload anything)
        assert parsed.digest == loader._digest(path.read_bytes())


def test_the_bulk_loader_applies_the_limits(loaded_store, tmp_path, monkeypatch):
    long_line = tmp_path / "long.nq"
    quad = '<https://example.org/s> <https://example.org/p> "{}" <https://example.org/g> .\n'
    long_line.write_text(quad.format("short") * 3 + quad.format("x" * 300_000), encoding="utf-8")
    blow_up = tmp_path / "blow-up.trig"
    blow_up.write_text(_blow_up(2_000, 100), encoding="utf-8")
    monkeypatch.setenv("KG_MAX_LINE_BYTES", "100000")
    monkeypatch.setenv("KG_EXPANSION_ALLOWANCE", "100000")
    before = snapshot(loaded_store)
    with pytest.raises(LoadError, match=r"long\.nq: line 4 is longer than 100,000 bytes"):
        bulk.bulk_load_files(loaded_store, [long_line], jobs=1)
    with pytest.raises(LoadError, match=r"blow-up\.trig: by line \d+, .* expanded to over"):
        bulk.bulk_load_files(loaded_store, [blow_up], jobs=1)
    assert snapshot(loaded_store) == before


# --- running out of memory --------------------------------------------------------------------------


def test_running_out_of_memory_while_checking_is_a_load_error(loaded_store, make_source, monkeypatch):
    def exhausted(parsed):
        raise MemoryError

    monkeypatch.setattr(loader, "validate", exhausted)
    path = make_source()
    assert "out of memory while checking it" in _refused(loaded_store, path, force=True)


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("bulk_path", ["--no-bulk", "--bulk"])
def test_the_cli_prints_a_clean_message_and_loads_nothing(tmp_path, make_source, bulk_path):
    store_dir = str(tmp_path / "store")
    long_line = make_source("long.trig", extra=_long_line(1_200_000))
    blow_up = make_source("blow-up.trig", text=_blow_up(20_000, 600))
    for path, expected in [(long_line, f"line {_EXTRA_LINE} is longer than"), (blow_up, "expanded to over")]:
        result = runner.invoke(app, ["load", str(path), "--store", store_dir, bulk_path])
        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit), result.exception  # not an unhandled error
        assert result.output.startswith(f"error: {path}: ") and expected in result.output
        assert "Traceback" not in result.output
    listed = runner.invoke(app, ["sources", "--store", store_dir])
    assert listed.exit_code == 0 and "test-source" not in listed.output


def test_the_cli_reports_a_bad_limit_setting(tmp_path, make_source):
    path = make_source()
    result = runner.invoke(
        app, ["load", str(path), "--store", str(tmp_path / "store")], env={"KG_MAX_EXPANSION": "many"}
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "KG_MAX_EXPANSION must be a number" in result.output


def test_the_cli_turns_running_out_of_memory_into_a_message(tmp_path, make_source, monkeypatch):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(bulk, "bulk_load_files", exhausted)
    path = make_source()
    result = runner.invoke(app, ["load", str(path), "--store", str(tmp_path / "store"), "--bulk"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"error: out of memory while loading {path}; nothing was loaded" in result.output


# --- memory, measured -----------------------------------------------------------------------------

#: Runs ``kg`` in a child under a 3 GB address-space cap (so that a regression fails rather than
#: eating the machine's memory) and prints the child's exit code and peak resident memory (KB).
_MEASURE = """
import resource, subprocess, sys
cap = 3 << 30
run = subprocess.run(
    [sys.executable, "-m", "kg.cli", *sys.argv[1:]],
    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (cap, cap)),
    capture_output=True, text=True,
)
sys.stderr.write(run.stderr)
print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _measure(*args: str) -> tuple[int, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, cwd=REPO, timeout=300, check=True
    )
    code, peak = done.stdout.split()
    return int(code), int(peak), done.stderr


@pytest.mark.slow
def test_a_hostile_file_is_refused_in_little_memory(tmp_path, make_source):
    """A 64 MB line and a 50 KB file of 24 M characters of terms cost about what a tiny file does."""
    small = make_source("small.trig", text="this is not TriG")
    code, baseline, _ = _measure("load", str(small), "--store", "memory", "--no-bulk")
    assert code == 1
    long_line = _one_long_literal(tmp_path / "long.trig", megabytes=64)
    blow_up = make_source("blow-up.trig", text=_blow_up(20_000, 600))
    for path in (long_line, blow_up):
        for bulk_path in ("--no-bulk", "--bulk"):
            code, peak, stderr = _measure("load", str(path), "--store", "memory", bulk_path)
            assert code == 1 and stderr.startswith(f"error: {path}: ") and "Traceback" not in stderr, stderr
            assert peak < baseline + 48_000, (path.name, bulk_path, peak, baseline)
