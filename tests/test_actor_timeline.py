"""The SVG timeline of an actor (kg.viz.timeline): bars, uncertain and open ends, claim marks, escaping."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

import kg
from kg.models import Citation, Claim, Designation, Ref, Relation
from kg.read.entities import entity
from kg.viz.timeline import CLAIM_COLOUR, COLOURS, Mark, Span, actor_timeline, marks_of, spans_of, svg

NS = {"s": "http://www.w3.org/2000/svg"}
AT = dt.date(2024, 11, 30)
ME = Ref("me", "https://w3id.org/conflict-kg/id/me", "Me")
THEM = Ref("them", "https://w3id.org/conflict-kg/id/them", "Them")
SOURCE = Citation(Ref("src", "https://w3id.org/conflict-kg/source/src", "A source"))


def _relation(key: str = "r1", **fields: object) -> Relation:
    base: dict[str, object] = {"id": key, "iri": "https://x/" + key, "kind": "support", "subject": ME, "object": THEM}
    return Relation(**{**base, **fields})  # type: ignore[arg-type]


def _draw(*spans: Span, marks: tuple[Mark, ...] = ()) -> ET.Element:
    """The SVG parsed as XML: it must be well-formed, whatever the labels hold."""
    return ET.fromstring(svg(list(spans), list(marks), AT))


def _row(root: ET.Element, key: str) -> ET.Element:
    found = [a for a in root.iterfind(".//s:a", NS) if a.get("data-key") == key]
    assert len(found) == 1, key
    return found[0]


def _shapes(row: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in row.iter() if e.get("class") == cls]


def _x_of(root: ET.Element, day: dt.date) -> float:
    """Where the axis puts ``day``, read from the year ticks (1 January of each year shown)."""
    ticks = {int(t.text or 0): float(t.get("x", 0)) for t in root.iterfind("./s:g[@class='axis']/s:text", NS)}
    years = sorted(ticks)
    (y0, y1) = (years[0], years[-1])
    per_day = (ticks[y1] - ticks[y0]) / (dt.date(y1, 1, 1) - dt.date(y0, 1, 1)).days
    return ticks[y0] + (day - dt.date(y0, 1, 1)).days * per_day


def _left(rect: ET.Element) -> float:
    return float(rect.get("x", 0))


def _right(rect: ET.Element) -> float:
    return float(rect.get("x", 0)) + float(rect.get("width", 0))


def test_a_dated_statement_is_one_solid_bar_linking_to_its_evidence() -> None:
    rel = _relation(start="2015-09-30", end="2024-12-08", status="holds", status_reason="started", sources=[SOURCE])
    root = _draw(Span.of_relation(rel, "me", "#ev-r1"))
    row = _row(root, "r1")
    assert row.get("href") == "#ev-r1" and row.get("class") == "row fact"
    (bar,) = _shapes(row, "certain")
    assert bar.get("fill") == COLOURS["support"]
    assert _left(bar) == pytest.approx(_x_of(root, dt.date(2015, 9, 30)), abs=1)
    assert _right(bar) == pytest.approx(_x_of(root, dt.date(2024, 12, 8)), abs=1)
    assert not _shapes(row, "open-end") and not _shapes(row, "uncertain") and not _shapes(row, "unknown")
    tip = row.findtext("s:title", namespaces=NS) or ""
    assert "backs Them" in tip and "2015-09-30" in tip and "On 2024-11-30: holds" in tip and "1 source" in tip


def test_no_end_known_is_an_open_end_and_a_partial_date_is_hatched() -> None:
    rel = _relation(start="2017", status="holds", status_reason="started", status_bound="2017-12-31")
    root = _draw(Span.of_relation(rel, "me", "#ev-r1"))
    row = _row(root, "r1")
    (doubt,) = _shapes(row, "uncertain")
    assert doubt.get("fill", "").startswith("url(#hatch-")
    assert _left(doubt) == pytest.approx(_x_of(root, dt.date(2017, 1, 1)), abs=1)
    assert _right(doubt) == pytest.approx(_x_of(root, dt.date(2017, 12, 31)), abs=1)
    (bar,) = _shapes(row, "certain")
    assert _left(bar) == pytest.approx(_right(doubt), abs=1)  # certain only once the year is over
    assert len(_shapes(row, "open-end")) == 1
    assert "no end known" in (row.findtext("s:title", namespaces=NS) or "")


def test_an_end_known_only_as_a_bound_is_drawn_as_a_bracket_not_an_open_end() -> None:
    rel = _relation(kind="former-name", object=None, values=["Old Name"], status="does-not-hold",
                    status_reason="ceased", status_bound="2025-01-29")  # fmt: skip
    root = _draw(Span.of_relation(rel, "me", "#ev-r1"))
    row = _row(root, "r1")
    (bracket,) = _shapes(row, "bound-end")
    assert not _shapes(row, "open-end") and not _shapes(row, "certain")
    # the bracket's upright stands on the bound: "M x-4 y L x y L x y' ..."
    upright = float(re.findall(r"L(-?[0-9.]+) ", bracket.get("d", ""))[0])
    assert upright == pytest.approx(_x_of(root, dt.date(2025, 1, 29)), abs=1)
    # the start is unknown: an outline only, ending at the bound
    (outline,) = _shapes(row, "unknown")
    assert outline.get("fill") == "none" and outline.get("stroke-dasharray")
    assert _right(outline) == pytest.approx(_x_of(root, dt.date(2025, 1, 29)), abs=1)
    tip = row.findtext("s:title", namespaces=NS) or ""
    assert "by 2025-01-29 at the latest" in tip and "formerly named “Old Name”" in tip


def test_an_unknown_start_is_unknown_before_the_first_attestation() -> None:
    rel = _relation(end="2024-12-08", status="holds", status_reason="attested", status_bound="2016-12-31")
    root = _draw(Span.of_relation(rel, "me", "#ev-r1"))
    row = _row(root, "r1")
    (outline,) = _shapes(row, "unknown")
    (bar,) = _shapes(row, "certain")
    attested = _x_of(root, dt.date(2016, 12, 31))
    assert _right(outline) == pytest.approx(attested, abs=1) and _left(outline) < attested
    assert _left(bar) == pytest.approx(attested, abs=1)
    assert "First attested 2016-12-31; earlier: unknown" in (row.findtext("s:title", namespaces=NS) or "")


def test_a_participant_that_may_have_ceased_leaves_the_end_in_doubt() -> None:
    rel = _relation(start="2015-01-01", status="unknown", status_reason="ceasing-uncertain", status_bound="2025-01-01")
    root = _draw(Span.of_relation(rel, "me", "#ev-r1"))
    row = _row(root, "r1")
    (bar,) = _shapes(row, "certain")
    (doubt,) = _shapes(row, "uncertain")
    ceased = _x_of(root, dt.date(2025, 1, 1))
    assert _right(bar) == pytest.approx(ceased, abs=1) and _left(doubt) == pytest.approx(ceased, abs=1)
    assert len(_shapes(row, "open-end")) == 1


def test_nothing_known_of_its_dates_is_an_outline_only() -> None:
    rel = _relation(kind="former-name", object=None, values=["Old"], status="unknown", status_reason="unattested")
    row = _row(_draw(Span.of_relation(rel, "me", "#ev-r1")), "r1")
    assert not _shapes(row, "certain") and not _shapes(row, "uncertain")
    (outline,) = _shapes(row, "unknown")
    assert outline.get("fill") == "none"
    assert "From unknown to no end known" in (row.findtext("s:title", namespaces=NS) or "")


def test_a_designation_is_a_bar_from_its_effective_day() -> None:
    d = Designation(
        "d1", "https://x/d1", authority=THEM, designee=ME, instrument=Ref("l", "https://x/l", "A list"),
        entry_id=None, listed="2013-05-30", effective=None, announced=None, ended="2026-02-27",
        end_announced=None, alias_of=None, names_covered=[], amendments=[], in_force=True, status="holds",
        status_reason="started", status_bound="2013-05-30",
    )  # fmt: skip
    mine, theirs = Span.of_designation(d, "me", "#ev-d1"), Span.of_designation(d, "them", "#ev-d1")
    assert (mine.label, mine.section) == ("designated by Them (A list)", "designations")
    assert (theirs.label, theirs.section) == ("designates Me (A list)", "designations-made")
    root = _draw(mine)
    (bar,) = _shapes(_row(root, "d1"), "certain")
    assert _left(bar) == pytest.approx(_x_of(root, dt.date(2013, 5, 30)), abs=1)
    assert _right(bar) == pytest.approx(_x_of(root, dt.date(2026, 2, 27)), abs=1)


def _claim(key: str = "c1", date: str | None = "2024-11", **fields: object) -> Claim:
    base: dict[str, object] = {
        "id": key, "iri": "https://x/" + key, "kind": "accusation", "date": date, "summary": "Them said a thing.",
        "claimants": [THEM], "about": [ME], "places": [], "propositions": [],
    }  # fmt: skip
    return Claim(**{**base, **fields})  # type: ignore[arg-type]


def test_claims_are_marks_on_their_date_never_bars() -> None:
    mark = Mark.of_claim(_claim(), "claims-about", "#claims-about-c1")
    fact = Span.of_relation(_relation(start="2020-01-01", status="holds"), "me", "#ev-r1")
    root = _draw(fact, marks=(mark,))
    row = _row(root, "c1")
    assert row.get("class") == "row claim" and row.get("href") == "#claims-about-c1"
    assert not _shapes(row, "certain") and not _shapes(row, "uncertain") and not _shapes(row, "unknown")
    (diamond,) = _shapes(row, "claim-mark")
    (period,) = _shapes(row, "claim-period")  # the month the partial date covers
    assert diamond.get("stroke") == CLAIM_COLOUR and diamond.get("fill") == "#fff"
    assert CLAIM_COLOUR not in COLOURS.values()
    assert float(period.get("x1", 0)) == pytest.approx(_x_of(root, dt.date(2024, 11, 1)), abs=1)
    assert float(period.get("x2", 0)) == pytest.approx(_x_of(root, dt.date(2024, 11, 30)), abs=1)
    tip = row.findtext("s:title", namespaces=NS) or ""
    assert "Them: accusation" in tip and "not a fact" in tip
    # the day read as of is drawn, and the legend says what each drawing means
    assert "as of 2024-11-30" in "".join(root.itertext())
    assert "claim (not a fact)" in "".join(root.itertext())


HOSTILE = "<script>alert(1)</script> & \"quotes\" 'apostrophes' ]]> <!-- -->"


def test_hostile_labels_stay_text() -> None:
    evil = Ref("evil", "https://x/evil", HOSTILE)
    rel = _relation(object=evil, kind="office", office_title=HOSTILE, note=HOSTILE, status="holds")
    claim = _claim(claimants=[evil], summary=HOSTILE, kind="statement")
    text = svg(
        [Span.of_relation(rel, "me", '#ev-"><script>x</script>')],
        [Mark.of_claim(claim, "claims-made", "#claims-made-c1")],
        AT,
        title=HOSTILE,
    )
    assert "<script" not in text and "<!-- -->" not in text
    root = ET.fromstring(text)  # well-formed: nothing closed an element early
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert root.findtext("s:title", namespaces=NS) == HOSTILE
    office = _row(root, "r1")
    assert office.get("href") == '#ev-"><script>x</script>'  # an attribute, still one value
    assert HOSTILE in (office.findtext("s:title", namespaces=NS) or "")
    assert HOSTILE in (_row(root, "c1").findtext("s:title", namespaces=NS) or "")


def test_an_actor_page_draws_every_statement_and_claim(bundled_store: kg.Store) -> None:
    page = entity(bundled_store, "russia", at="2024-11-30", group_limit=500)
    spans, marks = spans_of(page), marks_of(page)
    statements = {i.id for name, g in page.groups.items() if name not in ("events", "claims_made", "claims_about")
                  for i in g.items}  # fmt: skip
    assert {s.key for s in spans} == statements
    assert [m.key for m in marks] == [c.id for c in page.groups["claims_made"].items] + [
        c.id for c in page.groups["claims_about"].items
    ]
    root = ET.fromstring(actor_timeline(page))
    rows = root.findall(".//s:a", NS)
    assert len(rows) == len(spans) + len(marks)
    assert {a.get("href") for a in rows if a.get("class") == "row fact"} == {f"#ev-{k}" for k in statements}
    # who said each claim is named, not given by id
    said = {m.label.split(":")[0] for m in marks}
    assert "Syrian Civil Defence" in said and "syrian-civil-defence" not in said
