"""The SPARQL queries of the benchmark (``queries/*.rq``), result counts, and ``wrk`` runs against a server."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks.procs import BenchError, tool

QUERY_DIR = Path(__file__).parent / "queries"
#: The queries timed against every server, in report order.
QUERY_NAMES = ("lookup", "backers-asof", "two-hop")
ACCEPT = "application/sparql-results+json"
ID = "https://w3id.org/conflict-kg/id/"


def query_text(name: str, **params: str) -> str:
    """The query ``queries/NAME.rq`` with ``{actor}`` and ``{at}`` filled in."""
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    for key, value in params.items():
        text = text.replace("{" + key + "}", value)
    if re.search(r"\{(actor|at)\}", text):
        raise BenchError(f"query {name} has a parameter left unfilled")
    return text


def select(url: str, query: str, timeout: float = 120) -> list[dict[str, Any]]:
    """The solutions of a SELECT query sent to ``url`` (GET), as SPARQL JSON bindings."""
    r = httpx.get(url, params={"query": query}, headers={"Accept": ACCEPT}, timeout=timeout)
    if r.status_code != 200:
        raise BenchError(f"{url} answered {r.status_code}: {r.text[:300]}")
    bindings: list[dict[str, Any]] = r.json()["results"]["bindings"]
    return bindings


def cache_header(url: str, query: str, timeout: float = 120) -> str | None:
    """What our endpoint's ``X-KG-Cache`` header says of ``query`` sent again (None: no cache)."""
    r = httpx.get(url, params={"query": query}, headers={"Accept": ACCEPT}, timeout=timeout)
    return r.headers.get("x-kg-cache")


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkRun:
    """The figures of one ``wrk --latency`` report."""
    dist = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and total and "50" in dist and "99" in dist):
        raise BenchError(f"cannot read wrk's report: ...{output[-400:]}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkRun(
        requests_per_s=float(rps.group(1)),
        p50_ms=_ms(dist["50"]),
        p99_ms=_ms(dist["99"]),
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in sock.groups()) if sock else 0,
    )


def wrk(url: str, query: str, clients: int, seconds: float, timeout_s: float = 30) -> WrkRun:
    """``clients`` connections sending GET ``url?query=...`` for ``seconds`` seconds."""
    target = f"{url}?query={quote(query, safe='')}"
    threads = min(clients, 2)
    cmd = [
        tool("wrk"),
        f"-t{threads}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s:.0f}s",
        "--latency",
        "-H",
        f"Accept: {ACCEPT}",
        target,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr[-500:]}")
    return parse_wrk(done.stdout + done.stderr)
