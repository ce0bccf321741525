"""kg.timeline.verdict worked by hand: the as-of rule with existence and attestation, and why.

See tests/test_time_bounds.py for the same rule through the data, REST, the projection and the
explorer.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.timeline import Bounds, Reason, Status, verdict


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("bounds", "on", "status", "reason", "bound"),
    [
        # nothing known: unknown, never "since the beginning of time"
        (Bounds(), "0001-01-01", Status.UNKNOWN, Reason.UNATTESTED, None),
        (Bounds(), "2100-01-01", Status.UNKNOWN, Reason.UNATTESTED, None),
        # an unknown start is attested from a day on
        (Bounds(attested=d("2024-11-30")), "2024-11-29", Status.UNKNOWN, Reason.BEFORE_ATTESTED, "2024-11-30"),
        (Bounds(attested=d("2024-11-30")), "2024-11-30", Status.HOLDS, Reason.ATTESTED, "2024-11-30"),
        # ... until its end
        (
            Bounds(earliest_end=d("2024-12-08"), latest_end=d("2024-12-08"), attested=d("2024-11-30")),
            "2024-12-08",
            Status.NOT_HOLDS,
            Reason.ENDED,
            "2024-12-08",
        ),
        # a stated start needs no attestation
        (Bounds(d("2015-09-30"), d("2015-09-30")), "2020-01-01", Status.HOLDS, Reason.STARTED, "2015-09-30"),
        (Bounds(d("2015-09-30"), d("2015-09-30")), "2015-09-29", Status.NOT_HOLDS, Reason.NOT_STARTED, "2015-09-30"),
        (Bounds(d("2016-01-01"), d("2016-12-31")), "2016-06-01", Status.UNKNOWN, Reason.START_UNCERTAIN, "2016-12-31"),
        # a participant not yet existing rules it out, whatever attests it
        (
            Bounds(exists_first=d("2017-12-30"), exists_last=d("2017-12-30"), attested=d("2024-11-30")),
            "1900-01-01",
            Status.NOT_HOLDS,
            Reason.NOT_YET_EXISTING,
            "2017-12-30",
        ),
        # founded "2015-10": unknown during the month
        (
            Bounds(exists_first=d("2015-10-01"), exists_last=d("2015-10-31"), attested=d("2015-01-01")),
            "2015-10-15",
            Status.UNKNOWN,
            Reason.EXISTENCE_UNCERTAIN,
            "2015-10-31",
        ),
        # a participant gone ends it
        (
            Bounds(d("2010-01-01"), d("2010-01-01"), ceases_first=d("2025-01-29"), ceases_last=d("2025-01-29")),
            "2025-01-29",
            Status.NOT_HOLDS,
            Reason.CEASED,
            "2025-01-29",
        ),
        (
            Bounds(d("2010-01-01"), d("2010-01-01"), ceases_first=d("2025-01-01"), ceases_last=d("2025-12-31")),
            "2025-06-01",
            Status.UNKNOWN,
            Reason.CEASING_UNCERTAIN,
            "2025-01-01",
        ),
    ],
)
def test_the_verdict_and_its_reason(bounds, on, status, reason, bound):
    found = verdict(bounds, d(on))
    assert (found.status, found.reason) == (status, reason)
    assert found.bound == (None if bound is None else d(bound))
