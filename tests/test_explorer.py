"""The explorer page, in process: no outside host, escaped text, the right counts, the filters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

import kg
from api.app import create_app
from api.settings import Settings
from kg import viz
from kg.network import edge_kinds, project
from tests.explorer_support import EVIL_ALIAS, EVIL_ID, EVIL_LABEL


@pytest.fixture(scope="module")
def client(evil_store: kg.Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory"), store=evil_store)) as c:
        yield c


class _Page(HTMLParser):
    """Collects URL attributes, script elements and the embedded data."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.data: str | None = None
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "action", "srcset", "poster", "data")]
        if tag == "script":
            self.scripts.append(found)
            self._in_data = found.get("id") == "explorer-data"

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data = (self.data or "") + data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False


def _parse(text: str) -> _Page:
    parsed = _Page()
    parsed.feed(text)
    return parsed


def _visible(G: kg.Store, **kw: object) -> tuple[int, int]:
    graph = project(G, **kw)  # type: ignore[arg-type]
    return sum(1 for n in graph if graph.degree(n) > 0), graph.number_of_edges()


def test_no_url_to_another_host(client: TestClient) -> None:
    response = client.get("/explorer")
    assert response.status_code == 200
    parsed = _parse(response.text)
    assert parsed.urls
    for url in parsed.urls:
        assert not re.match(r"(?i)\s*(https?:)?//", url), url
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "cdn" not in response.text.lower()
    for script in parsed.scripts:
        src = script.get("src")
        if src:
            assert client.get(src).status_code == 200


@pytest.mark.parametrize("name", ["vis-network.min.js", "vis-network.css", "explorer.js", "explorer.css"])
def test_static_files_are_served(client: TestClient, name: str) -> None:
    response = client.get(f"/explorer/static/{name}")
    assert response.status_code == 200
    assert len(response.content) > 500


def test_unknown_static_file(client: TestClient) -> None:
    assert client.get("/explorer/static/..%2Fapp.py").status_code == 404
    assert client.get("/explorer/static/secret.js").status_code == 404


def test_labels_are_escaped(client: TestClient) -> None:
    text = client.get("/explorer").text
    assert "<script>window" not in text and "<img src=x" not in text and "</select><" not in text
    data = json.loads(_parse(text).data or "")
    assert EVIL_LABEL in [n["label"] for n in data["nodes"]]  # intact, as data
    assert EVIL_ID in [n["id"] for n in data["nodes"]]
    assert len(_parse(text).scripts) == 3


def test_counts_match_the_projection(client: TestClient, evil_store: kg.Store) -> None:
    data = json.loads(_parse(client.get("/explorer?at=2024-11-30").text).data or "")
    nodes, edges = _visible(evil_store, at="2024-11-30", include_claims=True)
    assert (len(data["nodes"]), len(data["edges"])) == (nodes, edges)
    assert data["at"] == "2024-11-30"


def test_parallel_relations_all_drawn(client: TestClient, evil_store: kg.Store) -> None:
    data = json.loads(_parse(client.get("/explorer?at=2024-11-30").text).data or "")
    drawn = [e for e in data["edges"] if (e["from"], e["to"]) == ("russia", "syrian-government")]
    G = project(evil_store, "2024-11-30", include_claims=True)
    assert len(drawn) == G.number_of_edges("russia", "syrian-government") > 1
    assert len({json.dumps(e["smooth"], sort_keys=True) for e in drawn}) == len(drawn)


def test_focus_kinds_types(client: TestClient, evil_store: kg.Store) -> None:
    url = "/explorer?at=2024-11-30&focus=hayat-tahrir-al-sham&depth=1&kinds=designation"
    data = json.loads(_parse(client.get(url).text).data or "")
    assert data["focus"] == "hayat-tahrir-al-sham"
    assert {e["kind"] for e in data["edges"]} == {"designation"}
    G = project(evil_store, "2024-11-30", kinds=["designation"])
    assert len(data["edges"]) == G.in_degree("hayat-tahrir-al-sham") + G.out_degree("hayat-tahrir-al-sham")
    states = json.loads(_parse(client.get("/explorer?types=state&at=2024-11-30").text).data or "")
    assert all("state" in n["types"] for n in states["nodes"])


def test_unknown_focus_says_so(client: TestClient) -> None:
    text = client.get("/explorer?focus=no-such-actor").text
    assert "no actor" in json.loads(_parse(text).data or "")["message"]


def test_bad_filters_are_422(client: TestClient) -> None:
    assert client.get("/explorer?kinds=bogus").status_code == 422
    assert client.get("/explorer?at=2024-13-40").status_code == 422
    assert client.get("/explorer?depth=9").status_code == 422


def test_cap_on_drawn_nodes() -> None:
    G = nx.MultiDiGraph(nx.path_graph(50, create_using=nx.MultiDiGraph))
    model = viz.view_model(G, max_nodes=10)
    assert len(model["nodes"]) == 10 and model["total"] == 50
    assert "10 best connected of 50" in model["message"]
    assert not viz.view_model(nx.MultiDiGraph(nx.path_graph(400)))["physics"]


def test_json_cannot_close_the_script() -> None:
    text = viz.json_for_script({"a": "</script><!-- \u2028 & >"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028 & >"}


def test_legend_from_the_ontology() -> None:
    legend = viz.legend()
    kinds = {r["kind"]: r for r in legend["relations"]}
    for kind in ("support", "alliance", "hostility", "membership", "designation", "claim"):
        assert kind in kinds
    patterns = [
        json.dumps(kinds[k]["dashes"])
        for k in ("support", "alliance", "hostility", "membership", "designation", "claim")
    ]
    assert len(set(patterns)) == 6  # each kind has its own dash pattern, not only a colour
    assert kinds["designation"]["label"] == "terrorist designation"


def test_every_relation_kind_has_its_own_style() -> None:
    relations = viz.legend()["relations"]
    assert {r["kind"] for r in relations} == {*edge_kinds(), "claim"}
    assert len({json.dumps(r["dashes"]) for r in relations}) == len(relations)
    assert len({r["color"] for r in relations}) == len(relations)


def test_export_of_the_drawn_subgraph(client: TestClient, evil_store: kg.Store) -> None:
    params = {"at": "2024-11-30", "focus": "russia", "depth": 1, "include_claims": "true", "format": "json"}
    data = client.get("/api/v1/network/export", params=params).json()
    drawn = viz.view_model(project(evil_store, "2024-11-30", include_claims=True), focus="russia", depth=1)
    assert {n["id"] for n in data["nodes"]} == {n["id"] for n in drawn["nodes"]}
    assert len(data["edges"]) == len(drawn["edges"])
    typed = client.get("/api/v1/network/export", params={**params, "types": ["state"]}).json()
    assert typed["nodes"] and {t for n in typed["nodes"] for t in n["types"]} >= {"state"}
    assert all("state" in n["types"] for n in typed["nodes"])
    missing = client.get("/api/v1/network/export", params={**params, "focus": "nobody-at-all"})
    assert missing.status_code == 404 and "nobody-at-all" in missing.json()["error"]["message"]
    jsonld = client.get("/api/v1/network/export", params={**params, "format": "jsonld"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert "@context" in jsonld.json()


def test_notebook_view_is_self_contained(evil_store: kg.Store, tmp_path: Path) -> None:
    G = project(evil_store, "2024-11-30", include_claims=True)
    view = viz.show(G, highlight=["russia"])
    parsed = _parse(view.html)
    assert parsed.urls == [] and all(not s.get("src") for s in parsed.scripts)  # everything inline
    data = json.loads(parsed.data or "")
    assert data["api"] is None and len(data["edges"]) == G.number_of_edges()
    assert {n["id"]: n["size"] for n in data["nodes"]}["russia"] > min(n["size"] for n in data["nodes"])
    assert EVIL_LABEL not in view.html and any(n["label"] == EVIL_LABEL for n in data["nodes"])
    frame = view._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "<script" not in frame
    assert view.save(tmp_path / "view.html").read_text(encoding="utf-8") == view.html
    isolated = nx.MultiDiGraph()
    isolated.add_node("alone", label="Alone")
    assert json.loads(_parse(viz.show(isolated).html).data or "")["nodes"] == []
    assert len(json.loads(_parse(viz.show(isolated, isolated=True).html).data or "")["nodes"]) == 1
    with pytest.raises(kg.InvalidInput, match="height"):
        viz.show(G, height="600px; background: red")


def test_alias_payload_is_data(client: TestClient) -> None:
    hits = client.get("/api/v1/search", params={"q": "Evil", "type": "actor"}).json()
    assert EVIL_ALIAS in hits[0]["aliases"]
    assert Path(viz.__file__).parent.joinpath("static", "explorer.js").read_text().count("innerHTML") == 0


def test_cached_page_follows_the_store(loaded_store: kg.Store, make_source: Callable[..., Path]) -> None:
    with TestClient(create_app(Settings(store="memory"), store=loaded_store)) as c:
        before = json.loads(_parse(c.get("/explorer?at=2024-11-30").text).data or "")
        again = json.loads(_parse(c.get("/explorer?at=2024-11-30").text).data or "")
        assert again == before
        kg.load_files(loaded_store, [make_source()])
        after = json.loads(_parse(c.get("/explorer?at=2024-11-30").text).data or "")
    assert {"test-alpha", "test-beta"} <= {n["id"] for n in after["nodes"]}
    assert len(after["edges"]) == len(before["edges"]) + 1


def test_layout_is_seeded_and_draws_neighbours_close() -> None:
    G = nx.MultiDiGraph(nx.connected_watts_strogatz_graph(600, 4, 0.05, seed=3))
    positions = viz.layout(G, seed=1)
    assert positions == viz.layout(G, seed=1) and positions != viz.layout(G, seed=2)
    assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in positions.values())

    def distance(a: int, b: int) -> float:
        (xa, ya), (xb, yb) = positions[a], positions[b]
        return float(((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5)

    linked = sum(distance(u, v) for u, v in G.edges()) / G.number_of_edges()
    anyhow = sum(distance(u, (u * 7919 + 13) % 600) for u in G) / 600
    assert linked < anyhow / 3


# --- issue 20, item 4: names, claims, the default date, the legend, an unknown focus -------------------


def test_default_date_is_the_latest_in_the_data(client: TestClient, evil_store: kg.Store) -> None:
    from kg.read.overview import latest_day, overview

    latest = latest_day(evil_store)
    assert latest is not None and latest.isoformat().startswith(overview(evil_store).last_date or "-")
    text = client.get("/explorer").text
    data = json.loads(_parse(text).data or "")
    assert data["at"] == latest.isoformat()
    assert f"{latest.isoformat()}</time>, the latest date in the data" in text
    chosen = client.get("/explorer?at=2024-11-30").text
    assert "the latest date in the data is" in chosen and latest.isoformat() in chosen
    # the same day asked for by the address: the page says it was chosen (not the cached default's words)
    asked = client.get(f"/explorer?at={latest.isoformat()}").text
    assert f'the latest date in the data is <a href="?" id="latest">{latest.isoformat()}</a>' in asked


def test_latest_day_counts_partial_dates_by_their_last_day(store: kg.Store, make_source: Callable[..., Path]) -> None:
    from kg.read.overview import latest_day

    assert latest_day(store) is None
    kg.load_files(store, [make_source(start='"2031-02"^^xsd:gYearMonth')])
    assert str(latest_day(store)) == "2031-02-28"


def test_unknown_focus_is_404_with_the_whole_network(client: TestClient) -> None:
    response = client.get("/explorer?focus=no-such-actor&at=2024-11-30")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    data = json.loads(_parse(response.text).data or "")
    assert "no-such-actor" in data["message"] and data["focus"] is None and data["nodes"]
    assert client.get("/explorer?focus=no-such-actor&at=2024-11-30").status_code == 404  # cached: same status


def test_bad_claim_view_is_422(client: TestClient) -> None:
    assert client.get("/explorer?claims=boxes").status_code == 422
    with pytest.raises(kg.InvalidInput, match="claim_view"):
        viz.view_model(nx.MultiDiGraph(), claim_view="boxes")


def test_every_actor_type_in_the_legend() -> None:
    from kg import ontology

    types = {t["type"]: t for t in viz.legend()["types"]}
    assert set(ontology.actor_types()) <= set(types)
    assert types["government-body"]["label"] != "other actor"
    assert set(ontology.actor_types()) <= set(viz.NODE_STYLES)  # each its own style, none drawn as "other"
    looks = [(t["color"], t["shape"]) for t in types.values()]
    assert len(set(looks)) == len(looks)


def _claim_model(evil_store: kg.Store, view: str = "edges") -> dict:
    from kg.read.claims import claims

    G = project(evil_store, "2024-11-30", include_claims=True)
    return viz.view_model(G, claims={c.id: c for c in claims(evil_store)}, claim_view=view)


def test_claims_carry_their_claimants_names_and_summary(evil_store: kg.Store) -> None:
    model = _claim_model(evil_store)
    claim = model["claims"]["claim-araghchi-us-israeli-plan-2024-11-29"]
    assert claim["claimants"] == [{"id": "abbas-araghchi", "label": "Abbas Araghchi"}]
    assert claim["summary"] and claim["kind_label"] == "accusation" and claim["date"] == "2024-11-29"
    assert claim["sources"] and claim["sources"][0]["title"]
    drawn = {e["statement"] for e in model["edges"] if e["claim"]}
    assert drawn == set(model["claims"])
    for e in model["edges"]:
        for ident in (e["from"], e["to"], *e["claimants"]):
            assert model["names"][ident] and model["names"][ident] != ident


def test_claims_as_nodes(evil_store: kg.Store) -> None:
    edges = _claim_model(evil_store)
    model = _claim_model(evil_store, "nodes")
    boxes = {n["claim"]: n for n in model["nodes"] if n["claim"]}
    assert set(boxes) == set(edges["claims"]) and all(n["shape"] == "box" for n in boxes.values())
    assert boxes["claim-araghchi-us-israeli-plan-2024-11-29"]["label"] == "accusation, 2024-11-29"
    node = "claim:claim-araghchi-us-israeli-plan-2024-11-29"
    said = model["claims"]["claim-araghchi-us-israeli-plan-2024-11-29"]["asserts"]
    assert sorted((a["kind_label"], a["from"], a["to"]) for a in said) == [
        ("support", "israel", "hts-led-rebels"),
        ("support", "united-states", "hts-led-rebels"),
    ]
    into = {(e["from"], e["role"]) for e in model["edges"] if e["to"] == node}
    out = {(e["to"], e["role"]) for e in model["edges"] if e["from"] == node}
    assert into == {("abbas-araghchi", "claimant")}
    assert out == {("united-states", "about"), ("israel", "about"), ("hts-led-rebels", "about")}
    # no claim is left between two actors: every claim line touches its box
    assert all(e["from"].startswith("claim:") or e["to"].startswith("claim:") for e in model["edges"] if e["claim"])
    facts = [e for e in model["edges"] if not e["claim"]]
    assert len(facts) == len([e for e in edges["edges"] if not e["claim"]])


def test_claimant_drawn_even_when_outside_the_focus(evil_store: kg.Store) -> None:
    from kg.read.claims import claims

    G = project(evil_store, "2024-11-30", include_claims=True)
    said = {c.id: c for c in claims(evil_store)}
    around = viz.view_model(G, focus="hts-led-rebels", claims=said, claim_view="nodes")
    assert "abbas-araghchi" in {n["id"] for n in around["nodes"]}
    plain = viz.view_model(G, focus="hts-led-rebels", claims=said)
    assert plain["names"]["abbas-araghchi"] == "Abbas Araghchi"


def test_labels_sized_by_importance(evil_store: kg.Store) -> None:
    model = viz.view_model(project(evil_store, "2024-11-30"), focus="russia", depth=2)
    size = {n["id"]: n["label_px"] for n in model["nodes"]}
    degree = {n["id"]: n["degree"] for n in model["nodes"]}
    assert size["russia"] == max(size.values())
    others = sorted((n for n in size if n != "russia"), key=lambda n: degree[n])
    assert size[others[0]] <= size[others[-1]] and size[others[0]] >= 12
    assert all(n["type_labels"] for n in model["nodes"])


def test_nodes_carry_the_actors_lifetime(client: TestClient) -> None:
    data = json.loads(_parse(client.get("/explorer?at=2024-11-30").text).data or "")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["syrian-democratic-forces"]["founded"] == "2015-10"  # a month: 2015-10-01 to 2015-10-31
    assert nodes["hayat-tahrir-al-sham"]["dissolved"] == "2025-01-29"
    assert nodes["russia"]["founded"] is None and nodes["russia"]["dissolved"] is None
