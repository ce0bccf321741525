"""SPARQL syntax errors a person can act on (kg.sparql.errors): through the endpoint (GET and
POST) each common mistake answers 400 with its line and column, the line with a marker under
the mistake, what was found and what was expected in words, and the engine's own message after
``engine:`` without its character classes; and the query page shows a label's language as a tag."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.pages import example_queries
from api.settings import Settings
from kg.namespaces import PREFIXES
from kg.sparql.errors import expected_in_words, explain, shorten_engine_message
from tests import live_server as live_server_module
from tests.browser_support import chromium
from tests.sparql_support import assert_error, sparql

DIRECT = "application/sparql-query"

# (query, where the mistake is, words the message must hold)
CASES = [
    pytest.param(
        "SELEC * WHERE { ?s ?p ?o }",
        "1:1",
        ['found "SELEC"', "a query form: SELECT, CONSTRUCT, ASK or DESCRIBE", 'did you mean "SELECT"'],
        id="misspelt-form",
    ),
    pytest.param(
        "SELECT ?label WHERE {\n  ?a skso:prefLabel ?label\n}",
        "2:6",
        ['undefined prefix "skso:"', 'Did you mean "skos:"?', "PREFIX skso: <IRI>"],
        id="undefined-prefix",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a ck:backs ?b ",
        "1:33",
        ['the query ends before "}" closes the "{" opened at 1:17'],
        id="missing-brace",
    ),
    pytest.param(
        "SELECT ?p WHERE { <https://example.org/a b> ?p ?o }",
        "1:19",
        ['invalid IRI "<https://example.org/a b>"', "holds a space"],
        id="bad-iri",
    ),
    pytest.param(
        "SELECT ?a WHERE {\n  ?a skos:prefLabel 'Russia .\n}",
        "2:21",
        ["this string is never closed", "expected a closing ' before the end of the line"],
        id="unterminated-string",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a ?p ?o FILTER(?o = ?a }",
        "1:43",
        ['found "}" where ")" was expected, to close the "(" opened at 1:34'],
        id="wrong-bracket",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a ?p ?o } LIMIT ten",
        "1:36",
        ['found "ten" where a number was expected'],
        id="limit-not-a-number",
    ),
    pytest.param(
        "ASK {\n  ?a ck:backs\n}",
        "2:3",
        ["this triple pattern has 2 terms: expected three (subject, predicate and object)"],
        id="short-triple",
    ),
    pytest.param(
        "SELECT * WHERE { ?a ?p 5. ?a ?p ?o ?x }",
        "1:36",
        ['"?x" is a fourth: end the triple with "." before it'],
        id="long-triple",
    ),
    pytest.param(
        "SELECT (COUNT(?a) ?n) WHERE { ?a ?p ?o }",
        "1:8",
        ["an expression in SELECT needs a name: write (expression AS ?name)"],
        id="expression-without-as",
    ),
    pytest.param(
        "SELECT ?a WHERE {\n  ?a ?p ?o\n  OPIONAL { ?a ck:endDate ?end }\n}",
        "3:3",
        ['found "OPIONAL", which is not a word of SPARQL; did you mean "OPTIONAL"?'],
        id="misspelt-keyword",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a skos:prefLabel name }",
        "1:37",
        ['found "name", which is not a word of SPARQL', "or the variable ?name?"],
        id="name-without-question-mark",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a a ck:Sta@te }",
        "1:30",
        ['found "@te": a language tag follows a string only'],
        id="stray-language-tag",
    ),
    pytest.param(
        "SELECT ?a WHERE { ?a skos:prefLabel ?l ; dctermstitle ?t }",
        "1:42",
        ['found "dctermstitle", which is not a word of SPARQL: a variable is written ?dctermstitle'],
        id="name-without-prefix",
    ),
    pytest.param(
        "SELECT ?a ?a WHERE { ?a ?p ?o }",
        "1:11",
        ["?a is named twice in SELECT"],
        id="duplicate-variable",
    ),
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings(store="memory", query_workers=1, sparql_cache_mb=0)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _marker_column(message: str) -> int:
    """The column (1-based, in the query's line) the marker line points at."""
    lines = message.split("\n")
    (i,) = [n for n, line in enumerate(lines) if line.startswith("  line ")]
    label = re.match(r"  line \d+: ", lines[i])
    assert label is not None
    return lines[i + 1].index("^") - len(label.group()) + 1


def _check(message: str, query: str, where: str, words: list[str]) -> None:
    assert message.startswith(f"invalid SPARQL: error at {where}: "), message
    for word in words:
        assert word in message, (word, message)
    line, column = (int(n) for n in where.split(":"))
    assert f"  line {line}: " + query.split("\n")[line - 1] in message, message
    assert _marker_column(message) == column, message
    assert "\nengine: error at " in message, message
    # the engine's character classes (lists of Unicode ranges) are not what a person reads
    assert "\\u{" not in message and "..=" not in message, message


@pytest.mark.parametrize(("query", "where", "words"), CASES)
def test_syntax_error_through_get_and_post(client: TestClient, query: str, where: str, words: list[str]) -> None:
    responses = (
        sparql(client, query),
        client.post("/sparql", content=query.encode(), headers={"content-type": DIRECT}),
        client.post("/sparql", data={"query": query}),
    )
    for response in responses:
        _check(assert_error(response, 400, "bad_query"), query, where, words)


def test_undefined_prefix_lists_every_known_prefix(client: TestClient) -> None:
    message = assert_error(sparql(client, "SELECT * WHERE { ?s ckk:backs ?o }"), 400, "bad_query")
    assert 'Did you mean "ck:"?' in message
    listed = re.search(r"declares these prefixes for every query: ([^;]+);", message)
    assert listed is not None, message
    assert listed.group(1).split(", ") == [f"{p}:" for p in PREFIXES]


def test_no_suggestion_when_no_prefix_is_close(client: TestClient) -> None:
    message = assert_error(sparql(client, "SELECT * WHERE { ?s zzqy:p ?o }"), 400, "bad_query")
    assert 'undefined prefix "zzqy:"' in message and "Did you mean" not in message


def test_a_prefix_declared_in_the_query_is_suggested_too() -> None:
    query = "PREFIX conflict: <https://example.org/>\nSELECT * WHERE { ?s confict:p ?o }"
    assert 'Did you mean "conflict:"?' in _explained(query)


def test_a_prefixed_name_in_a_string_or_comment_is_not_read() -> None:
    query = "# see foo:bar\nSELECT * WHERE { ?s ?p 'foo:bar' . ?s nope:x ?o }"
    assert 'undefined prefix "nope:"' in _explained(query)


# -- the explanation on its own (the engine in this process) -------------------------------------


def _explained(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query, prefixes=PREFIXES)
    return explain(query, str(caught.value))


@pytest.mark.parametrize(("query", "where", "words"), CASES)
def test_explain(query: str, where: str, words: list[str]) -> None:
    _check(_explained(query), query, where, words)


def test_values_rows_are_not_read_as_triples() -> None:
    message = _explained("SELECT * WHERE { VALUES ?x { 1 2 3 4 } VALUES (?y) { (1) } ?x ?p ?o ?q }")
    assert '"?q" is a fourth' in message, message
    message = _explained("SELECT * WHERE { GRAPH ?g { ?s ?p } }")
    assert "this triple pattern has 2 terms" in message, message


def test_empty_query_asks_for_a_query_form() -> None:
    message = _explained("# nothing\n")
    assert "expected a query form: SELECT, CONSTRUCT, ASK or DESCRIBE" in message


def test_a_closing_brace_too_many() -> None:
    message = _explained("SELECT * WHERE { ?s ?p ?o . }}")
    assert message.startswith('invalid SPARQL: error at 1:30: found "}" with no "{" open before it'), message


def test_ungrouped_variable_is_named() -> None:
    message = _explained("SELECT ?name ?n WHERE { ?a ?p ?name } GROUP BY ?n")
    assert message.startswith("invalid SPARQL: error at 1:8: ?name is selected but not grouped"), message


def test_a_long_line_is_shortened_around_the_mistake() -> None:
    query = "SELECT * WHERE { " + "?s ?p ?o . " * 30 + "?s nope:p ?o }"
    message = _explained(query)
    excerpt = next(line for line in message.split("\n") if line.startswith("  line 1: "))
    assert len(excerpt) < 130 and "nope:p" in excerpt and excerpt.startswith("  line 1: …")
    assert message.split("\n")[2].strip() == "^^^^^"
    assert excerpt.index("nope:p") == message.split("\n")[2].index("^")


def test_end_of_query_says_what_was_expected_without_keywords() -> None:
    message = _explained("SELECT ?x WHERE { ?s ?p ?x } ORDER BY")
    assert "end of the query" in message and "expected a variable" in message, message


def test_character_classes_are_shortened() -> None:
    raw = (
        "error at 1:28: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' | "
        "'\\u{0300}'..='\\u{036F}' |\n'\\u{203F}'..='\\u{2040}'], "
        "['A' ..= 'Z' | 'a' ..= 'z' | '\\u{00C0}'..='\\u{00D6}'], "
        "['0'..='9'], [_]"
    )
    short = shorten_engine_message(raw)
    assert short == (
        "error at 1:28: expected one of Prefix not found, ['%'], [a character of a name], [a letter], "
        "[a digit], [any character]"
    )


def test_expected_in_words() -> None:
    assert expected_in_words('one of "$", "(", ":", "<", "?", [_]') == [
        "a variable",
        '"("',
        "a prefixed name",
        "an IRI",
    ]
    assert expected_in_words("one of ABS, AVG, STR, [_]") == ["an expression (a variable, a value or a function call)"]
    assert expected_in_words("one of HAVING, OFFSET, ['0'..='9']") == ["a number"]  # keywords left out


def test_every_mistake_in_the_examples_is_explained() -> None:
    """The example queries with characters deleted or inserted at random (seeded): whatever the
    engine refuses gets a position and a marker, from the explanation itself (not its fallback)."""
    rnd = random.Random(20)
    refused = 0
    for example in example_queries():
        for _ in range(40):
            chars = list(example["query"])
            for _ in range(rnd.randint(1, 3)):
                at = rnd.randrange(len(chars))
                if rnd.random() < 0.5:
                    del chars[at]
                else:
                    chars.insert(at, rnd.choice("{}()<>\"'.;,?:#@^ a1"))
            query = "".join(chars)
            try:
                ox.Store().query(query, prefixes=PREFIXES)
                continue
            except SyntaxError as exc:
                message = explain(query, str(exc))
            refused += 1
            assert re.match(r"invalid SPARQL: error at \d+:\d+: .+\n  line \d+: .*\n *\^+\nengine: ", message), message
            assert "\\u{" not in message, message
    assert refused > 100


def test_a_token_over_several_lines_is_quoted_on_one_line() -> None:
    # a "<" taken for the start of an IRI that ends lines later (the examples' "<=" comparisons)
    from kg.sparql.errors import _bad_iri

    query = "SELECT * WHERE {\n  FILTER(?a <= ?b)\n  FILTER(?c > ?d)\n}"
    problem = _bad_iri(query, query.index(">") + 1)
    assert problem is not None
    assert "\n" not in problem.text and "<= ?b)\\n" in problem.text, problem.text


def test_a_message_not_from_the_parser_is_kept() -> None:
    assert explain("ASK {}", "something else") == "invalid SPARQL: something else"


# -- the query page: a label's language is a small tag, not "@en" after the text ----------------


@pytest.fixture(scope="module")
def page(bundled_store: kg.Store) -> Iterator[Any]:
    settings = Settings(store="memory", query_workers=1)
    with chromium() as browser, live_server_module.live_server(settings, store=bundled_store) as url:
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.goto(f"{url}/sparql", wait_until="load")
        yield tab
        assert errors == [], errors


def _run(page: Any, query: str) -> None:
    page.evaluate("() => document.getElementById('output').replaceChildren()")
    page.fill("#query", query)
    page.click("button[type=submit]")


@pytest.mark.browser
def test_query_page_shows_labels_without_the_language_suffix(page: Any) -> None:
    _run(page, "SELECT ?label WHERE { id:russia skos:prefLabel ?label } LIMIT 1")
    cell = page.wait_for_selector("#output td")
    assert "@en" not in page.inner_text("#output")
    assert cell.eval_on_selector("span.lang", "e => e.textContent") == "en"
    assert cell.evaluate("td => td.firstChild.nodeValue") == "Russia"


@pytest.mark.browser
def test_query_page_shows_the_error_with_its_marker(page: Any) -> None:
    _run(page, "SELEC * WHERE { ?s ?p ?o }")
    text = page.wait_for_selector("#output pre.error").inner_text()
    assert text.startswith('invalid SPARQL: error at 1:1: found "SELEC"')
    assert "\n          ^^^^^\n" in text
