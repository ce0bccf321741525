"""Child processes with time budgets: timed commands (wall time, peak memory) and servers on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx


class BenchError(Exception):
    """A step of the benchmark could not run (a tool is missing, a server did not start...)."""


@dataclass
class Timed:
    """How a timed command ended: ``status`` is ``ok``, ``timeout`` or ``error``."""

    status: str
    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def tool(name: str) -> str:
    """The path of a command-line tool: beside this Python first (a virtual environment), then on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"'{name}' is not installed (see benchmarks/README.md)")
    return found


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` and its children (it leads its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def run_timed(cmd: Sequence[str], budget: float, env: dict[str, str] | None = None, log: Path | None = None) -> Timed:
    """Run ``cmd`` to its end or for at most ``budget`` seconds; its wall time and peak resident memory."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    err_path = log.with_suffix(".err") if log else None
    err = open(err_path, "wb") if err_path else subprocess.DEVNULL  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, start_new_session=True)
    status, rss_kb = "timeout", 0
    try:
        while time.perf_counter() - start < budget:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(code)
                status, rss_kb = ("ok" if proc.returncode == 0 else "error"), usage.ru_maxrss
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        if proc.returncode is None:  # over the budget, or this process is being stopped
            _kill(proc)
        for f in (out, err):
            if hasattr(f, "close"):
                f.close()
    text = log.read_text(errors="replace") if log else ""
    errors = err_path.read_text(errors="replace") if err_path else ""
    return Timed(status, elapsed, rss_kb / 1024, text, errors)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server on 127.0.0.1: its base URL, SPARQL query URL and how long it took to answer a query."""

    name: str
    base: str
    sparql: str
    proc: subprocess.Popen[bytes]
    startup_seconds: float = 0.0


def sparql_ready(url: str) -> bool:
    """Whether the endpoint answers a trivial ASK query."""
    try:
        r = httpx.get(
            url, params={"query": "ASK { ?s ?p ?o }"}, timeout=5, headers={"Accept": "application/sparql-results+json"}
        )
    except httpx.HTTPError:
        return False
    return r.status_code == 200


def stop(procs: Sequence[subprocess.Popen[bytes]], grace: float = 5) -> None:
    """Stop servers together: SIGTERM to each process group, then SIGKILL to those still there."""
    for proc in procs:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.perf_counter() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            _kill(proc)


@contextmanager
def serving(
    specs: Sequence[tuple[str, Sequence[str], str, dict[str, str] | None]], budget: float, logs: Path
) -> Iterator[tuple[dict[str, Server], dict[str, str]]]:
    """Start servers together (name, command with ``{port}``, SPARQL path, environment); wait at most ``budget``
    seconds for each to answer; yield those that did and why the others did not; stop them all afterwards."""
    started: dict[str, Server] = {}
    for name, cmd, path, env in specs:
        port = free_port()
        log = logs / f"{name.replace(' ', '-').replace(',', '')}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [c.replace("{port}", str(port)) for c in cmd],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{port}"
        started[name] = Server(name, base, base + path, proc)
    began = time.perf_counter()
    ready: dict[str, Server] = {}
    failed: dict[str, str] = {}
    try:
        waiting = dict(started)
        while waiting:
            for name, server in list(waiting.items()):
                if sparql_ready(server.sparql):
                    server.startup_seconds = time.perf_counter() - began
                    ready[name] = waiting.pop(name)
                elif server.proc.poll() is not None:
                    tail = (logs / f"{name.replace(' ', '-').replace(',', '')}.log").read_text(errors="replace")
                    failed[name] = f"exited with code {server.proc.returncode}: {tail[-300:]}"
                    waiting.pop(name)
                elif time.perf_counter() - began > budget:
                    failed[name] = f"did not answer within {budget:.0f} s"
                    waiting.pop(name)
            time.sleep(0.2)
        yield ready, failed
    finally:
        stop([s.proc for s in started.values()])


def cpu_seconds(pid: int, *, tree: bool = True) -> float:
    """CPU time used so far by a process and (with ``tree``) its descendants (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            if tree:
                for task in Path(f"/proc/{p}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def quiesce(pid: int, cap: float = 60, idle: float = 0.05) -> float:
    """Wait until a server is idle (under ``idle`` CPU-seconds per 0.3 s), at most ``cap`` seconds.

    wrk stops at its deadline with requests still in flight; a server still working on them would
    slow down the next server timed on this machine, so each run waits for the last to settle."""
    began = time.perf_counter()
    before = cpu_seconds(pid)
    while time.perf_counter() - began < cap:
        time.sleep(0.3)
        now = cpu_seconds(pid)
        if now - before < idle:
            break
        before = now
    return time.perf_counter() - began
