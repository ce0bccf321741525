"""Output: N-Quads, TriG, a directory of TriG files (one per source), or quads in memory.

:func:`write` streams the graph source by source; :func:`split` turns a multi-source file into a
directory of loadable sources; :func:`source_texts` and :func:`generate` give the same graph without
writing it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.namespaces import CK, DCTERMS, ID, SKOS, SRC, ST, XSD
from kg.synthetic.builder import source_slug
from kg.synthetic.ntriples import SYN_SRC
from kg.synthetic.sources import Stats, iter_sources
from kg.synthetic.world import ACTORS_PER_SOURCE

__all__ = ["Summary", "generate", "source_texts", "split", "write"]


@dataclass
class Summary:
    """What :func:`write` produced."""

    actors: int
    seed: int
    sources: int
    quads: int
    statements: int
    events: int
    claims: int
    seconds: float
    files: list[Path]
    #: A few IRIs to query in tests and benchmarks: a host government, a designated armed group...
    examples: dict[str, str]


_PREFIXES = {
    "ck": CK,
    "id": ID,
    "st": ST,
    "src": SRC,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "xsd": XSD,
}


def source_texts(actors: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """(source IRI, N-Quads bytes of its graph) for every source, in order."""
    for iri, _, lines in iter_sources(actors, seed):
        g = f"<{iri}>"
        yield iri, "".join(f"{line} {g} .\n" for line in lines).encode()


def generate(actors: int, seed: int = 0) -> Iterator[ox.Quad]:
    """The synthetic graph as quads, one source (named graph) after another."""
    for _, data in source_texts(actors, seed):
        yield from ox.parse(data, format=ox.RdfFormat.N_QUADS)


def _trig(lines: list[str], graph: str) -> bytes:
    """The TriG serialisation of one source's lines."""
    quads = ox.parse("".join(f"{line} <{graph}> .\n" for line in lines), format=ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES) or b""


def write(out: str | Path, actors: int, seed: int = 0) -> Summary:
    """Write the synthetic graph of ``actors`` actors for ``seed`` to ``out``, streaming.

    ``out`` ending in ``.nq``: one N-Quads file; ``.trig``: one TriG file (both with one named
    graph per source); anything else: a directory (created) with one ``<source>.trig`` file per
    source, each loadable with ``kg load``. Same ``actors`` and ``seed`` give identical bytes.
    """
    started = time.perf_counter()
    out = Path(out)
    if actors < 1:
        raise ValueError("actors must be at least 1")
    stats = Stats()
    quads = sources = 0
    files: list[Path] = []
    suffix = out.suffix.lower()
    if suffix in (".ttl", ".nt", ".n3", ".rdf", ".owl", ".jsonld", ".json"):
        raise ValueError(f"{out}: use .nq or .trig (one named graph per source), or a directory")
    if suffix not in (".nq", ".trig") and out.is_dir():
        expected = {f"{source_slug(j)}.trig" for j in range((actors + ACTORS_PER_SOURCE - 1) // ACTORS_PER_SOURCE)}
        others = sorted(p.name for p in out.glob("*.trig") if p.name not in expected)
        if others:
            raise ValueError(f"{out} already holds other sources ({', '.join(others[:3])}...); use an empty directory")
    if suffix in (".nq", ".trig"):
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            for iri, _, lines in iter_sources(actors, seed, stats):
                _write_graph(fh, lines, iri, suffix)
                quads += len(lines)
                sources += 1
        files.append(out)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for iri, slug, lines in iter_sources(actors, seed, stats):
            path = out / f"{slug}.trig"
            path.write_bytes(_trig(lines, iri))
            files.append(path)
            quads += len(lines)
            sources += 1
    return Summary(
        actors,
        seed,
        sources,
        quads,
        stats.statements,
        stats.events,
        stats.claims,
        round(time.perf_counter() - started, 3),
        files,
        stats.examples,
    )


def _write_graph(fh: IO[bytes], lines: list[str], graph: str, suffix: str) -> None:
    """Append one source's graph to an open ``.nq`` or ``.trig`` file."""
    if suffix == ".nq":
        g = f"<{graph}>"
        fh.write("".join(f"{line} {g} .\n" for line in lines).encode())
    else:
        fh.write(_trig(lines, graph))


def split(path: str | Path, out_dir: str | Path) -> list[Path]:
    """Split a multi-source ``.nq`` or ``.trig`` file into one ``.trig`` file per named graph.

    Streams the input; each graph's quads are held in memory until the next graph starts (the
    files :func:`write` produces keep each graph together). A graph met again later is refused.
    """
    path, out_dir = Path(path), Path(out_dir)
    fmt = ox.RdfFormat.N_QUADS if path.suffix.lower() == ".nq" else ox.RdfFormat.TRIG
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    done: set[str] = set()
    current: str | None = None
    chunk: list[ox.Quad] = []

    def flush() -> None:
        if current is None:
            return
        name = current.removeprefix(SYN_SRC).replace("/", "_").replace(":", "_").replace("#", "_")
        target = out_dir / f"{name}.trig"
        ox.serialize(chunk, str(target), format=ox.RdfFormat.TRIG, prefixes=_PREFIXES)
        files.append(target)
        done.add(current)

    for quad in ox.parse(path=str(path), format=fmt):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            raise ValueError(f"{path}: triples outside a named graph")
        if graph.value != current:
            flush()
            if graph.value in done:
                raise ValueError(f"{path}: graph {graph.value} is not contiguous")
            current, chunk = graph.value, []
        chunk.append(quad)
    flush()
    return files
