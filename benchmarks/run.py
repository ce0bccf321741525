"""Run the benchmark suite: ``python -m benchmarks --sizes 1000,10000 --out benchmarks``.

For each size: generate the graph, bulk-load it with ``kg load`` (timed, peak memory), export the store
as N-Quads so that every server holds the same quads, then start our ``kg serve`` (default and one
query worker), the Oxigraph server and rdflib-endpoint side by side on 127.0.0.1, time REST latency and
SPARQL throughput (``wrk``, interleaved across servers in each repetition), measure our service over
Virtuoso 7 as a remote store (load, REST, SPARQL beside Virtuoso's own endpoint; small sizes only), and
time the network analytics in fresh processes. Every step has a time budget; a step over it is recorded as not finished.

``--parts`` measures only some parts (``rest,analytics``: the store loaded by an earlier run in ``--work``
is reused) and ``--merge`` writes them into the existing results, each part dated, the rest kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks import machine, procs, report, rest, sparql
from benchmarks.procs import BenchError
from benchmarks.report import fig
from benchmarks.servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, start_virtuoso
from benchmarks.stats import summary

PY = sys.executable
#: The parts of a size's measurement, in the order they run.
PARTS = ("load", "rest", "sparql", "virtuoso", "analytics")


@dataclass
class Config:
    sizes: list[int]
    reps: int
    seed: int
    at: str
    wrk_seconds: float
    clients: list[int]
    rest_requests: int
    rest_budget: float
    load_budget: float
    step_budget: float
    analytics_budget: float
    work: Path
    out: Path
    parts: tuple[str, ...] = PARTS
    merge: bool = False
    virtuoso_max_actors: int = 1000


def _kg(*args: str) -> list[str]:
    return [PY, "-m", "api.cli", *args]


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _quads_in(stdout: str) -> int:
    for part in stdout.split(","):
        words = part.split()
        if len(words) >= 2 and words[1] == "quads":
            return int(words[0])
    raise BenchError(f"cannot read the quad count from: {stdout!r}")


def generate(cfg: Config, n: int) -> tuple[Path, int]:
    """The N-Quads file of ``n`` actors (reused when already generated with the same seed)."""
    path = cfg.work / f"actors-{n}-seed-{cfg.seed}.nq"
    count = path.with_suffix(".count")
    if not (path.exists() and count.exists()):
        done = procs.run_timed(
            _kg("generate", "--actors", str(n), "--seed", str(cfg.seed), "--out", str(path)),
            cfg.step_budget,
            log=cfg.work / "generate.log",
        )
        if done.status != "ok":
            raise BenchError(f"generate {n} actors: {done.status} after {done.seconds:.0f} s: {done.stderr[-500:]}")
        count.write_text(str(_quads_in(done.stdout)))
    return path, int(count.read_text())


def _per_source_files(cfg: Config, n: int) -> list[str]:
    """The same graph as one file per source (for a loader that takes one named graph per file)."""
    folder = cfg.work / f"actors-{n}-seed-{cfg.seed}"
    if not folder.exists():
        done = procs.run_timed(
            _kg("generate", "--actors", str(n), "--seed", str(cfg.seed), "--out", str(folder)), cfg.step_budget
        )
        if done.status != "ok":
            raise BenchError(f"generate {n} actors as files: {done.status}")
    return sorted(str(p) for p in folder.iterdir())


def load(cfg: Config, n: int, data: Path, quads: int) -> tuple[dict[str, Any], Path | None]:
    """Bulk load into fresh on-disk stores, ``reps`` times (once if a load takes over a minute)."""
    inputs, mode = [str(data)], "one N-Quads file"
    seconds: list[float] = []
    rss: list[float] = []
    store: Path | None = None
    for rep in range(cfg.reps):
        store = cfg.work / f"store-{n}"
        shutil.rmtree(store, ignore_errors=True)
        done = procs.run_timed(_kg("load", "--store", str(store), *inputs), cfg.load_budget, log=cfg.work / "load.log")
        if done.status == "error" and "exactly one named graph" in done.stderr and mode.startswith("one"):
            # This loader takes one source per file: load the same graph written as a file per source.
            inputs, mode = _per_source_files(cfg, n), "one file per source"
            shutil.rmtree(store, ignore_errors=True)
            done = procs.run_timed(
                _kg("load", "--store", str(store), *inputs), cfg.load_budget, log=cfg.work / "load.log"
            )
        if done.status != "ok":
            shutil.rmtree(store, ignore_errors=True)
            why = f"did not finish in {cfg.load_budget:.0f} s" if done.status == "timeout" else done.stderr[-500:]
            return {"status": done.status, "error": why, "input": mode, "quads": quads}, None
        _log(f"  load {n}: {done.seconds:.1f} s, {done.peak_rss_mb:.0f} MB (rep {rep + 1})")
        seconds.append(done.seconds)
        rss.append(done.peak_rss_mb)
        if done.seconds > 60:
            break
    return {
        "status": "ok",
        "input": mode,
        "quads": quads,
        "seconds": summary(seconds),
        "quads_per_s": summary([quads / s for s in seconds]),
        "peak_rss_mb": summary(rss),
    }, store


def _timed_step(cmd: list[str], budget: float, what: str, log: Path) -> procs.Timed:
    done = procs.run_timed(cmd, budget, log=log)
    if done.status != "ok":
        reason = f"did not finish in {budget:.0f} s" if done.status == "timeout" else done.stderr[-500:]
        raise BenchError(f"{what}: {reason}")
    return done


def server_specs(cfg: Config, n: int, store: Path, exported: Path) -> tuple[list[Any], float]:
    """The servers of the SPARQL comparison, each over its own copy of the same quads (the Python floor,
    :mod:`benchmarks.floor`, reads ours read-only); and how long the Oxigraph server's own loader took.

    Ours runs without its start-up computations (``KG_WARM=0``: the endpoint does not use them, and at
    100k actors they would take the cores for minutes while the others are timed), and without its
    result cache, so that its queries are evaluated each time like the other servers'; the cache has
    its own row ("ours, result cache")."""
    copies = {}
    for name in ("one-worker", "cache"):
        copies[name] = cfg.work / f"store-{n}-{name}"
        shutil.rmtree(copies[name], ignore_errors=True)
        shutil.copytree(store, copies[name])
    ox_dir = cfg.work / f"oxigraph-{n}"
    shutil.rmtree(ox_dir, ignore_errors=True)
    ox = procs.tool("oxigraph")
    ox_load = _timed_step(
        [ox, "load", "--location", str(ox_dir), "--file", str(exported)],
        cfg.load_budget,
        "oxigraph load",
        cfg.work / "oxigraph-load.log",
    )
    cached = {**os.environ, "KG_WARM": "0"}
    cold = {**cached, "KG_SPARQL_CACHE_MB": "0"}
    one = {**cold, "KG_QUERY_WORKERS": "1"}
    bind = "127.0.0.1:{port}"
    endpoint = procs.tool("rdflib-endpoint")
    return [
        ("ours", _kg("serve", "--store", str(store), "--port", "{port}"), "/sparql", cold),
        ("ours, 1 worker", _kg("serve", "--store", str(copies["one-worker"]), "--port", "{port}"), "/sparql", one),
        ("ours, result cache", _kg("serve", "--store", str(copies["cache"]), "--port", "{port}"), "/sparql", cached),
        (
            "oxigraph",
            [ox, "serve-read-only", "--location", str(ox_dir), "--bind", bind, "--union-default-graph"],
            "/query",
            None,
        ),
        ("rdflib-endpoint", [endpoint, "serve", "--host", "127.0.0.1", "--port", "{port}", str(exported)], "/", None),
        ("Python floor", [PY, "-m", "benchmarks.floor", "--store", str(store), "--port", "{port}"], "/sparql", None),
    ], ox_load.seconds


def rest_rows(
    cfg: Config, store: Path | str, params: rest.Params, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """REST latency per endpoint on a ``kg serve`` of its own (over ``store``: a folder or a server's
    URL), once it has computed its start-up values, and the seconds that took; after a run over its
    budget the server is restarted, since a request given up on keeps it busy and would slow the next
    endpoint."""
    spec = [("ours", _kg("serve", "--store", str(store), "--port", "{port}"), "/sparql", env)]
    rows: dict[str, Any] = {}
    warm_up: list[float] = []
    pending = list(rest.requests(params).items())
    while pending:
        with procs.serving(spec, cfg.step_budget, cfg.work) as (ready, failed):
            if "ours" not in ready:
                raise BenchError(f"kg serve did not start: {failed['ours']}")
            warm_up.append(_wait_warm(ready["ours"].base, cfg.step_budget))
            while pending:
                name, calls = pending.pop(0)
                runs = []
                try:
                    for _ in range(cfg.reps):
                        run = rest.latency(ready["ours"].base, calls, name, cfg.rest_requests, cfg.rest_budget)
                        runs.append(run)
                        if run["status"] != "ok":
                            break
                    rows[name] = _rest_row(cfg, runs)
                except BenchError as exc:  # a wrong or empty answer: say so, and go on with the rest
                    rows[name] = {"status": "error", "error": str(exc)}
                _log(f"  REST {name}: {rows[name].get('error') or fig(rows[name]['p50_ms'])}")
                if rows[name]["status"] != "ok":
                    break  # restart the server for the next endpoint
    rows_and_warm_up: tuple[dict[str, Any], dict[str, Any]] = (rows, summary(warm_up))
    return rows_and_warm_up


def _wait_warm(base: str, budget: float) -> float:
    """Seconds until the service reports its start-up values computed (``/healthz``: ``warm``),
    measured from when it first answered; the latency runs start after that, at steady state."""
    began = time.perf_counter()
    while time.perf_counter() - began < budget:
        try:
            if httpx.get(f"{base}/healthz", timeout=budget).json().get("warm"):
                return time.perf_counter() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise BenchError(f"kg serve did not finish its start-up computations within {budget:.0f} s")


def _rest_row(cfg: Config, runs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in runs if r["status"] == "ok"]
    cold = runs[0]["cold_ms"]
    row: dict[str, Any] = {
        "status": "ok" if len(done) == len(runs) else "timeout",
        "cold_ms": None if cold is None else round(cold, 3),
        "p50_ms": summary([r["p50_ms"] for r in done]),
        "p99_ms": summary([r["p99_ms"] for r in done]),
    }
    if row["status"] != "ok":
        answered = runs[-1]["answered"]
        row["error"] = (
            f"did not finish {cfg.rest_requests + 1} requests in {cfg.rest_budget:.0f} s ({answered} answered)"
        )
    return row


def sparql_rows(
    cfg: Config, handles: dict[str, procs.Server], params: rest.Params, reference: str = "oxigraph"
) -> dict[str, Any]:
    """Result counts per server and query, then interleaved wrk runs of every server whose count
    agrees with the ``reference`` server's."""
    queries = {q: sparql.query_text(q, actor=params.actors[0], at=params.at) for q in sparql.QUERY_NAMES}
    rows: dict[str, Any] = {}
    for q, text in queries.items():
        counts: dict[str, Any] = {}
        for name, server in handles.items():
            try:
                counts[name] = len(sparql.select(server.sparql, text, timeout=cfg.step_budget))
            except Exception as exc:  # an error or a timeout: this server is not timed on this query
                counts[name] = f"error: {exc}"[:300]
        expected = counts[reference]
        if not isinstance(expected, int) or expected == 0:
            raise BenchError(f"query {q}: the {reference} server gave {expected!r} rows; choose other parameters")
        # how our servers answer a repeated query (X-KG-Cache): the cold rows must say nothing
        cache = {name: sparql.cache_header(server.sparql, text) for name, server in handles.items() if "ours" in name}
        rows[q] = {"rows": counts, "servers": {}, "cache": cache}
        for name, c in counts.items():
            ok = c == expected
            rows[q]["servers"][name] = {"status": "ok" if ok else f"result count {c} != {expected}", "clients": {}}
    runs: dict[tuple[str, str, int], list[tuple[sparql.WrkRun, float, float]]] = {}
    for rep in range(cfg.reps):
        for q, text in queries.items():
            for clients in cfg.clients:
                for name, server in handles.items():
                    if rows[q]["servers"][name]["status"] != "ok":
                        continue
                    if name == "ours, 1 worker" and clients != max(cfg.clients):
                        continue  # workers only matter under concurrency
                    pid = server.proc.pid
                    before = procs.cpu_seconds(pid), procs.cpu_seconds(pid, tree=False)
                    try:
                        run = sparql.wrk(server.sparql, text, clients, cfg.wrk_seconds)
                        used = procs.cpu_seconds(pid) - before[0], procs.cpu_seconds(pid, tree=False) - before[1]
                    except BenchError as exc:
                        rows[q]["servers"][name]["clients"][str(clients)] = {"status": str(exc)[-600:]}
                        continue
                    finally:
                        procs.quiesce(pid, cap=300)
                    runs.setdefault((q, name, clients), []).append((run, *used))
        _log(f"  wrk repetition {rep + 1} done")
    for (q, name, clients), timed in runs.items():
        got = [run for run, _, _ in timed]
        served = [(run.requests, cpu, first) for run, cpu, first in timed if run.requests]
        entry = rows[q]["servers"][name]["clients"]
        bad = sum(r.non_2xx + r.socket_errors for r in got)
        status = "ok"
        if bad:
            status = f"{bad} failed requests (non-2xx or socket errors)"
        elif any(r.requests == 0 for r in got):
            silent = sum(r.requests == 0 for r in got)
            status = f"no answer in {silent} of {len(got)} runs of {cfg.wrk_seconds:.0f} s"
        entry[str(clients)] = {
            "status": status,
            "requests_per_s": summary([r.requests_per_s for r in got]),
            "p50_ms": summary([r.p50_ms for r in got]),
            "p99_ms": summary([r.p99_ms for r in got]),
            "requests": sum(r.requests for r in got),
            "errors": bad,
            # CPU time of the server's processes per answered request (/proc, during the wrk run):
            # all of them, and the first process alone (ours: the front; the rest are query workers)
            "cpu_us_per_request": summary([cpu / n * 1e6 for n, cpu, _ in served]),
            "first_process_cpu_us_per_request": summary([first / n * 1e6 for n, _, first in served]),
        }
    for row in rows.values():
        row["ratios"] = _ratios(row["servers"], cfg.clients)
    return rows


def _rps(servers: dict[str, Any], name: str, clients: int) -> float | None:
    entry = servers.get(name, {}).get("clients", {}).get(str(clients), {})
    if entry.get("status") != "ok":
        return None
    figure = entry.get("requests_per_s", {})
    value = figure.get("median")
    return float(value) if value else None


def _ratios(servers: dict[str, Any], clients: list[int]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    pairs = [
        ("ours / oxigraph", "ours", "oxigraph"),
        ("rdflib-endpoint / oxigraph", "rdflib-endpoint", "oxigraph"),
        ("ours / rdflib-endpoint", "ours", "rdflib-endpoint"),
        ("ours, result cache / oxigraph", "ours, result cache", "oxigraph"),
        ("Python floor / oxigraph", "Python floor", "oxigraph"),
        ("ours / Python floor", "ours", "Python floor"),
        ("ours over Virtuoso / virtuoso", "ours over Virtuoso", "virtuoso"),
    ]
    for c in clients:
        for label, a, b in pairs:
            x, y = _rps(servers, a, c), _rps(servers, b, c)
            ratios[f"{label} @{c}"] = round(x / y, 3) if x and y else None
    top = max(clients)
    x, y = _rps(servers, "ours", top), _rps(servers, "ours, 1 worker", top)
    ratios[f"default workers / 1 worker @{top}"] = round(x / y, 3) if x and y else None
    return ratios


def over_virtuoso(cfg: Config, n: int, quads: int, params: rest.Params) -> dict[str, Any]:
    """Our service over Virtuoso 7, the remote store: the graph loaded into a fresh Virtuoso with
    ``kg load --store URL`` (one update request per source), then the REST latency and the SPARQL
    throughput of ``kg serve --store URL``, the latter beside Virtuoso's own endpoint. Only up to
    ``--virtuoso-max-actors``: loading source by source over HTTP takes minutes beyond that."""
    if n > cfg.virtuoso_max_actors:
        return {"status": "skipped", "error": f"more actors than --virtuoso-max-actors ({cfg.virtuoso_max_actors:,})"}
    files = _per_source_files(cfg, n)
    folder = cfg.work / f"virtuoso-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = start_virtuoso(folder)
    try:
        env = {**os.environ, "KG_STORE_USER": VIRTUOSO_USER, "KG_STORE_PASSWORD": VIRTUOSO_PASSWORD}
        done = procs.run_timed(
            _kg("load", "--store", server.url, *files), cfg.load_budget, env=env, log=cfg.work / "virtuoso-load.log"
        )
        if done.status != "ok":
            why = f"did not finish in {cfg.load_budget:.0f} s" if done.status == "timeout" else done.stderr[-500:]
            return {"status": done.status, "error": f"kg load: {why}"}
        _log(f"  Virtuoso load {n}: {done.seconds:.1f} s")
        row: dict[str, Any] = {"status": "ok", "sources": len(files), "load_seconds": round(done.seconds, 2)}
        row["load_quads_per_s"] = round(quads / done.seconds)
        row["rest"], row["rest_warm_up_s"] = rest_rows(cfg, server.url, params, env)
        cold = {**env, "KG_WARM": "0"}
        spec = [("ours over Virtuoso", _kg("serve", "--store", server.url, "--port", "{port}"), "/sparql", cold)]
        with procs.serving(spec, cfg.step_budget, cfg.work) as (handles, failed):
            if "ours over Virtuoso" not in handles:
                raise BenchError(f"kg serve over Virtuoso did not start: {failed['ours over Virtuoso']}")
            handles["virtuoso"] = procs.Server("virtuoso", server.url, server.url + "/sparql", server.process)
            _log(f"{n} actors: SPARQL throughput over Virtuoso")
            row["sparql"] = sparql_rows(cfg, handles, params, reference="virtuoso")
        return row
    finally:
        server.stop()


def analytics(cfg: Config, store: Path, params: rest.Params) -> dict[str, Any]:
    """The analytics in ``reps`` fresh processes (cold projections), each step with its own budget."""
    steps: dict[str, Any] = {}
    source, target = params.pairs[0]
    cmd = [
        PY,
        "-m",
        "benchmarks.analytics",
        str(store),
        "--at",
        params.at,
        "--actor",
        params.actors[0],
        "--pair",
        f"{source},{target}",
        "--budget",
        str(cfg.analytics_budget),
    ]
    for _ in range(cfg.reps):
        done = procs.run_timed(cmd, cfg.analytics_budget * 20, log=cfg.work / "analytics.log")
        for line in done.stdout.splitlines():
            item = json.loads(line)
            step = steps.setdefault(item["step"], {"status": "ok", "times": [], "size": item.get("size")})
            if item["status"] == "ok":
                step["times"].append(item["seconds"])
            elif item["status"] == "timeout":
                step["status"] = f"did not finish in {cfg.analytics_budget:.0f} s"
            else:
                step["status"] = item.get("error", "error")[:300]
        if done.status != "ok":
            steps.setdefault("(process)", {"status": f"{done.status}: {done.stderr[-300:]}", "times": []})
    return {
        name: {"status": s["status"], "size": s.get("size"), "seconds": summary(s.pop("times"))}
        for name, s in steps.items()
    }


def _stored(cfg: Config, n: int, data: Path, quads: int, result: dict[str, Any]) -> Path | None:
    """The store to measure: loaded now (the load part, timed) or left by an earlier run."""
    store = cfg.work / f"store-{n}"
    if "load" not in cfg.parts:
        if not store.is_dir():
            raise BenchError(f"no store at {store}: measure the load part first")
        return store
    _log(f"{n} actors: loading {quads} quads")
    result["load"], loaded = load(cfg, n, data, quads)
    return loaded


def bench_size(cfg: Config, n: int, result: dict[str, Any]) -> dict[str, Any]:
    """Measure one size into ``result`` (so that what was measured survives a later failure)."""
    _log(f"{n} actors: generating")
    data, quads = generate(cfg, n)
    result["quads_generated"] = quads
    dates = result.setdefault("dates", {})
    store = _stored(cfg, n, data, quads, result)
    if "load" in cfg.parts:
        dates["load"] = machine.now()
    if store is None:
        result["skipped"] = "no store: the load did not finish"
        return result
    exported = cfg.work / f"export-{n}.nq"
    if "load" in cfg.parts or not exported.exists():
        _timed_step(
            _kg("export", "--format", "nquads", "--store", str(store), "-o", str(exported)),
            cfg.load_budget,
            "export",
            cfg.work / "export.log",
        )
        result["quads_served"] = sum(1 for _ in exported.open("rb"))
    # choosing parameters aggregates over the whole graph: past the service's default time limit at 100k
    patient = {**os.environ, "KG_QUERY_TIMEOUT": str(cfg.step_budget)}
    with procs.serving(
        [("ours", _kg("serve", "--store", str(store), "--port", "{port}"), "/sparql", patient)],
        cfg.step_budget,
        cfg.work,
    ) as (ready, failed):
        if "ours" not in ready:
            raise BenchError(f"kg serve did not start: {failed['ours']}")
        params = rest.choose(sparql.select, ready["ours"].sparql, cfg.at)
    result["params"] = asdict(params)
    if "rest" in cfg.parts:
        _log(f"{n} actors: REST latency")
        result["rest"], result["rest_warm_up_s"] = rest_rows(cfg, store, params)
        dates["rest"] = machine.now()
    if "sparql" in cfg.parts:
        specs, ox_load = server_specs(cfg, n, store, exported)
        with procs.serving(specs, cfg.step_budget, cfg.work) as (handles, failed):
            result["servers"] = {
                "oxigraph load seconds": round(ox_load, 2),
                **{name: {"startup_s": round(s.startup_seconds, 2)} for name, s in handles.items()},
                **{name: {"failed": why} for name, why in failed.items()},
            }
            for required in ("ours", "oxigraph"):
                if required not in handles:
                    raise BenchError(f"{required} did not start: {failed[required]}")
            _log(f"{n} actors: SPARQL throughput ({', '.join(handles)})")
            result["sparql"] = sparql_rows(cfg, handles, params)
        dates["sparql"] = machine.now()
    if "virtuoso" in cfg.parts:
        _log(f"{n} actors: our service over Virtuoso")
        result["virtuoso"] = over_virtuoso(cfg, n, quads, params)
        dates["virtuoso"] = machine.now()
    if "analytics" in cfg.parts:
        _log(f"{n} actors: analytics")
        result["analytics"] = analytics(cfg, store, params)
        dates["analytics"] = machine.now()
    return result


def _previous(cfg: Config) -> dict[str, Any] | None:
    """The results to merge into (``--merge``), if there are any."""
    path = cfg.out / "results.json"
    if not cfg.merge or not path.exists():
        return None
    previous: dict[str, Any] = json.loads(path.read_text())
    return previous


def write(cfg: Config, results: dict[str, Any]) -> None:
    cfg.out.mkdir(parents=True, exist_ok=True)
    (cfg.out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (cfg.out / "RESULTS.md").write_text(report.markdown(results))


def parse(argv: list[str] | None) -> Config:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", default="1000,10000,100000", help="actor counts, comma-separated")
    p.add_argument("--reps", type=int, default=3, help="repetitions of each measurement")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--at", default="2020-06-30", help="the date of the as-of questions")
    p.add_argument("--wrk-seconds", type=float, default=5, help="length of each wrk run")
    p.add_argument("--clients", default="1,16", help="concurrent clients of the wrk runs")
    p.add_argument("--rest-requests", type=int, default=100, help="requests per REST latency run")
    p.add_argument("--rest-budget", type=float, default=120, help="seconds allowed for each REST latency run")
    p.add_argument("--load-budget", type=float, default=1800, help="seconds allowed for each load and export")
    p.add_argument("--step-budget", type=float, default=600, help="seconds allowed to generate, start a server...")
    p.add_argument("--analytics-budget", type=float, default=120, help="seconds allowed for each analytic")
    p.add_argument("--work", type=Path, default=Path("var/bench"), help="scratch folder (data, stores, logs)")
    p.add_argument("--out", type=Path, default=Path("benchmarks"), help="where results.json and RESULTS.md go")
    p.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"what to measure, comma-separated, of {','.join(PARTS)}; without load, the store an earlier run "
        "left in --work is used",
    )
    p.add_argument(
        "--virtuoso-max-actors",
        type=int,
        default=1000,
        help="the largest size at which the virtuoso part runs (it loads source by source over HTTP)",
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="write into the existing results.json: the parts measured replace those of the same sizes, each "
        "dated; everything else is kept",
    )
    a = p.parse_args(argv)
    parts = tuple(part.strip() for part in a.parts.split(",") if part.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown or not parts:
        p.error(f"unknown parts {', '.join(unknown) or '(none given)'}; choose from {', '.join(PARTS)}")
    return Config(
        sizes=[int(s) for s in a.sizes.split(",") if s.strip()],
        reps=a.reps,
        seed=a.seed,
        at=a.at,
        wrk_seconds=a.wrk_seconds,
        clients=[int(c) for c in a.clients.split(",") if c.strip()],
        rest_requests=a.rest_requests,
        rest_budget=a.rest_budget,
        load_budget=a.load_budget,
        step_budget=a.step_budget,
        analytics_budget=a.analytics_budget,
        work=a.work,
        out=a.out,
        parts=tuple(part for part in PARTS if part in parts),
        merge=a.merge,
        virtuoso_max_actors=a.virtuoso_max_actors,
    )


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds the context managers: the servers are stopped


def main(argv: list[str] | None = None) -> int:
    cfg = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    cfg.work.mkdir(parents=True, exist_ok=True)
    for name in ("wrk", "oxigraph", "rdflib-endpoint", *(("virtuoso-t",) if "virtuoso" in cfg.parts else ())):
        procs.tool(name)  # fail at once, not after the first load
    settings = {
        k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items() if k not in ("work", "out", "merge")
    }
    previous = _previous(cfg)
    results: dict[str, Any] = previous or {
        "date": machine.now(),
        "machine": machine.machine(),
        "versions": machine.versions(),
        "settings": settings,
        "sizes": [],
    }
    if previous is not None:
        results.setdefault("updates", []).append(
            {"date": machine.now(), "versions": machine.versions(), "settings": settings}
        )
    failed = False
    for n in cfg.sizes:
        result = next((r for r in results["sizes"] if r.get("actors") == n), None)
        if result is None:
            result = {"actors": n}
            results["sizes"].append(result)
            results["sizes"].sort(key=lambda r: r["actors"])
        result.pop("error", None)
        result.pop("skipped", None)
        try:
            bench_size(cfg, n, result)
        except BenchError as exc:
            _log(f"{n} actors: {exc}")
            result["error"] = str(exc)
            failed = True
        write(cfg, results)
    _log(f"wrote {cfg.out / 'results.json'} and {cfg.out / 'RESULTS.md'}")
    return 1 if failed else 0
