"""The gate every SPARQL text passes before the engine (embedded, or a server) parses it.

The engine's parser recurses once for each bracket and each operator in a chain; deep enough
input overflows its stack and takes the process down. These checks read the text with the
scanner of :mod:`kg.sparql.text` (never the engine) and refuse, with
:class:`~kg.errors.QueryRefused`, what could do that, and what the scanner cannot read with
certainty. The embedded store checks every query (:meth:`kg.store.embedded.EmbeddedStore.raw_query`),
the remote store every text it sends, the SPARQL endpoint every request.
"""

from __future__ import annotations

from kg.errors import QueryRefused
from kg.sparql.text import Guard, QueryShape, TooAmbiguous, analyse, guard

__all__ = ["MAX_NESTING", "MAX_OPERATORS", "check_size", "readable", "refuse_oversized"]

#: Deepest bracket nesting accepted in a query. A few thousand nested braces crash the
#: engine's parser (taking the process down), so deeper queries are refused before parsing.
MAX_NESTING = 256

#: The most operators and keywords (``!``, ``||``, ``FILTER``, ``MINUS``, ``BIND``, function names...;
#: see :class:`kg.sparql.text.Guard`) accepted in a query. The parser and the evaluator recurse
#: once for each in a chain, brackets or not: about 2,600 ``MINUS`` or ``BIND`` in a row, 6,400
#: ``UNION`` or 9,000 ``!`` overflow the stack of the engine (embedded, and the Oxigraph server alike),
#: and 3,000 ``MINUS`` inside 250 levels of nesting do. A thousand keeps a margin of about three
#: over every construct tried (tests/test_sparql_guard.py) and is far above what a person writes.
MAX_OPERATORS = 1000


def check_size(query: str, max_nesting: int = MAX_NESTING) -> Guard:
    """What the guard scan finds in ``query``, refusing with :class:`~kg.errors.QueryRefused` (a
    :class:`~kg.errors.QueryError`) a text whose nesting or operators could overflow the parser's
    stack (:func:`refuse_oversized`), or that cannot be read with certainty."""
    try:
        found = guard(query)
    except TooAmbiguous as exc:
        raise _unreadable(exc) from None
    refuse_oversized(found, max_nesting)
    return found


def readable(query: str) -> QueryShape:
    """The scanner's reading of ``query`` (:func:`kg.sparql.text.analyse`), refusing with
    :class:`~kg.errors.QueryRefused` a text it cannot read with certainty."""
    try:
        return analyse(query)
    except TooAmbiguous as exc:
        raise _unreadable(exc) from None


def refuse_oversized(found: Guard | QueryShape, max_nesting: int = MAX_NESTING) -> None:
    """Refuse (:class:`~kg.errors.QueryRefused`) what the guard scan found too deep or too long
    for the parser's stack: nesting past ``max_nesting``, more than :data:`MAX_OPERATORS`."""
    if found.depth > max_nesting:
        raise QueryRefused(f"query nested more than {max_nesting} levels deep")
    if found.operators > MAX_OPERATORS:
        raise QueryRefused(
            f"query holds more than {MAX_OPERATORS} operators and keywords (it has at least {found.operators}); "
            "a long chain overflows the parser: use VALUES or IN ( ... ) for long lists"
        )


def _unreadable(exc: TooAmbiguous) -> QueryRefused:
    return QueryRefused(f"{exc}: the service cannot check it safely")
