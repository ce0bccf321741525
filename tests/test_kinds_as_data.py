"""Kinds of statement are data: what the code does with each kind comes from the ontology.

The main test adds a kind, "training", to a copy of the ontology and its shapes and nothing else,
then checks that every place that treats kinds differently picks it up: the actor pages (its own
groups and their "more" links in JSON; its words and colour on the HTML page's timeline), the REST
enums, the explorer's legend and styles, blocs and structural balance (it is positive), and who
backs whom (its edge is a sub-property of ck:backs). The copy is chosen with ``KG_ONTOLOGY``, read
when ``kg`` is imported, so the checks run in a Python process of their own
(``python -m tests.test_kinds_as_data SOURCE``), which prints what it observed as JSON.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from kg import kinds, ontology
from kg.namespaces import CK
from kg.network import BACKING, NEGATIVE, POSITIVE, edge_kinds
from kg.read.entities import GROUPS, relation_groups
from kg.viz import EDGE_STYLES

REPO = Path(__file__).resolve().parents[1]
DAY = "2024-11-30"

#: The new kind, as an author adds it to the ontology: nothing else changes.
TRAINING = """
ck:Training a owl:Class ;
    rdfs:subClassOf ck:Statement ;
    rdfs:label "training"@en ;
    rdfs:comment "The subject trains the object's fighters (a test kind)."@en ;
    ck:relationGroup "training" ;
    ck:displayOrder 25 ;
    ck:polarity "positive" ;
    ck:pageGroup "trainees" ;
    ck:inversePageGroup "trainers" ;
    ck:displayColour "#d6336c" ; ck:displayDashes "9 2 1 2" ; ck:displayWidth 3 ;
    ck:phrase "trains {other}"@en ; ck:inversePhrase "trained by {other}"@en ;
    ck:timelineColour "#0b7285" ;
    ck:derivesEdge [ ck:edgeProperty ck:trains ; ck:fromRole ck:subject ; ck:toRole ck:object ] .

ck:trains a owl:ObjectProperty ;
    rdfs:subPropertyOf ck:backs ;
    rdfs:label "trains"@en ;
    rdfs:comment "Derived from a ck:Training statement; never written by hand."@en .
"""

#: A source using it: two trainers of one armed group; a hostility of the group and of one of its
#: trainers against a third actor (a balanced triad only if training counts as positive).
SOURCE = """\
@prefix ck:      <https://w3id.org/conflict-kg/ontology#> .
@prefix id:      <https://w3id.org/conflict-kg/id/> .
@prefix st:      <https://w3id.org/conflict-kg/statement/> .
@prefix src:     <https://w3id.org/conflict-kg/source/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

src:training-test {
    src:training-test a ck:ReferenceDocument ; dcterms:title "Training test source" .
    id:kt-alpha a ck:State ; skos:prefLabel "Kt Alpha"@en .
    id:kt-delta a ck:State ; skos:prefLabel "Kt Delta"@en .
    id:kt-beta a ck:ArmedGroup ; skos:prefLabel "Kt Beta"@en .
    id:kt-gamma a ck:ArmedGroup ; skos:prefLabel "Kt Gamma"@en .
    st:kt-alpha-trains-beta a ck:Training ; ck:subject id:kt-alpha ; ck:object id:kt-beta ;
        ck:startDate "2016"^^xsd:gYear ; ck:citation [ ck:source src:training-test ; ck:locator "p. 1" ] .
    st:kt-delta-trains-beta a ck:Training ; ck:subject id:kt-delta ; ck:object id:kt-beta ;
        ck:startDate "2018"^^xsd:gYear ; ck:citation [ ck:source src:training-test ; ck:locator "p. 2" ] .
    st:kt-beta-opposes-gamma a ck:Hostility ; ck:subject id:kt-beta ; ck:object id:kt-gamma ;
        ck:startDate "2016"^^xsd:gYear ; ck:citation [ ck:source src:training-test ; ck:locator "p. 3" ] .
    st:kt-alpha-opposes-gamma a ck:Hostility ; ck:subject id:kt-alpha ; ck:object id:kt-gamma ;
        ck:startDate "2016"^^xsd:gYear ; ck:citation [ ck:source src:training-test ; ck:locator "p. 4" ] .
}
"""


def ontology_with_training(target: Path) -> Path:
    """A copy of the ontology directory with the training kind added to the ontology and its shapes."""
    shutil.copytree(ontology.ONTOLOGY_DIR, target)
    with (target / "conflict-kg.ttl").open("a", encoding="utf-8") as f:
        f.write(TRAINING)
    shapes = target / "shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    binary = "ck:PartOf, ck:Leadership, ck:Office, ck:Merger ;"
    assert text.count(binary) == 1  # the shape of statements between two actors
    shapes.write_text(text.replace(binary, binary[:-2] + ", ck:Training ;"), encoding="utf-8")
    return target


def test_a_new_kind_is_picked_up_everywhere_with_no_code_change(tmp_path: Path) -> None:
    directory = ontology_with_training(tmp_path / "ontology")
    source = tmp_path / "training.trig"
    source.write_text(SOURCE, encoding="utf-8")
    env = {**os.environ, ontology.ONTOLOGY_ENV: str(directory)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_kinds_as_data", str(source)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    # the copy was read, not the bundled ontology
    assert seen["ontology_dir"] == str(directory.resolve())
    assert seen["kind"] == {
        "group": "training",
        "polarity": "positive",
        "backing": True,
        "page_groups": ["trainers", "trainees"],
    }

    # actor pages: groups of its own, in display order (order 25: after allies, before opponents)
    beta, alpha = seen["beta_page"], seen["alpha_page"]
    assert "other" not in beta["groups"] and "other" not in alpha["groups"]
    assert beta["order"].index("allies") < beta["order"].index("trainers") < beta["order"].index("opponents")
    assert beta["order"] == alpha["order"] == seen["GROUPS"]
    assert beta["groups"]["trainers"]["count"] == 2 and len(beta["groups"]["trainers"]["items"]) == 1
    assert beta["groups"]["trainees"]["count"] == 0
    assert alpha["groups"]["trainees"]["count"] == 1 and alpha["groups"]["trainees"]["items"] == ["kt-beta"]
    # ... each capped group links to its full list, which holds the kind's statements
    more = beta["groups"]["trainers"]["more"]
    assert more == f"/api/v1/actors/kt-beta/relations?kind=training&at={DAY}"
    assert seen["more_list"] == [["kt-alpha", "kt-beta"], ["kt-delta", "kt-beta"]]
    # ... and backing: the trainers back the group
    assert seen["backers"] == [["kt-alpha", "training"], ["kt-delta", "training"]]
    assert seen["backed"] == [["kt-beta", "training"]]
    assert seen["chains"] == [["kt-alpha", "kt-beta"], ["kt-delta", "kt-beta"]]
    # ... and the HTML page's timeline words and colours its statements as the ontology says
    assert seen["timeline"] == {"trained by Kt Alpha": True, "trained by Kt Delta": True, "#0b7285": True}

    # REST enums: the kinds of relations, of network edges and of the explorer's filter
    for enum in ("relations_kind", "network_kinds", "explorer_kinds"):
        assert "training" in seen[enum] and "support" in seen[enum], enum
    assert seen["unknown_kind_status"] == 422

    # the explorer: the legend and the drawn edges use the ontology's style
    style = {"color": "#d6336c", "dashes": [9, 2, 1, 2], "width": 3}
    assert seen["legend"] == {"kind": "training", "label": "training", **style}
    assert seen["legend_html"]
    assert seen["drawn"] == [
        {"from": trainer, "to": "kt-beta", "kind_label": "training", **style} for trainer in ("kt-alpha", "kt-delta")
    ]

    # blocs and balance: training is positive
    assert seen["POSITIVE"] == ["support", "alliance", "training"] and seen["NEGATIVE"] == ["hostility"]
    assert ["kt-alpha", "kt-beta", "kt-delta"] in seen["blocs"]
    assert seen["triads"] == [
        {"nodes": ["kt-alpha", "kt-beta", "kt-gamma"], "pattern": "+--", "balanced": True, "training": True}
    ]


def test_the_bundled_kinds_keep_what_the_code_hand_kept() -> None:
    """The ontology's annotations say what the code used to list itself, word for word."""
    assert POSITIVE == ("support", "alliance") and NEGATIVE == ("hostility",) and BACKING == ("support",)
    assert GROUPS == (
        "backers",
        "backed",
        "allies",
        "opponents",
        "memberships",
        "offices",
        "designations",
        "designations_made",
        "former_names",
        "identity",
        "control",
        "events",
        "claims_made",
        "claims_about",
    )
    assert relation_groups()["memberships"] == ("membership", "affiliation", "part-of", "leadership")
    assert relation_groups()["identity"] == ("merger", "dissolution")
    assert EDGE_STYLES["support"] == {"color": "#2b8a3e", "dashes": False, "width": 2.5}
    assert EDGE_STYLES["designation"] == {"color": "#7048e8", "dashes": [4, 4], "width": 2}
    assert EDGE_STYLES["claim"] == {"color": "#f08c00", "dashes": [1, 6], "width": 2}
    # every kind that derives an edge is grouped on pages and drawn with a style of its own
    for name in edge_kinds():
        k = kinds.kind(name)
        assert k is not None and k.page_group and k.style and k.order is not None, name
    assert set(kinds.names()) == {n for n in ontology.class_names(CK + "Statement")}


def test_each_annotation_of_kinds_is_documented_in_the_ontology() -> None:
    graph = ontology.ontology_graph()
    for name in (
        "relationGroup",
        "polarity",
        "pageGroup",
        "inversePageGroup",
        "displayOrder",
        "displayColour",
        "displayDashes",
        "displayWidth",
        "phrase",
        "inversePhrase",
        "timelineColour",
        "timelineSection",
    ):
        prop = rdflib.URIRef(CK + name)
        assert (prop, RDF.type, OWL.AnnotationProperty) in graph, name
        assert len(str(graph.value(prop, RDFS.comment))) > 40, name


# --- what the process run with the copy of the ontology observes ------------------------------------


def _observe(source: Path) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    import kg
    from api.app import create_app
    from api.settings import Settings
    from kg import network, viz

    store = kg.Store()
    kg.load_files(store, [source])
    settings = Settings(store="memory", query_workers=1, warm=False)
    seen: dict[str, Any] = {"ontology_dir": str(ontology.ONTOLOGY_DIR), "GROUPS": list(GROUPS)}
    training = kinds.kind("training")
    assert training is not None
    seen["kind"] = {
        "group": training.group,
        "polarity": training.polarity,
        "backing": training.backing,
        "page_groups": list(training.page_groups),
    }
    with TestClient(create_app(settings, store=store)) as client:

        def get(path: str, **params: Any) -> Any:
            response = client.get(path, params=params) if params else client.get(path)  # keep a link's query
            assert response.status_code == 200, (path, response.text)
            return response.json()

        def page(actor: str) -> dict[str, Any]:
            body = get(f"/api/v1/actors/{actor}", at=DAY, group_limit=1)
            groups = {
                name: {"count": g["count"], "more": g.get("more"), "items": [_other(i, actor) for i in g["items"]]}
                for name, g in body["groups"].items()
            }
            return {"order": list(body["groups"]), "groups": groups}

        seen["beta_page"], seen["alpha_page"] = page("kt-beta"), page("kt-alpha")
        more = seen["beta_page"]["groups"].get("trainers", {}).get("more")
        seen["more_list"] = [[r["subject"]["id"], r["object"]["id"]] for r in get(more)] if more else None
        seen["backers"] = [[r["subject"]["id"], r["kind"]] for r in get("/api/v1/actors/kt-beta/backers", at=DAY)]
        seen["backed"] = [[r["object"]["id"], r["kind"]] for r in get("/api/v1/actors/kt-alpha/backed", at=DAY)]
        chains = get("/api/v1/network/chains", actor="kt-beta", at=DAY)["chains"]
        seen["chains"] = sorted(c["nodes"] for c in chains)

        html_page = client.get("/actors/kt-beta", params={"at": DAY})
        assert html_page.status_code == 200, html_page.text
        words = ("trained by Kt Alpha", "trained by Kt Delta", "#0b7285")
        seen["timeline"] = {w: w in html.unescape(html_page.text) for w in words}

        schema = get("/openapi.json")

        def enum(path: str, name: str) -> list[str]:
            [param] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
            return list(param["schema"].get("items", param["schema"]).get("enum", []))

        seen["relations_kind"] = enum("/api/v1/actors/{actor_id}/relations", "kind")
        seen["network_kinds"] = enum("/api/v1/network/communities", "kinds")
        seen["explorer_kinds"] = enum("/explorer", "kinds")
        unknown = client.get("/api/v1/actors/kt-beta/relations", params={"kind": "coaching"})
        seen["unknown_kind_status"] = unknown.status_code

        [entry] = [r for r in viz.legend()["relations"] if r["kind"] == "training"]
        seen["legend"] = entry
        explorer = client.get("/explorer", params={"at": DAY})
        assert explorer.status_code == 200, explorer.text
        line = 'stroke="#d6336c" stroke-width="3" stroke-dasharray="9 2 1 2"/></svg> training</li>'
        seen["legend_html"] = line in explorer.text
        found = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', explorer.text, re.S)
        assert found is not None
        drawn = json.loads(html.unescape(found.group(1)))["edges"]
        seen["drawn"] = [
            {k: e[k] for k in ("from", "to", "kind_label", "color", "dashes", "width")}
            for e in sorted(drawn, key=lambda e: (e["from"], e["to"]))
            if e["kind"] == "training"
        ]

        seen["POSITIVE"], seen["NEGATIVE"] = list(network.POSITIVE), list(network.NEGATIVE)
        blocs = get("/api/v1/network/communities", at=DAY, method="components")
        seen["blocs"] = [b["members"] for b in blocs["blocs"]]
        triads = get("/api/v1/network/balance", at=DAY)["triads"]
        seen["triads"] = [
            {
                "nodes": t["nodes"],
                "pattern": t["pattern"],
                "balanced": t["balanced"],
                "training": any(e["kind"] == "training" for s in t["sides"] for e in s["edges"]),
            }
            for t in triads
        ]
    return seen


def _other(item: dict[str, Any], actor: str) -> str:
    """The other participant of a listed relation (its id when it has no ends)."""
    for end in ("subject", "object"):
        if isinstance(item.get(end), dict) and item[end].get("id") != actor:
            return str(item[end]["id"])
    return str(item.get("id"))


if __name__ == "__main__":
    print(json.dumps(_observe(Path(sys.argv[1])), default=str))
