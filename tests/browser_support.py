"""Headless Chromium for the browser tests: Debian's build driven by Playwright (never
``playwright install``), with the flags the project's machines need."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.markers import require

__all__ = ["CHROMIUM", "OfflinePage", "chromium", "playwright_or_skip"]

CHROMIUM = "/usr/bin/chromium"
_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser, closed on exit; the test is skipped where Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Debian chromium at {CHROMIUM} (apt-get install chromium)")
    require("browser", "launches Chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def playwright_or_skip() -> Any:
    """Playwright's sync API, or the calling test module skipped where Chromium or Playwright is
    missing (call it at module level)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Debian chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


class OfflinePage:
    """A page of its own browser context whose requests to any host but the server's are aborted and
    recorded (``outside``), with the page's script errors (``errors``) and dialogs (``dialogs``)."""

    def __init__(self, browser: Any, base: str, width: int = 1200, height: int = 1000, **options: Any) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        host = urlsplit(base).netloc
        self.page.route("**/*", lambda route: self._route(route, host))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _route(self, route: Any, host: str) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != host:
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()
