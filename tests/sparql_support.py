"""Shared helpers for the SPARQL endpoint tests: result parsers, the error-body check, and a live
server (uvicorn on 127.0.0.1, a free port, in a background thread) over an in-memory store holding
the bundled data and, for the W3C protocol tests, the W3C data files as the manifest's graphs.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib

import kg.load.loader
from kg import Store
from tests.live_server import free_port, live_server

__all__ = [
    "GRAPH_FORMATS",
    "SHARED",
    "SOLUTION_FORMATS",
    "W3C",
    "W3C_GRAPHS",
    "Listener",
    "assert_error",
    "build_store",
    "free_port",
    "live_server",
    "parse_graph",
    "parse_solutions",
    "sparql",
]

SHARED = Path(__file__).resolve().parents[2] / "shared"
W3C = SHARED / "w3c-sparql11-protocol"
#: The W3C data files and the graph names the protocol manifest loads them as.
W3C_GRAPHS = {f"data{i}.nt": f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}

SOLUTION_FORMATS = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: Media type → rdflib parser name.
GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> str:
    """The response is ``status`` with the JSON error body ``{"error": {"code", "message"}}``;
    returns the message."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    if code is not None:
        assert body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    return message


def _tsv_value(term: str) -> str:
    """The lexical value of an RDF term written in a TSV result (IRIs in <>, literals quoted)."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if term.startswith('"'):
        return term[1 : term.rindex('"')]
    return term


def parse_solutions(response: httpx.Response) -> bool | list[dict[str, str]]:
    """A SELECT or ASK result in any of the four formats: the boolean, or rows of variable →
    lexical value (unbound variables left out)."""
    media = response.headers["content-type"].split(";")[0].strip()
    text = response.content.decode("utf-8")
    if media == "application/sparql-results+json":
        data = json.loads(text)
        if "boolean" in data:
            return bool(data["boolean"])
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        boolean = root.find(f"{_RESULTS_NS}boolean")
        if boolean is not None:
            return boolean.text == "true"
        rows = []
        for result in root.iter(f"{_RESULTS_NS}result"):
            row = {}
            for binding in result.findall(f"{_RESULTS_NS}binding"):
                row[binding.attrib["name"]] = "".join(binding.itertext())
            rows.append(row)
        return rows
    if text.strip() in ("true", "false"):  # ASK as CSV or TSV
        return text.strip() == "true"
    if media == "text/csv":
        records = list(csv.reader(io.StringIO(text)))
        return [{k: v for k, v in zip(records[0], r, strict=True) if v} for r in records[1:]]
    if media == "text/tab-separated-values":
        lines = text.rstrip("\n").split("\n")
        names = [name.lstrip("?") for name in lines[0].split("\t")]
        return [{k: _tsv_value(v) for k, v in zip(names, line.split("\t"), strict=True) if v} for line in lines[1:]]
    raise AssertionError(f"not a solutions format: {media}")


def parse_graph(response: httpx.Response) -> rdflib.Graph:
    """A CONSTRUCT or DESCRIBE result in any of the four formats, parsed by rdflib."""
    media = response.headers["content-type"].split(";")[0].strip()
    graph = rdflib.Graph()
    graph.parse(data=response.content, format=GRAPH_FORMATS[media])
    return graph


def build_store(*, w3c: bool = False) -> Store:
    """An in-memory store with the bundled data and, with ``w3c``, the W3C protocol test data
    (test fixtures, not sources) in the named graphs the manifest gives them."""
    store = Store()
    kg.load.loader.load_files(store, kg.load.loader.bundled_data_files())
    if w3c:
        if not W3C.is_dir():
            pytest.skip(f"the W3C SPARQL 1.1 protocol tests are not available at {W3C}")
        for file, graph in W3C_GRAPHS.items():
            triples = [q.triple for q in ox.parse(path=W3C / file, format=ox.RdfFormat.N_TRIPLES)]
            store.replace_graph(graph, triples)
    return store


def sparql(client: Any, query: str, *, accept: str | None = None, **params: Any) -> httpx.Response:
    """GET the endpoint with ``query`` (``client`` is a TestClient or an httpx.Client)."""
    headers = {"accept": accept} if accept else {}
    response: httpx.Response = client.get("/sparql", params={"query": query, **params}, headers=headers)
    return response


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it gets (and answers none)."""

    def __init__(self) -> None:
        self.connections = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
