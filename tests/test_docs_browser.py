"""The API documentation pages (/docs, /redoc) and the front page in a real browser with no network.

Debian's chromium driven by Playwright against a live server; every request to another host is
aborted and recorded, and the test fails if there was any. Needs ``/usr/bin/chromium`` and the
``playwright`` package; no browser is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import kg
from api.app import create_app
from api.settings import Settings
from kg.read.overview import overview
from tests import live_server as live_server_module
from tests.browser_support import OfflinePage, chromium, playwright_or_skip

sync_api = playwright_or_skip()

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def server(bundled_store: kg.Store) -> Iterator[str]:
    with live_server_module.live_server(Settings(store="memory"), store=bundled_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Offline(OfflinePage):
    """The documentation pages' offline page (a wider window: Swagger UI's columns)."""

    def __init__(self, browser: Any, base: str) -> None:
        super().__init__(browser, base, width=1300)


@pytest.fixture
def offline(browser: Any, server: str) -> Iterator[Offline]:
    o = Offline(browser, server)
    yield o
    o.context.close()
    assert o.outside == [], f"requests to other hosts: {o.outside}"
    assert o.errors == [], f"script errors: {o.errors}"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation in the service's OpenAPI schema."""
    schema = create_app(Settings(store="memory")).openapi()
    return [(m, p, op) for p, ops in schema["paths"].items() for m, op in ops.items()]


def test_swagger_ui_shows_every_operation_offline(offline: Offline, server: str) -> None:
    page = offline.page
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    operations = _operations()
    assert page.locator(".opblock").count() == len(operations)
    for method, path, _ in operations:
        block = page.locator(f".opblock-{method} [data-path='{path}']")
        assert block.count() == 1, f"{method.upper()} {path} not shown"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-swagger-ui.png"))


def test_api_index_links_open_their_operation_in_swagger_ui(offline: Offline, server: str) -> None:
    page = offline.page
    index = page.request.get(f"{server}/api/v1").json()
    search = next(r for r in index["resources"] if r["path"] == "/api/v1/search")
    page.goto(f"{server}{search['docs']}")
    opened = page.locator(".opblock.is-open")
    opened.wait_for(timeout=30_000)
    assert opened.count() == 1
    assert opened.locator("[data-path='/api/v1/search']").count() == 1


def test_redoc_shows_the_operations_offline(offline: Offline, server: str) -> None:
    page = offline.page
    page.goto(f"{server}/redoc")
    page.wait_for_selector("[data-section-id^='operation/'], [data-section-id^='tag/']", timeout=30_000)
    for _, _, operation in _operations():
        assert page.get_by_text(operation["summary"]).count() >= 1, operation["summary"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-redoc.png"))


def test_front_page_offline_with_its_figures_and_search(offline: Offline, server: str, bundled_store: kg.Store) -> None:
    page = offline.page
    page.goto(f"{server}/")
    view = overview(bundled_store)
    for kind, count in view.counts.items():
        assert page.locator(f"#counts li[data-kind='{kind}'] .count").inner_text() == f"{count:,}"
    assert page.locator("#sources tbody tr").count() == len(view.sources)
    for way, href in (("rest", "/api/v1"), ("sparql", "/sparql"), ("explorer", "/explorer")):
        assert page.locator(f"#way-{way} h3 a").get_attribute("href") == href
    # the style sheet is the service's own and was applied
    assert page.evaluate("getComputedStyle(document.querySelector('.ways')).display") == "grid"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "front-page.png"), full_page=True)
    page.fill("#q", "tahrir")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert urlsplit(page.url).path == "/api/v1/search"
    assert "hayat-tahrir-al-sham" in page.content()
