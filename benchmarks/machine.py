"""What the figures were measured on: machine, tool versions, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks.procs import BenchError, tool


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s+(\d+) kB", _read("/proc/meminfo"), re.M)
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(int(mem.group(1)) / 1024**2, 1) if mem else None,
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "os": f"{platform.system()} {platform.release()}",
    }


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _command(name: str, *args: str) -> str | None:
    try:
        done = subprocess.run([tool(name), *args], capture_output=True, text=True, timeout=30, check=False)
    except (BenchError, OSError, subprocess.TimeoutExpired):
        return None
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else None


def versions() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "pyoxigraph": _package("pyoxigraph"),
        "oxigraph server": _command("oxigraph", "--version"),
        "rdflib": _package("rdflib"),
        "rdflib-endpoint": _package("rdflib-endpoint"),
        "fastapi": _package("fastapi"),
        "uvicorn": _package("uvicorn"),
        "networkx": _package("networkx"),
        "wrk": _command("wrk", "-v"),
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
