"""How fast the explorer is ready in a real browser: ``python -m benchmarks.explorer --actors 600,2300``.

For each size: generate a synthetic graph, load it with ``kg load``, start ``kg serve`` on 127.0.0.1 and
open ``/explorer`` in Debian's chromium (Playwright, no browser download). Two figures per size, each a
median over repetitions with its spread:

* **first**: a date not asked before, so the server projects the graph, lays it out and renders the
  page (its caches miss), then the browser parses and draws it;
* **cached**: the same address again (the server answers from its page cache; the browser still
  parses and draws everything).

"Ready" runs from the browser's navigation start to the page's own mark, set once the drawing is done
and the lists are built (``window.explorer.readyAt``). The server's share is the time to the first
byte of the response. Results go to ``explorer.json`` and ``EXPLORER.md`` in ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
PY = sys.executable


def _summary(values: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(values)), "min": round(min(values)), "max": round(max(values))}


def _kg(*args: str) -> list[str]:
    return [PY, "-m", "api.cli", *args]


def _serve(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            _kg("serve", "--store", str(store), "--port", str(port)), stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"kg serve did not start: see {log}")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _open(page: Any, url: str) -> dict[str, float]:
    page.goto(url)
    page.wait_for_selector("body[data-ready='true']", state="attached", timeout=120_000)
    return {
        "ready_ms": page.evaluate("window.explorer.readyAt"),
        "drawn_ms": page.evaluate("window.explorer.drawnAt"),
        "server_ms": page.evaluate("performance.getEntriesByType('navigation')[0].responseStart"),
        "nodes": page.evaluate("window.explorer.data.nodes.length"),
        "edges": page.evaluate("window.explorer.data.edges.length"),
    }


def measure(base: str, reps: int, at: dt.date) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, float]]] = {"first": [], "cached": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, f"{base}/explorer?at={at - dt.timedelta(days=reps + 1)}")  # warm the browser and server
        for rep in range(reps):
            url = f"{base}/explorer?at={at - dt.timedelta(days=rep)}"
            runs["first"].append(_open(page, url))
            runs["cached"].append(_open(page, url))
        browser.close()
    out: dict[str, Any] = {}
    for kind, rows in runs.items():
        out[kind] = {key: _summary([r[key] for r in rows]) for key in ("ready_ms", "drawn_ms", "server_ms")}
    out["nodes"] = runs["first"][0]["nodes"]
    out["edges"] = runs["first"][0]["edges"]
    return out


def bench_size(actors: int, reps: int, at: dt.date, work: Path) -> dict[str, Any]:
    data = work / f"explorer-{actors}.nq"
    store = work / f"explorer-store-{actors}"
    subprocess.run(_kg("generate", "--actors", str(actors), "--seed", "1", "--out", str(data)), check=True)
    shutil.rmtree(store, ignore_errors=True)
    subprocess.run(_kg("load", "--bulk", "--store", str(store), str(data)), check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    server = _serve(store, port, work / f"explorer-serve-{actors}.log")
    try:
        return {"actors": actors, **measure(f"http://127.0.0.1:{port}", reps, at)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Explorer: time until the page is ready in headless Chromium",
        "",
        f"Measured {results['date']} on {results['machine']}; median (min–max) of {results['reps']} runs, "
        "milliseconds from navigation start. *First*: a date not asked before (the server projects, lays "
        "out and renders); *cached*: the same address again. *Server*: time to the response's first byte.",
        "",
        "| actors generated | drawn actors | drawn relations | first: ready | first: server | cached: ready |",
        "|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(s: dict[str, Any]) -> str:
        return f"{s['median']:,} ({s['min']:,}–{s['max']:,})"

    for r in results["sizes"]:
        lines.append(
            f"| {r['actors']:,} | {r['nodes']:,} | {r['edges']:,} | {cell(r['first']['ready_ms'])} "
            f"| {cell(r['first']['server_ms'])} | {cell(r['cached']['ready_ms'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", default="600,2300", help="Sizes (about 500 and 2,000 drawn actors).")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--at", default="2026-11-25", help="The latest date asked (earlier ones for repetitions).")
    parser.add_argument("--out", type=Path, default=Path("benchmarks"))
    args = parser.parse_args(argv)
    import os
    import platform

    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, chromium {_chromium_version()}",
        "reps": args.reps,
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="kg-explorer-bench-") as tmp:
        for actors in (int(a) for a in args.actors.split(",")):
            row = bench_size(actors, args.reps, dt.date.fromisoformat(args.at), Path(tmp))
            print(json.dumps(row), file=sys.stderr, flush=True)
            results["sizes"].append(row)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "explorer.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (args.out / "EXPLORER.md").write_text(markdown(results), encoding="utf-8")
    return 0


def _chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "not found"


if __name__ == "__main__":
    raise SystemExit(main())
