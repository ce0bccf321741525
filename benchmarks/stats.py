"""A figure over repeated runs: its median and spread (min and max)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any


def summary(values: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and count of ``values`` (rounded for reading); empty gives an empty summary."""
    if not values:
        return {"n": 0}
    return {
        "median": _round(statistics.median(values)),
        "min": _round(min(values)),
        "max": _round(max(values)),
        "n": len(values),
    }


def _round(x: float) -> float:
    """Five significant digits: enough for a benchmark, and never rounds a small time to zero."""
    return float(f"{x:.5g}")


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]
