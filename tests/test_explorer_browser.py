"""The explorer in a real browser: Debian's chromium driven by Playwright, against a live server.

The page sends a strict Content-Security-Policy (no eval), so waits use selectors, not ``wait_for_function``.
Needs ``/usr/bin/chromium`` (``apt-get install chromium``) and the ``playwright`` package; no
browser is downloaded. Every request to a host other than the server is aborted and recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import kg
from api.settings import Settings
from kg import viz
from kg.network import project
from tests import live_server as live_server_module
from tests.browser_support import OfflinePage, chromium, playwright_or_skip
from tests.explorer_support import EVIL_ALIAS, EVIL_ID, EVIL_LABEL

sync_api = playwright_or_skip()

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def server(evil_store: kg.Store) -> Iterator[str]:
    with live_server_module.live_server(Settings(store="memory"), store=evil_store) as url:
        yield url


@pytest.fixture(scope="module")
def clean_server(bundled_store: kg.Store) -> Iterator[str]:
    """The bundled data only (for the README's screenshot)."""
    with live_server_module.live_server(Settings(store="memory"), store=bundled_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Watched(OfflinePage):
    """An explorer page opened offline (requests to other hosts aborted and recorded, dialogs counted)."""

    def __init__(self, browser: Any, base: str, viewport: tuple[int, int] = (1400, 1000)) -> None:
        super().__init__(browser, base, *viewport, accept_downloads=True)

    def open(self, query: str = "") -> Any:
        self.page.goto(f"{self.base}/explorer{query}")
        self.page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
        return self.page

    def labelled(self, query: str = "") -> Any:
        """Open the page and wait until its labels are placed (after the drawing settles)."""
        page = self.open(query)
        page.wait_for_selector("body[data-labels]", state="attached", timeout=20_000)
        return page

    def data(self) -> Any:
        return self.page.evaluate("window.explorer.data")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any, server: str) -> Iterator[Watched]:
    w = Watched(browser, server)
    yield w
    assert w.outside == [], f"requests to other hosts: {w.outside}"
    assert w.errors == [], f"script errors: {w.errors}"
    assert w.dialogs == [], f"dialogs: {w.dialogs}"
    w.close()


@pytest.fixture
def small(browser: Any, clean_server: str) -> Iterator[Watched]:
    """A page of the bundled data on a 1280x800 screen, watched like the others."""
    w = Watched(browser, clean_server, viewport=(1280, 800))
    yield w
    assert w.outside == [], f"requests to other hosts: {w.outside}"
    assert w.errors == [], f"script errors: {w.errors}"
    assert w.dialogs == [], f"dialogs: {w.dialogs}"
    w.close()


def test_loads_with_right_counts_and_screenshot(watched: Watched, evil_store: kg.Store) -> None:
    page = watched.open(f"?at={TODAY}")
    G = project(evil_store, TODAY, include_claims=True)
    nodes = sum(1 for n in G if G.degree(n) > 0)
    status = page.locator("#status")
    assert status.get_attribute("data-nodes") == str(nodes)
    assert status.get_attribute("data-edges") == str(G.number_of_edges())
    assert page.evaluate("window.explorer.network.body.data.nodes.length") == nodes
    assert page.evaluate("window.explorer.network.body.data.edges.length") == G.number_of_edges()
    assert page.locator("#node-list li").count() == nodes
    assert page.locator("#edge-list li").count() == G.number_of_edges()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer.png"))


def test_search_focuses_hts(watched: Watched) -> None:
    page = watched.open()
    page.fill("#q", "HTS")
    page.press("#q", "Enter")
    page.wait_for_url("**focus=hayat-tahrir-al-sham**")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert watched.data()["focus"] == "hayat-tahrir-al-sham"
    assert page.evaluate("window.explorer.network.getSelectedNodes()") == ["hayat-tahrir-al-sham"]
    assert page.input_value("#focus") == "hayat-tahrir-al-sham"


def test_click_russia_to_syrian_government_shows_sources(watched: Watched) -> None:
    page = watched.open("?at=2024-11-30")
    edge = next(
        e
        for e in watched.data()["edges"]
        if (e["from"], e["to"], e["kind"]) == ("russia", "syrian-government", "support")
    )
    # The page's own click handler fills the panel; the click is sent through vis-network's emitter.
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", edge["id"])
    panel = page.locator("#panel")
    sources = panel.locator("ul.sources li")
    assert sources.count() == len(edge["sources"]) > 0
    first = edge["sources"][0]
    assert (first["title"] or first["id"]) in sources.first.inner_text()
    if first["paragraphs"]:
        assert "paragraph" in sources.first.inner_text()
    assert "Russia" in panel.inner_text() and "support" in panel.inner_text()


def test_claims_are_marked_in_the_panel(watched: Watched) -> None:
    page = watched.open("?at=2024-11-30")
    claim = next((e for e in watched.data()["edges"] if e["claim"]), None)
    if claim is None:
        pytest.skip("no claim between actors in the seed data on this date")
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", claim["id"])
    assert "not an established fact" in page.locator("#panel .claim-note").inner_text()


def test_date_change_redraws_designations(watched: Watched, evil_store: kg.Store) -> None:
    page = watched.open("?at=2024-11-30&focus=hayat-tahrir-al-sham&kinds=designation")

    def drawn() -> list[tuple[str, str]]:
        return sorted((e["from"], e["status"]) for e in watched.data()["edges"] if e["to"] == "hayat-tahrir-al-sham")

    before = drawn()
    page.fill("#at", TODAY)
    page.dispatch_event("#at", "change")
    page.wait_for_url(f"**at={TODAY}**")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    after = drawn()
    G = project(evil_store, TODAY, kinds=["designation"])
    assert len(after) == G.in_degree("hayat-tahrir-al-sham")
    assert before != after
    assert "kinds=designation" in page.url and "focus=hayat-tahrir-al-sham" in page.url


def test_page_works_with_other_hosts_blocked(watched: Watched) -> None:
    page = watched.open()
    assert page.evaluate("typeof vis") == "object"
    assert page.locator("canvas").count() >= 1
    assert watched.outside == []


def test_bad_parameters_are_a_readable_page(watched: Watched) -> None:
    """A mistake in the address (issue 20, item 4): a page saying what is wrong, with the status of the
    REST routes (422), not raw JSON; its link leads back to the explorer without the parameters."""
    page = watched.page
    for query, words in (("?kinds=suport", "support"), ("?at=2024-13-40", "2024-13-40"), ("?depth=9", "depth")):
        response = page.goto(f"{watched.base}/explorer{query}")
        assert response is not None and response.status == 422
        assert response.headers["content-type"].startswith("text/html")
        message = page.locator("#message").inner_text()
        assert words in message and "{" not in message
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-error.png"))
    page.locator("a", has_text="no parameters").click()
    page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
    assert urlsplit(page.url).path == "/explorer" and not urlsplit(page.url).query


def test_hostile_text_stays_text(watched: Watched) -> None:
    page = watched.open(f"?at={TODAY}")
    assert page.evaluate("window.__xss") is None
    # graph: the label is drawn (as canvas text) and listed as text
    assert page.evaluate(f"window.explorer.network.body.data.nodes.get({EVIL_ID!r}).label") == EVIL_LABEL
    assert EVIL_LABEL in page.locator("#node-list").inner_text()
    # panel: the node, with its alias and note fetched from the API
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [id], edges: []})", EVIL_ID)
    page.locator("#panel .help").wait_for(state="detached")
    text = page.locator("#panel").inner_text()
    assert EVIL_LABEL in text and EVIL_ALIAS in text and "</select>" in text
    # panel: the relation with its hostile source title and locator
    edge = next(e for e in watched.data()["edges"] if e["to"] == EVIL_ID)
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", edge["id"])
    assert "<script>alert(6)</script>" in page.locator("#panel").inner_text()
    # search results
    page.fill("#q", "Evil")
    page.press("#q", "Enter")
    page.wait_for_selector("#hits li")
    assert EVIL_LABEL in page.locator("#hits").inner_text()
    # legend and every part of the page: no element came from the payloads
    assert page.locator("img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("script").count() == 3
    assert page.evaluate("window.__xss") is None
    # the focus view of the hostile actor
    page.goto(f"{watched.base}/explorer?focus={EVIL_ID.replace('%', '%25')}")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert watched.data()["focus"] == EVIL_ID
    assert page.evaluate("window.__xss") is None


def test_exports(watched: Watched) -> None:
    page = watched.open("?at=2024-11-30&kinds=support&kinds=designation")
    href = page.get_attribute("#export-graphml", "href") or ""
    assert href.startswith("/api/v1/network/export?format=graphml")
    assert "at=2024-11-30" in href and "kinds=support" in href and "kinds=designation" in href
    assert page.request.get(watched.base + href).ok
    with page.expect_download() as download:
        page.click("#export-png")
    saved = download.value.path()
    assert saved is not None and Path(saved).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_lists_are_keyboard_reachable(watched: Watched) -> None:
    page = watched.open("?at=2024-11-30")
    button = page.locator("#edge-list button").first
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("#panel h2").inner_text() != ""
    assert page.locator("#panel ul.sources li").count() >= 1


def test_export_links_follow_the_drawn_subgraph(watched: Watched) -> None:
    page = watched.open(
        "?at=2024-11-30&focus=russia&depth=2&kinds=support&kinds=hostility&types=state&types=government"
    )
    for fmt in ("graphml", "gexf", "jsonld", "json"):
        href = page.get_attribute(f"#export-{fmt}", "href") or ""
        for part in (f"format={fmt}", "focus=russia", "depth=2", "kinds=support", "kinds=hostility", "types=state"):
            assert part in href, (part, href)
    exported = page.request.get(watched.base + (page.get_attribute("#export-json", "href") or "")).json()
    assert {n["id"] for n in exported["nodes"]} == {n["id"] for n in watched.data()["nodes"]}
    assert len(exported["edges"]) == len(watched.data()["edges"])


def test_notebook_page_works_offline(browser: Any, evil_store: kg.Store, tmp_path: Path) -> None:
    """The notebook's self-contained page, opened from a file with every request refused."""
    G = project(evil_store, "2024-11-30", include_claims=True)
    saved = viz.show(G, highlight=["russia"]).save(tmp_path / "view.html")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url == saved.as_uri()
            else (requests.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    try:
        page.goto(saved.as_uri())
        page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
        assert page.evaluate("window.explorer.network.body.data.edges.length") == G.number_of_edges()
        edge = next(e for e in page.evaluate("window.explorer.data")["edges"] if e["from"] == "russia")
        page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", edge["id"])
        assert page.locator("#panel ul.sources li").count() == len(edge["sources"]) > 0
        page.evaluate("id => window.explorer.network.emit('click', {nodes: [id], edges: []})", EVIL_ID)
        assert EVIL_LABEL in page.locator("#panel").inner_text()
        assert page.evaluate("window.__xss") is None
        assert requests == [] and errors == []
    finally:
        context.close()


def test_readme_screenshot(browser: Any, clean_server: str) -> None:
    """The README's picture: the bundled graph on the article's day (refresh it with `make screenshot`)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(f"{clean_server}/explorer?at=2024-11-30")
        page.wait_for_selector("body[data-ready='true']", state="attached", timeout=20_000)
        page.wait_for_selector("body[data-labels]", state="attached", timeout=20_000)  # labels placed
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer-readme.png"))
    finally:
        context.close()
    committed = Path(viz.__file__).parent / "explorer.png"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "kg/viz/explorer.png" in readme
    assert committed.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- issue 20, item 4 ------------------------------------------------------------------------------------


def _screen_point(page: Any, node: str | None = None, edge: str | None = None) -> tuple[float, float]:
    """Where on the screen a node's centre, or an edge's midpoint, is drawn."""
    x, y = page.evaluate(
        """([node, edge]) => {
          const net = window.explorer.network;
          let p;
          if (node) p = net.getPositions([node])[node];
          else { const e = net.body.data.edges.get(edge); const ends = net.getPositions([e.from, e.to]);
                 p = { x: (ends[e.from].x + ends[e.to].x) / 2, y: (ends[e.from].y + ends[e.to].y) / 2 }; }
          const d = net.canvasToDOM(p); const r = document.getElementById('graph').getBoundingClientRect();
          return [r.left + d.x, r.top + d.y];
        }""",
        [node, edge],
    )
    return float(x), float(y)


def _hover(page: Any, where: Callable[[], tuple[float, float]], showing: str) -> str:
    """Move the mouse to the point ``where()`` gives and return the tooltip's text once it shows
    ``showing``. On a busy machine the drawing may still be settling when the point is read, so
    the point is read again and the mouse moved again until the tooltip shows (20 s at most)."""
    tooltip = page.locator("div.vis-tooltip", has_text=showing)
    deadline = time.monotonic() + 20
    while True:
        x, y = where()
        page.mouse.move(x - 40, y - 40)
        page.mouse.move(x, y, steps=4)
        try:
            tooltip.wait_for(state="visible", timeout=2_000)
            return str(tooltip.inner_text())
        except sync_api.TimeoutError:
            if time.monotonic() > deadline:
                raise


def test_default_date_is_the_latest_in_the_data(watched: Watched, evil_store: kg.Store) -> None:
    from kg.read.overview import latest_day

    latest = latest_day(evil_store)
    assert latest is not None
    page = watched.open()
    assert watched.data()["at"] == latest.isoformat() == page.input_value("#at")
    said = page.locator("#as-of").inner_text()
    assert said == f"Showing the graph as of {latest.isoformat()}, the latest date in the data."
    page = watched.open("?at=2024-11-30&focus=russia")
    assert f"the latest date in the data is {latest.isoformat()}" in page.locator("#as-of").inner_text()
    page.click("#latest")  # the same view on the latest date
    page.wait_for_url(lambda url: "at=" not in url)
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert watched.data()["at"] == latest.isoformat() and watched.data()["focus"] == "russia"


def test_hover_tooltips_on_nodes_and_edges(watched: Watched) -> None:
    page = watched.labelled("?at=2024-11-30")
    text = _hover(page, lambda: _screen_point(page, node="russia"), "Russia")
    assert "state" in text and "relations drawn" in text
    text = _hover(page, lambda: _screen_point(page, node="hayat-tahrir-al-sham"), "Hay'at Tahrir al-Sham")
    assert "armed group" in text and "ceased 2025-01-29" in text
    # a straight support edge whose midpoint no node covers
    edge = page.evaluate(
        """() => {
          const net = window.explorer.network; const all = net.getPositions();
          for (const e of window.explorer.data.edges) {
            if (e.kind !== 'support' || e.smooth.enabled) continue;
            const a = all[e.from], b = all[e.to]; const m = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
            const clear = Object.values(all).every((p) => Math.hypot(p.x - m.x, p.y - m.y) * net.getScale() > 25);
            if (clear && Math.hypot(a.x - b.x, a.y - b.y) * net.getScale() > 80) return e;
          }
          return null;
        }"""
    )
    assert edge is not None
    names = watched.data()["names"]
    showing = f"support: {names[edge['from']]} → {names[edge['to']]}"
    text = _hover(page, lambda: _screen_point(page, edge=edge["id"]), showing)
    assert (f"from {edge['start']}" if edge["start"] else "start unknown") in text
    assert f"{len(edge['sources'])} source" in text and "2024-11-30" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-tooltip.png"))


def test_claims_name_their_claimant(watched: Watched) -> None:
    page = watched.labelled("?at=2024-11-30")
    data = watched.data()
    claim = next(e for e in data["edges"] if e["statement"] == "claim-araghchi-us-israeli-plan-2024-11-29")
    detail = data["claims"][claim["statement"]]
    # the list of relations
    listed = page.locator("#edge-list li", has_text="claimed by Abbas Araghchi")
    assert listed.count() == sum(1 for e in data["edges"] if "abbas-araghchi" in e["claimants"]) > 0
    # the panel: summary, kind in words, date, the claimant's name as a link, sources
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", claim["id"])
    panel = page.locator("#panel")
    text = panel.inner_text()
    assert "not an established fact" in page.locator("#panel .claim-note").inner_text()
    assert detail["summary"] in text and "accusation" in text and "2024-11-29" in text
    link = panel.locator("a", has_text="Abbas Araghchi")
    assert "focus=abbas-araghchi" in (link.get_attribute("href") or "")
    assert panel.locator("ul.sources li").count() == len(detail["sources"]) > 0
    assert "abbas-araghchi" not in text and "holds" not in text
    # the tooltip
    page.evaluate("window.explorer.network.fit({ nodes: ['united-states', 'hts-led-rebels'], animation: false })")
    tip = page.evaluate("id => window.explorer.network.body.data.edges.get(id).title.textContent", claim["id"])
    assert "claimed by Abbas Araghchi, 2024-11-29" in tip and "not an established fact" in tip


def test_claims_as_nodes_with_screenshot(watched: Watched) -> None:
    page = watched.labelled("?at=2024-11-30&claims=nodes")
    data = watched.data()
    node = "claim:claim-araghchi-us-israeli-plan-2024-11-29"
    assert (
        page.evaluate("id => window.explorer.network.body.data.nodes.get(id).label", node) == "accusation, 2024-11-29"
    )
    into = [e for e in data["edges"] if e["to"] == node]
    assert [(e["from"], e["role"]) for e in into] == [("abbas-araghchi", "claimant")]
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [id], edges: []})", node)
    text = page.locator("#panel").inner_text()
    assert "Abbas Araghchi" in text and data["claims"][node.removeprefix("claim:")]["summary"] in text
    assert "support: United States → HTS-led rebel forces" in text  # what it asserts, by name
    assert page.is_checked("#claims-as-nodes")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-claims-as-nodes-2024-11-30.png"))
    # unticking redraws claims as edges between the actors, keeping the date
    page.uncheck("#claims-as-nodes")
    page.wait_for_url(lambda url: "claims=nodes" not in url)
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert watched.data()["claim_view"] == "edges" and "at=2024-11-30" in page.url


def test_no_id_shown_where_a_name_belongs(watched: Watched) -> None:
    page = watched.labelled("?at=2024-11-30&focus=hts-led-rebels")
    data = watched.data()
    assert "Focus: HTS-led rebel forces" in page.locator("#focus-name").inner_text()
    for e in data["edges"]:
        page.evaluate("id => window.explorer.network.emit('click', {nodes: [], edges: [id]})", e["id"])
        panel = page.locator("#panel").inner_text()
        for ident in (e["from"], e["to"], e["statement"], *e["claimants"]):
            assert ident not in panel, (ident, panel)
    page.evaluate("id => window.explorer.network.emit('click', {nodes: [id], edges: []})", "hts-led-rebels")
    body = page.locator("body").inner_text()
    ids = {n["id"] for n in data["nodes"]} | set(data["names"]) | {e["statement"] for e in data["edges"]}
    shown = [i for i in ids if "-" in i and i in body]
    assert shown == [], shown


def test_legend_and_labels_fit_a_1280x800_screen(small: Watched) -> None:
    from kg import ontology

    page = small.labelled("?at=2024-11-30")
    legend = page.locator("#legend").bounding_box()
    assert legend is not None and legend["y"] >= 0 and legend["y"] + legend["height"] <= 800
    listed = page.locator("#legend").inner_text()
    for t in ontology.actor_types():
        assert viz.type_label(t) in listed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-2024-11-30.png"))
    # labels: readable at the default zoom, none overlapping another, none cut by the canvas's edge
    labels = page.evaluate("window.explorer.labels()")
    graph = page.locator("#graph").bounding_box()
    assert graph is not None
    shown = [label for label in labels if label["shown"]]
    assert len(shown) >= len(labels) // 2
    assert all(label["px"] >= 12 for label in shown)
    for i, a in enumerate(shown):
        box = a["box"]
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["w"] <= graph["width"] and box["y"] + box["h"] <= graph["height"]
        for b in shown[i + 1 :]:
            other = b["box"]
            apart = (
                box["x"] + box["w"] <= other["x"]
                or other["x"] + other["w"] <= box["x"]
                or box["y"] + box["h"] <= other["y"]
                or other["y"] + other["h"] <= box["y"]
            )
            assert apart, (a["id"], b["id"])
    # the best connected actor is labelled, drawn at the size its label asks for on screen
    data = small.data()
    top = max(data["nodes"], key=lambda n: n["degree"])
    assert next(label for label in labels if label["id"] == top["id"])["shown"]
    scale = page.evaluate("window.explorer.network.getScale()")
    size = page.evaluate("id => window.explorer.network.body.data.nodes.get(id).font.size", top["id"])
    assert abs(size * scale - top["label_px"]) < 0.5
