"""Reading SPARQL text without the engine: nesting depth, query form, refused operations, LIMIT.

The engine's parser is not exposed to Python and can crash on pathological input, so the few
facts the service needs before evaluation come from a small scanner that reads tokens the way
the parser does: strings, IRIs and comments are skipped, so ``"SERVICE"`` in a string or
``ex:load`` as a name is not a keyword.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["QUERY_FORMS", "UPDATE_KEYWORDS", "QueryShape", "analyse", "nesting_depth", "with_limit"]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
#: Keywords that make the engine reach outside the store.
OUTBOUND_KEYWORDS = frozenset({"SERVICE", "LOAD"})

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]*")
_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "var", "number", "open", "close", "other"
    text: str
    start: int
    end: int
    depth: int  # nesting depth *before* this token


@dataclass
class QueryShape:
    """What the scanner learnt about a request's SPARQL text."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None for an update or unreadable text
    is_update: bool
    depth: int
    outbound: list[str] = field(default_factory=list)  # SERVICE / LOAD keywords found


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


def nesting_depth(query: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in a query, read as the parser reads it."""
    deepest = 0
    for token in _tokens(query):
        if token.kind == "open":
            deepest = max(deepest, token.depth + 1)
    return deepest


def analyse(text: str) -> QueryShape:
    """The form of a query (or whether it is an update), its depth and any outbound keyword."""
    tokens = _tokens(text)
    words = [t.text.upper() for t in tokens if t.kind == "word"]
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    depth = max((t.depth + 1 for t in tokens if t.kind == "open"), default=0)
    outbound = sorted({w for w in words if w in OUTBOUND_KEYWORDS})
    if first in QUERY_FORMS:
        return QueryShape(first, False, depth, outbound)
    return QueryShape(None, first in UPDATE_KEYWORDS, depth, outbound)


def with_limit(query: str, limit: int) -> str:
    """The query with its outermost LIMIT lowered to ``limit`` (or added).

    A top-level ``LIMIT n`` above the cap is rewritten; otherwise ``LIMIT`` is inserted before a
    trailing top-level ``VALUES`` block, or appended.
    """
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
