"""SPARQL servers for the benchmarks and the remote-store tests: Oxigraph server and Virtuoso 7, each
started on 127.0.0.1 at free ports in a temporary folder, and stopped afterwards.

A missing server binary raises :class:`ServerMissing`; the tests (``tests/servers.py``) turn it into a
failure, or a skip with ``KG_SKIP_SERVERS=1`` (CI never sets it).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kg.store import RemoteStore

#: Seconds a server may take to answer after it was started.
STARTUP_LIMIT = 60.0
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    options: dict[str, str] = field(default_factory=dict)
    log: Path | None = None

    def open(self, **overrides: object) -> RemoteStore:
        return RemoteStore(self.url, **{**self.options, **overrides})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerMissing(RuntimeError):
    """A server's binary is not installed."""


def binary(name: str) -> str:
    """The path of a server binary; :class:`ServerMissing` when it is not installed."""
    here = Path(sys.executable).parent / name  # the venv's own scripts (PyPI package oxigraph)
    found = str(here) if here.is_file() else shutil.which(name)
    if found is None:
        raise ServerMissing(f"the {name} binary is not installed (see .ci/run)")
    return found


def _wait(url: str, process: subprocess.Popen[bytes], log: Path | None) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"the server at {url} exited with code {process.returncode}\n{detail}")
        try:
            httpx.get(url, timeout=2.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server at {url} did not answer within {STARTUP_LIMIT:g} s")


def start_oxigraph(folder: Path) -> Server:
    port = free_port()
    log = folder / "oxigraph.log"
    process = subprocess.Popen(
        [
            binary("oxigraph"),
            "serve",
            "--location",
            str(folder / "data"),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait(url, process, log)
    return Server("oxigraph", url, process, log=log)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def start_virtuoso(folder: Path) -> Server:
    """Virtuoso 7 with its own database in ``folder``; updates go to /sparql-auth as dba (digest)."""
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "virtuoso.log"
    process = subprocess.Popen(
        [binary("virtuoso-t"), "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    _wait(url + "/sparql", process, log)
    options = {"user": VIRTUOSO_USER, "password": VIRTUOSO_PASSWORD}
    return Server("virtuoso", url, process, options, log=log)


STARTERS = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def wipe(store: RemoteStore) -> None:
    """Remove every graph the store wrote (the server is shared by the session's tests)."""
    for graph in store.named_graphs():
        store.remove_graph(graph)
