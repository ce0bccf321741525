"""A small run of the benchmark suite (benchmarks/): every row is there with sane values.

It never asserts speed: only that each figure was measured (positive numbers), that the servers
compared agree on every query's result count, and that the ratios are computed. A row may say that a
step did not finish within its budget; that is a result the report shows, not a failure.

The suite needs ``wrk`` (Debian) and the ``oxigraph`` and ``rdflib-endpoint`` commands (dev extra).
Without them this test fails, unless KG_SKIP_BENCH_SMOKE=1 says to skip it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.procs import BenchError, tool
from benchmarks.sparql import parse_wrk
from benchmarks.stats import percentile, summary

pytestmark = pytest.mark.bench

REPO = Path(__file__).resolve().parents[1]
SIZE = 300

WRK_REPORT = """\
Running 1s test @ http://127.0.0.1:1234/sparql?query=ASK
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.20ms  40.00ms   80.00%
    Req/Sec   640.00     50.00   700.00     70.00%
  Latency Distribution
     50%   11.20ms
     75%   14.00ms
     90%   17.00ms
     99%    1.20s\x20
  1280 requests in 1.00s, 300.00KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:   1279.50
Transfer/sec:    300.00KB
"""


def test_wrk_report_is_read_with_units_and_errors() -> None:
    run = parse_wrk(WRK_REPORT)
    assert run.requests_per_s == 1279.5
    assert run.p50_ms == pytest.approx(11.2)
    assert run.p99_ms == pytest.approx(1200.0)
    assert (run.requests, run.non_2xx, run.socket_errors) == (1280, 5, 3)


def test_a_wrk_report_without_figures_is_an_error() -> None:
    with pytest.raises(BenchError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_summary_and_percentile() -> None:
    assert summary([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert summary([]) == {"n": 0}
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)


def _tools_or_skip() -> None:
    missing = []
    for name in ("wrk", "oxigraph", "rdflib-endpoint", "virtuoso-t"):
        try:
            tool(name)
        except BenchError:
            missing.append(name)
    if missing and os.environ.get("KG_SKIP_BENCH_SMOKE") == "1":
        pytest.skip(f"KG_SKIP_BENCH_SMOKE=1 and missing: {', '.join(missing)}")
    assert not missing, f"the benchmark needs {', '.join(missing)} (see benchmarks/README.md)"


def _positive(figure: dict[str, Any]) -> None:
    assert figure["n"] >= 1
    assert 0 < figure["min"] <= figure["median"] <= figure["max"]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _tools_or_skip()
    tmp = tmp_path_factory.mktemp("bench")
    cmd = [
        sys.executable, "-m", "benchmarks", "--sizes", str(SIZE), "--reps", "1", "--wrk-seconds", "1",
        "--rest-requests", "10", "--rest-budget", "10", "--analytics-budget", "60", "--step-budget", "120",
        "--load-budget", "300", "--work", str(tmp / "work"), "--out", str(tmp / "out"),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    data: dict[str, Any] = json.loads((tmp / "out" / "results.json").read_text())
    data["markdown"] = (tmp / "out" / "RESULTS.md").read_text()
    # measure one part again on the same store and merge it into the results
    again = [*cmd, "--parts", "analytics", "--merge"]
    done = subprocess.run(again, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    data["merged"] = json.loads((tmp / "out" / "results.json").read_text())
    data["merged markdown"] = (tmp / "out" / "RESULTS.md").read_text()
    shutil.rmtree(tmp / "work", ignore_errors=True)
    return data


def test_run_records_machine_versions_and_one_size(results: dict[str, Any]) -> None:
    assert results["machine"]["cores"] >= 1 and results["machine"]["ram_gb"] > 0
    for name in ("python", "pyoxigraph", "oxigraph server", "rdflib-endpoint", "wrk"):
        assert results["versions"][name], name
    [size] = results["sizes"]
    assert size["actors"] == SIZE and "error" not in size and "skipped" not in size


def test_bulk_load_row(results: dict[str, Any]) -> None:
    load = results["sizes"][0]["load"]
    assert load["status"] == "ok"
    for key in ("seconds", "quads_per_s", "peak_rss_mb"):
        _positive(load[key])
    assert load["quads"] > 1000


def test_rest_rows(results: dict[str, Any]) -> None:
    rest = results["sizes"][0]["rest"]
    assert set(rest) == {"search", "actor page", "backers as of", "designations as of", "path"}
    for name, row in rest.items():
        if row["status"] == "ok":
            _positive(row["p50_ms"])
            _positive(row["p99_ms"])
            assert row["p99_ms"]["median"] >= row["p50_ms"]["median"], name
            assert row["cold_ms"] > 0
        else:  # over its budget: said so, with no figure
            assert row["status"] == "timeout" and "did not finish" in row["error"], name
            assert row["p50_ms"] == {"n": 0}


def test_rest_is_timed_once_the_service_is_warm(results: dict[str, Any]) -> None:
    size = results["sizes"][0]
    warm_up = size["rest_warm_up_s"]
    assert warm_up["n"] >= 1 and 0 <= warm_up["min"] <= warm_up["max"] < 120
    assert "start-up values computed" in results["markdown"]


def test_sparql_rows_agree_across_servers_and_give_ratios(results: dict[str, Any]) -> None:
    sparql = results["sizes"][0]["sparql"]
    assert set(sparql) == {"lookup", "backers-asof", "two-hop"}
    clients = [str(c) for c in results["settings"]["clients"]]
    for q, row in sparql.items():
        counts = set(row["rows"].values())
        assert len(counts) == 1, f"{q}: servers disagree: {row['rows']}"
        assert next(iter(counts)) > 0
        servers = {"ours", "ours, 1 worker", "ours, result cache", "Python floor", "oxigraph", "rdflib-endpoint"}
        assert set(row["rows"]) == servers
        # the cold rows evaluate every query; the cached one answers a repeated query from its cache
        assert row["cache"] == {"ours": None, "ours, 1 worker": None, "ours, result cache": "hit"}
        for server in ("ours", "ours, result cache", "Python floor", "oxigraph"):
            for c in clients:
                run = row["servers"][server]["clients"][c]
                assert run["status"] == "ok", (q, server, c, run)
                assert run["errors"] == 0 and run["requests"] > 0
                _positive(run["requests_per_s"])
                _positive(run["p50_ms"])
                _positive(run["cpu_us_per_request"])  # the servers' CPU, read from /proc around the run
        for c in clients:
            ours = row["servers"]["ours"]["clients"][c]
            front, whole = ours["first_process_cpu_us_per_request"]["median"], ours["cpu_us_per_request"]["median"]
            assert 0 < front < whole, (q, c, ours)  # the front hands the query over; workers evaluate it
        for c in clients:
            assert row["ratios"][f"ours / oxigraph @{c}"] > 0
            assert row["ratios"][f"ours, result cache / oxigraph @{c}"] > 0
            assert row["ratios"][f"ours / Python floor @{c}"] > 0
        assert row["ratios"][f"default workers / 1 worker @{clients[-1]}"] > 0


def test_our_service_over_virtuoso(results: dict[str, Any]) -> None:
    size = results["sizes"][0]
    v = size["virtuoso"]
    assert v["status"] == "ok", v
    assert v["sources"] > 1 and v["load_seconds"] > 0 and v["load_quads_per_s"] > 0
    assert set(v["rest"]) == set(size["rest"])  # every REST endpoint, over Virtuoso too
    for name, row in v["rest"].items():
        assert row["status"] == "ok", (name, row)
        _positive(row["p50_ms"])
    for q, row in v["sparql"].items():
        counts = set(row["rows"].values())
        assert counts == {size["sparql"][q]["rows"]["oxigraph"]}, (q, row["rows"])  # the same answers
        for c in (str(c) for c in results["settings"]["clients"]):
            for server in ("ours over Virtuoso", "virtuoso"):
                run = row["servers"][server]["clients"][c]
                assert run["status"] == "ok" and run["requests"] > 0, (q, server, c, run)
            assert row["ratios"][f"ours over Virtuoso / virtuoso @{c}"] > 0
    assert "## Our service over Virtuoso 7 (remote store)" in results["markdown"]


def test_analytics_rows(results: dict[str, Any]) -> None:
    steps = results["sizes"][0]["analytics"]
    for name in ("projection", "paths", "centrality: betweenness", "blocs (louvain)", "balance", "exposure"):
        assert name in steps, name
    for name, step in steps.items():
        assert step["status"] == "ok", (name, step)
        _positive(step["seconds"])


def test_markdown_report_has_every_table(results: dict[str, Any]) -> None:
    md = results["markdown"]
    for heading in ("## Bulk load", "## REST latency", "## SPARQL endpoint throughput", "### Result counts",
                    "### Where the gap to the Oxigraph server comes from",
                    "## Network projection and analytics"):  # fmt: skip
        assert heading in md
    assert f"| {SIZE} | lookup | 1 |" in md
    assert "| ours: front + workers |" in md


def test_a_part_measured_again_is_merged_and_dated(results: dict[str, Any]) -> None:
    merged = results["merged"]
    [first], [size] = results["sizes"], merged["sizes"]
    assert size["load"] == first["load"] and size["rest"] == first["rest"]  # kept as measured
    assert size["dates"]["analytics"] > first["dates"]["analytics"] >= first["dates"]["load"]
    assert set(size["analytics"]) == set(first["analytics"])
    [update] = merged["updates"]
    assert update["settings"]["parts"] == ["analytics"]
    assert "measured again later" in results["merged markdown"]
    assert "measured again later" not in results["markdown"]


def test_unknown_parts_are_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--parts", "rest,speed"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "unknown parts speed" in done.stderr
