"""Headless Chromium for the browser tests: Debian's build driven by Playwright (never
``playwright install``), with the flags the project's machines need."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.markers import require

__all__ = ["CHROMIUM", "chromium"]

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
