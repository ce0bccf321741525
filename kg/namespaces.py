"""IRIs of the project's namespaces and of the vocabularies it reuses."""

from __future__ import annotations

__all__ = ["BASE", "CK", "ID", "ONTOLOGY_GRAPH", "PREFIXES", "SRC", "ST", "entity_iri", "slug"]

BASE = "https://w3id.org/conflict-kg/"
CK = BASE + "ontology#"
ID = BASE + "id/"
ST = BASE + "statement/"
SRC = BASE + "source/"
#: Named graph holding the ontology, vocabularies and shapes inside the store.
ONTOLOGY_GRAPH = BASE + "ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
WD = "http://www.wikidata.org/entity/"

#: Prefixes known to every query (named queries and user queries alike).
PREFIXES = {
    "ck": CK,
    "id": ID,
    "st": ST,
    "src": SRC,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "owl": OWL,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "wd": WD,
}

_NAMESPACES = (ID, ST, SRC)


def slug(iri: str) -> str:
    """The readable id of a project IRI: its last segment (``.../id/russia`` → ``russia``).

    IRIs outside the project's namespaces are returned unchanged.
    """
    for ns in _NAMESPACES:
        if iri.startswith(ns):
            return iri[len(ns) :]
    return iri


def entity_iri(ident: str) -> str:
    """The IRI of an entity id (a slug, or a full IRI passed through)."""
    if ident.startswith(("http://", "https://")):
        return ident
    return ID + ident
