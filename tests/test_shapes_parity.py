"""The compiled shapes (:mod:`kg.load.shapes`, used by the bulk loader) report what pySHACL reports.

Each case is the minimal valid source of ``conftest.SOURCE_TEMPLATE`` with one defect; both
validators must give the same violations: focus node, shape, path, message and value (blank
nodes compared as such, since each side names them on its own).
"""

from __future__ import annotations

import pytest
import rdflib

import kg
from kg.load import loader as loader
from kg.load.shapes import CompiledShapes, compiled_shapes, index_triples

CITE = '[ ck:source src:test-source ; ck:locator "test locator" ]'
DESIGNATION = (
    f"st:test-designation a ck:Designation ; ck:authority id:test-alpha ; ck:designee id:test-beta ; ck:citation {CITE}"
)

#: Defects pySHACL lets through (rdflib takes month 13 as a well-formed xsd:gYearMonth) and the
#: loader's own date rule catches.
CAUGHT_BY_LOADER_RULES = {"bad month"}

CASES = {
    "valid": {},
    "invalid date": {"start": '"2024-13-45"^^xsd:date'},
    "bad month": {"start": '"2016-13"^^xsd:gYearMonth'},
    "date as a plain string": {"start": '"2016"'},
    "no citation": {"replace": (f" ;\n        ck:citation {CITE} .", " .")},
    "designation without authority": {
        "extra": f"st:test-designation a ck:Designation ; ck:designee id:test-beta ; ck:citation {CITE} ."
    },
    "two English labels": {"extra": 'id:test-alpha skos:prefLabel "Other Alpha"@en .'},
    "label without language": {"extra": 'id:test-gamma a ck:ArmedGroup ; skos:prefLabel "No language" .'},
    "no label": {"extra": "id:test-gamma a ck:ArmedGroup ."},
    "exactMatch not Wikidata": {
        "extra": 'id:test-alpha skos:exactMatch <http://example.org/Q1> . id:test-beta skos:exactMatch "Q2" .'
    },
    "extent outside the list": {
        "extra": (
            f"st:test-control a ck:TerritorialControl ; ck:controller id:test-alpha ; "
            f'ck:place id:test-place ; ck:extent "most" ; '
            f"ck:citation {CITE} . id:test-place a ck:Region ; "
            f'skos:prefLabel "Test Place"@en .'
        )
    },
    "support kind not a kind": {"replace": ("ck:supportKind ck:AirSupport", "ck:supportKind id:test-beta")},
    "citation without locator": {"replace": (CITE, "[ ck:source src:test-source ]")},
    "paragraph not positive": {
        "replace": (CITE, '[ ck:source src:test-source ; ck:paragraph "0"^^xsd:positiveInteger, "3" ]')
    },
    "citation of a non-source": {"replace": (CITE, '[ ck:source id:test-alpha ; ck:locator "x" ]')},
    "proposition typed as a statement": {
        "extra": "st:test-proposition a ck:Proposition, ck:Support ; ck:statementKind ck:Support ."
    },
    "empty claim": {"extra": "st:test-claim a ck:Claim ."},
    "claim typed as a statement": {
        "extra": (
            f"st:test-claim a ck:Claim, ck:Support ; ck:claimant id:test-alpha ; "
            f'ck:claimKind ck:ReportClaim ; ck:summary "x"@en ; ck:citation {CITE} .'
        )
    },
    "undated amendment": {"extra": DESIGNATION + " ; ck:amendment [ a ck:DesignationAmendment ] ."},
    "two titles": {"extra": 'src:test-source dcterms:title "Second title" .'},
    "literal subject": {
        "extra": f'st:test-alliance a ck:Alliance ; ck:subject "Alpha" ; ck:object id:test-beta ; ck:citation {CITE} .'
    },
    "url as a literal": {"extra": 'src:test-source <https://schema.org/url> "https://example.org" .'},
    "alleged not boolean": {
        "replace": ("ck:supportKind ck:AirSupport", 'ck:supportKind ck:AirSupport ; ck:alleged "yes"')
    },
    "office of a state": {
        "extra": (
            f"st:test-office a ck:Office ; ck:subject id:test-alpha ; "
            f'ck:object id:test-beta ; ck:officeTitle "x"@en ; ck:citation {CITE} .'
        )
    },
    "event in a non-place": {
        "extra": (
            f'id:test-event a ck:Offensive ; skos:prefLabel "Test battle"@en ; '
            f'ck:place id:test-alpha ; ck:date "2016-02-30"^^xsd:date ; ck:citation {CITE} .'
        )
    },
}


def _key(v: kg.errors.Violation) -> tuple:
    def plain(term: str | None) -> str | None:
        # pySHACL and the engine name blank nodes differently: compare them as "a blank node".
        return term if term is None or term.startswith(("http", "urn:")) or " " in term else _blank_or(term)

    return (plain(v.focus), v.shape, v.message, v.path, plain(v.value))


def _blank_or(term: str) -> str:
    return "_:blank" if len(term) >= 16 and term.isalnum() else term


@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_shapes_report_what_pyshacl_reports(case, make_source):
    spec = CASES[case]
    if "replace" in spec:
        old, new = spec["replace"]
        text = make_source().read_text()
        assert old in text
        path = make_source(text=text.replace(old, new))
    else:
        kwargs = {"extra": "    " + spec["extra"] + "\n"} if "extra" in spec else {}
        if "start" in spec:
            kwargs["start"] = spec["start"]
        path = make_source(**kwargs)
    parsed = loader.read_source(path)
    reference = sorted(map(_key, loader._shacl_violations(parsed.triples)))
    ours = sorted(map(_key, compiled_shapes().check(index_triples(parsed.triples))))
    assert ours == reference
    if case in CAUGHT_BY_LOADER_RULES:
        assert not reference and loader.loader_violations(parsed)
    else:
        assert bool(reference) == (case != "valid")


def test_every_shape_of_the_shapes_file_is_compiled():
    shapes = compiled_shapes()
    graph = kg.ontology.shapes_graph()
    targeted = {graph.namespace_manager.normalizeUri(s) for s in graph.subjects(rdflib.namespace.SH.targetClass)}
    assert targeted <= {s.name for s in shapes.roots}


def test_an_unsupported_constraint_is_refused_when_compiling():
    graph = rdflib.Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:S> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:closed true .""",
        format="turtle",
    )
    with pytest.raises(NotImplementedError, match="closed"):
        CompiledShapes(graph, {}, lambda c: frozenset({c}))
