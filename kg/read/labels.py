"""Labels: the English name of every labelled resource, and references (id, IRI, label) built from them."""

from __future__ import annotations

from kg.models import Ref
from kg.namespaces import slug
from kg.store import Store
from kg.store.derived import Derived, Warm, derived

__all__ = ["LABELS", "labels", "ref"]

_LABELS_QUERY = """
SELECT ?entity (SAMPLE(?label) AS ?l) WHERE {
  ?entity skos:prefLabel|dcterms:title ?label .
  FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en"))
} GROUP BY ?entity
"""


def _labels(store: Store) -> dict[str, str]:
    return {row["entity"]: row["l"] for row in store.select(_LABELS_QUERY) if "l" in row}


#: The English labels (:func:`labels`); first at start-up, since other values and pages use them.
LABELS: Derived[dict[str, str]] = derived("labels", _labels, warm=Warm(10, "labels"))


def labels(store: Store) -> dict[str, str]:
    """English label of every labelled resource, cached until the store changes."""
    return LABELS.of(store)


def ref(store: Store, value: str | None) -> Ref | None:
    if value is None:
        return None
    return Ref(slug(value), value, labels(store).get(value))
