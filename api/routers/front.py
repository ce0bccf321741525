"""The ways in: the front page at ``/`` (what the graph holds, where to go, a search box), the
index of the REST API at ``/api/v1``, and the API documentation pages (Swagger UI at ``/docs``,
ReDoc at ``/redoc``) served with their scripts from the installed ``fastapi-offline`` package.

FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN; the application turns them
off (``docs_url=None``, ``redoc_url=None``) and these routes give the same pages over local files.
No page here asks anything of another host.
"""

from __future__ import annotations

import dataclasses
import functools
import html
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from api.deps import StoreDep
from api.errors import page
from api.pages import page_head
from api.routing import JSONRoute
from kg.errors import NotFound
from kg.read.overview import Overview, overview

__all__ = ["DOCS_URL", "REDOC_URL", "ApiIndex", "Operation", "front_page", "router"]

router = APIRouter(tags=["service"], route_class=JSONRoute)

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
_ASSETS = "/static/docs"

#: The files of the documentation pages, by name, with their media types: nothing else is served.
_ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


@functools.cache
def _asset(name: str) -> bytes:
    return resources.files("fastapi_offline").joinpath("static", name).read_bytes()


@router.get(DOCS_URL, include_in_schema=False)
@page
def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title}: Swagger UI",
        swagger_js_url=f"{root}{_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{_ASSETS}/favicon.png",
        # no badge from the online validator: the page asks nothing of another host
        swagger_ui_parameters={"validatorUrl": None},
    )


#: ReDoc's page shows the Redocly logo from its vendor's host: the browser is told to load nothing
#: but the service's own files (and the inline styles and workers ReDoc makes itself).
_REDOC_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'"
)


@router.get(REDOC_URL, include_in_schema=False)
@page
def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title}: ReDoc",
        redoc_js_url=f"{root}{_ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{_ASSETS}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = _REDOC_CSP
    return page


@router.get(_ASSETS + "/{name}", include_in_schema=False)
def docs_asset(name: str) -> Response:
    media = _ASSET_TYPES.get(name)
    if media is None:
        raise NotFound(f"no documentation file {name!r}")
    return Response(_asset(name), media_type=media, headers={"Cache-Control": "public, max-age=86400"})


# -- the index of the REST API --------------------------------------------------------------------

API_PREFIX = "/api/v1"


@dataclasses.dataclass
class Operation:
    """One operation of the REST API: its method, path, one-line summary and its place in /docs."""

    method: str
    path: str
    summary: str
    docs: str


@dataclasses.dataclass
class ApiIndex:
    """What ``/api/v1`` answers: where the documentation is, and every operation below it."""

    title: str
    version: str
    docs: str
    redoc: str
    openapi: str
    front_page: str
    resources: list[Operation]


def api_index(app: Any) -> ApiIndex:
    """The operations below ``/api/v1`` as the app's OpenAPI schema gives them (routes left out of
    the schema stay out of the index), each with its link into Swagger UI (``#/tag/operationId``)."""
    found = []
    for path, operations in app.openapi().get("paths", {}).items():
        if not path.startswith(API_PREFIX + "/"):
            continue
        for method, operation in operations.items():
            tags = operation.get("tags") or ["default"]
            anchor = f"#/{quote(tags[0])}/{quote(operation.get('operationId', ''))}"
            summary = operation.get("summary") or ""
            found.append(Operation(method.upper(), path, summary, DOCS_URL + anchor))
    return ApiIndex(
        title=app.title,
        version=app.version,
        docs=DOCS_URL,
        redoc=REDOC_URL,
        openapi=app.openapi_url,
        front_page="/",
        resources=found,
    )


@router.get(API_PREFIX, summary="The REST API's operations, each with a line and its documentation")
def index(request: Request) -> ApiIndex:
    return api_index(request.app)


@router.get(API_PREFIX + "/", include_in_schema=False)
def index_slash(request: Request) -> ApiIndex:
    return api_index(request.app)


# -- the front page --------------------------------------------------------------------------------

_HERE = Path(__file__).resolve().parent.parent / "static"

#: The front page loads its style sheet from the service and nothing else; its one form is a GET
#: to the service's search.
_FRONT_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
_FRONT_HEADERS = {"Content-Security-Policy": _FRONT_CSP, "X-Content-Type-Options": "nosniff"}

#: The kinds shown, in order, with the words for them.
_KIND_WORDS = (
    ("actors", "actors", "states, governments, armed groups, coalitions, organisations, persons"),
    ("statements", "statements", "dated, sourced facts: support, alliance, hostility, membership..."),
    ("designations", "designations", "terrorist designations (statements too)"),
    ("claims", "claims", "what parties said, attributed and never taken as fact"),
    ("events", "events", "offensives, captures, airstrikes, talks..."),
    ("places", "places", "countries, regions, settlements, sites"),
    ("sources", "sources", "one named graph each"),
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(url: str | None, text: str) -> str:
    """A link to ``url`` when it is a web address, else the text alone (both escaped)."""
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}">{_e(text)}</a>'
    return _e(text)


def _sources_table(view: Overview) -> str:
    rows = []
    for s in view.sources:
        coverage = " – ".join(x for x in (s.coverage_start, s.coverage_end) if x) or ""
        licences = "; ".join(_link(x, x) for x in view.licences.get(s.iri, [])) or "not stated"
        title = f'<a href="{API_PREFIX}/sources/{quote(s.id, safe="")}">{_e(s.title)}</a>'
        if s.url:
            title += f" ({_link(s.url, 'original')})"
        rows.append(
            "<tr>"
            f"<td>{title}</td><td>{_e(s.type.replace('-', ' '))}</td><td>{_e(s.date or '')}</td>"
            f"<td>{_e(s.publisher or '')}</td><td>{_e(coverage)}</td><td>{licences}</td>"
            f'<td class="n">{s.facts}</td>'
            "</tr>"
        )
    head = (
        "<tr><th>source</th><th>kind</th><th>date</th><th>publisher</th><th>period covered</th>"
        '<th>licence</th><th class="n">facts citing it</th></tr>'
    )
    return f'<table id="sources"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def front_page(view: Overview, title: str) -> str:
    """The front page's HTML: every value from the data is escaped."""
    counts = "".join(
        f'<li data-kind="{kind}"><strong class="count">{view.counts[kind]:,}</strong> '
        f'<span class="kind">{_e(word)}</span> <span class="note">{_e(note)}</span></li>'
        for kind, word, note in _KIND_WORDS
    )
    if view.first_date and view.last_date:
        span = (
            f'<p id="dates">The facts are dated from <time>{_e(view.first_date)}</time> to '
            f"<time>{_e(view.last_date)}</time>; every read takes a day (<code>at=YYYY-MM-DD</code>) and "
            "answers what held on it.</p>"
        )
    else:
        span = '<p id="dates">No fact in the graph has a date yet.</p>'
    return f"""{page_head(title)}<body>
<header>
<h1>{_e(title)}</h1>
<p>Who backs whom in armed conflicts, who is allied with or fights whom, who is designated a
terrorist organisation and by whom, and what the parties claim: each fact a dated statement traced
to the source that gives it.</p>
<form id="search" action="{API_PREFIX}/search" method="get" role="search">
<label for="q">Search by name</label>
<input id="q" name="q" type="search" required maxlength="200" placeholder="e.g. Hay'at Tahrir al-Sham">
<button type="submit">Search</button>
</form>
</header>
<main>
<section id="ways-in">
<h2>Three ways in</h2>
<ul class="ways">
<li id="way-rest"><h3><a href="{API_PREFIX}">REST API</a></h3>
<p>JSON at <code>{API_PREFIX}</code>: actors, their backers and relations, designations, claims, events,
sources, network analyses. Documented in <a href="{DOCS_URL}">Swagger UI</a> (try each call) and
<a href="{REDOC_URL}">ReDoc</a>; the schema is at <a href="/openapi.json">/openapi.json</a>.</p></li>
<li id="way-sparql"><h3><a href="/sparql">SPARQL</a></h3>
<p>The SPARQL 1.1 endpoint at <code>/sparql</code>; opened in a browser it is a query page with
example questions. The terms are in the <a href="/ontology">ontology</a>.</p></li>
<li id="way-explorer"><h3><a href="/explorer">Graph explorer</a></h3>
<p>The network of actors on a chosen day, with filters by kind of relation and of actor, and each
edge's sources.</p></li>
</ul>
</section>
<section id="holds">
<h2>What the graph holds</h2>
<ul id="counts">{counts}</ul>
{span}
</section>
<section>
<h2>Sources</h2>
{_sources_table(view)}
</section>
</main>
<footer><p><a href="/healthz">Service status</a> · <a href="{API_PREFIX}">API index</a> ·
<a href="{DOCS_URL}">API documentation</a></p></footer>
</body>
</html>
"""


_HTML: dict[int | str, dict[str, Any]] = {
    200: {"description": "The front page.", "content": {"text/html": {"schema": {"type": "string"}}}}
}


@router.get("/", response_class=Response, responses=_HTML, summary="The front page (HTML): what the graph holds")
@page
def home(request: Request, store: StoreDep) -> HTMLResponse:
    return HTMLResponse(front_page(overview(store), request.app.title), headers=_FRONT_HEADERS)


@router.get("/static/front.css", include_in_schema=False)
def front_style() -> Response:
    return Response(
        _front_css(), media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"}
    )


@functools.cache
def _front_css() -> bytes:
    return (_HERE / "front.css").read_bytes()
