"""One table from library exceptions to HTTP responses, and the error bodies.

One status per mistake, whatever the route (``tests/test_status_codes.py`` walks every route):
an unknown id is 404; an unknown value of an enumerated parameter (a kind, a type, a format), a
malformed or impossible date, a number out of its range and a period that ends before it starts
are 422; a method the route does not take is 405; an Accept header that takes none of the types a
negotiating route offers is 406. Query parameters a route does not know are ignored (links and
forms may carry more than the route reads, and an older service stays usable by a newer client).

The body is JSON, ``{"error": {"code", "message"}}``, the message saying what was wrong and what is
allowed. A page for people (an endpoint marked with :func:`page`) answers the same status with a
readable HTML page instead: a person following a link should not meet raw JSON.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from api.actor_page import CSP, error_page
from api.negotiation import choose
from kg.errors import (
    InvalidInput,
    KGError,
    LoadError,
    NotFound,
    Overloaded,
    QueryAborted,
    QueryError,
    QueryRefused,
    ReadOnly,
    StoreBusy,
    StoreError,
    TooManyQueries,
    ValidationFailed,
)

__all__ = ["HTTP_CODES", "STATUS", "error_body", "error_headers", "install", "page", "status_and_code"]

#: Library exception → (HTTP status, error code). The first matching class wins.
STATUS: list[tuple[type[KGError], int, str]] = [
    (NotFound, 404, "not_found"),
    (QueryRefused, 400, "query_refused"),
    (QueryError, 400, "bad_query"),
    (ReadOnly, 403, "read_only"),
    (TooManyQueries, 429, "too_many_queries"),
    (Overloaded, 503, "overloaded"),
    (QueryAborted, 503, "query_stopped"),
    (InvalidInput, 422, "invalid_input"),
    (ValidationFailed, 422, "invalid_data"),
    (LoadError, 400, "bad_data"),
    (StoreBusy, 503, "store_busy"),
    (StoreError, 503, "store_unavailable"),
]


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_headers(exc: KGError) -> dict[str, str]:
    """Headers an error response carries: ``Retry-After`` when the client should wait and retry."""
    if isinstance(exc, TooManyQueries):
        return {"retry-after": str(exc.retry_after)}
    return {}


# -- pages for people -----------------------------------------------------------------------------

_PAGE_MARK = "_kg_page_for_people"
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


def page(endpoint: _Endpoint) -> _Endpoint:
    """Mark an endpoint as a page for people: its errors answer a readable HTML page, same status.

    Put it under the route decorator (the route keeps the mark when it wraps the function)."""
    setattr(endpoint, _PAGE_MARK, True)
    return endpoint


def _for_people(request: Request) -> bool:
    """Whether the error is for a person: the route is a page, or no route matched (a mistyped
    address) outside the API and the client prefers HTML to JSON, as a browser does."""
    endpoint = request.scope.get("endpoint")
    if endpoint is not None:
        return bool(getattr(endpoint, _PAGE_MARK, False))
    if request.url.path.startswith(("/api/", "/sparql")):
        return False
    return choose(request.headers.get("accept"), ("application/json", "text/html")) == "text/html"


#: The heading of an error page, by status.
_HEADINGS = {
    400: "Bad request",
    404: "Not found",
    405: "Not allowed here",
    406: "Not acceptable",
    422: "Something in the address is not right",
    500: "Internal error",
    503: "Service unavailable",
}


def _answer(
    request: Request, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The error response: JSON, or an HTML page when the route is a page for people."""
    if not _for_people(request):
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)
    links = []
    if status == 422 and request.url.query:
        links.append((request.url.path, "The same page with no parameters"))
    body = error_page(status, _HEADINGS.get(status, "Error"), message, request.app.title, links)
    extra = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
    return HTMLResponse(body, status_code=status, headers={**(headers or {}), **extra})


# -- handlers --------------------------------------------------------------------------------------


def _kg_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KGError)
    status, code = status_and_code(exc)
    return _answer(request, status, code, str(exc), error_headers(exc))


#: A pattern that only lists alternatives (``^(turtle|trig)$``): the values a parameter takes.
_CHOICES = re.compile(r"\^\(([\w-]+(?:\|[\w-]+)*)\)\$")


def _problem(err: Mapping[str, Any]) -> str:
    """One validation error in words: the parameter, what is wrong, what was given and what is allowed."""
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body", "header"))
    kind, given = err.get("type"), err.get("input")
    choices = _CHOICES.fullmatch(str((err.get("ctx") or {}).get("pattern", "")))
    if kind == "string_pattern_mismatch" and choices:
        text = f"{given!r} is not one of the values it takes: {', '.join(choices.group(1).split('|'))}"
    elif kind == "missing":
        text = "required, and not given"
    else:
        text = str(err.get("msg")).removeprefix("Value error, ")
        if isinstance(given, str | int | float) and not isinstance(given, bool):
            text += f" (given: {given!r})"
    return f"{where}: {text}" if where else text


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = "; ".join(_problem(err) for err in exc.errors())
    return _answer(request, 422, "invalid_parameter", message)


#: HTTP status → error code, for errors raised as HTTPException.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
}


def status_and_code(exc: KGError | HTTPException) -> tuple[int, str]:
    """The HTTP status and error code of a library exception or an HTTPException."""
    if isinstance(exc, HTTPException):
        return exc.status_code, HTTP_CODES.get(exc.status_code, "http_error")
    for cls, status, code in STATUS:
        if isinstance(exc, cls):
            return status, code
    return 500, "error"


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status, code = status_and_code(exc)
    message = str(exc.detail)
    # the router's own 404 and 405 say only their reason phrase: say what was asked and what is there
    if status == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}; the REST API's operations are listed at /api/v1"
    elif status == 405 and message == "Method Not Allowed":
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow") or ""
        message = f"{request.method} is not allowed on {request.url.path}"
        message += f"; allowed: {allowed}" if allowed else ""
    return _answer(request, status, code, message, exc.headers)


def _internal_error(request: Request, exc: Exception) -> Response:
    """Anything else: 500 with the error body (the traceback goes to the log, not to the client)."""
    return _answer(request, 500, "error", "internal error; see the service log")


def install(app: FastAPI) -> None:
    """Register the handlers: every error answers ``{"error": {"code", "message"}}`` (or a page)."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
