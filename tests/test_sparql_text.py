"""The scanner's reading of which prefixes a query uses without declaring them."""

from __future__ import annotations

import pytest

from kg.sparql.text import prefixes_used

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
