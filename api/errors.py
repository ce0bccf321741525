"""One table from library exceptions to HTTP responses, and the JSON error body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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

__all__ = ["HTTP_CODES", "STATUS", "error_body", "error_headers", "install", "status_and_code"]

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


def _kg_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KGError)
    status, code = status_and_code(exc)
    return JSONResponse(error_body(code, str(exc)), status_code=status, headers=error_headers(exc))


def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return JSONResponse(error_body("invalid_parameter", "; ".join(parts)), status_code=422)


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


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    status, code = status_and_code(exc)
    return JSONResponse(error_body(code, str(exc.detail)), status_code=status, headers=exc.headers)


def install(app: FastAPI) -> None:
    """Register the handlers: every error answers ``{"error": {"code", "message"}}``."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
