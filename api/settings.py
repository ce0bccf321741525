"""Service settings, read from ``KG_*`` environment variables in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Settings"]


def _optional_int(value: str | None) -> int | None:
    """A number setting whose default depends on others: unset or empty is None."""
    return int(value) if value is not None and value.strip() else None


def _flag(value: str) -> bool:
    """An on/off setting: 1, true, yes or on (any case) is on."""
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    # KG_STORE: where the graph lives: a directory for the on-disk store, "memory", or the URL of a
    # SPARQL server (http(s)://...; see kg/store/remote.py).
    store: str = "var/store"
    # KG_STORE_USER, KG_STORE_PASSWORD: credentials for a SPARQL server's update endpoint.
    store_user: str | None = None
    store_password: str | None = None
    # KG_STORE_DIALECT: oxigraph, virtuoso or generic (default: detected from the server).
    store_dialect: str | None = None
    # KG_STORE_UPDATE, KG_STORE_GSP: the server's update and Graph Store Protocol endpoints
    # (default: the dialect's).
    store_update: str | None = None
    store_gsp: str | None = None
    # KG_STORE_TIMEOUT: seconds any request to a SPARQL server may take (then: 503).
    store_timeout: float = 30.0
    # KG_DATA: extra data files (colon-separated) loaded as their own sources at start-up.
    data: list[str] = field(default_factory=list)
    # KG_QUERY_TIMEOUT: seconds a SPARQL query may run before it is stopped (answer: 503).
    query_timeout: float = 30.0
    # KG_MAX_ROWS: the most solutions a SPARQL SELECT returns; more are cut (header X-KG-Truncated).
    max_rows: int = 10_000
    # KG_MAX_QUERY_BYTES: the largest SPARQL request body accepted (answer: 413).
    max_query_bytes: int = 1_000_000
    # KG_QUERY_WORKERS: SPARQL worker processes (0: one per core).
    query_workers: int = 0
    # KG_QUERY_MEMORY_MB: megabytes a SPARQL query may allocate in its worker beyond what the worker
    # holds at rest (its replica of the store); past it the worker dies and is replaced, and the
    # client gets 503 (0: no limit). Each worker can reach it at once: workers x this should fit.
    query_memory_mb: int = 2048
    # KG_LONG_QUERY_SECONDS, KG_LONG_QUERIES_PER_CLIENT: a query running longer than this is long;
    # a client (its address) may have that many long queries running at once (default: one less
    # than the workers, at least 1; 0: no limit); one more is stopped then (answer: 429), so
    # that one client's long queries leave a worker to the others.
    long_query_seconds: float = 2.0
    long_queries_per_client: int | None = None
    # KG_SPARQL_CACHE_MB: megabytes of SPARQL answers kept for repeated queries until the next write
    # (0: none; header X-KG-Cache says hit or miss). Never over a remote store.
    sparql_cache_mb: float = 64.0
    # KG_ACCESS_LOG: 1 to log every request (off by default: on a busy SPARQL endpoint the log line
    # costs a noticeable share of a short query's time).
    access_log: bool = False
    # KG_WARM: 0 to skip computing the labels, search index, lists and today's network at start-up
    # (api.warm; about 3 GB and minutes at 100k actors); the first request needing one computes it.
    warm: bool = True

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the environment, then explicit overrides (command-line options)."""
        env = os.environ
        settings = cls(
            store=env.get("KG_STORE", cls.store),
            store_user=env.get("KG_STORE_USER"),
            store_password=env.get("KG_STORE_PASSWORD"),
            store_dialect=env.get("KG_STORE_DIALECT"),
            store_update=env.get("KG_STORE_UPDATE"),
            store_gsp=env.get("KG_STORE_GSP"),
            store_timeout=float(env.get("KG_STORE_TIMEOUT", cls.store_timeout)),
            data=[p for p in env.get("KG_DATA", "").split(":") if p],
            query_timeout=float(env.get("KG_QUERY_TIMEOUT", cls.query_timeout)),
            max_rows=int(env.get("KG_MAX_ROWS", cls.max_rows)),
            max_query_bytes=int(env.get("KG_MAX_QUERY_BYTES", cls.max_query_bytes)),
            query_workers=int(env.get("KG_QUERY_WORKERS", cls.query_workers)),
            query_memory_mb=int(env.get("KG_QUERY_MEMORY_MB", cls.query_memory_mb)),
            long_query_seconds=float(env.get("KG_LONG_QUERY_SECONDS", cls.long_query_seconds)),
            long_queries_per_client=_optional_int(env.get("KG_LONG_QUERIES_PER_CLIENT")),
            sparql_cache_mb=float(env.get("KG_SPARQL_CACHE_MB", cls.sparql_cache_mb)),
            access_log=_flag(env.get("KG_ACCESS_LOG", "0")),
            warm=_flag(env.get("KG_WARM", "1")),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def remote_options(self) -> dict[str, Any]:
        """The options of a remote store (:class:`kg.store.remote.RemoteStore`); unused by the embedded one."""
        if not self.store.startswith(("http://", "https://")):
            return {}
        options = {
            "user": self.store_user,
            "password": self.store_password,
            "dialect": self.store_dialect,
            "update_url": self.store_update,
            "gsp_url": self.store_gsp,
        }
        return {k: v for k, v in options.items() if v} | {"timeout": self.store_timeout}


# --- the settings table of docs/deployment.md ---------------------------------------------------
# `make docs` (python -m api.settings --write docs/deployment.md) writes it from the comments above,
# and tests/test_docs.py fails when the page differs: those comments are the documentation.

#: One row of the table: the variables, their defaults (in the same order) and what they do.
Row = tuple[tuple[str, ...], tuple[str, ...], str]

#: Settings the library reads where they are used, not through :class:`Settings`. tests/test_docs.py
#: checks that every ``KG_*`` variable read in kg/ or api/ is documented here or in :class:`Settings`.
LIBRARY_SETTINGS: tuple[Row, ...] = (
    (
        ("KG_MAX_LINE_BYTES",),
        ("1000000",),
        "the longest line a data file may hold, in bytes (`kg load`, both paths, and the data the service "
        "loads): a longer line is refused with its file and line number, and nothing is loaded.",
    ),
    (
        ("KG_MAX_EXPANSION", "KG_EXPANSION_ALLOWANCE"),
        ("20", "8000000"),
        "how far a data file's parsed terms may outgrow it: characters of terms per byte read, plus an "
        "allowance; a file past that (a long prefix used many times) is refused, and nothing is loaded.",
    ),
    (
        ("KG_ONTOLOGY",),
        ("unset",),
        "a directory of ontology files (conflict-kg.ttl, shapes.ttl...) to read instead of the bundled "
        "ontology/, once, when kg is imported: an ontology with a kind of statement added, say.",
    ),
    (
        ("KG_QUERY_SANDBOX",),
        ("on",),
        "off leaves the SPARQL query workers their network access (the sandbox: a network namespace and a "
        "seccomp filter, behind the refusal of SERVICE and LOAD); for a platform where the sandbox breaks "
        "something.",
    ),
)

_BEGIN = "<!-- settings table: written by `make docs` from api/settings.py; edit the comments there -->"
_END = "<!-- end of the settings table -->"


def _default_text(value: Any) -> str:
    if value is None or value == []:
        return "unset"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def documented() -> list[Row]:
    """The fields of :class:`Settings` as table rows, read from the comments in its source.

    Each group of fields follows a comment ``# KG_NAME[, KG_NAME...]: what they do``, which names
    one variable per field of the group, in order. A field without one raises :class:`ValueError`.
    """
    import dataclasses
    import inspect

    defaults = {
        f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        for f in dataclasses.fields(Settings)
    }
    rows: list[Row] = []
    comment: list[str] = []
    group: list[str] = []  # the fields under the current comment
    for line in inspect.getsource(Settings).splitlines():
        text = line.strip()
        if text.startswith("#"):
            if group:  # a comment after fields starts the next group
                comment, group = [], []
            comment.append(text.lstrip("#").strip())
            continue
        if line.startswith(("    @", "    def ")):  # the fields are over
            break
        name = text.split(":", 1)[0]
        if name not in defaults:  # the class's docstring or a blank line
            continue
        head, _, what = " ".join(comment).partition(": ")
        variables = tuple(v.strip() for v in head.split(","))
        if not what or not all(v.startswith("KG_") for v in variables) or len(group) >= len(variables):
            raise ValueError(f"Settings.{name} needs its own variable in a comment '# KG_NAME: what it does' above")
        group.append(name)
        if len(group) == 1:
            rows.append(((), (), what))
        _, shown, _ = rows[-1]
        rows[-1] = (variables, (*shown, _default_text(defaults[name])), what)
    for variables, shown, _ in rows:
        if len(shown) != len(variables):
            raise ValueError(f"{', '.join(variables)}: one field per variable named in the comment")
    return rows


def markdown() -> str:
    """The table of every ``KG_*`` setting, between the markers docs/deployment.md holds it by."""

    def line(row: Row) -> str:
        variables, defaults, what = row
        shown = ", ".join("unset" if d == "unset" else f"`{d}`" for d in defaults)
        what = what.replace("|", "\\|")
        return f"| {', '.join(f'`{v}`' for v in variables)} | {shown} | {what} |"

    header = ["| variable | default | what it does |", "|---|---|---|"]
    service = (
        "Read by the service (`kg serve`) into `api.settings.Settings`; `KG_STORE` and the server's credentials"
        " and endpoints also by the other `kg` commands that open a store:"
    )
    lines = [_BEGIN, "", service, "", *header]
    lines += [line(row) for row in documented()]
    lines += ["", "Read by the library where they are used (`kg load`, `kg serve` and any Python program):", ""]
    lines += [*header, *(line(row) for row in LIBRARY_SETTINGS), "", _END]
    return "\n".join(lines) + "\n"


def with_table(page: str) -> str:
    """A Markdown page with the table between its markers written anew."""
    start, end = page.find(_BEGIN), page.find(_END)
    if start < 0 or end < start:
        raise ValueError("the page has no settings table markers")
    return page[:start] + markdown() + page[end + len(_END) + 1 :]


if __name__ == "__main__":  # python -m api.settings [--markdown | --write FILE]
    import sys
    from pathlib import Path

    if sys.argv[1:2] == ["--write"] and len(sys.argv) == 3:
        page = Path(sys.argv[2])
        page.write_text(with_table(page.read_text(encoding="utf-8")), encoding="utf-8")
    elif sys.argv[1:] in ([], ["--markdown"]):
        sys.stdout.write(markdown())
    else:
        sys.exit("usage: python -m api.settings [--markdown | --write FILE]")
