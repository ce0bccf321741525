"""The ``kg`` command line: load, validate, check, query, export, list sources; generate synthetic data.

``kg serve`` (the service) is added to these commands by :mod:`api.cli`, the installed ``kg`` command,
so that the library does not depend on the service.

Every command that uses the store takes ``--store`` (a directory, or ``memory``; default ``$KG_STORE`` or
``var/store``). The bundled data under ``data/`` is always loaded (unchanged files are skipped).
Errors print a message on stderr, never a traceback, and exit with a non-zero code: 1 for bad
input or invalid data, 2 for usage errors (Typer's own) and for an unexpected error (a bug: the
message asks to run the command again with ``--debug``, which prints the traceback of any error).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import pyoxigraph as ox
import typer
from typer.core import TyperGroup

from kg import synthetic
from kg.errors import KGError, ValidationFailed
from kg.load import bulk as bulk_loader
from kg.load import loader as loader
from kg.load.checks import check_store, incoming_defects
from kg.namespaces import ONTOLOGY_GRAPH, SRC
from kg.read.catalog import sources as list_sources
from kg.read.jsonld import export_jsonld
from kg.store import EXPORT_FORMATS, Store, connect
from kg.terms import to_python

#: Set by ``--debug``: errors print their traceback too.
_DEBUG = {"on": False}


class _Commands(TyperGroup):
    """The commands, with one last handler: an exception no command expected (a bug) prints one
    line on stderr (no traceback, unless ``--debug``) and exits with code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException, EOFError):
            raise  # exits, usage errors and Ctrl-D: Typer's own handling
        except KGError as exc:  # a command that did not catch it: still a known error
            _show_traceback()
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # output piped into a command that stopped reading: Typer exits quietly
            _unexpected(exc)
        except Exception as exc:
            _unexpected(exc)


def _show_traceback() -> None:
    if _DEBUG["on"]:
        traceback.print_exc(file=sys.stderr)


def _unexpected(exc: Exception) -> None:
    _show_traceback()
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    rerun = "" if _DEBUG["on"] else "; run the command again with --debug (kg --debug ...) to see where"
    typer.echo(f"error: unexpected error ({what}){rerun}", err=True)
    raise typer.Exit(2) from None


app = typer.Typer(
    help="A knowledge graph of armed conflicts.", no_args_is_help=True, add_completion=False, cls=_Commands
)

DEFAULT_STORE = os.environ.get("KG_STORE", "var/store")
StoreOption = Annotated[str, typer.Option("--store", help="Store directory, 'memory', or a SPARQL server's URL.")]


#: Options of a remote store (``--store http(s)://...``), set by the global options below.
_REMOTE: dict[str, Any] = {}


@app.callback()
def main(
    store_user: Annotated[
        str | None, typer.Option(envvar="KG_STORE_USER", help="User for a SPARQL server's update endpoint.")
    ] = None,
    store_password: Annotated[str | None, typer.Option(envvar="KG_STORE_PASSWORD", help="Its password.")] = None,
    store_dialect: Annotated[
        str | None,
        typer.Option(envvar="KG_STORE_DIALECT", help="oxigraph, virtuoso or generic (default: detected)."),
    ] = None,
    store_update: Annotated[
        str | None,
        typer.Option(envvar="KG_STORE_UPDATE", help="The server's update endpoint (default: its dialect's)."),
    ] = None,
    store_gsp: Annotated[
        str | None, typer.Option(envvar="KG_STORE_GSP", help="The server's Graph Store Protocol endpoint.")
    ] = None,
    store_timeout: Annotated[
        float | None,
        typer.Option(
            envvar="KG_STORE_TIMEOUT",
            help="Seconds a request to the server may take (default 30; a bulk load writes in few large requests).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Print the traceback of an error too.")] = False,
) -> None:
    """A knowledge graph of armed conflicts. ``--store`` may be a SPARQL server's URL: then the
    options before the command give its credentials and endpoints."""
    _DEBUG["on"] = debug
    options = {
        "user": store_user,
        "password": store_password,
        "dialect": store_dialect,
        "update_url": store_update,
        "gsp_url": store_gsp,
        "timeout": store_timeout,
    }
    _REMOTE.clear()
    _REMOTE.update({k: v for k, v in options.items() if v})


def _remote(spec: str) -> dict[str, Any]:
    return dict(_REMOTE) if spec.startswith(("http://", "https://")) else {}


def remote_options() -> dict[str, Any]:
    """The SPARQL server options given before the command (credentials, dialect, endpoints)."""
    return dict(_REMOTE)


def fail(message: str, code: int = 1) -> None:
    """Print ``message`` (and, with ``--debug``, the traceback of the error being handled) and exit."""
    if sys.exc_info()[0] is not None:
        _show_traceback()
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _open(spec: str, extra: list[Path] | None = None) -> Store:
    return loader.open_store(spec, extra or [], **_remote(spec))


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    ntriples = "ntriples"
    jsonld = "jsonld"


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="TriG/N-Quads/Turtle files, one source each.")],
    store: StoreOption = DEFAULT_STORE,
    force: Annotated[bool, typer.Option(help="Reload files even when unchanged.")] = False,
    bulk: Annotated[
        bool | None,
        typer.Option(
            "--bulk/--no-bulk",
            help="Use the bulk loader (many sources per file, streamed; for large loads). "
            f"Default: bulk when the files add up to {bulk_loader.BULK_THRESHOLD_BYTES // 1_000_000} MB or more.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes that validate the sources of a bulk load (default: one per "
            f"{bulk_loader.BYTES_PER_JOB // 1_000_000} MB of input, at most one per core).",
        ),
    ] = None,
) -> None:
    """Validate FILES and load each source (all or nothing).

    The normal path takes one source per file and writes in one transaction; the bulk path
    also reads files of many sources (one named graph each) and uses the engine's bulk loader.
    Both validate every source against the shapes and derive the same triples. Both refuse a
    line over $KG_MAX_LINE_BYTES (default 1 MB) and a file whose terms expand (prefixes) to
    more than $KG_MAX_EXPANSION times its size (default 20) plus $KG_EXPANSION_ALLOWANCE
    (default 8 MB).
    """
    if bulk is None:
        bulk = sum(p.stat().st_size for p in files if p.is_file()) >= bulk_loader.BULK_THRESHOLD_BYTES
    try:
        opened = _open(store)
        try:
            if bulk:
                results = bulk_loader.bulk_load_files(opened, files, force=force, jobs=jobs)
            else:
                results = loader.load_files(opened, files, force=force)
        finally:
            opened.close()
    except KGError as exc:
        fail(str(exc))
    except MemoryError:  # the loader turns most into a LoadError naming the file; this is the rest
        fail(f"out of memory while loading {', '.join(map(str, files))}; nothing was loaded")
    if len(results) > _LISTED:
        _summarise(results)
        return
    for r in results:
        state = "unchanged, skipped" if r.skipped else f"{r.triples} triples + {r.derived} derived"
        typer.echo(f"{r.file}: {r.source} ({state})")


#: Loads of more sources than this print one line per file instead of one per source.
_LISTED = 50


def _summarise(results: list[loader.LoadResult]) -> None:
    by_file: dict[str, list[loader.LoadResult]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    for file, rs in by_file.items():
        loaded = [r for r in rs if not r.skipped]
        typer.echo(
            f"{file}: {len(loaded)} sources loaded ({sum(r.triples for r in loaded)} triples + "
            f"{sum(r.derived for r in loaded)} derived), {len(rs) - len(loaded)} unchanged, skipped"
        )


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Data files to check.")],
    against: Annotated[
        str | None,
        typer.Option(
            help="Also check the rules across sources against this store (with the bundled data), e.g. memory."
        ),
    ] = None,
) -> None:
    """Check FILES against the shapes and loading rules without loading them.

    A file is checked on its own; with ``--against`` also against a store's sources, as ``kg load``
    would (one preferred label per entity and language, dates, cited paragraphs, claims).
    """
    failed = False
    try:
        others = _open(against) if against else None
    except KGError as exc:
        fail(str(exc))
    for path in files:
        try:
            parsed = loader.read_source(path)
            violations = loader.validate(parsed)
            if others is not None and not violations:
                violations = [d.violation() for d in incoming_defects(others, {parsed.graph: parsed.triples})]
        except KGError as exc:
            typer.echo(f"error: {exc}", err=True)
            failed = True
            continue
        except MemoryError:
            typer.echo(f"error: {path}: out of memory while checking it", err=True)
            failed = True
            continue
        if violations:
            typer.echo(str(ValidationFailed(str(path), violations)), err=True)
            failed = True
        else:
            typer.echo(f"{path}: valid ({len(parsed.triples)} triples, source {parsed.graph})")
    if others is not None:
        others.close()
    if failed:
        raise typer.Exit(1)


@app.command()
def check(
    store: StoreOption = DEFAULT_STORE,
    data: Annotated[list[Path] | None, typer.Option(help="Extra data files to load before checking.")] = None,
) -> None:
    """Check the rules across sources on a store and list each defect (exit 1 if any).

    One preferred label per entity and language, no label both preferred and alternative, no end
    before its start, cited paragraphs within the source's paragraph count, no claim that is also
    a statement and no derived edge without its statement; and the default graph every query reads
    holds the union of the sources, each triple once (see kg.load.checks).
    """
    try:
        opened = _open(store, data)
        try:
            defects = check_store(opened)
            graphs = len([g for g in opened.named_graphs() if g != ONTOLOGY_GRAPH])
        finally:
            opened.close()
    except KGError as exc:
        fail(str(exc))
    for defect in defects:
        typer.echo(str(defect))
    if defects:
        typer.echo(f"{len(defects)} defect(s) in {graphs} sources", err=True)
        raise typer.Exit(1)
    typer.echo(f"no defects ({graphs} sources checked)")


def _cell(term: Any) -> str:
    value = to_python(term)
    return "" if value is None else str(value)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, or @FILE to read it from a file.")],
    store: StoreOption = DEFAULT_STORE,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output for SELECT results.")] = OutputFormat.table,
) -> None:
    """Run a SPARQL query over the union of all sources."""
    if sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"cannot read {sparql[1:]}: {exc.strerror}")
    try:
        result = _open(store).raw_query(sparql)
        if isinstance(result, ox.QueryBoolean):
            typer.echo("true" if result else "false")
        elif isinstance(result, ox.QueryTriples):
            sys.stdout.buffer.write(ox.serialize(list(result), format=ox.RdfFormat.TURTLE) or b"")
        else:
            _print_solutions(result, output)
    except KGError as exc:
        fail(str(exc))


def _print_solutions(result: ox.QuerySolutions, output: OutputFormat) -> None:
    names = [v.value for v in result.variables]
    rows = [[_cell(row[n]) for n in names] for row in result]
    if output is OutputFormat.json:
        typer.echo(json.dumps([dict(zip(names, r, strict=True)) for r in rows], ensure_ascii=False, indent=2))
    elif output is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(names)
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
        typer.echo("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
        for r in rows:
            typer.echo("  ".join(c[:60].ljust(w) for c, w in zip(r, widths, strict=True)))
        typer.echo(f"({len(rows)} rows)")


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Serialisation.")] = ExportFormat.trig,
    source: Annotated[str | None, typer.Option(help="Only this source's graph (id or IRI).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Export the graph (or one source's graph)."""
    graph = None if source is None else (source if source.startswith(("http://", "https://")) else SRC + source)
    opened = _open(store)

    def write(out: BinaryIO) -> None:
        if fmt is ExportFormat.jsonld:  # compacted with the project's context, written inline: readable offline
            export_jsonld(opened, out, graph, inline_context=True)
        else:
            opened.export_to(out, fmt.value, graph)

    if output is None:
        try:
            write(sys.stdout.buffer)
        except KGError as exc:
            fail(str(exc))
        return
    partial = output.with_name(output.name + ".partial")  # a failed export leaves no file behind
    try:
        with partial.open("wb") as out:
            write(out)
        partial.replace(output)
    except KGError as exc:
        partial.unlink(missing_ok=True)
        fail(str(exc))
    typer.echo(f"wrote {output.stat().st_size} bytes ({EXPORT_FORMATS[fmt.value][1]}) to {output}", err=True)


@app.command()
def sources(store: StoreOption = DEFAULT_STORE) -> None:
    """List the sources (one named graph each) and how many facts cite each."""
    try:
        found = list_sources(_open(store))
    except KGError as exc:
        fail(str(exc))
    for s in found:
        typer.echo(f"{s.id:32} {s.type:20} {s.facts:5} facts  {s.title}")


@app.command()
def remove(
    source: Annotated[str, typer.Argument(help="Source id or IRI.")], store: StoreOption = DEFAULT_STORE
) -> None:
    """Remove a source's graph (bundled sources come back at the next start)."""
    graph = source if source.startswith(("http://", "https://")) else SRC + source
    try:
        opened = connect(store, **_remote(store))
        removed = loader.remove_source(opened, graph)
    except KGError as exc:
        fail(str(exc))
    if not removed:
        fail(f"no source {source!r}")
    typer.echo(f"removed {graph}")


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="A .nq or .trig file, or a directory (a .trig per source).")],
    actors: Annotated[int, typer.Option(help="Number of invented actors (about 50 quads each).")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed: the same actors and seed give the same bytes.")] = 0,
) -> None:
    """Write a synthetic graph of invented actors, marked synthetic, for tests and benchmarks."""
    try:
        summary = synthetic.write(out, actors, seed)
    except ValueError as exc:  # bad input: no actors, an unsupported extension, a directory of other sources
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out}: {exc}")
    typer.echo(
        f"{out}: {summary.sources} sources, {summary.quads} quads, {summary.statements} statements "
        f"({summary.actors} actors, seed {summary.seed}) in {summary.seconds:.2f} s"
    )


if __name__ == "__main__":  # pragma: no cover
    app()
