"""The as-of rule on full and partial dates (kg.timeline), by hand and through the data.

The rule (kg/timeline.py): a statement holds on D when its start's LAST possible day is on or
before D (or the start is unknown) and its end's FIRST possible day is after D (or the end is
unknown); it does not hold when its start's first day is after D or its end's last day is on or
before D; otherwise the answer is unknown. An end date is the first day of not holding.
"""

from __future__ import annotations

import datetime as dt

import pytest

import kg
from kg.namespaces import XSD
from kg.timeline import Bounds, PartialDate, Status, parse_at, status

HOLDS, NOT, UNKNOWN = Status.HOLDS, Status.NOT_HOLDS, Status.UNKNOWN


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def bounds(start: str | None = None, end: str | None = None) -> Bounds:
    return Bounds.of(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None)


# --- PartialDate ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2016", 1, "2016-01-01", "2016-12-31"),
        ("2024-02", 2, "2024-02-01", "2024-02-29"),  # leap year
        ("2023-02", 2, "2023-02-01", "2023-02-28"),
        ("2025-11", 2, "2025-11-01", "2025-11-30"),
        ("2024-11-30", 3, "2024-11-30", "2024-11-30"),
        (" 2024-12-31 ", 3, "2024-12-31", "2024-12-31"),
    ],
)
def test_partial_date_period(text, precision, first, last):
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert parsed.first_day == d(first)
    assert parsed.last_day == d(last)
    assert str(parsed) == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "24-01-01",
        "2024-1-01",
        "2024/11/30",
        "2024-11-30T00:00",
        "2024-13",
        "2024-02-30",
        "2023-02-29",
        "2024-11-31",
        "2024-00",
        "2024-01-00",
        "0000",
    ],
)
def test_partial_date_rejects(text):
    with pytest.raises(kg.InvalidInput):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("lexical", "datatype", "expected"),
    [
        ("2016", "gYear", PartialDate(2016)),
        ("2025-11", "gYearMonth", PartialDate(2025, 11)),
        ("2025-07-08", "date", PartialDate(2025, 7, 8)),
        ("2025-07-08Z", "date", PartialDate(2025, 7, 8)),
        ("2025-07-08+03:00", "date", PartialDate(2025, 7, 8)),
    ],
)
def test_partial_date_from_literal(lexical, datatype, expected):
    assert PartialDate.from_literal(lexical, XSD + datatype) == expected


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [
        ("2016", "date"),
        ("2016-01-01", "gYear"),
        ("2025-11-01", "gYearMonth"),
        ("2016", "string"),
        ("2024-13-45", "date"),
    ],
)
def test_partial_date_from_literal_rejects(lexical, datatype):
    with pytest.raises(kg.InvalidInput):
        PartialDate.from_literal(lexical, XSD + datatype)


# --- the as-of rule, worked by hand ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "on", "expected"),
    [
        # year-precision start "2016": the last day it can denote is 2016-12-31
        ("2016", None, "2016-12-31", HOLDS),
        ("2016", None, "2017-01-01", HOLDS),
        ("2016", None, "2016-06-01", UNKNOWN),
        ("2016", None, "2016-01-01", UNKNOWN),
        ("2016", None, "2015-12-31", NOT),
        # month-precision start
        ("2024-11", None, "2024-11-30", HOLDS),
        ("2024-11", None, "2024-11-29", UNKNOWN),
        ("2024-11", None, "2024-10-31", NOT),
        # day start: holds from that very day
        ("2015-09-30", None, "2015-09-30", HOLDS),
        ("2015-09-30", None, "2015-09-29", NOT),
        # day end: the end date is the first day of not holding
        ("2012-12-10", "2025-07-08", "2025-07-07", HOLDS),
        ("2012-12-10", "2025-07-08", "2025-07-08", NOT),
        ("2012-12-10", "2025-07-08", "2012-12-09", NOT),
        # month-precision end "2025-11": the first day without can be any day of November
        ("2017", "2025-11", "2025-10-31", HOLDS),
        ("2017", "2025-11", "2025-11-01", UNKNOWN),
        ("2017", "2025-11", "2025-11-10", UNKNOWN),
        ("2017", "2025-11", "2025-11-29", UNKNOWN),
        ("2017", "2025-11", "2025-11-30", NOT),
        ("2017", "2025-11", "2025-12-01", NOT),
        # year-precision end
        (None, "2016", "2015-12-31", HOLDS),
        (None, "2016", "2016-07-01", UNKNOWN),
        (None, "2016", "2016-12-31", NOT),
        # unknown start: holds until its end; unknown both: always holds
        (None, "2024-12-01", "1900-01-01", HOLDS),
        (None, "2024-12-01", "2024-12-01", NOT),
        (None, None, "1900-01-01", HOLDS),
        (None, None, "2100-01-01", HOLDS),
        # unknown end: holds for ever once started
        ("2020-06-05", None, "2100-01-01", HOLDS),
    ],
)
def test_as_of_rule(start, end, on, expected):
    assert status(bounds(start, end), d(on)) is expected


def test_bounds_of_partial_dates():
    assert bounds("2016", "2025-11") == Bounds(d("2016-01-01"), d("2016-12-31"), d("2025-11-01"), d("2025-11-30"))
    assert bounds(None, None) == Bounds()


# --- parse_at ---------------------------------------------------------------------------------


def test_parse_at():
    assert parse_at("2024-11-30") == d("2024-11-30")
    assert parse_at(d("2024-11-30")) == d("2024-11-30")
    assert parse_at(None) == dt.date.today()


@pytest.mark.parametrize("value", ["2024", "2024-11", "2024-11-31", "30/11/2024", "yesterday", ""])
def test_parse_at_rejects(value):
    with pytest.raises(kg.InvalidInput):
        parse_at(value)


@pytest.mark.parametrize("value", ["2024-11", "not a date"])
def test_reads_reject_a_bad_at(bundled_store, value):
    with pytest.raises(kg.InvalidInput):
        kg.backers(bundled_store, "syrian-government", at=value)
    with pytest.raises(kg.InvalidInput):
        kg.designations(bundled_store, "hayat-tahrir-al-sham", at=value)


# --- through the data ---------------------------------------------------------------------------

UK_CASES = [
    ("2016-12-31", False, "does-not-hold"),  # listed "2017"
    ("2017-06-01", None, "unknown"),
    ("2018-01-01", True, "holds"),
    ("2025-10-31", True, "holds"),
    ("2025-11-10", None, "unknown"),  # ended 10 or 11 November: the data keeps "2025-11"
    ("2025-11-30", False, "does-not-hold"),
    ("2025-12-01", False, "does-not-hold"),
]


@pytest.mark.parametrize(("on", "in_force", "state"), UK_CASES)
def test_uk_proscription_as_of(bundled_store, on, in_force, state):
    [uk] = kg.designations(bundled_store, "hayat-tahrir-al-sham", authority="united-kingdom", at=on)
    assert uk.id == "uk-designates-hts"
    assert (uk.in_force, uk.status) == (in_force, state)
    assert (uk.listed, uk.ended, uk.end_announced) == ("2017", "2025-11", "2025-10-21")


@pytest.mark.parametrize(
    ("on", "in_force"), [("2025-07-07", True), ("2025-07-08", False), ("2012-12-09", False), ("2012-12-10", True)]
)
def test_us_designation_as_of(bundled_store, on, in_force):
    [us] = kg.designations(bundled_store, "hayat-tahrir-al-sham", authority="united-states", at=on)
    assert us.in_force is in_force


@pytest.mark.parametrize(
    ("on", "rebels", "government"),
    [
        # the rebels' hold has no start date and its only source (the article, 2024) attests it
        # long after it ended: unknown before its end, never certainly holding
        ("2015-12-31", "unknown", "does-not-hold"),
        ("2016-06-01", "unknown", "unknown"),  # the article gives only the year of the recapture
        ("2017-01-01", "does-not-hold", "holds"),
    ],
)
def test_control_of_aleppo_changes_hands_in_2016(bundled_store, on, rebels, government):
    found = {r.id: r.status for r in kg.relations(bundled_store, "aleppo", kind="territorial-control", at=on)}
    assert found["aleppo-rebels-held-parts-of-aleppo-until-2016"] == rebels
    assert found["syrian-government-controls-aleppo-since-2016"] == government
    holding = kg.relations(bundled_store, "aleppo", kind="territorial-control", at=on, holding_only=True)
    assert {r.id for r in holding} == {k for k, v in found.items() if v == "holds"}
