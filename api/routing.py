"""The service's route class: a plain function endpoint returns its answer already as JSON.

FastAPI runs a plain (``def``) endpoint in its thread pool, then, back on the event loop, hands
the returned value to the thread pool a second time to validate it against the response model,
and only then serialises it. Validation rebuilds every returned dataclass; with the hop it cost
about as much as the library's own work on the fast reads (backers, designations, search).

:class:`JSONRoute` wraps such an endpoint so that the worker thread that ran it also serialises
its answer with the route's own response field (pydantic's serialiser, the bytes FastAPI would
have sent), and returns a ``Response``, which FastAPI passes through. The response model still
gives the OpenAPI schema. Values are not re-validated: the library's models are typed and
checked by mypy, and the tests validate every answer against its route's model
(``tests/test_api_json.py``).

Only plain endpoints with a response model, FastAPI's default response class and no
``response_model_include``/``exclude``/``exclude_*`` option are wrapped; the others (coroutines,
pages, exports) keep FastAPI's path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute

__all__ = ["JSONRoute"]


class JSONRoute(APIRoute):
    """An ``APIRoute`` whose plain endpoint serialises its own answer (see the module)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        self._serialise: Callable[..., bytes] | None = None
        wrapped = not inspect.iscoroutinefunction(endpoint)
        super().__init__(path, self._serialising(endpoint) if wrapped else endpoint, **kwargs)
        plain = (
            isinstance(self.response_class, DefaultPlaceholder)
            and self.response_model_include is None
            and self.response_model_exclude is None
            and not (
                self.response_model_exclude_unset
                or self.response_model_exclude_defaults
                or self.response_model_exclude_none
            )
        )
        if wrapped and plain and self.response_field is not None:
            self._serialise = self.response_field.serialize_json

    def _serialising(self, endpoint: Callable[..., Any]) -> Callable[..., Any]:
        """The endpoint, returning its answer serialised once the route knows how (else as is)."""

        @functools.wraps(endpoint)  # FastAPI reads parameters and return type through __wrapped__
        def serialised(*args: Any, **kwargs: Any) -> Any:
            value = endpoint(*args, **kwargs)
            if self._serialise is None or isinstance(value, Response):
                return value
            return Response(
                self._serialise(value, by_alias=self.response_model_by_alias),
                status_code=self.status_code or 200,
                media_type="application/json",
            )

        return serialised
