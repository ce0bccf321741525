"""The Markdown report (RESULTS.md) written from the results JSON: ``python -m benchmarks.report FILE``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SERVERS = ("ours", "ours, 1 worker", "ours, result cache", "Python floor", "oxigraph", "rdflib-endpoint")


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fig(s: dict[str, Any] | None) -> str:
    """A summary as 'median (min–max)'; a single run as its value."""
    if not s or not s.get("n"):
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return _num(s["median"])
    return f"{_num(s['median'])} ({_num(s['min'])}–{_num(s['max'])})"


def _ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}×"


def _text(cell: str) -> str:
    """A table cell on one line, with no column separator in it."""
    return " ".join(cell.split()).replace("|", "/")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_text(c) for c in r) + " |" for r in rows]
    return [*lines, ""]


def _sizes(results: dict[str, Any]) -> list[dict[str, Any]]:
    return list(results.get("sizes", []))


def _load(results: dict[str, Any]) -> list[str]:
    rows = []
    for s in _sizes(results):
        load = s.get("load")
        if not load:
            rows.append([f"{s['actors']:,}", "–", "–", "–", "–", "–", s.get("error", "")])
            continue
        note = "" if load["status"] == "ok" else load.get("error", load["status"])
        rows.append(
            [
                f"{s['actors']:,}",
                f"{load['quads']:,}",
                load["input"],
                fig(load.get("seconds")),
                fig(load.get("quads_per_s")),
                fig(load.get("peak_rss_mb")),
                note,
            ]
        )
    head = ["actors", "quads", "input", "seconds", "quads/s", "peak memory (MB)", "note"]
    return ["## Bulk load (`kg load` into the on-disk store)", "", *_table(head, rows)]


def _rest(results: dict[str, Any]) -> list[str]:
    rows = []
    for s in _sizes(results):
        for name, r in s.get("rest", {}).items():
            cold = "–" if r.get("cold_ms") is None else _num(r["cold_ms"])
            p50, p99 = fig(r.get("p50_ms")), fig(r.get("p99_ms"))
            rows.append([f"{s['actors']:,}", name, p50, p99, cold, r.get("error", "")])
    head = ["actors", "endpoint", "p50 ms", "p99 ms", "first request ms", "note"]
    warm = [f"{s['actors']:,} actors {fig(s['rest_warm_up_s'])} s" for s in _sizes(results) if s.get("rest_warm_up_s")]
    notes = (
        [
            "",
            "Requests go one after another over one kept-alive connection of Python's `http.client` (see "
            "benchmarks/README.md). Timed once the service reported its start-up values computed (`/healthz` "
            "`warm`: labels, search index, actor and source lists, source details, the statement table, "
            "today's network projection), which took, from its first answer: " + "; ".join(warm) + ".",
        ]
        if warm
        else []
    )
    return ["## REST latency (`kg serve`, sequential requests)", "", *_table(head, rows), *notes]


def _cell(row: dict[str, Any], server: str, clients: str, key: str) -> str:
    entry = row["servers"].get(server)
    if entry is None:
        return "not running"
    if entry.get("status") != "ok":
        return str(entry.get("status"))[:60]
    run = entry.get("clients", {}).get(clients)
    if run is None:
        return "–"
    if run.get("status") != "ok":
        return str(run.get("status"))[:60]
    return fig(run.get(key))


def _split_cpu(row: dict[str, Any], clients: str) -> str:
    """Ours' median CPU per request as front + workers = total (µs), or why there is no figure."""
    total = _cell(row, "ours", clients, "cpu_us_per_request")
    run = row["servers"].get("ours", {}).get("clients", {}).get(clients, {})
    all_, front = (run.get(k, {}).get("median") for k in ("cpu_us_per_request", "first_process_cpu_us_per_request"))
    if all_ is None or front is None:
        return total
    return f"{_num(front)} + {_num(all_ - front)} = {_num(all_)}"


def _sparql(results: dict[str, Any]) -> list[str]:
    clients = [str(c) for c in results.get("settings", {}).get("clients", [1, 16])]
    top = clients[-1]
    rows, lat, gap, cpu = [], [], [], []
    for s in _sizes(results):
        for q, row in s.get("sparql", {}).items():
            for c in clients:
                r = row["ratios"]
                lead = [f"{s['actors']:,}", q, c]
                rows.append(
                    [
                        *lead,
                        _cell(row, "ours", c, "requests_per_s"),
                        _cell(row, "ours, 1 worker", c, "requests_per_s") if c == top else "",
                        _cell(row, "oxigraph", c, "requests_per_s"),
                        _cell(row, "rdflib-endpoint", c, "requests_per_s"),
                        _ratio(r.get(f"ours / oxigraph @{c}")),
                        _ratio(r.get(f"rdflib-endpoint / oxigraph @{c}")),
                        _ratio(r.get(f"ours / rdflib-endpoint @{c}")),
                    ]
                )
                gap.append(
                    [
                        *lead,
                        _cell(row, "ours", c, "requests_per_s"),
                        _cell(row, "Python floor", c, "requests_per_s"),
                        _cell(row, "ours, result cache", c, "requests_per_s"),
                        _cell(row, "oxigraph", c, "requests_per_s"),
                        _ratio(r.get(f"ours / Python floor @{c}")),
                        _ratio(r.get(f"Python floor / oxigraph @{c}")),
                        _ratio(r.get(f"ours, result cache / oxigraph @{c}")),
                    ]
                )
                cpu.append(
                    [
                        *lead,
                        _split_cpu(row, c),
                        _cell(row, "Python floor", c, "cpu_us_per_request"),
                        _cell(row, "oxigraph", c, "cpu_us_per_request"),
                    ]
                )
                lat.append(
                    lead
                    + [
                        f"{_cell(row, srv, c, 'p50_ms')} / {_cell(row, srv, c, 'p99_ms')}"
                        for srv in ("ours", "ours, result cache", "Python floor", "oxigraph", "rdflib-endpoint")
                    ]
                )
    head = [
        "actors",
        "query",
        "clients",
        "ours req/s",
        "ours, 1 worker",
        "Oxigraph server",
        "rdflib-endpoint",
        "ours / Oxigraph",
        "rdflib-endpoint / Oxigraph",
        "ours / rdflib-endpoint",
    ]
    gap_head = [
        "actors",
        "query",
        "clients",
        "ours req/s",
        "Python floor",
        "ours, result cache",
        "Oxigraph server",
        "ours / floor",
        "floor / Oxigraph",
        "result cache / Oxigraph",
    ]
    lat_head = [
        "actors",
        "query",
        "clients",
        "ours p50 / p99 ms",
        "ours, result cache p50 / p99 ms",
        "Python floor p50 / p99 ms",
        "Oxigraph p50 / p99 ms",
        "rdflib-endpoint p50 / p99 ms",
    ]
    counts = []
    for s in _sizes(results):
        for q, row in s.get("sparql", {}).items():
            counts.append([f"{s['actors']:,}", q] + [str(row["rows"].get(srv, "not running")) for srv in SERVERS])
    return [
        "## SPARQL endpoint throughput (wrk, requests/s)",
        "",
        'Ratios are of median requests/s. "ours" evaluates every query (`KG_SPARQL_CACHE_MB=0`) with the '
        'default query workers (one per core); "ours, 1 worker" is `KG_QUERY_WORKERS=1`. Ours runs with '
        "`KG_WARM=0` (the endpoint does not use the start-up values).",
        "",
        *_table(head, rows),
        "### Where the gap to the Oxigraph server comes from",
        "",
        '"Python floor" is the thinnest SPARQL server we could write in Python (`benchmarks/floor.py`: '
        "raw HTTP parsing on uvloop, the engine in-process, one process per core; no time limit, no row "
        'cap, no negotiation): what any Python front can reach. "ours, result cache" is ours with its '
        "result cache on (the default, 64 MB): after the first request of a run it answers from the cache, "
        "so it is a row of its own, never a cold figure.",
        "",
        *_table(gap_head, gap),
        "CPU time per answered request (µs), summed over each server's processes from /proc during the "
        "same wrk runs (median over the repetitions). For ours it is split into the front process "
        "(HTTP, checks, negotiation, handing the query over) and the query workers (the engine and "
        "the hop's other end); the Oxigraph server and the floor have no such hop.",
        "",
        *_table(
            ["actors", "query", "clients", "ours: front + workers", "Python floor", "Oxigraph server"],
            cpu,
        ),
        "### SPARQL latency (wrk)",
        "",
        *_table(lat_head, lat),
        "### Result counts (checked equal before timing)",
        "",
        *_table(["actors", "query", *SERVERS], counts),
    ]


def _virtuoso(results: dict[str, Any]) -> list[str]:
    """Our service over Virtuoso 7 beside the same service over its embedded store."""
    sizes = [s for s in _sizes(results) if s.get("virtuoso")]
    if not sizes:
        return []
    loads, rests, queries = [], [], []
    for s in sizes:
        v, actors = s["virtuoso"], f"{s['actors']:,}"
        if v.get("status") != "ok":
            loads.append([actors, "–", "–", "–", v.get("error", v.get("status", ""))])
            continue
        loads.append([actors, str(v["sources"]), _num(v["load_seconds"]), f"{v['load_quads_per_s']:,}", ""])
        for name, r in v.get("rest", {}).items():
            embedded = s.get("rest", {}).get(name, {})
            rests.append(
                [
                    actors,
                    name,
                    f"{fig(r.get('p50_ms'))} / {fig(r.get('p99_ms'))}",
                    f"{fig(embedded.get('p50_ms'))} / {fig(embedded.get('p99_ms'))}" if embedded else "–",
                    r.get("error", ""),
                ]
            )
        for q, row in v.get("sparql", {}).items():
            for c in (str(c) for c in results.get("settings", {}).get("clients", [1, 16])):
                embedded = s.get("sparql", {}).get(q)
                queries.append(
                    [
                        actors,
                        q,
                        c,
                        _cell(row, "ours over Virtuoso", c, "requests_per_s"),
                        _cell(row, "virtuoso", c, "requests_per_s"),
                        _ratio(row["ratios"].get(f"ours over Virtuoso / virtuoso @{c}")),
                        _cell(embedded, "ours", c, "requests_per_s") if embedded else "–",
                        _cell(embedded, "oxigraph", c, "requests_per_s") if embedded else "–",
                    ]
                )
    return [
        "## Our service over Virtuoso 7 (remote store)",
        "",
        "`kg load --store URL` into a fresh Virtuoso (update requests of at most 4 MB, each replacing whole "
        "sources), then `kg serve "
        "--store URL`: REST latency as above, and SPARQL throughput through our endpoint beside Virtuoso's "
        "own `/sparql` (wrk, same queries and runs as above). Over a server our service reads the store's "
        "version marker before using any cached value (one small query) and names the dataset of every "
        "query (the graphs it wrote; see the README), and our endpoint runs each query in a thread; the "
        "figures of the embedded store are repeated from the tables above for comparison.",
        "",
        *_table(["actors", "sources", "load seconds", "quads/s", "note"], loads),
        *_table(["actors", "endpoint", "over Virtuoso p50 / p99 ms", "embedded p50 / p99 ms", "note"], rests),
        *_table(
            [
                "actors",
                "query",
                "clients",
                "ours over Virtuoso req/s",
                "Virtuoso req/s",
                "ours / Virtuoso",
                "ours, embedded",
                "Oxigraph server",
            ],
            queries,
        ),
    ]


def _analytics(results: dict[str, Any]) -> list[str]:
    sizes = [s for s in _sizes(results) if "analytics" in s]
    steps: list[str] = []
    for s in sizes:
        steps += [k for k in s["analytics"] if k not in steps]
    rows = []
    for step in steps:
        cells = []
        for s in sizes:
            a = s["analytics"].get(step)
            cells.append("–" if a is None else (fig(a["seconds"]) if a["status"] == "ok" else a["status"]))
        rows.append([step, *cells])
    head = ["step (seconds)", *[f"{s['actors']:,} actors" for s in sizes]]
    return ["## Network projection and analytics (in-process, cold projection)", "", *_table(head, rows)]


def _answered(row: dict[str, Any], server: str) -> bool:
    entry = row["servers"].get(server, {})
    runs = entry.get("clients", {}).values()
    return entry.get("status") == "ok" and bool(runs) and all(r.get("status") == "ok" for r in runs)


def _most(sizes: list[int]) -> str:
    return f"{max(sizes):,} actors" if sizes else "no size"


def _rdflib_note(results: dict[str, Any]) -> list[str]:
    server = "rdflib-endpoint"
    sized = [s for s in _sizes(results) if s.get("sparql")]
    counted = [s["actors"] for s in sized if all(r["servers"].get(server, {}).get("status") == "ok"
                                                 for r in s["sparql"].values())]  # fmt: skip
    timed = [s["actors"] for s in sized if all(_answered(r, server) for r in s["sparql"].values())]
    failed = [
        f"- {s['actors']:,} actors: did not start: {s['servers'][server]['failed']}"
        for s in _sizes(results)
        if "failed" in s.get("servers", {}).get(server, {})
    ]
    return [
        f"rdflib-endpoint loaded the data and answered every query with the right count up to {_most(counted)}; "
        f"it answered within every timed run up to {_most(timed)}.",
        *failed,
        "",
    ]


def _servers(results: dict[str, Any]) -> list[str]:
    rows = []
    for s in _sizes(results):
        srv = s.get("servers", {})
        if not srv:
            continue
        starts = [str(srv.get(n, {}).get("startup_s", srv.get(n, {}).get("failed", "–")))[:60] for n in SERVERS]
        rows.append(
            [f"{s['actors']:,}", f"{s.get('quads_served', 0):,}", str(srv.get("oxigraph load seconds")), *starts]
        )
    head = ["actors", "quads served", "oxigraph load s", *[f"{n} start s" for n in SERVERS]]
    return ["## Servers (same exported quads everywhere)", "", *_table(head, rows)]


def _updates(results: dict[str, Any]) -> list[str]:
    """Parts measured again later (``--merge``): they replace the first run's figures in the tables."""
    updates = results.get("updates", [])
    if not updates:
        return []
    lines = ["Parts measured again later replace the first run's figures in the tables below:", ""]
    for u in updates:
        st = u.get("settings", {})
        sizes = ", ".join(f"{n:,}" for n in st.get("sizes", []))
        parts = st.get("parts", [])
        details = [f"{st.get('reps')} repetition{'s' if st.get('reps') != 1 else ''}"]
        if "rest" in parts:
            details.append(f"{st.get('rest_requests')} requests per REST run")
        if "sparql" in parts:
            details.append(f"wrk runs of {st.get('wrk_seconds')} s at {st.get('clients')} clients")
        if "virtuoso" in parts:
            details.append(f"Virtuoso up to {st.get('virtuoso_max_actors', 0):,} actors")
        if "analytics" in parts:
            details.append(f"{st.get('analytics_budget'):g} s allowed per analytic")
        lines.append(f"- {u.get('date')}: {', '.join(parts)} at {sizes} actors, {', '.join(details)}.")
    return [*lines, ""]


def markdown(results: dict[str, Any]) -> str:
    m, v = results.get("machine", {}), results.get("versions", {})
    st = results.get("settings", {})
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results.get('date')} on {m.get('cores')} cores, {m.get('ram_gb')} GB RAM, {m.get('cpu')} "
        f"({m.get('os')}).",
        "",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val) + ".",
        "",
        f"Settings: sizes {st.get('sizes')}, {st.get('reps')} repetitions, seed {st.get('seed')}, as-of date "
        f"{st.get('at')}, wrk runs of {st.get('wrk_seconds')} s at {st.get('clients')} clients, "
        f"{st.get('rest_requests')} requests per REST run. Each figure is the median over the repetitions "
        "with the range (min–max) in brackets. Produced by `make bench`; see benchmarks/README.md.",
        "",
        "The machine may be shared with other work while this runs, so figures are noisy; servers are "
        "timed interleaved within each repetition so that noise hits them alike.",
        "",
    ]
    if st.get("note"):
        lines += [f"Note: {st['note']}.", ""]
    lines += _updates(results)
    errors = [f"- {s['actors']:,} actors: {s['error']}" for s in _sizes(results) if "error" in s]
    skipped = [f"- {s['actors']:,} actors: {s['skipped']}" for s in _sizes(results) if "skipped" in s]
    if errors or skipped:
        lines += ["Sizes not measured in full:", "", *errors, *skipped, ""]
    lines += _load(results) + _rest(results) + _sparql(results) + _rdflib_note(results) + _servers(results)
    lines += _virtuoso(results) + _analytics(results)
    return "\n".join(lines)


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results.json")
    sys.stdout.write(markdown(json.loads(path.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
