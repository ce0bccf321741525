"""SPARQL syntax errors a person can act on, from the engine's parser messages.

The engine reports ``error at LINE:COLUMN: expected ...``, where the list of what was expected
comes from its grammar: keywords, quoted punctuation and character classes written as Unicode
ranges. Its position is where the parser gave up, which for many mistakes is the end of the
text. :func:`explain` reads the query with a small scanner of its own (strings, IRIs, comments,
brackets, names) to find the usual mistakes where they are, and says in words what was expected:

* a misspelt query form (``SELEC``): the forms, and the closest one;
* a prefix neither declared in the query nor by the endpoint: the prefixes the endpoint
  declares for every query (:data:`kg.namespaces.PREFIXES`), and the closest one;
* a string not closed, an IRI with what an IRI may not hold (a space, a bad ``%`` escape);
* a bracket never closed, or closed by the wrong bracket, or closed twice;
* a plain triple pattern of two terms, or of four; an expression in SELECT without ``AS``;
* a variable named twice in SELECT, or selected but not grouped;
* a word that is no word of SPARQL (``OPIONAL``: the closest keyword), a language tag after
  something other than a string;
* otherwise the engine's position, the text found there and its list in words.

Each check stands only for the common case and may say nothing; the first mistake found in the
text is told. Every message keeps the engine's own text after ``engine:``, its character
classes shortened.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.namespaces import PREFIXES

__all__ = ["explain", "shorten_engine_message"]

_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_FORMS_WORDS = "a query form: SELECT, CONSTRUCT, ASK or DESCRIBE"
_ENGINE = re.compile(r"error at (\d+):(\d+): expected (.*)", re.DOTALL)

# One token of SPARQL, roughly as the grammar reads it (enough to place a mistake).
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n]*)",
            r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
            r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")",
            r"(?P<open_string>'''|\"\"\"|'|\")",
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            r"(?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)",
            r"(?P<bnode>_:[A-Za-z0-9_\u00b7-\uffff][\w\-.\u00b7-\uffff]*)",
            r"(?P<pname>(?:[A-Za-z\u00c0-\uffff][\w\-.\u00b7-\uffff]*)?:(?:[\w\-:%\\\u00b7-\uffff]|\.(?=[\w\-:%]))*)",
            r"(?P<number>[0-9]+\.[eE][+-]?[0-9]+|(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\].,;*/+\-=<>!|^])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)
_OPEN = {"{": "}", "(": ")", "[": "]"}
_CLOSE = {v: k for k, v in _OPEN.items()}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class _Problem:
    start: int  # offset in the query
    length: int  # characters to mark
    text: str  # what is wrong and what to do, in words


def _tokens(query: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            out.append(_Token(kind, m.group(), m.start()))
    return out


def _offset(query: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column (in characters) in ``query``."""
    lines = query.split("\n")
    line = max(1, min(line, len(lines)))
    return min(sum(len(text) + 1 for text in lines[: line - 1]) + column - 1, len(query))


def _line_column(query: str, offset: int) -> tuple[int, int]:
    before = query[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _excerpt(query: str, offset: int, length: int) -> str:
    """The line holding ``offset`` (shortened around it when long) with a marker under it."""
    line, column = _line_column(query, offset)
    text = query.split("\n")[line - 1].replace("\t", " ").rstrip("\r")
    start = max(0, column - 1 - 50)
    shown = ("…" if start else "") + text[start : start + 100] + ("…" if len(text) > start + 100 else "")
    pad = column - 1 - start + (1 if start else 0)
    mark = "^" * max(1, min(length, len(text) - (column - 1), 40))
    label = f"  line {line}: "
    return f"{label}{shown}\n{' ' * (len(label) + pad)}{mark}"


def _found(token: _Token | None) -> str:
    if token is None:
        return "the end of the query"
    # a token may span lines (an IRI missing its ">"): its line breaks written as "\\n", on one line
    whole = token.text.replace("\r", "").replace("\n", "\\n")
    text = whole if len(whole) <= 40 else whole[:37] + "…"
    return f'"{text}"'


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word`` (case aside), if one is close: ``ckk`` → ``ck``."""
    best = process.extractOne(word, list(candidates), scorer=fuzz.ratio, processor=str.lower, score_cutoff=60)
    return best[0] if best else None


def _prologue_end(tokens: list[_Token]) -> int | None:
    """The index of the first token after the PREFIX and BASE declarations (None if they are malformed)."""
    i = 0
    while i < len(tokens):
        word = tokens[i].text.upper()
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            i += 2
        elif word == "PREFIX":
            if i + 2 < len(tokens) and tokens[i + 1].kind == "pname" and tokens[i + 1].text.endswith(":"):
                if tokens[i + 2].kind != "iri":
                    return None
                i += 3
            else:
                return None
        else:
            return i
    return i


def _query_form(tokens: list[_Token]) -> _Problem | None:
    first = _prologue_end(tokens)
    if first is None:
        return None
    if first == len(tokens):
        return _Problem(tokens[-1].start + len(tokens[-1].text) if tokens else 0, 1, f"expected {_FORMS_WORDS}")
    token = tokens[first]
    if token.text.upper() in _FORMS:
        return None
    hint = ""
    if token.kind == "word":
        near = _closest(token.text, _FORMS)
        hint = f'; did you mean "{near}"?' if near else ""
    return _Problem(token.start, len(token.text), f"found {_found(token)} where {_FORMS_WORDS} was expected{hint}")


def _declared(tokens: list[_Token]) -> set[str]:
    return {
        tokens[i + 1].text[:-1]
        for i, t in enumerate(tokens[:-1])
        if t.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname"
    }


def _undefined_prefix(tokens: list[_Token], known: Mapping[str, str], near: int) -> _Problem | None:
    """The prefixed name whose prefix nobody declared: the one ending at ``near`` (the engine's
    position), else the first."""
    declared = _declared(tokens)
    found = []
    for i, t in enumerate(tokens):
        if t.kind != "pname" or (i and tokens[i - 1].text.upper() == "PREFIX"):
            continue
        prefix = t.text.split(":", 1)[0]
        if prefix not in declared and prefix not in known:
            found.append(t)
    if not found:
        return None
    token = next((t for t in found if t.start + len(t.text) == near), found[0])
    prefix = token.text.split(":", 1)[0]
    listed = ", ".join(f"{p}:" for p in known)
    closest = _closest(prefix, [*known, *declared]) if prefix else None
    hint = f' Did you mean "{closest}:"?' if closest else ""
    return _Problem(
        token.start,
        len(prefix) + 1,
        f'undefined prefix "{prefix}:" in {_found(token)}.{hint} The endpoint declares these prefixes for '
        f"every query: {listed}; declare another one before the query with PREFIX {prefix}: <IRI>.",
    )


def _open_string(tokens: list[_Token]) -> _Problem | None:
    for t in tokens:
        if t.kind == "open_string":
            closing = "the end of the query" if len(t.text) == 3 else "the end of the line"
            return _Problem(
                t.start, len(t.text), f"this string is never closed: expected a closing {t.text} before {closing}"
            )
    return None


def _bad_iri(query: str, near: int) -> _Problem | None:
    """The IRI that ends just before ``near`` (the engine's position after "IRI parsing failed")."""
    end = query.rfind(">", 0, near)
    start = query.rfind("<", 0, end) if end >= 0 else -1
    if start < 0:
        return None
    iri = query[start : end + 1]
    body = iri[1:-1]
    if re.search(r"\s", body):
        why = "it holds a space or a line break (write it %20, or remove it)"
    elif bad := re.search(r'[<>"{}|^`\\]', body):
        why = f"it holds {bad.group()!r}, which an IRI may not hold (percent-encode it)"
    elif re.search(r"%(?![0-9A-Fa-f]{2})", body):
        why = "a % must be followed by two hexadecimal digits"
    elif not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", body):
        why = "it has no scheme (such as https:) and cannot be resolved"
    else:
        why = "it is not a valid IRI (RFC 3987)"
    return _Problem(start, len(iri), f"invalid IRI {_found(_Token('iri', iri, start))}: {why}")


def _brackets(tokens: list[_Token], query: str) -> _Problem | None:
    stack: list[_Token] = []
    for t in tokens:
        if t.kind != "punct":
            continue
        if t.text in _OPEN:
            stack.append(t)
        elif t.text in _CLOSE:
            if not stack:
                return _Problem(t.start, 1, f'found "{t.text}" with no "{_CLOSE[t.text]}" open before it')
            opened = stack.pop()
            if _OPEN[opened.text] != t.text:
                line, column = _line_column(query, opened.start)
                return _Problem(
                    t.start,
                    1,
                    f'found "{t.text}" where "{_OPEN[opened.text]}" was expected, '
                    f'to close the "{opened.text}" opened at {line}:{column}',
                )
    if stack:
        opened = stack[-1]
        line, column = _line_column(query, opened.start)
        return _Problem(
            len(query.rstrip()),
            1,
            f'the query ends before "{_OPEN[opened.text]}" closes the "{opened.text}" opened at {line}:{column}',
        )
    return None


#: The words of SPARQL 1.1 (and of the engine's extensions): keywords and functions.
_KEYWORD_TEXT = """
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY ASC DESC
    LIMIT OFFSET VALUES UNDEF GROUP HAVING OPTIONAL GRAPH SERVICE SILENT BIND UNION MINUS FILTER
    EXISTS NOT IN A TRUE FALSE LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING
    DEFAULT ALL INTO TO SEPARATOR LATERAL COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT STR LANG
    LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES
    SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT
    SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE
    OBJECT ISTRIPLE ADJUST STRLANGDIR LANGDIR HASLANG HASLANGDIR
"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())


def _unknown_word(tokens: list[_Token]) -> _Problem | None:
    """A bare word that is no word of SPARQL: a misspelt keyword (``OPIONAL``, ``DEC``) or a name
    without its ``?`` or its prefix."""
    for t in tokens:
        if t.kind != "word" or t.text.upper() in _KEYWORDS:
            continue
        near = _closest(t.text.upper(), _KEYWORDS - {"A"}) if len(t.text) > 2 else None
        if near is None:
            hint = f": a variable is written ?{t.text}, a name prefix:{t.text}"
        elif t.text.isupper():  # as keywords are often written
            hint = f'; did you mean "{near}"?'
        else:
            hint = f'; did you mean "{near}", or the variable ?{t.text}?'
        return _Problem(t.start, len(t.text), f"found {_found(t)}, which is not a word of SPARQL{hint}")
    return None


def _stray_language_tag(tokens: list[_Token]) -> _Problem | None:
    """A language tag not right after a string (``id:hayat-ta@hrir``, ``ck:Clai@m``)."""
    for before, t in itertools.pairwise(tokens):
        if t.kind == "lang" and before.kind != "string":
            return _Problem(
                t.start, len(t.text), f'found {_found(t)}: a language tag follows a string only, as in "Aleppo"@en'
            )
    return None


def _projection(tokens: list[_Token]) -> list[_Token]:
    """The variables SELECT names at the top level (not inside an expression), in order."""
    start = next((i for i, t in enumerate(tokens) if t.text.upper() == "SELECT"), None)
    if start is None:
        return []
    out, depth = [], 0
    for t in tokens[start + 1 :]:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0 and (t.text == "{" or t.text.upper() in ("WHERE", "FROM")):
            break
        elif depth == 0 and t.kind == "var":
            out.append(t)
    return out


def _duplicate_variable(tokens: list[_Token]) -> _Problem | None:
    seen: set[str] = set()
    for t in _projection(tokens):
        if t.text[1:] in seen:
            return _Problem(t.start, len(t.text), f"{t.text} is named twice in SELECT: name each variable once")
        seen.add(t.text[1:])
    return None


def _ungrouped_variable(tokens: list[_Token]) -> _Problem | None:
    at = next(
        (i for i, t in enumerate(tokens[:-1]) if t.text.upper() == "GROUP" and tokens[i + 1].text.upper() == "BY"), None
    )
    grouped = {t.text[1:] for t in tokens[at:] if t.kind == "var"} if at is not None else set()
    for t in _projection(tokens):
        if t.text[1:] not in grouped:
            return _Problem(
                t.start,
                len(t.text),
                f"{t.text} is selected but not grouped: with GROUP BY or an aggregate, SELECT may name only the "
                f"grouped variables, aggregates such as (SAMPLE({t.text}) AS ?name) or (COUNT(...) AS ?name)",
            )
    return None


def _unnamed_expression(tokens: list[_Token]) -> _Problem | None:
    """An expression in SELECT without ``AS ?name`` (``SELECT (COUNT(?a) ?n)``)."""
    start = next((i for i, t in enumerate(tokens) if t.text.upper() == "SELECT"), None)
    if start is None:
        return None
    depth, opened, named = 0, 0, False
    for i in range(start + 1, len(tokens)):
        t = tokens[i]
        if depth == 0 and (t.text == "{" or t.text.upper() in ("WHERE", "FROM")):
            return None
        if t.text == "(":
            depth += 1
            if depth == 1:
                opened, named = i, False
        elif t.text == ")":
            depth -= 1
            if depth == 0 and not named:
                first = tokens[opened]
                return _Problem(
                    first.start,
                    1,
                    "an expression in SELECT needs a name: write (expression AS ?name), e.g. (COUNT(?a) AS ?count)",
                )
        elif depth == 1 and t.text.upper() == "AS":
            named = True
    return None


#: Tokens that may stand in a triple pattern written plainly (subject, predicate, object).
_TERMS = frozenset({"var", "iri", "pname", "string", "number", "bnode"})


def _values_block(tokens: list[_Token], i: int) -> bool:
    """Whether the ``{`` at ``i`` opens the rows of ``VALUES ?x {`` or ``VALUES (?x ?y) {``."""
    j = i - 1
    if j >= 0 and tokens[j].text == ")":
        while j >= 0 and tokens[j].text != "(":
            j -= 1
    elif j < 0 or tokens[j].kind != "var":
        return False
    return j >= 1 and tokens[j - 1].text.upper() == "VALUES"


def _triple_length(tokens: list[_Token]) -> _Problem | None:
    """A plain triple pattern (only terms between ``{`` or ``.`` and ``.`` or ``}``) with fewer
    or more than three terms: ``{ ?s ?p }``, ``{ ?s ?p ?o ?x }``."""
    run: list[_Token] = []
    counting = False
    for i, t in enumerate(tokens):
        if t.text in ("{", "."):
            if t.text == "." and counting and run and len(run) != 3:
                break
            counting, run = not (t.text == "{" and _values_block(tokens, i)), []
        elif t.text == "}":
            if counting and run and len(run) != 3:
                break
            counting, run = True, []
        elif t.kind == "lang":
            continue  # "x"@en is one term
        elif run and run[-1].text == "^^":
            run.pop()  # "x"^^xsd:int is one term
        elif (t.text == "^^" and run) or t.kind in _TERMS or t.text == "a":
            run.append(t)
        else:  # anything else (a path, a property list, a FILTER...) is not checked
            counting, run = False, []
    else:
        return None
    if len(run) > 3:
        extra = run[3]
        return _Problem(
            extra.start,
            len(extra.text),
            f"a triple pattern has three terms (subject, predicate, object) and {_found(extra)} is a fourth: "
            'end the triple with "." before it',
        )
    return _Problem(
        run[0].start,
        len(run[-1].text) + run[-1].start - run[0].start,
        f"this triple pattern has {len(run)} term{'s' if len(run) > 1 else ''}: "
        "expected three (subject, predicate and object)",
    )


# -- the engine's list of what it expected, in words ---------------------------------------------

_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[(?:\'(?:[^\'\\]|\\.)*\'|[^\]\'])*\]|[^,]+')
_FUNCTIONS = frozenset({"ABS", "STR", "IRI", "URI", "BOUND", "REGEX", "NOW", "LANG", "STRSTARTS", "isLITERAL", "SUM"})
_WORDS = {
    '"?"': "a variable",
    '"$"': "a variable",
    '"<"': "an IRI",
    '":"': "a prefixed name",
    '"\\""': "a string",
    '"\'"': "a string",
    '"+"': "a number",
    '"-"': "a number",
    '"true"': "true or false",
    '"false"': "true or false",
}
_DROPPED = frozenset({'"{|"', '"~"', '"<<("', '"<<"', '"\\\\"', '"\\\\u"', '"\\\\U"', "<unreported>", "[_]"})


def _items(expected: str) -> list[str]:
    expected = expected.strip()
    expected = expected.removeprefix("one of ")
    return [m.group().strip() for m in _ITEM.finditer(expected) if m.group().strip()]


def _class_words(item: str) -> str:
    if item == "[_]":
        return "[any character]"
    if "..=" not in item:
        return item
    if "'A'" in item:
        return "[a letter]"
    return "[a digit]" if "\\u" not in item else "[a character of a name]"


def shorten_engine_message(message: str) -> str:
    """The engine's message with each character class (a list of Unicode ranges) in a few words."""
    short = re.sub(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]", lambda m: _class_words(m.group()), message)
    return " ".join(short.split())


def expected_in_words(expected: str) -> list[str]:
    """What the engine's list says was expected, in words (what cannot be said is left out).

    Its keywords are left out: they are those its parser tried last (OPTIONAL after a triple,
    DISTINCT after an aggregate), seldom the one missing; the engine's message still lists them.
    """
    words: list[str] = []
    for item in _items(expected):
        if item in _DROPPED:
            continue
        if item in _WORDS:
            word = _WORDS[item]
        elif item.startswith("["):
            word = "a number" if "'0'" in item and "'A'" not in item and "\\u" not in item else "a prefixed name"
        elif item.startswith('"'):
            word = f'"{item[1:-1]}"'
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", item):
            if item in _FUNCTIONS:
                word = "an expression (a variable, a value or a function call)"
            else:
                continue
        else:  # a message of the grammar's own (e.g. "Duplicated variable name in SELECT")
            word = item[:1].lower() + item[1:]
        if word not in words:
            words.append(word)
    return words


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _generic(query: str, tokens: list[_Token], offset: int, expected: str) -> _Problem:
    token = next((t for t in tokens if t.start <= offset < t.start + max(1, len(t.text))), None)
    if token is None:
        token = next((t for t in tokens if t.start >= offset), None)
    if token is None:
        words = expected_in_words(expected)
        offset = len(query.rstrip())
        what = f"expected {_join(words)}" if words else "the query is not complete"
        return _Problem(
            offset,
            1,
            f"the engine read up to the end of the query and stopped: {what}. "
            "The mistake may be earlier: the engine names the end when it cannot tell where",
        )
    words = expected_in_words(expected)
    what = f"where {_join(words)} was expected" if words else ", which does not fit there"
    return _Problem(token.start, len(token.text), f"found {_found(token)}{'' if what[0] == ',' else ' '}{what}")


def explain(query: str, engine_message: str, known: Mapping[str, str] = PREFIXES) -> str:
    """A message for a query the engine could not parse: ``invalid SPARQL: error at L:C: ...``,
    then the line with a marker under the mistake, then ``engine: `` and the engine's message.

    ``known`` are the prefixes the endpoint declares for every query.
    """
    try:
        return _explain(query, engine_message, known)
    except Exception:  # a fault here must not cost the query worker: the engine's words then
        return f"invalid SPARQL: {shorten_engine_message(engine_message)}"


def _explain(query: str, engine_message: str, known: Mapping[str, str]) -> str:
    tokens = _tokens(query)
    parsed = _ENGINE.match(engine_message.strip())
    engine = "engine: " + shorten_engine_message(engine_message)
    if parsed is None:
        return f"invalid SPARQL: {shorten_engine_message(engine_message)}"
    near = _offset(query, int(parsed.group(1)), int(parsed.group(2)))
    expected = parsed.group(3)
    candidates = [_query_form(tokens), _open_string(tokens), _brackets(tokens, query)]
    candidates += [_unnamed_expression(tokens), _triple_length(tokens), _stray_language_tag(tokens)]
    unknown = _unknown_word(tokens)
    if unknown is not None and not (unknown.start == near and expected_in_words(expected)):
        candidates.append(unknown)  # (where the engine stopped on it, its own list says more)
    if "Prefix not found" in expected:
        candidates.append(_undefined_prefix(tokens, known, near))
    if "IRI parsing failed" in expected:
        candidates.append(_bad_iri(query, near))
    if "Duplicated variable name in SELECT" in expected:
        candidates.append(_duplicate_variable(tokens))
    if "variable that is unbound" in expected:
        candidates.append(_ungrouped_variable(tokens))
    # the engine stops at the first mistake it meets: of those found in the text, the first
    found = [p for p in candidates if p is not None]
    problem = min(found, key=lambda p: p.start) if found else _generic(query, tokens, near, expected)
    line, column = _line_column(query, problem.start)
    return (
        f"invalid SPARQL: error at {line}:{column}: {problem.text}\n"
        f"{_excerpt(query, problem.start, problem.length)}\n{engine}"
    )
