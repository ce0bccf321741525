"""Change over time: which relations started or ended between two days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import networkx as nx

from kg.errors import InvalidInput
from kg.network.models import Change
from kg.network.views import check_kinds, edges_of, net_edge
from kg.timeline import Bounds, PartialDate, parse_at

__all__ = ["changes"]


def _bounds(d: dict[str, Any]) -> Bounds:
    """An edge's as-of bounds: its ``bounds`` attribute, or else read from ``start``/``end``."""
    bounds = d.get("bounds")
    if isinstance(bounds, Bounds):
        return bounds
    start = PartialDate.parse(d["start"]) if d.get("start") else None
    end = PartialDate.parse(d["end"]) if d.get("end") else None
    return Bounds.of(start, end)


def _within(first: dt.date | None, last: dt.date | None, after: dt.date, until: dt.date) -> bool | None:
    """Did a day known to lie in [first, last] fall in (after, until]? True, False or None (maybe)."""
    if first is None or last is None:
        return False
    if first > after and last <= until:
        return True
    if last <= after or first > until:
        return False
    return None


def changes(
    G: nx.MultiDiGraph,
    start: str | dt.date,
    end: str | dt.date,
    *,
    kinds: Iterable[str] | str | None = None,
    include_uncertain: bool = True,
) -> list[Change]:
    """Relations that started or ended after ``start`` and on or before ``end``.

    A relation *started* in the period when its start date falls in it, and *ended* when its end
    date (the first day it no longer holds) does: it held on ``start`` and no longer on ``end``.
    A partial date that straddles a limit of the period gives a change with ``certain=False``.
    Relations without the date in question never show as changes.

    The graph must hold every statement whatever its dates: project it with
    ``kg.network.project(store, holding_only=False)``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection with ``holding_only=False`` (or a graph whose edges have ``bounds`` or
        ``start``/``end`` attributes).
    start, end : str or datetime.date
        The two days bounding the period (``YYYY-MM-DD``), in either order.
    kinds : iterable of str, optional
        Relation kinds to report (default: all).
    include_uncertain : bool
        Also report changes that only may have happened in the period.

    Returns
    -------
    list of Change
        Ordered by date, then started before ended, then statement.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("us", "hts", key="fto", kind="designation", start="2012-12-10", end="2025-07-08")
    'fto'
    >>> [(c.change, c.date, c.edge.statement) for c in changes(G, "2024-11-30", "2026-11-25")]
    [('ended', '2025-07-08', 'fto')]
    """
    if G.graph.get("holding_only"):
        raise InvalidInput("changes need every statement: project the graph with holding_only=False")
    # the two days bound a period whichever comes first; a period of one day has no changes
    after, until = sorted((parse_at(start), parse_at(end)))
    out = []
    for u, v, k, d in edges_of(G, check_kinds(G, kinds)):
        bounds = _bounds(d)
        for change, first, last, date in (
            ("started", bounds.earliest_start, bounds.latest_start, d.get("start")),
            ("ended", bounds.earliest_end, bounds.latest_end, d.get("end")),
        ):
            inside = _within(first, last, after, until)
            if inside or (inside is None and include_uncertain):
                out.append(Change(change, date, inside is True, net_edge(G, u, v, k)))
    return sorted(out, key=lambda c: (c.date or "", c.change != "started", c.edge.statement))
