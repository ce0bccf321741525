"""The read functions: entity pages, claims, events and sources, with their filters and errors."""

from __future__ import annotations

import importlib

import pytest

import kg
from kg.read import catalog
from kg.read.entities import GROUPS

HTS = "hayat-tahrir-al-sham"
DAY = "2024-11-30"


# --- entity ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hts_page(bundled_store):
    return kg.entity(bundled_store, HTS, at=DAY)


def test_hts_page(hts_page):
    assert (hts_page.id, hts_page.type, hts_page.types) == (HTS, "actor", ["armed-group"])
    assert hts_page.labels == {"en": "Hay'at Tahrir al-Sham", "ar": "هيئة تحرير الشام"}
    assert {"HTS", "Nusra Front", "Jabhat Fath al-Sham"} <= {a["label"] for a in hts_page.aliases}
    assert hts_page.identifiers == {}  # its QID is not among the verified ones
    assert set(hts_page.groups) == set(GROUPS)
    groups = hts_page.groups
    assert groups["designations"].count == 7
    assert {d.authority.id for d in groups["designations"].items} == {
        "united-states",
        "russia",
        "turkey",
        "un-security-council",
        "united-kingdom",
        "canada",
    }
    assert {r.id for r in groups["former_names"].items} == {
        "hts-formerly-nusra-front",
        "hts-formerly-jabhat-fath-al-sham",
    }
    assert [(r.id, r.object.id) for r in groups["opponents"].items] == [
        ("hts-opposes-syrian-government", "syrian-government")
    ]
    assert groups["backers"].count == 0
    for name, group in groups.items():
        assert group.count >= len(group.items), name


def test_group_limit_caps_items_not_counts(bundled_store, hts_page):
    capped = kg.entity(bundled_store, HTS, at=DAY, group_limit=1)
    for name, group in capped.groups.items():
        full = hts_page.groups[name]
        assert group.count == full.count, name
        assert len(group.items) == min(1, full.count), name
        assert [getattr(i, "id", None) for i in group.items] == [getattr(i, "id", None) for i in full.items[:1]]


def test_entity_statuses_follow_the_day(bundled_store):
    before = kg.entity(bundled_store, HTS, at="2025-07-07").groups["designations"].items
    after = kg.entity(bundled_store, HTS, at="2025-07-08").groups["designations"].items
    us_before = [d for d in before if d.authority.id == "united-states"]
    us_after = [d for d in after if d.authority.id == "united-states"]
    assert [d.in_force for d in us_before] == [True]
    assert [d.in_force for d in us_after] == [False]


@pytest.mark.parametrize(
    ("ident", "kind", "located_in", "wikidata"),
    [
        ("aleppo", "place", ["aleppo-governorate"], "Q41183"),
        ("aleppo-international-airport", "place", ["aleppo"], None),
        ("russia", "actor", [], "Q159"),
        ("aleppo-offensive-2024", "event", [], None),
    ],
)
def test_entity_kinds(bundled_store, ident, kind, located_in, wikidata):
    page = kg.entity(bundled_store, ident, at=DAY)
    assert page.type == kind
    assert [r.id for r in page.located_in] == located_in
    assert page.identifiers.get("wikidata") == wikidata


@pytest.mark.parametrize("ident", ["no-such-actor", "has space", "", "https://example.org/x"])
def test_entity_not_found(bundled_store, ident):
    with pytest.raises(kg.NotFound):
        kg.entity(bundled_store, ident)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: kg.backers(s, "no-such-actor"),
        lambda s: kg.backed(s, "no-such-actor"),
        lambda s: kg.relations(s, "no-such-actor"),
        lambda s: kg.evidence(s, "russia", "support", "no-such-actor"),
        lambda s: kg.designations(s, "no-such-actor"),
        lambda s: kg.designations(s, authority="no-such-actor"),
        lambda s: kg.claims(s, claimant="no-such-actor"),
        lambda s: kg.claims(s, about="no-such-actor"),
        lambda s: kg.events(s, actor="no-such-actor"),
        lambda s: kg.events(s, place="no-such-place"),
        lambda s: kg.source(s, "no-such-source"),
    ],
)
def test_unknown_ids_raise_not_found(bundled_store, call):
    with pytest.raises(kg.NotFound):
        call(bundled_store)


# --- claims ---------------------------------------------------------------------------------------------

ALL_CLAIMS = 17  # 13 in the article, 4 in the timeline


def test_claims_unfiltered(bundled_store):
    found = kg.claims(bundled_store)
    assert len(found) == len({c.id for c in found}) == ALL_CLAIMS
    for claim in found:
        assert claim.summary and claim.claimants and claim.sources, claim.id
        assert not any(p.asserted for p in claim.propositions)
    dated = [c.date for c in found if c.date]
    assert dated == sorted(dated)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"claimant": "syrian-army"},
            {
                "claim-syrian-army-soldiers-killed",
                "claim-syrian-army-confirms-rebel-advance",
                "claim-syrian-army-redeployment",
            },
        ),
        ({"claimant": "syrian-army", "kind": "report"}, {"claim-syrian-army-soldiers-killed"}),
        (
            {"claimant": "abbas-araghchi"},
            {"claim-araghchi-us-israeli-plan-2024-11-29", "claim-araghchi-us-israeli-plan-2024-11-30"},
        ),
        (
            {"kind": "accusation"},
            {
                "claim-iranian-officials-us-israel-instigated-offensive",
                "claim-araghchi-us-israeli-plan-2024-11-29",
                "claim-araghchi-us-israeli-plan-2024-11-30",
            },
        ),
        (
            {"about": "israel", "claimant": "iranian-officials"},
            {"claim-iranian-officials-us-israel-instigated-offensive"},
        ),
        ({"about": "turkey"}, {"claim-turkish-officials-measures", "claim-turkey-approved-aleppo-offensive"}),
        ({"kind": "promise"}, {"claim-russia-promises-military-support"}),
        ({"kind": "denial"}, set()),
        ({"claimant": "israel"}, set()),
    ],
)
def test_claims_filters(bundled_store, filters, expected):
    found = kg.claims(bundled_store, **filters)
    assert {c.id for c in found} == expected
    for claim in found:
        if "claimant" in filters:
            assert filters["claimant"] in {c.id for c in claim.claimants}
        if "about" in filters:
            assert filters["about"] in {a.id for a in claim.about}
        if "kind" in filters:
            assert claim.kind == filters["kind"]


@pytest.mark.parametrize("kind", ["rumour", "Accusation", "accusation-claim", ""])
def test_unknown_claim_kind_raises(bundled_store, kind):
    # an unknown value of a closed list is bad input (422), as for every other kind filter; not a missing entity
    with pytest.raises(kg.InvalidInput):
        kg.claims(bundled_store, kind=kind)


# --- events --------------------------------------------------------------------------------------------


def event_ids(store, **filters) -> set[str]:
    return {e.id for e in kg.events(store, **filters)}


def test_events_by_actor(bundled_store):
    assert event_ids(bundled_store, actor="turkey") == {"idlib-de-escalation-agreement-2020"}
    assert event_ids(bundled_store, actor="hayat-tahrir-al-sham") == {
        "aleppo-offensive-2024",
        "hts-founding-2017",
        "victory-conference-2025",
    }
    for event in kg.events(bundled_store, actor="russia"):
        assert "russia" in {p.actor.id for p in event.participants}
        assert event.sources


def test_events_by_place_include_places_inside(bundled_store):
    in_aleppo = event_ids(bundled_store, place="aleppo")
    # in the city, and at the square and the citadel only (both inside Aleppo)
    assert {"rebel-capture-of-aleppo-2024", "rebel-celebrations-aleppo-2024"} <= in_aleppo
    assert {"idlib-de-escalation-agreement-2020", "rebels-in-al-rashideen-2024-11-29"}.isdisjoint(in_aleppo)
    # no event at the airport: only claims say it was taken (the citadel, inside Aleppo, stands in)
    assert event_ids(bundled_store, place="aleppo-international-airport") == set()
    at_citadel = event_ids(bundled_store, place="aleppo-citadel")
    assert at_citadel == {"rebel-celebrations-aleppo-2024"}
    assert at_citadel < in_aleppo < event_ids(bundled_store, place="syria")
    # Al-Rashideen lies in the governorate, which lies in Syria
    assert "rebels-in-al-rashideen-2024-11-29" in event_ids(bundled_store, place="syria")


ONGOING_SINCE_2024_12_02 = {
    "syrian-civil-war",
    "russian-airstrikes-syria-2015",
    "aleppo-offensive-2024",
    "ypg-withdrawal-from-aleppo-2024",
}


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ({"to": "2015"}, {"syrian-civil-war", "russian-airstrikes-syria-2015", "sdf-founding-2015"}),
        # events with a start and no end are ongoing: the war, Russia's air campaign, the offensive and the
        # YPG withdrawal (begun 2024-12-02) overlap every later period
        ({"from_": "2025"}, {"victory-conference-2025", *ONGOING_SINCE_2024_12_02}),
        ({"from_": "2024-12-02", "to": "2024-12-31"}, {"assad-flight-2024", *ONGOING_SINCE_2024_12_02}),
        (
            {"from_": "2016-12-15", "to": "2016-12-15"},  # the recapture is dated "2016-12"
            {"recapture-of-aleppo-2016", "syrian-civil-war", "russian-airstrikes-syria-2015"},
        ),
    ],
)
def test_events_by_period(bundled_store, period, expected):
    assert event_ids(bundled_store, **period) == expected


def test_events_on_the_days_of_the_article(bundled_store):
    found = event_ids(bundled_store, from_="2024-11-29", to="2024-11-30")
    assert {
        "rebels-enter-aleppo-2024",
        "rebels-in-al-rashideen-2024-11-29",
        "russian-airstrikes-aleppo-city-2024-11-30",
        "araghchi-call-syrian-foreign-minister-2024-11-29",
        "araghchi-lavrov-call-2024-11-30",
    } <= found
    assert "lavrov-fidan-talks" not in found  # undated events are left out when a period is asked
    assert "capture-of-tel-rifaat-2024" not in found


def test_events_started_before_a_period_and_not_ended_overlap_it(bundled_store):
    found = event_ids(bundled_store, from_="2024-11-29", to="2024-11-30")
    assert {"aleppo-offensive-2024", "syrian-civil-war"} <= found


def test_events_filters_combine(bundled_store):
    assert event_ids(bundled_store, actor="russia", place="aleppo", from_="2024") == {
        "russian-airstrikes-aleppo-city-2024-11-30"
    }


def test_an_events_page_is_a_slice_of_the_whole_list(bundled_store):
    everything = [e.id for e in kg.events(bundled_store)]
    assert len(everything) > 20
    assert [e.id for e in kg.events(bundled_store, offset=5, limit=7)] == everything[5:12]
    assert [e.id for e in kg.events(bundled_store, offset=len(everything) - 2)] == everything[-2:]
    assert kg.events(bundled_store, offset=len(everything)) == []


def test_the_list_of_every_event_follows_loads_and_removals(store, make_source):
    # the unfiltered list is read once per store version: a write must show in the next list
    kg.load_files(store, [make_source()])
    assert kg.events(store) == []
    extra = (
        'id:test-clash a ck:Capture ; skos:prefLabel "Test clash"@en ; ck:date "2016-05-01"^^xsd:date ;'
        ' ck:citation [ ck:source src:test-events ; ck:locator "test locator" ] .'
    )
    kg.load_files(store, [make_source("events.trig", name="test-events", extra=extra)])
    assert [(e.id, e.type, e.date) for e in kg.events(store)] == [("test-clash", "capture", "2016-05-01")]
    assert [e.id for e in kg.events(store, from_="2016", to="2016")] == ["test-clash"]
    assert kg.events(store, from_="2017") == []
    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-events")
    assert kg.events(store) == []


def test_a_claims_page_is_a_slice_of_the_whole_list(bundled_store):
    everything = [c.id for c in kg.claims(bundled_store)]
    assert len(everything) > 10
    assert [c.id for c in kg.claims(bundled_store, offset=3, limit=4)] == everything[3:7]
    assert kg.claims(bundled_store, offset=len(everything)) == []


def test_the_list_of_every_claim_follows_loads_and_removals(store, make_source):
    # the unfiltered list is read once per store version: a write must show in the next list
    kg.load_files(store, [make_source()])
    assert kg.claims(store) == []
    extra = (
        "id:test-claim a ck:Claim ; ck:claimant id:test-alpha ; ck:claimKind ck:ReportClaim ; ck:about id:test-beta ;"
        ' ck:summary "Alpha reports on Beta."@en ; ck:citation [ ck:source src:test-claims ; ck:locator "here" ] .'
    )
    kg.load_files(store, [make_source("claims.trig", name="test-claims", extra=extra)])
    assert [(c.id, c.kind, [a.id for a in c.about]) for c in kg.claims(store)] == [
        ("test-claim", "report", ["test-beta"])
    ]
    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-claims")
    assert kg.claims(store) == []


def test_an_event_reports_the_same_type_however_it_is_found(bundled_store):
    # the victory conference is a gathering and a political change: one is reported, always the same
    by_id = {e.id: e.type for e in kg.events(bundled_store)}
    assert by_id["victory-conference-2025"] == "gathering"
    for actor in ("hayat-tahrir-al-sham", "ahmed-al-sharaa"):
        for event in kg.events(bundled_store, actor=actor):
            assert event.type == by_id[event.id], (actor, event.id)


def test_events_bad_period_raises(bundled_store):
    with pytest.raises(kg.InvalidInput):
        kg.events(bundled_store, from_="30 November 2024")


# --- lists kept per store version ---------------------------------------------------------------------

GAMMA = """
    id:test-gamma a ck:ArmedGroup ; skos:prefLabel "Gamma Legion"@en .
"""


def test_the_actor_and_source_lists_follow_every_write(store, make_source):
    kg.load_files(store, [make_source()])
    total, before = catalog.actors(store, limit=500)
    sources_before = {s.id for s in kg.sources(store)}
    assert "test-gamma" not in {a.id for a in before}

    kg.load_files(store, [make_source("second.trig", name="test-second", extra=GAMMA)])
    total_after, after = catalog.actors(store, limit=500)
    assert total_after == total + 1
    assert next(a for a in after if a.id == "test-gamma").label == "Gamma Legion"
    _, groups = catalog.actors(store, type="armed-group", limit=500)
    assert "test-gamma" in {a.id for a in groups}
    assert {s.id for s in kg.sources(store)} == sources_before | {"test-second"}

    assert kg.remove_source(store, "https://w3id.org/conflict-kg/source/test-second")
    assert catalog.actors(store, limit=500) == (total, before)
    assert {s.id for s in kg.sources(store)} == sources_before


def test_a_listed_source_can_be_changed_without_changing_the_list(bundled_store):
    first = kg.sources(bundled_store)[0]
    first.title = "changed by a caller"
    assert kg.sources(bundled_store)[0].title != "changed by a caller"


# --- sources ---------------------------------------------------------------------------------------------

SOURCES = {
    "aleppo-offensive-article": 72,  # 47 statements, 12 events, 13 claims
    "arabic-names": 1,
    "canada-designations": 1,
    "offensive-timeline": 67,
    "russia-designations": 2,
    "turkey-designations": 1,
    "uk-proscription": 1,
    "un-1267-designations": 3,
    "us-fto-designations": 1,
    "wikidata-identifiers": 1,
}


def test_the_sources_function_survives_importing_the_paragraphs_module(bundled_store):
    # The paragraph numbering lives in kg.paragraphs, so importing it cannot shadow kg.sources().
    importlib.import_module("kg.paragraphs")
    assert callable(kg.sources)
    assert len(kg.sources(bundled_store)) == len(SOURCES)


def test_sources(bundled_store):
    found = catalog.sources(bundled_store)
    assert {s.id: s.facts for s in found} == SOURCES
    article = next(s for s in found if s.id == "aleppo-offensive-article")
    assert (article.type, article.coverage_start, article.coverage_end) == ("news-article", "2024-11-29", "2024-11-30")
    assert all(s.title for s in found)
    assert {s.type for s in found if s.id != "aleppo-offensive-article"} == {"reference-document"}


def test_article_source_supports_with_paragraphs(bundled_store):
    article = kg.source(bundled_store, "aleppo-offensive-article")
    assert len(article.supports) == article.facts == SOURCES["aleppo-offensive-article"]
    supports = {f["id"]: f for f in article.supports}
    assert supports["iran-backs-syrian-government"]["paragraphs"] == [12]
    assert supports["russia-air-support-syrian-government"]["paragraphs"] == [1]  # 6 is the ministry speaking
    assert supports["claim-iranian-officials-us-israel-instigated-offensive"]["paragraphs"] == [15]
    assert supports["aleppo-offensive-2024"]["types"] == ["Offensive"]
    for fact in article.supports:
        assert fact["paragraphs"], fact["id"]
        assert fact["locators"] == [], fact["id"]
    firsts = [min(f["paragraphs"]) for f in article.supports]
    assert firsts == sorted(firsts)


def test_reference_source_supports_with_locators(bundled_store):
    uk = kg.source(bundled_store, "https://w3id.org/conflict-kg/source/uk-proscription")
    [fact] = uk.supports
    assert fact["id"] == "uk-designates-hts"
    assert fact["paragraphs"] == []
    assert len(fact["locators"]) == 2


# --- resolving ids -------------------------------------------------------------------------------

_WALK = """
SELECT ?entity ?category (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {
  ?entity a ?type .
  ?type rdfs:subClassOf* ?category .
  VALUES ?category { ck:Actor ck:Place ck:Event ck:Claim ck:Source ck:Statement ck:Instrument }
} GROUP BY ?entity ?category
"""


def test_entity_rows_are_remembered_until_a_write(store, make_source):
    """A remembered row is the one the store gives, a copy each time, and a write forgets it."""
    from kg.read.lookup import require_entity

    kg.load_files(store, [make_source(name="remembered")])
    first = require_entity(store, "test-alpha")
    assert first["entity"].endswith("/test-alpha") and first["category"].endswith("#Actor")
    first["entity"] = "changed by a caller"
    assert require_entity(store, "test-alpha")["entity"].endswith("/test-alpha")
    kg.remove_source(store, "https://w3id.org/conflict-kg/source/remembered")
    with pytest.raises(kg.NotFound):
        require_entity(store, "test-alpha")
    kg.load_files(store, [make_source(name="remembered", extra="id:test-alpha a ck:Government .")])
    assert "Government" in require_entity(store, "test-alpha")["types"]


def test_require_entity_matches_a_walk_of_the_class_hierarchy(bundled_store):
    """The categories read once per store version give every entity the row a walk of
    rdfs:subClassOf* from its own types gives (actors first, then places, events...)."""
    from kg.read.lookup import require_entity

    order = ["Actor", "Place", "Event", "Claim", "Source", "Statement", "Instrument"]
    walked: dict[str, list[dict]] = {}
    for row in bundled_store.select(_WALK):
        walked.setdefault(row["entity"], []).append(row)
    assert len(walked) > 100
    for entity, rows in walked.items():
        first = min(rows, key=lambda r: order.index(r["category"].rsplit("#", 1)[-1]))
        got = require_entity(bundled_store, entity)
        assert (got["entity"], got["category"], got["types"].split()) == (
            entity,
            first["category"],
            sorted(first["types"].split()),
        )
