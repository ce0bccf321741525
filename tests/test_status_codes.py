"""One status code per mistake, on every route of the service (issue 20, item 7).

The rule (``api/errors.py`` says it too):

==========================================================  ======  =============================
mistake                                                      status  error code (JSON routes)
==========================================================  ======  =============================
unknown id (path or query: an actor, a place, a source...)   404     ``not_found``
unknown value of an enumerated parameter (kind, type...)     422     ``invalid_parameter`` or
malformed or impossible date, number out of its range,               ``invalid_input`` (the
value of the wrong type, missing required parameter,                 library's check)
period that ends before it starts (``from`` after ``to``)
method the route does not take                               405     ``method_not_allowed``
Accept taking none of the types a negotiating route offers   406     ``not_acceptable``
query parameter the route does not know                      ignored: the answer of the URL without it
malformed SPARQL query (the SPARQL protocol's own rule)      400     ``bad_query``
==========================================================  ======  =============================

REST routes answer ``{"error": {"code", "message"}}``; pages for people (the front page, the
explorer, the actor pages, the API documentation) answer the same status with an HTML page. The
message says what was given and, for an enumerated parameter, every value it takes.

Unknown query parameters are ignored: a link or a form may carry more than a route reads (a
search box's button, a tracking tag), and a client written for a later version of the service
keeps working on this one. A misspelt parameter therefore goes unnoticed; the OpenAPI schema lists
what each route reads.

The mistakes are of two sorts. Those a route's declared parameters imply (a date, a bounded
number, an enumeration, a boolean, a required parameter) are made up from the OpenAPI schema, so a
new route or parameter is tested once it is in the schema; the table below adds those only the
meaning tells (which parameters are ids, which two dates make a period). The table must name every
route of the app: a new route without its entry fails :func:`test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from api.app import create_app
from api.settings import Settings

#: The status of each mistake.
RULE = {
    "unknown id": 404,
    "unknown value": 422,
    "malformed": 422,
    "out of range": 422,
    "missing": 422,
    "bad period": 422,
    "bad query": 400,
    "wrong method": 405,
    "not acceptable": 406,
}

#: The error codes a JSON answer may give for each status.
CODES = {
    400: {"bad_query"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    406: {"not_acceptable"},
    422: {"invalid_parameter", "invalid_input"},
}


@dataclass(frozen=True)
class Mistake:
    """A request with one mistake in it, and words its error message must hold."""

    what: str  # a key of RULE
    url: str
    says: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A route: a URL it answers 200, how its errors are written, and the mistakes only meaning tells."""

    ok: str
    errors: str = "json"  # "json" or "html" (a page for people)
    mistakes: tuple[Mistake, ...] = ()
    #: The types it chooses between by the Accept header (empty: one representation, Accept ignored).
    negotiates: tuple[str, ...] = ()
    #: A POST that answers 200 (routes that take POST).
    post: dict[str, Any] = field(default_factory=dict)


D = "2024-11-30"
U = Mistake  # short, for the table

#: Every route of the app, by path as declared.
TABLE: dict[str, Entry] = {
    "/openapi.json": Entry("/openapi.json"),
    "/healthz": Entry("/healthz"),
    "/": Entry("/", errors="html"),
    "/docs": Entry("/docs", errors="html"),
    "/redoc": Entry("/redoc", errors="html"),
    "/static/docs/{name}": Entry(
        "/static/docs/swagger-ui.css", mistakes=(U("unknown id", "/static/docs/no-such-file.js", ("no-such-file.js",)),)
    ),
    "/static/front.css": Entry("/static/front.css"),
    "/static/actor.css": Entry("/static/actor.css"),
    "/api/v1": Entry("/api/v1"),
    "/api/v1/": Entry("/api/v1/"),
    "/api/v1/search": Entry("/api/v1/search?q=tahrir"),
    "/api/v1/actors": Entry("/api/v1/actors?type=state"),
    "/api/v1/actors/{actor_id}": Entry(
        f"/api/v1/actors/russia?at={D}",
        mistakes=(U("unknown id", "/api/v1/actors/no-such-actor", ("no-such-actor",)),),
    ),
    "/api/v1/places/{place_id}": Entry(
        f"/api/v1/places/aleppo?at={D}", mistakes=(U("unknown id", "/api/v1/places/no-such-place", ("no-such-place",)),)
    ),
    "/api/v1/actors/{actor_id}/backers": Entry(
        f"/api/v1/actors/syrian-government/backers?at={D}",
        mistakes=(U("unknown id", "/api/v1/actors/no-such-actor/backers", ("no-such-actor",)),),
    ),
    "/api/v1/actors/{actor_id}/backed": Entry(
        f"/api/v1/actors/turkey/backed?at={D}",
        mistakes=(U("unknown id", "/api/v1/actors/no-such-actor/backed", ("no-such-actor",)),),
    ),
    "/api/v1/actors/{actor_id}/designations": Entry(
        f"/api/v1/actors/hayat-tahrir-al-sham/designations?at={D}",
        mistakes=(U("unknown id", "/api/v1/actors/no-such-actor/designations", ("no-such-actor",)),),
    ),
    "/api/v1/actors/{actor_id}/relations": Entry(
        "/api/v1/actors/russia/relations?kind=support",
        mistakes=(U("unknown id", "/api/v1/actors/no-such-actor/relations", ("no-such-actor",)),),
    ),
    "/api/v1/claims": Entry(
        "/api/v1/claims?claimant=iranian-officials",
        mistakes=(
            U("unknown id", "/api/v1/claims?claimant=no-such-actor", ("no-such-actor",)),
            U("unknown id", "/api/v1/claims?about=no-such-actor", ("no-such-actor",)),
        ),
    ),
    "/api/v1/events": Entry(
        "/api/v1/events?place=aleppo",
        mistakes=(
            U("unknown id", "/api/v1/events?actor=no-such-actor", ("no-such-actor",)),
            U("unknown id", "/api/v1/events?place=no-such-place", ("no-such-place",)),
            U("bad period", "/api/v1/events?from=2024-12-01&to=2024-11-01", ("2024-12-01", "after")),
        ),
    ),
    "/api/v1/sources": Entry("/api/v1/sources"),
    "/api/v1/sources/{source_id}": Entry(
        "/api/v1/sources/aleppo-offensive-article",
        mistakes=(U("unknown id", "/api/v1/sources/no-such-source", ("no-such-source",)),),
    ),
    "/api/v1/export": Entry(
        "/api/v1/export?format=turtle&source=aleppo-offensive-article",
        mistakes=(U("unknown id", "/api/v1/export?source=no-such-source", ("no-such-source",)),),
    ),
    "/api/v1/network/path": Entry(
        f"/api/v1/network/path?source=russia&target=syrian-government&at={D}",
        mistakes=(
            U("unknown id", "/api/v1/network/path?source=no-such-actor&target=iran", ("no-such-actor",)),
            U("unknown id", "/api/v1/network/path?source=iran&target=no-such-actor", ("no-such-actor",)),
            U("unknown id", "/api/v1/network/path?source=iran&target=russia&sources=nowhere", ("nowhere",)),
        ),
    ),
    "/api/v1/network/chains": Entry(
        f"/api/v1/network/chains?actor=syrian-government&at={D}",
        mistakes=(U("unknown id", "/api/v1/network/chains?actor=no-such-actor", ("no-such-actor",)),),
    ),
    "/api/v1/network/proxies": Entry(
        f"/api/v1/network/proxies?at={D}",
        mistakes=(U("unknown id", "/api/v1/network/proxies?sources=no-such-source", ("no-such-source",)),),
    ),
    "/api/v1/network/centrality": Entry(f"/api/v1/network/centrality?at={D}"),
    "/api/v1/network/brokers": Entry(f"/api/v1/network/brokers?at={D}"),
    "/api/v1/network/communities": Entry(f"/api/v1/network/communities?at={D}"),
    "/api/v1/network/balance": Entry(f"/api/v1/network/balance?at={D}"),
    "/api/v1/network/exposure": Entry(f"/api/v1/network/exposure?at={D}"),
    "/api/v1/network/changes": Entry(
        f"/api/v1/network/changes?from=2020-01-01&to={D}",
        mistakes=(U("bad period", "/api/v1/network/changes?from=2024-12-01&to=2024-11-01", ("2024-12-01", "after")),),
    ),
    "/api/v1/network/export": Entry(
        f"/api/v1/network/export?format=json&at={D}",
        mistakes=(
            U("unknown id", f"/api/v1/network/export?focus=no-such-actor&at={D}", ("no-such-actor",)),
            U("unknown id", "/api/v1/network/export?sources=no-such-source", ("no-such-source",)),
        ),
    ),
    "/sparql": Entry(
        "/sparql?query=ASK%7B%7D",
        mistakes=(U("bad query", "/sparql?query=SELEC", ("SELEC",)),),
        negotiates=("application/sparql-results+json",),
        post={"data": {"query": "ASK {}"}},
    ),
    "/sparql/": Entry(
        "/sparql/?query=ASK%7B%7D",
        mistakes=(U("bad query", "/sparql/?query=SELEC", ("SELEC",)),),
        negotiates=("application/sparql-results+json",),
        post={"data": {"query": "ASK {}"}},
    ),
    "/ontology": Entry("/ontology", negotiates=("text/turtle", "text/html")),
    "/ontology/context.jsonld": Entry("/ontology/context.jsonld"),
    "/explorer": Entry(f"/explorer?at={D}&focus=russia", errors="html"),
    "/explorer/static/{name}": Entry(
        "/explorer/static/explorer.js",
        mistakes=(U("unknown id", "/explorer/static/no-such-file.js", ("no-such-file.js",)),),
    ),
    # the actor page reads ``at`` itself (it is left out of the schema): its date mistakes are here
    "/actors/{actor_id}": Entry(
        f"/actors/russia?at={D}",
        errors="html",
        mistakes=(
            U("unknown id", "/actors/no-such-actor", ("no-such-actor",)),
            U("malformed", "/actors/russia?at=2024-13-40", ("2024-13-40",)),
            U("malformed", "/actors/russia?at=2024-02-30", ("2024-02-30",)),
            U("malformed", "/actors/russia?at=yesterday", ("yesterday",)),
        ),
    ),
}

#: Where a route breaks the rule and an existing test asserts it does (left for a decision, see
#: the final report of the branch): (path, parameter) → the test that asserts otherwise. Each such
#: case is an expected failure, strict: it fails the day the route follows the rule.
KNOWN_CONFLICTS: dict[tuple[str, str], str] = {}


# -- the app and its routes -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", warm=False))) as test_client:
        yield test_client


_APP = create_app(Settings(store="memory", warm=False))
_SCHEMA: dict[str, Any] = _APP.openapi()


def routes(app: Any) -> list[BaseRoute]:
    """Every route of the app: its own, and those of the routers it includes (kept whole by FastAPI)."""
    found: list[BaseRoute] = []
    for route in app.routes:
        included = getattr(route, "original_router", None)
        found.extend(included.routes if included is not None else [route])
    return found


def _path(route: BaseRoute) -> str:
    return str(getattr(route, "path_format", None) or getattr(route, "path", ""))


def _methods(path: str) -> set[str]:
    return {m for r in routes(_APP) if _path(r) == path for m in (getattr(r, "methods", None) or ())}


# -- mistakes made up from the schema ---------------------------------------------------------------

_DATES = ("2024-13-40", "2024-02-30", "30/11/2024")


def _choices(schema: dict[str, Any]) -> list[str]:
    """The values an enumerated parameter takes (an enum, an enum of items, or a pattern of alternatives)."""
    for part in (schema, schema.get("items", {}), *schema.get("anyOf", ())):
        if "enum" in part:
            return [str(v) for v in part["enum"]]
        if "enum" in part.get("items", {}):
            return [str(v) for v in part["items"]["enum"]]
        found = re.fullmatch(r"\^\(([\w|-]+)\)\$", part.get("pattern", ""))
        if found:
            return found.group(1).split("|")
    return []


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a value, without the ``null`` of an optional parameter."""
    kept = [s for s in schema.get("anyOf", ()) if s.get("type") != "null"]
    return {**schema, **kept[0]} if len(kept) == 1 else schema


def _with(url: str, name: str, value: str | None) -> str:
    """``url`` with the query parameter ``name`` set to ``value`` (dropped when None)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    if value is not None:
        query.append((name, value))
    return parts.path + (f"?{urlencode(query)}" if query else "")


def schema_mistakes(path: str, ok: str) -> Iterator[tuple[str, Mistake]]:
    """The mistakes each declared query parameter of ``path`` implies, made on its 200 URL: (parameter, mistake)."""
    for method, operation in _SCHEMA["paths"].get(path, {}).items():
        if method != "get":
            continue
        for param in operation.get("parameters", ()):
            if param["in"] != "query":
                continue
            name, schema = param["name"], _plain(param["schema"])
            if param.get("required"):
                yield name, Mistake("missing", _with(ok, name, None), (name,))
            allowed = _choices(schema)
            if allowed:
                yield name, Mistake("unknown value", _with(ok, name, "no-such-value"), ("no-such-value", *allowed))
            if schema.get("format") == "date":
                for day in _DATES:
                    yield name, Mistake("malformed", _with(ok, name, day), (name, day))
            if schema.get("type") in ("integer", "number"):
                yield name, Mistake("malformed", _with(ok, name, "many"), (name, "many"))
                for bound, step in (("minimum", -1), ("exclusiveMinimum", 0), ("maximum", 1), ("exclusiveMaximum", 0)):
                    if bound in schema:
                        value = str(schema[bound] + step)
                        yield name, Mistake("out of range", _with(ok, name, value), (name, value))
            if schema.get("type") == "boolean":
                yield name, Mistake("malformed", _with(ok, name, "perhaps"), (name, "perhaps"))


def _cases() -> Iterator[Any]:
    for path, entry in sorted(TABLE.items()):
        for mistake in entry.mistakes:
            yield pytest.param(path, mistake, id=f"{path} {mistake.what}: {mistake.url}")
        for name, mistake in schema_mistakes(path, entry.ok):
            marks = []
            if (path, name) in KNOWN_CONFLICTS and mistake.what == "unknown value":
                marks = [pytest.mark.xfail(reason=KNOWN_CONFLICTS[path, name], strict=True)]
            yield pytest.param(path, mistake, id=f"{path} {mistake.what}: {mistake.url}", marks=marks)


# -- what an error answer says ----------------------------------------------------------------------


def error_message(response: Any, errors: str) -> str:
    """The message of an error answer, checking it is written as the route writes its errors."""
    media = response.headers["content-type"]
    if errors == "html":
        assert media.startswith("text/html"), (media, response.text[:200])
        page = response.text
        assert '"error"' not in page and page.lstrip().lower().startswith("<!doctype html>")
        found = re.search(r'<p id="message"[^>]*>(.*?)</p>', page, re.S)
        assert found, page
        return html.unescape(found.group(1))
    assert media.startswith("application/json"), (media, response.text[:200])
    error = response.json()["error"]
    assert error["code"] in CODES[response.status_code], error
    assert error["message"]
    return str(error["message"])


# -- the tests ---------------------------------------------------------------------------------------


def test_every_route_is_in_the_table() -> None:
    declared = {_path(r) for r in routes(_APP)}
    assert set(_SCHEMA["paths"]) <= declared
    assert sorted(declared - set(TABLE)) == [], "routes without an entry in TABLE: add one"
    assert sorted(set(TABLE) - declared) == [], "entries of TABLE for routes the app no longer has"


def test_the_table_covers_every_kind_of_mistake() -> None:
    made = {m.what for path, e in TABLE.items() for m in (*e.mistakes, *(m for _, m in schema_mistakes(path, e.ok)))}
    assert made | {"wrong method", "not acceptable"} == set(RULE)


@pytest.mark.parametrize("path", sorted(TABLE))
def test_the_routes_answer_without_a_mistake(client: TestClient, path: str) -> None:
    response = client.get(TABLE[path].ok)
    assert response.status_code == 200, response.text[:500]


@pytest.mark.parametrize(("path", "mistake"), list(_cases()))
def test_each_mistake_has_its_status_and_says_what_is_wrong(client: TestClient, path: str, mistake: Mistake) -> None:
    response = client.get(mistake.url)
    assert response.status_code == RULE[mistake.what], response.text[:500]
    message = error_message(response, TABLE[path].errors)
    for words in mistake.says:
        assert words in message, f"{words!r} not in {message!r}"


@pytest.mark.parametrize("path", sorted(TABLE))
def test_an_unknown_query_parameter_is_ignored(client: TestClient, path: str) -> None:
    url = TABLE[path].ok
    response = client.get(url + ("&" if "?" in url else "?") + "no_such_parameter=1")
    assert response.status_code == 200, response.text[:500]


@pytest.mark.parametrize("path", sorted(TABLE))
def test_a_method_the_route_does_not_take_is_405(client: TestClient, path: str) -> None:
    methods = _methods(path)
    wrong = next(m for m in ("DELETE", "PUT", "PATCH", "POST") if m not in methods)
    response = client.request(wrong, TABLE[path].ok)
    assert response.status_code == 405, response.text[:500]
    message = error_message(response, TABLE[path].errors)
    assert wrong in message and "GET" in message
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("path", sorted(p for p in TABLE if "POST" in _methods(p)))
def test_the_routes_that_take_post_answer_it(client: TestClient, path: str) -> None:
    assert client.post(path, **TABLE[path].post).status_code == 200


@pytest.mark.parametrize("path", sorted(TABLE))
def test_an_unacceptable_accept_header_is_406_where_the_route_negotiates(client: TestClient, path: str) -> None:
    entry = TABLE[path]
    response = client.get(entry.ok, headers={"Accept": "image/x-no-such-type"})
    if not entry.negotiates:  # one representation: the Accept header is not read
        assert response.status_code == 200, response.text[:500]
        return
    assert response.status_code == 406, response.text[:500]
    message = error_message(response, "json")
    assert all(media in message for media in entry.negotiates), message
    for media in entry.negotiates:
        assert client.get(entry.ok, headers={"Accept": media}).status_code == 200


def test_a_page_for_people_shows_its_errors_as_a_page() -> None:
    """The explorer's bad filters (issue 20, item 4): a readable page, with the status of the rule."""
    with TestClient(create_app(Settings(store="memory", warm=False))) as client:
        response = client.get("/explorer", params={"kinds": "suport", "at": D})
    assert response.status_code == 422
    message = error_message(response, "html")
    assert "suport" in message and "support" in message
    assert 'href="/explorer"' in response.text  # the same page without its parameters
    assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("url", "accept", "errors"),
    [
        ("/actor/russia", "text/html,application/xhtml+xml,*/*;q=0.8", "html"),  # a browser, a mistyped page
        ("/actor/russia", "*/*", "json"),
        ("/actor/russia", "application/json", "json"),
        ("/api/v1/actor/russia", "text/html,*/*;q=0.8", "json"),  # the API answers JSON to anyone
    ],
)
def test_an_address_with_no_route_is_404(client: TestClient, url: str, accept: str, errors: str) -> None:
    response = client.get(url, headers={"Accept": accept})
    assert response.status_code == 404
    assert url in error_message(response, errors)


def test_a_server_error_keeps_the_error_body() -> None:
    """Anything the handlers do not know still answers the JSON error body (500), not plain text."""
    app = create_app(Settings(store="memory", warm=False))

    @app.get("/test-broken")
    def broken() -> None:
        raise RuntimeError("broken on purpose")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test-broken")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "error", "message": "internal error; see the service log"}}
