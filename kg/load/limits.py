"""Limits on a data file's input, checked while it is read, so that a hostile file is refused cheaply.

Two things can make a small file cost a great deal:

* **a very long line**: an IRI or a literal of a gigabyte on one line (the parser holds the
  token it is reading whole). A line longer than ``max_line_bytes`` (default 1 MB; the lines of
  TriG, Turtle and N-Quads files are short in practice: a long text can be a triple-quoted
  literal over several lines) is refused as soon as its first ``max_line_bytes + 1`` bytes are
  read, so a 1 GB line costs about one buffer of memory;
* **expansion**: every triple holds its terms in full, so a prefix (or a base IRI, or a subject
  written once before many ``;`` and ``,``) of 50 KB used 3,000 times turns 200 KB of input into
  150 MB of terms, which every later step (validation, derivation, the write) copies several
  times over (a 210 KB file took 2.2 GB and 50 s). The characters of the parsed terms (IRIs,
  literals with their datatype or language, graph names; a blank node counts its label) may
  not exceed ``max_expansion`` times the bytes read so far plus ``expansion_allowance``
  (defaults: 20 times, 8 MB; the bundled data and ``kg generate``'s TriG expand about 5
  times). N-Quads writes every term in full, so it cannot expand and is not counted.

The limits come from :class:`InputLimits` (keyword ``limits`` of :func:`kg.load.loader.read_source`
and :func:`kg.load.loader.load_files`); by default from the environment: ``KG_MAX_LINE_BYTES``,
``KG_MAX_EXPANSION`` and ``KG_EXPANSION_ALLOWANCE`` (which the bulk loader and its worker
processes read too). A file over a limit raises :class:`~kg.errors.LoadError` naming the file
and the line, before anything is written.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg.errors import InvalidInput, LoadError

__all__ = ["InputLimits", "LimitedReader", "checked_quads", "parse_limited"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class InputLimits:
    """How long a line may be, and how much a file's terms may expand (see the module's notes)."""

    #: The longest line accepted, in bytes (its end of line not counted).
    max_line_bytes: int = 1_000_000
    #: Characters of parsed terms allowed per byte of input read ...
    max_expansion: float = 20.0
    #: ... plus these many characters (so that a small file may use its prefixes freely).
    expansion_allowance: int = 8_000_000

    def __post_init__(self) -> None:
        if self.max_line_bytes < 1:
            raise InvalidInput(f"the line limit must be at least 1 byte, not {self.max_line_bytes}")
        if not self.max_expansion >= 0 or self.expansion_allowance < 0:  # `not >=` also refuses NaN
            raise InvalidInput("the expansion limits must not be negative")

    @classmethod
    def from_env(cls) -> InputLimits:
        """The defaults, overridden by ``KG_MAX_LINE_BYTES``, ``KG_MAX_EXPANSION``, ``KG_EXPANSION_ALLOWANCE``."""
        return cls(
            max_line_bytes=int(_env("KG_MAX_LINE_BYTES", cls.max_line_bytes)),
            max_expansion=_env("KG_MAX_EXPANSION", cls.max_expansion),
            expansion_allowance=int(_env("KG_EXPANSION_ALLOWANCE", cls.expansion_allowance)),
        )


def _env(name: str, default: float) -> float:
    """A number from the environment (``1_000_000`` and ``1e6`` are accepted), else ``default``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be a number, not {text!r}")
    return value


class LimitedReader:
    """A binary file as the parser reads it, in bounded chunks: refuses a line over the limit.

    It also counts the bytes and lines read, and hashes the bytes (for the file's digest).
    """

    def __init__(self, path: Path, file: IO[bytes], max_line_bytes: int) -> None:
        self.path = path
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0
        #: Lines ended so far (the line being read is number ``lines + 1``).
        self.lines = 0
        self._file = file
        self._limit = max_line_bytes
        self._run = 0  # bytes of the line being read, so far
        # A line that ends inside one chunk is shorter than the chunk: with chunks of at most
        # limit + 1 bytes, only the line a chunk begins in needs to be measured.
        self._chunk = min(max_line_bytes + 1, 1 << 16)

    def read(self, size: int | None = -1) -> bytes:
        if size == 0:
            return b""
        data = self._file.read(self._chunk if size is None or size < 0 else min(size, self._chunk))
        if not data:
            return data
        self.sha256.update(data)
        self.bytes_read += len(data)
        first = data.find(b"\n")
        if first < 0:
            self._run += len(data)
            if self._run > self._limit:
                self._too_long()
            return data
        if self._run + first > self._limit:
            self._too_long()
        self.lines += data.count(b"\n")
        self._run = len(data) - data.rfind(b"\n") - 1
        return data

    def _too_long(self) -> None:
        raise LoadError(
            f"{self.path}: line {self.lines + 1} is longer than {self._limit:,} bytes "
            "(the limit, KG_MAX_LINE_BYTES); nothing was loaded"
        )

    def drain(self) -> None:
        """Read (and check) the rest of the file: the parser may stop before its end."""
        while self.read(1 << 16):
            pass


def _size(term: object) -> int:
    """The characters a parsed term holds."""
    kind = type(term)
    if kind is ox.NamedNode or kind is ox.BlankNode:
        return len(term.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        assert isinstance(term, ox.Literal)
        if term.language:
            return len(term.value) + len(term.language)
        datatype = term.datatype.value
        return len(term.value) + (0 if datatype == _XSD_STRING else len(datatype))
    if kind is ox.Triple:
        assert isinstance(term, ox.Triple)
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    return 0  # the default graph


def checked_quads(path: str | Path, fmt: ox.RdfFormat, limits: InputLimits | None = None) -> Iterator[ox.Quad]:
    """The quads of the file at ``path``, read within ``limits`` (default: :meth:`InputLimits.from_env`).

    Raises :class:`LoadError` (file and line) when a limit is passed or memory runs out, and lets
    the parser's :class:`SyntaxError` and the file's :class:`OSError` through.
    """
    path = Path(path)
    limits = limits or InputLimits.from_env()
    with path.open("rb") as file:
        yield from parse_limited(LimitedReader(path, file, limits.max_line_bytes), fmt, limits)


def parse_limited(source: LimitedReader, fmt: ox.RdfFormat, limits: InputLimits) -> Iterator[ox.Quad]:
    """The quads parsed from ``source``, refused (:class:`LoadError`) once they expand too much."""
    path = source.path
    count = fmt is not ox.RdfFormat.N_QUADS  # N-Quads writes every term in full: it cannot expand
    expanded = 0
    try:
        stream = cast("IO[bytes]", source)  # the parser calls only read()
        for quad in ox.parse(stream, format=fmt, base_iri=path.resolve().as_uri()):
            if count:
                expanded += _size(quad.subject) + _size(quad.predicate) + _size(quad.object) + _size(quad.graph_name)
                if expanded > limits.max_expansion * source.bytes_read + limits.expansion_allowance:
                    raise LoadError(
                        f"{path}: by line {source.lines + 1}, {source.bytes_read:,} bytes of input "
                        f"expanded to over {expanded:,} characters of terms (a long prefix or IRI "
                        f"used many times?); the limit is {limits.max_expansion:g} times the input "
                        f"plus {limits.expansion_allowance:,} (KG_MAX_EXPANSION, "
                        "KG_EXPANSION_ALLOWANCE); nothing was loaded"
                    )
            yield quad
    except MemoryError as exc:  # the parser's own cap on a token (16 MB), or the process's memory
        why = f"too large to parse ({exc})" if str(exc) else "out of memory while reading it"
        raise LoadError(f"{path}: {why}, by line {source.lines + 1}; nothing was loaded") from None
