"""Shared by the explorer tests: a hostile actor as extra data, and an app with the explorer."""

from __future__ import annotations

from pathlib import Path

#: An actor whose label, alias, id and note carry markup that must stay text everywhere.
EVIL_ID = "evil-%3Cscript%3Ealert(1)%3C%2Fscript%3E"
EVIL_LABEL = "Evil <script>window.__xss=1;alert(1)</script> Front"
EVIL_ALIAS = '<img src=x onerror="window.__xss=2;alert(2)">'
EVIL_NOTE = '</select><img src=x onerror=alert(3)> <a href="javascript:alert(4)">href</a>'

_ALIAS = EVIL_ALIAS.replace('"', '\\"')
_NOTE = EVIL_NOTE.replace('"', '\\"')

EVIL_TRIG = f"""\
@prefix ck:      <https://w3id.org/conflict-kg/ontology#> .
@prefix id:      <https://w3id.org/conflict-kg/id/> .
@prefix st:      <https://w3id.org/conflict-kg/statement/> .
@prefix src:     <https://w3id.org/conflict-kg/source/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

src:evil-source {{
    src:evil-source a ck:ReferenceDocument ;
        dcterms:title "Test source <script>alert(5)</script>" .
    <https://w3id.org/conflict-kg/id/{EVIL_ID}> a ck:ArmedGroup ;
        skos:prefLabel "{EVIL_LABEL}"@en ;
        skos:altLabel "{_ALIAS}"@en ;
        ck:note "{_NOTE}" .
    id:russia a ck:State ; skos:prefLabel "Russia"@en .
    st:evil-russia-backs-evil a ck:Support ;
        ck:subject id:russia ; ck:object <https://w3id.org/conflict-kg/id/{EVIL_ID}> ;
        ck:supportKind ck:AirSupport ;
        ck:startDate "2016"^^xsd:gYear ;
        ck:citation [ ck:source src:evil-source ; ck:locator "</select><script>alert(6)</script>" ;
                      ck:url "javascript:alert(7)"^^xsd:anyURI ] .
}}
"""


def write_evil_source(folder: Path) -> Path:
    path = folder / "evil.trig"
    path.write_text(EVIL_TRIG, encoding="utf-8")
    return path
