"""An end date known only as a range of days (ck:endNotBefore, ck:endNotAfter narrow ck:endDate)."""

from __future__ import annotations

import pytest

import kg
from kg.load.loader import read_source, validate

STATEMENT = "https://w3id.org/conflict-kg/statement/test-source-alpha-backs-beta"


def _range(end: str, low: str | None, high: str | None) -> str:
    lines = [f"    st:test-source-alpha-backs-beta ck:endDate {end} ."]
    if low:
        lines.append(f'    st:test-source-alpha-backs-beta ck:endNotBefore "{low}"^^xsd:date .')
    if high:
        lines.append(f'    st:test-source-alpha-backs-beta ck:endNotAfter "{high}"^^xsd:date .')
    return "\n".join(lines)


def test_the_range_narrows_the_as_of_bounds(store, make_source):
    kg.load_files(store, [make_source(extra=_range('"2025-11"^^xsd:gYearMonth', "2025-11-10", "2025-11-11"))])
    rows = store.select(f"SELECT ?p ?d WHERE {{ <{STATEMENT}> ?p ?d VALUES ?p {{ ck:earliestEnd ck:latestEnd }} }}")
    assert {r["p"].rsplit("#", 1)[1]: r["d"].isoformat() for r in rows} == {
        "earliestEnd": "2025-11-10",
        "latestEnd": "2025-11-11",
    }
    holding = {
        day: [r.status for r in kg.relations(store, "test-alpha", kind="support", at=day)]
        for day in ("2025-11-09", "2025-11-10", "2025-11-11")
    }
    assert holding == {"2025-11-09": ["holds"], "2025-11-10": ["unknown"], "2025-11-11": ["does-not-hold"]}


def test_one_side_of_the_range_is_enough(store, make_source):
    kg.load_files(store, [make_source(extra=_range('"2024"^^xsd:gYear', "2024-11-29", None))])
    [r] = kg.relations(store, "test-alpha", kind="support", at="2024-11-28")
    assert r.status == "holds"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('    st:test-source-alpha-backs-beta ck:endNotBefore "2025-11-10"^^xsd:date .', "give the end date too"),
        (_range('"2025-11"^^xsd:gYearMonth', "2025-10-30", None), "must lie within the period of ck:endDate 2025-11"),
        (_range('"2025-11"^^xsd:gYearMonth', None, "2025-12-01"), "must lie within the period of ck:endDate 2025-11"),
        (_range('"2025"^^xsd:gYear', "2025-11-11", "2025-11-10"), "is after ck:endNotAfter"),
    ],
)
def test_a_range_outside_its_end_date_is_refused(make_source, extra, message):
    violations = validate(read_source(make_source(extra=extra)))
    assert [v.shape for v in violations] == ["loader:end-range"]
    assert message in violations[0].message
