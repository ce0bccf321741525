"""The slow groups (pyproject.toml's markers, tests/markers.py): a test that starts a server or a
browser without its marker fails, and `make test-fast` leaves out every group and nothing else."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests import markers

REPO = Path(__file__).resolve().parents[1]


class _Unmarked:
    """A stand-in for a test that carries no marker."""

    def __init__(self, nodeid: str = "tests/test_elsewhere.py::test_unmarked") -> None:
        self.nodeid = nodeid

    def get_closest_marker(self, name: str) -> None:
        return None


def _registered() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in config["addopts"].split()
    return [line.split(":")[0] for line in config["markers"]]


def _fast_markers() -> str:
    (expression,) = re.findall(r"^FAST_MARKERS\s*:?=\s*(.+)$", (REPO / "Makefile").read_text(), re.M)
    return expression.strip()


def test_an_unmarked_test_that_starts_a_server_fails() -> None:
    with pytest.raises(
        pytest.fail.Exception, match=r"test_an_unmarked_test.* starts Virtuoso but is not marked 'servers'"
    ):
        markers.require("servers", "starts Virtuoso")


def test_a_marked_test_may_start_one(request: pytest.FixtureRequest) -> None:
    request.applymarker(pytest.mark.browser)
    markers.require("browser", "launches Chromium")
    with pytest.raises(pytest.fail.Exception, match="is not marked 'servers'"):
        markers.require("servers", "starts an Oxigraph server")  # a mark for another group does not do


def test_a_fixture_that_started_a_server_asks_every_test_that_uses_it(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markers, "_starters", {})
    request.applymarker(pytest.mark.servers)
    with markers.setting_up("tests", "shared_server"):  # a session fixture of tests/conftest.py, first set up here
        markers.require("servers", "starts an Oxigraph server")
    markers.check_fixtures(request.node, ["shared_server"])  # this test is marked

    with pytest.raises(pytest.fail.Exception, match="uses the fixture 'shared_server', which starts an Oxigraph"):
        markers.check_fixtures(_Unmarked(), ["tmp_path", "shared_server"])  # a later test reuses it, unmarked
    markers.check_fixtures(_Unmarked(), ["tmp_path"])  # a test that does not use it


def test_a_fixture_of_one_module_is_not_taken_for_a_namesake_elsewhere(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markers, "_starters", {})
    request.applymarker(pytest.mark.browser)
    with markers.setting_up("tests/test_browsing.py", "page"):
        markers.require("browser", "launches Chromium")
    markers.check_fixtures(_Unmarked(), ["page"])  # another module's fixture `page`
    with pytest.raises(pytest.fail.Exception, match="uses the fixture 'page'"):
        markers.check_fixtures(_Unmarked("tests/test_browsing.py::test_x"), ["page"])


def test_outside_pytest_nothing_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markers, "_item", None)  # as when the benchmarks start a server
    markers.require("servers", "starts an Oxigraph server")


def test_the_fast_run_leaves_out_every_registered_group() -> None:
    registered = _registered()
    assert {"servers", "browser", "bench", "slow"} <= set(registered)
    expression = _fast_markers()
    assert re.fullmatch(r"not \w+( and not \w+)*", expression), expression
    assert sorted(re.findall(r"not (\w+)", expression)) == sorted(registered)


@pytest.mark.slow  # collects the whole suite: some 10 s of CPU
def test_the_fast_selection_has_no_server_browser_or_benchmark_test() -> None:
    """Collected as `make test-fast` selects: the groups are out, their neighbours are in."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-m", _fast_markers()],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    fast = {line for line in done.stdout.splitlines() if "::" in line}
    assert len(fast) > 1000, done.stdout[-3000:]

    server_names = re.compile(r"\[(.*-)?(oxigraph|virtuoso)(-.*)?\]$")
    assert not [test for test in fast if server_names.search(test)]  # the tests parametrized by a server
    for module in ("test_docs_browser", "test_explorer_browser", "test_bench_smoke"):
        assert not [test for test in fast if test.startswith(f"tests/{module}.py::")]
    out = [
        "tests/test_store.py::test_loading_twice_changes_nothing[oxigraph]",  # asks for its server at run time
        "tests/test_remote.py::test_a_stopped_server_gives_503",  # starts its own
        "tests/test_remote.py::test_settings_select_the_remote_store",  # uses oxigraph_server
        "tests/test_jsonld_export.py::test_the_export_over_a_remote_store_is_the_same",
        "tests/test_sparql_errors.py::test_query_page_shows_the_error_with_its_marker",  # a browser
    ]
    assert not [test for test in out if test in fast]
    kept = [
        "tests/test_store.py::test_loading_twice_changes_nothing[embedded]",
        "tests/test_remote.py::test_batches_keep_graphs_whole_and_under_the_limit",
        "tests/test_sparql_errors.py::test_a_message_not_from_the_parser_is_kept",
    ]
    assert [test for test in kept if test not in fast] == []
