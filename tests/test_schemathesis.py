"""Property-based run over the OpenAPI schema against the running service.

Every REST operation gets generated inputs; each response must not be a server error and must
conform to the documented status codes, content types and schemas.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.settings import Settings
from tests.live_server import live_server

SETTINGS = Settings(store="memory", query_timeout=5)
# The SPARQL endpoint is a protocol, not a REST resource: its W3C suite and its own tests cover it.
schema = schemathesis.openapi.from_dict(create_app(SETTINGS).openapi()).exclude(path="/sparql")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with live_server(SETTINGS) as url:
        yield url


def filter_query(ctx: object, query: dict[str, object] | None) -> bool:
    """A period runs forward: ``from`` after ``to`` is a mistake (422, tests/test_status_codes.py) that the
    schema cannot state, since it constrains one parameter at a time; valid cases keep ``from <= to``."""
    start, end = (query or {}).get("from"), (query or {}).get("to")
    return not (isinstance(start, str) and isinstance(end, str) and start > end)


@schema.hooks.apply(filter_query)
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_rest_operations_conform_to_their_schema(case: schemathesis.Case, base_url: str) -> None:
    case.call_and_validate(base_url=base_url)
