"""Actor pages in a real browser with no network: the timeline is drawn, its bars are links to the
evidence, the print layout holds, and the explorer's side panel leads to the page.

Debian's chromium driven by Playwright against a live server; every request to another host is
aborted and recorded, and the test fails if there was any. Screenshots go to ``test-artifacts/``
(``actor-hts.png``, ``actor-russia.png``, their timelines alone, and HTS's page as printed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import kg
from api.settings import Settings
from kg.read.entities import entity
from tests import live_server as live_server_module
from tests.browser_support import OfflinePage, chromium, playwright_or_skip
from tests.explorer_support import EVIL_ID, EVIL_LABEL

sync_api = playwright_or_skip()

# the slow group of browser tests (registered by the markers branch; make test-fast leaves it out)
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DAY = "2024-11-30"


@pytest.fixture(scope="module")
def server(bundled_store: kg.Store) -> Iterator[str]:
    with live_server_module.live_server(Settings(store="memory"), store=bundled_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Offline(OfflinePage):
    """An actor page opened offline."""

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        self.page.wait_for_selector("svg.timeline", state="attached")
        return self.page


def _watch(browser: Any, base: str) -> Iterator[Offline]:
    o = Offline(browser, base)
    yield o
    o.context.close()
    assert o.outside == [], f"requests to other hosts: {o.outside}"
    assert o.errors == [], f"script errors: {o.errors}"
    assert o.dialogs == [], f"dialogs: {o.dialogs}"


@pytest.fixture
def offline(browser: Any, server: str) -> Iterator[Offline]:
    yield from _watch(browser, server)


def _drawn_bars(page: Any) -> list[dict[str, Any]]:
    """Each drawn row of the timeline: its link, kind, and the size of what is drawn in it."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('svg.timeline a.row')].map(a => {
                 const shapes = [...a.querySelectorAll('.certain, .uncertain, .unknown, .claim-mark')];
                 const box = s => s.getBoundingClientRect();
                 return {href: a.getAttribute('href'), kind: a.classList.contains('claim') ? 'claim' : 'fact',
                         key: a.dataset.key, target: !!document.getElementById(a.getAttribute('href').slice(1)),
                         width: Math.max(0, ...shapes.map(s => box(s).width)),
                         bars: a.querySelectorAll('.certain, .uncertain, .unknown').length,
                         marks: a.querySelectorAll('.claim-mark').length};
               })"""
        )
    )


@pytest.mark.parametrize(("actor", "shot"), [("hayat-tahrir-al-sham", "actor-hts"), ("russia", "actor-russia")])
def test_timeline_is_drawn_with_bars_linking_to_evidence(
    offline: Offline, bundled_store: kg.Store, actor: str, shot: str
) -> None:
    page = offline.open(f"/actors/{actor}?at={DAY}")
    data = entity(bundled_store, actor, at=DAY, group_limit=500)
    assert page.locator("h1#actor-name").inner_text() == data.label
    box = page.locator("svg.timeline").bounding_box()
    assert box is not None and box["width"] > 700 and box["height"] > 200
    rows = _drawn_bars(page)
    statements = {i.id for n, g in data.groups.items() if n not in ("events", "claims_made", "claims_about")
                  for i in g.items}  # fmt: skip
    facts = [r for r in rows if r["kind"] == "fact"]
    claims = [r for r in rows if r["kind"] == "claim"]
    assert {r["key"] for r in facts} == statements
    assert len(claims) == len(data.groups["claims_made"].items) + len(data.groups["claims_about"].items)
    assert all(r["target"] for r in rows), [r["href"] for r in rows if not r["target"]]
    assert all(r["bars"] >= 1 and r["width"] > 0 for r in facts)
    assert all(r["marks"] == 1 and r["bars"] == 0 for r in claims)  # a claim is never a bar
    # following a bar lands on its evidence
    first = page.locator("svg.timeline a.row.fact").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href}")
    target = page.locator("tr:target")
    assert target.count() == 1 and target.get_attribute("id") == href[1:]
    assert target.locator("ul.sources a").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    page.locator("#timeline-section figure").screenshot(path=str(ARTIFACTS / f"{shot}-timeline.png"))


def test_names_show_both_scripts(offline: Offline) -> None:
    page = offline.open(f"/actors/hayat-tahrir-al-sham?at={DAY}")
    arabic = page.locator('#names tr[data-lang="ar"] td.label span[lang="ar"]')
    assert arabic.inner_text() == "هيئة تحرير الشام"
    assert page.locator('#names tr[data-lang="en"] ul.aliases li').count() > 1


def test_print_layout(offline: Offline) -> None:
    page = offline.open(f"/actors/hayat-tahrir-al-sham?at={DAY}")
    assert page.locator("nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible() and not page.locator("#as-of button").is_visible()
    assert page.locator("svg.timeline").is_visible()
    box = page.locator("svg.timeline").bounding_box()
    assert box is not None and box["width"] > 600
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "actor-hts-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_errors_are_pages(offline: Offline) -> None:
    response = offline.page.goto(offline.base + "/actors/no-such-actor")
    assert response is not None and response.status == 404
    assert "No such actor" in offline.page.locator("h1").inner_text()
    response = offline.page.goto(offline.base + "/actors/russia?at=2024-13-45")
    assert response is not None and response.status == 422
    assert "YYYY-MM-DD" in offline.page.locator("#message").inner_text() or "date" in offline.page.inner_text("h1")


def test_the_explorer_side_panel_links_to_the_actor_page(offline: Offline) -> None:
    page = offline.page
    page.goto(f"{offline.base}/explorer?at={DAY}&focus=russia")
    page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [id], edges: []})", "russia")
    link = page.locator("#panel a.actor-page")
    assert link.get_attribute("href") == f"/actors/russia?at={DAY}"
    link.click()
    page.wait_for_selector("svg.timeline", state="attached")
    assert page.locator("h1#actor-name").inner_text() == "Russia"


def test_hostile_actor_page_stays_text(browser: Any, evil_store: kg.Store) -> None:
    with live_server_module.live_server(Settings(store="memory"), store=evil_store) as base:
        for o in _watch(browser, base):
            page = o.open("/actors/" + quote(EVIL_ID, safe=""))
            assert page.locator("h1#actor-name").inner_text() == EVIL_LABEL
            assert page.evaluate("window.__xss === undefined")
            assert page.locator("script").count() == 0
