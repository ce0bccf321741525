"""The scanner's readings: which prefixes a query uses without declaring them, and whether it may
hold a relative IRI (then the endpoint's URL is given to the engine as the base IRI)."""

from __future__ import annotations

import pytest

from kg.sparql.text import prefixes_used, relative_iris, subquery_patterns

CASES = [
    ("SELECT * WHERE { ?s a ck:Support ; ck:object id:russia }", {"ck", "id"}),
    ("PREFIX ck: <urn:x#> SELECT * WHERE { ?s a ck:Support ; ck:object id:russia }", {"id"}),
    ('SELECT * WHERE { ?s skos:prefLabel "ck:not-a-name" . ?s <id:not-a-name> ?o }  # xsd:date', {"skos"}),
    ("prefix skos: <urn:s#> ASK { ?s skos:x xsd:date }", {"xsd"}),
    ("ASK { ?s ?p ?o }", set()),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_prefixes_used_without_a_declaration(query: str, expected: set[str]) -> None:
    assert prefixes_used(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { <https://w3id.org/conflict-kg/id/russia> ?p ?o }", False),
        ("PREFIX ex: <urn:ex:> ASK { ex:a <mailto:x@example.org> ?o }", False),
        ("SELECT * WHERE { ?a ?p ?o FILTER(?o < 3 && ?o > 1) }", False),  # comparisons, not IRIs
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", True),
        ("ASK { <> ?p ?o }", True),
        ("PREFIX ex: <vocab#> ASK { ex:a ?p ?o }", True),  # a relative prefix IRI
        ("ASK { <../up> ?p ?o }", True),
        ("ASK { <\\u0068ttp://example.org/> ?p ?o }", True),  # an escape may hide anything
        ('ASK { ?s ?p "<s>" }', True),  # in a string: a base given for nothing, which is harmless
    ],
)
def test_relative_iris_errs_towards_yes(query: str, expected: bool) -> None:
    assert relative_iris(query) is expected


def test_subquery_patterns_with_what_each_projects() -> None:
    query = (
        "SELECT ?a ?n WHERE { ?a ?p ?b . "
        "{ SELECT DISTINCT ?a (COUNT(?x) AS ?n) WHERE { ?a ?q ?x } GROUP BY ?a } "
        '{ SELECT * WHERE { ?b ?r "{ SELECT ?z WHERE {" } } }'
    )
    found = subquery_patterns(query)
    assert [projected for _, projected in found] == [frozenset({"a", "n"}), None]
    assert [query[at - 7 : at] for at, _ in found] == ["WHERE {", "WHERE {"]
    assert subquery_patterns("SELECT * WHERE { ?s ?p ?o }") == ()
