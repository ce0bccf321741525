"""SPARQL servers for the remote-store tests (started by :mod:`benchmarks.servers`).

A missing server binary fails the tests that need it; only ``KG_SKIP_SERVERS=1`` turns that into
a skip (CI never sets it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, Server, ServerMissing, wipe
from benchmarks.servers import start_oxigraph as _start_oxigraph
from benchmarks.servers import start_virtuoso as _start_virtuoso
from tests.markers import require

__all__ = ["STARTERS", "VIRTUOSO_PASSWORD", "VIRTUOSO_USER", "Server", "start_oxigraph", "start_virtuoso", "wipe"]


def _required(start: Callable[[Path], Server], what: str) -> Callable[[Path], Server]:
    def started(folder: Path) -> Server:
        require("servers", what)  # the running test must be marked ``servers`` (tests/markers.py)
        try:
            return start(folder)
        except ServerMissing as exc:
            message = f"{exc}; set KG_SKIP_SERVERS=1 to skip these tests"
            if os.environ.get("KG_SKIP_SERVERS") == "1":
                pytest.skip(message)
            pytest.fail(message)

    return started


start_oxigraph = _required(_start_oxigraph, "starts an Oxigraph server")
start_virtuoso = _required(_start_virtuoso, "starts Virtuoso")
STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
