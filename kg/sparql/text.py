"""Reading SPARQL text without the engine: nesting depth, query form, refused operations, LIMIT.

The engine's parser is not exposed to Python and can crash on pathological input, so the few
facts the service needs before evaluation come from a small scanner that reads tokens the way
the parser does: strings, IRIs and comments are skipped, so ``"SERVICE"`` in a string or
``ex:load`` as a name is not a keyword.

The safety checks (nesting depth, ``SERVICE``/``LOAD``) must not be fooled where the text can be
read two ways: the parser reads ``<`` as the start of an IRI or, inside an expression, as "less
than", and the readings disagree about what follows (``?o<'> "' || EXISTS { SERVICE ... }`` is
an IRI then a string to one, a string then code to the other). :func:`guard` follows every
reading at once and reports the worst, so nothing the parser may take as code is missed.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

__all__ = [
    "MAX_READINGS",
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "Guard",
    "QueryShape",
    "TooAmbiguous",
    "analyse",
    "declares_dataset",
    "guard",
    "nesting_depth",
    "pattern_start",
    "prefixes_used",
    "relative_iris",
    "subquery_patterns",
    "with_limit",
]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
#: Keywords that make the engine reach outside the store.
OUTBOUND_KEYWORDS = frozenset({"SERVICE", "LOAD"})
#: Functions whose value changes from one evaluation to the next, the data unchanged.
VOLATILE_FUNCTIONS = frozenset({"NOW", "RAND", "UUID", "STRUUID"})

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*")
_NUMBER = re.compile(r"[0-9]+")

# For the guard scan: one token of code (the start of a string or comment; a run of brackets), an
# IRI as the parser may read it (escapes included), and what in an IRI's text could read
# differently as code (a string or comment start, a bracket, an escape).
_GUARD_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>\s+)",
            r"(?P<comment>#)",
            r"(?P<string>'''|\"\"\"|'|\")",
            r"(?P<iri><)",
            r"(?P<open>[{(\[]+)",
            r"(?P<close>[})\]]+)",
            r"(?P<var>[?$]\w*)",
            r"(?P<local>:(?:(?:[\w:%]|\\.)(?:(?:[\w\-:%.]|\\.)*(?:[\w\-:%]|\\.))?)?)",
            r"(?P<word>\w+)",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)
_GUARD_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>')
_SCHEME = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")
_AMBIGUOUS_IN_IRI = re.compile(r"['#()\[\]\\]")


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "var", "number", "open", "close", "other"
    text: str
    start: int
    end: int
    depth: int  # nesting depth *before* this token


@dataclass(frozen=True)
class QueryShape:
    """What the scanner learnt about a request's SPARQL text."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None for an update or unreadable text
    is_update: bool
    depth: int
    outbound: tuple[str, ...] = ()  # SERVICE / LOAD keywords found
    volatile: bool = False  # calls NOW, RAND, UUID or STRUUID: the same text may answer differently
    operators: int = 0  # the most operators and keywords one reading holds (see Guard)


def _skip_string(query: str, i: int) -> int:
    """Index just after the string literal that starts at ``i``."""
    quote = query[i] * 3 if query.startswith(query[i] * 3, i) else query[i]
    j = i + len(quote)
    n = len(query)
    while j < n and not query.startswith(quote, j):
        j += 2 if query[j] == "\\" else 1
    return min(n, j + len(quote))


def _tokens(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    depth = 0
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            i = _skip_string(query, i)
        elif c == "<" and (iri := _IRIREF.match(query, i)):
            i = iri.end()
        elif c in "{([":
            tokens.append(_Token("open", c, i, i + 1, depth))
            depth += 1
            i += 1
        elif c in "})]":
            depth -= 1
            tokens.append(_Token("close", c, i, i + 1, depth))
            i += 1
        elif c in "?$":
            m = _WORD.match(query, i + 1) or _NUMBER.match(query, i + 1)
            end = m.end() if m else i + 1
            tokens.append(_Token("var", query[i:end], i, end, depth))
            i = end
        elif m := _WORD.match(query, i):
            end = m.end()
            # a prefixed name (ex:service, service:x) is a name, not a keyword
            if (end < n and query[end] == ":") or (i > 0 and query[i - 1] == ":"):
                tokens.append(_Token("other", query[i:end], i, end, depth))
            else:
                tokens.append(_Token("word", m.group().rstrip("."), i, end, depth))
            i = end
        elif m := _NUMBER.match(query, i):
            tokens.append(_Token("number", m.group(), i, m.end(), depth))
            i = m.end()
        else:
            tokens.append(_Token("other", c, i, i + 1, depth))
            i += 1
    return tokens


class _Ends:
    """Where a comment or a string that starts at a given position ends, found by bisection (a
    reading may start a string at every IRI: scanning each to its end would be quadratic)."""

    def __init__(self, query: str) -> None:
        self.n = len(query)
        escaped = {m.end() for m in re.finditer(r"\\+", query) if (m.end() - m.start()) % 2}
        self.newlines = [m.start() for m in re.finditer(r"[\n\r]", query)]
        self.closers = {
            quote: [m.start() for m in re.finditer(f"(?={quote})", query) if m.start() not in escaped]
            for quote in ("'", '"', "'''", '"""')
        }

    def _next(self, positions: list[int], at: int) -> int:
        i = bisect.bisect_left(positions, at)
        return positions[i] if i < len(positions) else self.n

    def comment(self, start: int) -> int:
        """Where code resumes after a comment whose text starts at ``start``."""
        return self._next(self.newlines, start)

    def string(self, start: int, quote: str) -> int:
        """Where code resumes after a string whose content starts at ``start``."""
        close = self._next(self.closers[quote], start)
        if len(quote) == 1:  # a short string ends at the end of its line at the latest
            close = min(close, self._next(self.newlines, start) - 1)
        return min(self.n, close + len(quote))


class TooAmbiguous(ValueError):
    """The text can be read in more ways than the guard scan follows (:data:`MAX_READINGS`), or
    would take it more than :data:`SCAN_TOKENS` tokens to read."""


class _Stop(Exception):
    """A reading went past :data:`STOP_DEPTH` or :data:`STOP_OPERATORS`."""

    def __init__(self, depth: int, operators: int) -> None:
        self.depth, self.operators = depth, operators


#: The most readings the guard scan follows at once; a text that needs more is refused, since
#: what it holds cannot be told. No sensible query comes near: a reading forks only at an IRI
#: compared inside an expression whose text holds brackets, quotes, ``#`` or ``\``.
MAX_READINGS = 32

#: The guard scan stops reading once one reading goes past this nesting or this many operators
#: (any limit refuses such a text), and gives up on a text that would take more tokens than
#: this to read under all its readings: the time one scan takes stays bounded (about a second).
STOP_DEPTH = 4096
STOP_OPERATORS = 65_536
SCAN_TOKENS = 1_000_000

#: Characters that make an operator (each counts once: ``||`` is two).
_OPERATOR_CHARS = frozenset("!|&=<>+-*/^")


@dataclass(frozen=True)
class Guard:
    """What the guard scan found under every reading of a text: the deepest nesting of brackets,
    the keywords that reach outside the store, and the most operators and keywords (calls
    included) one reading holds, a bound on how deep the parser's recursion may go for a text
    that is not nested."""

    depth: int
    outbound: frozenset[str]
    operators: int
    #: whether the readings ever parted (a compared IRI whose text reads as code otherwise): then
    #: the single reading of :func:`_tokens` may not be the parser's, and no rewrite is safe
    forked: bool = False


@dataclass(frozen=True)
class _Reading:
    """Where one reading of the text stands: the brackets open (innermost last), whether the
    last token of code may end an operand (then a ``<`` may mean "less than") and how many
    operators and keywords it has met."""

    brackets: str
    operand: bool
    operators: int


def _code_operators(text: str) -> int:
    """Operators and keywords in ``text`` read as code (over-counted: strings are not skipped)."""
    return sum(c in _OPERATOR_CHARS for c in text) + sum(not w[0].isdigit() for w in _WORDS.findall(text))


_WORDS = re.compile(r"\w+(?!\w*:)")


def _guard_run(
    query: str, ends: _Ends, pos: int, reading: _Reading, limit: int, found: set[str], budget: list[int]
) -> tuple[int, list[tuple[int, _Reading]]]:
    """Read code from ``pos`` up to ``limit`` or to a ``<`` that may open an IRI or compare.

    Returns the deepest nesting seen and the readings to go on with (position, reading); keywords
    that reach outside go into ``found``; each token read is taken from ``budget[0]``. Raises
    :class:`_Stop` past the stopping limits, :class:`TooAmbiguous` when the budget runs out.
    """
    brackets, operand, operators = reading.brackets, reading.operand, reading.operators
    deepest = len(brackets)
    while pos < limit:
        budget[0] -= 1
        if budget[0] < 0:
            raise TooAmbiguous(f"the query would take more than {SCAN_TOKENS:,} tokens to check")
        if operators > STOP_OPERATORS or deepest > STOP_DEPTH:
            raise _Stop(deepest, operators)
        token = _GUARD_TOKEN.match(query, pos)
        assert token is not None  # "other" matches any character
        kind, end = token.lastgroup, token.end()
        if kind == "space":
            pass
        elif kind == "open":
            brackets += token.group()
            deepest = max(deepest, len(brackets))
            operand = False
        elif kind == "close":
            brackets = brackets[: max(0, len(brackets) - (end - pos))]
            operand = True  # ")" ends a call or a bracketted expression, "}" an EXISTS
        elif kind == "comment":
            end = ends.comment(end)
        elif kind == "string":
            end = ends.string(end, token.group())
            operand = True
        elif kind == "iri" and (iri := _GUARD_IRI.match(query, pos)):
            # The parser compares only inside an expression, which is always within parentheses,
            # and only after an operand; anywhere else "<" opens an IRI.
            if operand and brackets.endswith("("):
                if _AMBIGUOUS_IN_IRI.search(iri.group()):
                    # Both readings go on: an IRI, or "less than" then code. Nothing the second
                    # reading meets is left out: SERVICE behind a "#" may find its "{" on the next line.
                    return deepest, [
                        (iri.end(), _Reading(brackets, True, operators)),
                        (pos + 1, _Reading(brackets, False, operators + 1)),
                    ]
                # read as code, this text opens and closes nothing, but may hold operators
                operators += _code_operators(iri.group())
            end = iri.end()
            operand = True
        elif kind == "word":
            upper = token.group().upper()
            # the parser may split "trueSERVICE" into two tokens: look for SERVICE inside words
            found.update(k for k in OUTBOUND_KEYWORDS if (k in upper if k == "SERVICE" else k == upper))
            # a keyword or a function (not a number, nor the prefix of a prefixed name)
            operators += not upper[0].isdigit() and not query.startswith(":", end)
            operand = True
        elif kind in ("var", "local"):
            operand = True
        else:  # an operator or punctuation, or a "<" that can only be code
            operators += token.group() in _OPERATOR_CHARS
            operand = False
        pos = end
    return deepest, [(pos, _Reading(brackets, operand, operators))]


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _remembered(fn: _Fn) -> _Fn:
    """Remember what ``fn`` read from recent short texts.

    Clients send the same queries again and again, and reading one costs a few hundred
    microseconds in Python, more than the engine takes for a lookup. These functions depend on
    their arguments alone, so a remembered answer is always right; only texts of at most 8 KB are
    kept (2,048 of them: 16 MB at the very most).
    """
    cached = functools.lru_cache(maxsize=2048)(fn)

    @functools.wraps(fn)
    def read(text: str, *args: Any) -> Any:
        return cached(text, *args) if len(text) <= 8192 else fn(text, *args)

    return cast(_Fn, read)


@_remembered
def guard(query: str) -> Guard:
    """The deepest nesting, the outbound keywords and the most operators under any reading of
    ``query`` the parser may make.

    Readings advance lowest position first, each up to where the next one waits, and merge when
    they meet with the same brackets open (a merged reading may compare if either may, and counts
    the greater number of operators), so the text is read a bounded number of times. A reading
    that goes past :data:`STOP_DEPTH` or :data:`STOP_OPERATORS` ends the scan (with what it
    found so far). Raises :class:`TooAmbiguous` when more than :data:`MAX_READINGS` readings or
    :data:`SCAN_TOKENS` tokens would be needed.
    """
    n = len(query)
    ends = _Ends(query)
    found: set[str] = set()
    deepest = operators = 0
    budget = [SCAN_TOKENS]
    pending: dict[int, dict[str, _Reading]] = {0: {"": _Reading("", False, 0)}}
    heap = [0]
    live = 1
    forked = False
    while heap:
        pos = heapq.heappop(heap)
        for reading in pending.pop(pos).values():
            live -= 1
            try:
                reached, readings = _guard_run(query, ends, pos, reading, heap[0] if heap else n, found, budget)
            except _Stop as stop:
                return Guard(max(deepest, stop.depth), frozenset(found), stop.operators, forked)
            deepest = max(deepest, reached)
            forked = forked or len(readings) > 1
            for at, next_reading in readings:
                if at >= n:
                    operators = max(operators, next_reading.operators)
                    continue
                if at not in pending:
                    pending[at] = {}
                    heapq.heappush(heap, at)
                waiting = pending[at]
                other = waiting.get(next_reading.brackets)
                if other is None:
                    live += 1
                    if live > MAX_READINGS:
                        raise TooAmbiguous(f"the query can be read in more than {MAX_READINGS} ways")
                    waiting[next_reading.brackets] = next_reading
                else:
                    waiting[next_reading.brackets] = _Reading(
                        other.brackets,
                        other.operand or next_reading.operand,
                        max(other.operators, next_reading.operators),
                    )
    return Guard(deepest, frozenset(found), operators, forked)


@_remembered
def nesting_depth(query: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in a query under any reading the parser may make."""
    return guard(query).depth


@_remembered
def analyse(text: str) -> QueryShape:
    """The form of a query (or whether it is an update), its depth, any outbound keyword, whether
    it calls a function whose value changes between evaluations and how many operators it holds.
    Raises :class:`TooAmbiguous` for a text the guard scan cannot follow."""
    tokens = _tokens(text)
    words = [t.text.upper() for t in tokens if t.kind == "word"]
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    found = guard(text)
    depth, outbound = found.depth, tuple(sorted(found.outbound))
    volatile = not VOLATILE_FUNCTIONS.isdisjoint(words)
    if first in QUERY_FORMS:
        return QueryShape(first, False, depth, outbound, volatile, found.operators)
    return QueryShape(None, first in UPDATE_KEYWORDS, depth, outbound, volatile, found.operators)


@_remembered
def relative_iris(query: str) -> bool:
    """Whether the text may hold a relative IRI, which only a base IRI resolves: an IRI reference
    with no scheme, or with an escape. The whole text is read, strings and comments too, so the
    answer errs towards yes (a base IRI given for nothing), never towards no."""
    return any(not _SCHEME.match(iri) or "\\" in iri for iri in _GUARD_IRI.findall(query))


@_remembered
def declares_dataset(query: str) -> bool:
    """Whether the query names its own dataset (``FROM`` or ``FROM NAMED``)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in _tokens(query))


@_remembered
def with_limit(query: str, limit: int) -> str:
    """The query with its outermost LIMIT lowered to ``limit`` (or added).

    A top-level ``LIMIT n`` above the cap is rewritten; otherwise ``LIMIT`` is inserted before a
    trailing top-level ``VALUES`` block, or appended. A text whose readings part (see
    :class:`Guard`) is returned unchanged: which ``LIMIT`` is the outermost cannot be told, and
    lowering a subquery's would change the answer (the caller counts the rows instead).
    """
    try:
        if guard(query).forked:
            return query
    except TooAmbiguous:
        return query
    tokens = _tokens(query)
    top = [t for t in tokens if t.depth == 0]
    for k, token in enumerate(top):
        if token.kind == "word" and token.text.upper() == "LIMIT" and k + 1 < len(top) and top[k + 1].kind == "number":
            number = top[k + 1]
            if int(number.text) <= limit:
                return query
            return query[: number.start] + str(limit) + query[number.end :]
    seen_block = False
    for token in top:
        if token.kind == "close" and token.text == "}":
            seen_block = True
        if seen_block and token.kind == "word" and token.text.upper() == "VALUES":
            return query[: token.start] + f"LIMIT {limit}\n" + query[token.start :]
    return query.rstrip() + f"\nLIMIT {limit}\n"


@_remembered
def prefixes_used(query: str) -> frozenset[str]:
    """The prefixes of the prefixed names in a query that it does not declare itself.

    Names are read as the parser reads code (strings, IRIs and comments skipped); the empty
    prefix and names outside ``[A-Za-z_][A-Za-z0-9_.-]*`` are not reported.
    """
    tokens = _tokens(query)
    declared: set[str] = set()
    used: set[str] = set()
    for k, token in enumerate(tokens):
        if token.kind != "other" or not _WORD.fullmatch(token.text) or not query.startswith(":", token.end):
            continue
        after_prefix = k > 0 and tokens[k - 1].kind == "word" and tokens[k - 1].text.upper() == "PREFIX"
        (declared if after_prefix else used).add(token.text)
    return frozenset(used - declared)


@_remembered
def subquery_patterns(query: str) -> tuple[tuple[int, frozenset[str] | None], ...]:
    """Where each subquery's graph pattern begins (just inside the ``{`` after its ``SELECT``
    clause), with the names of the variables it projects (None for ``SELECT *``)."""
    tokens = _tokens(query)
    found: list[tuple[int, frozenset[str] | None]] = []
    for k, token in enumerate(tokens):
        if token.depth == 0 or token.kind != "word" or token.text.upper() != "SELECT":
            continue
        projected: set[str] = set()
        star = False
        for j in range(k + 1, len(tokens)):
            t = tokens[j]
            if t.depth == token.depth and t.kind == "open" and t.text == "{":
                found.append((t.end, None if star else frozenset(projected)))
                break
            if t.depth == token.depth and t.kind == "var":
                projected.add(t.text[1:])
            elif t.depth == token.depth and t.kind == "other" and t.text == "*":
                star = True
            elif t.kind == "var" and tokens[j - 1].kind == "word" and tokens[j - 1].text.upper() == "AS":
                projected.add(t.text[1:])
    return tuple(found)


@_remembered
def pattern_start(query: str) -> int | None:
    """Where the query's top-level graph pattern begins: just inside the ``{`` that opens its
    ``WHERE`` clause (a SELECT or ASK may leave ``WHERE`` out). None for a query without one
    (``DESCRIBE <x>``)."""
    top = [t for t in _tokens(query) if t.depth == 0]
    after_where = next((k for k, t in enumerate(top) if t.kind == "word" and t.text.upper() == "WHERE"), None)
    candidates = top[after_where:] if after_where is not None else top
    brace = next((t for t in candidates if t.kind == "open" and t.text == "{"), None)
    return brace.end if brace is not None else None
