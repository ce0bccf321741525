"""The ways in: the API documentation pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``) served
with their scripts from the installed ``fastapi-offline`` package, so they work with no network.

FastAPI's own pages load Swagger UI and ReDoc from a CDN; the application turns them off
(``docs_url=None``, ``redoc_url=None``) and these routes give the same pages over local files.
"""

from __future__ import annotations

import functools
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from api.routing import JSONRoute
from kg.errors import NotFound

__all__ = ["DOCS_URL", "REDOC_URL", "router"]

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
