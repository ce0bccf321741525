"""An actor's history as an SVG timeline, drawn in Python from the library's read results.

One row per statement (relations, offices, designations, former names...), one row per claim.
A statement is a bar from its start to its end, in the colour of its kind:

* **solid**: the days on which it certainly held, as far as its dates say;
* **hatched**: a period of doubt, where a date is known only to the month or the year (a start of
  "2017" could be any day of 2017), or where one of its participants may have ceased;
* **dashed outline, no fill**: a start that is unknown: before the first day a source attests it
  (the read's ``status_bound`` when its ``status_reason`` is ``attested``/``before-attested``),
  nothing is known, so a short dashed lead-in stands for "earlier: unknown";
* **arrow at the right edge**: no end known (an open end: the statement holds as far as we know);
* **bracket**: an end known only as a bound, when a participant had ceased to exist by that day
  (``status_reason`` ``ceased``): it ended then at the latest.

A claim is never a bar: it is a hollow diamond on its date (with a thin line across the month or
year when the date is partial), in a colour no statement kind uses. A vertical line marks the
day the page is read as of (the statuses given in each bar's tooltip are those of that day).

Every bar and diamond is a link (``href``) to its evidence, and carries a ``<title>`` (its
tooltip) saying what it is, its dates and its status. All text from the data is escaped; the
SVG has no script, no style element and no reference to another host: only presentation
attributes, so it draws the same inline in a page, saved alone, or printed.

>>> from kg.models import Ref, Relation
>>> a, b = Ref("a", "https://x/a", "A"), Ref("b", "https://x/b", "B")
>>> rows = [Span.of_relation(Relation("r1", "https://x/r1", "support", a, b, start="2015"), "a", "#ev-r1")]
>>> svg(rows, [], dt.date(2020, 1, 1)).startswith("<svg")
True
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from kg.models import Entity
from kg.viz.timeline_rows import (
    ATTESTED,
    CLAIM_COLOUR,
    COLOURS,
    SECTIONS,
    Mark,
    Span,
    marks_of,
    parse_date,
    parse_day,
    spans_of,
)

__all__ = ["CLAIM_COLOUR", "COLOURS", "Mark", "Span", "actor_timeline", "marks_of", "spans_of", "svg"]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


# -- drawing ------------------------------------------------------------------------------------

WIDTH = 980
_LABEL_X = 8
_PLOT_X0 = 300
_PLOT_X1 = WIDTH - 24
_ROW = 22
_BAR = 12
_TOP = 34
_LEAD_IN = 26  # px: the dashed lead-in standing for an unknown start
_MAX_LABEL = 44  # characters of a row's label before it is cut (the whole label is in its tooltip)


class _Axis:
    def __init__(self, days: list[dt.date], at: dt.date) -> None:
        days = [*days, at]
        first, last = min(days), max(days)
        self.lo = dt.date(first.year, 1, 1)
        # the axis ends at the next new year's day (the last day of the calendar when there is none)
        self.hi = dt.date(last.year + 1, 1, 1) if last.year < dt.MAXYEAR else dt.date.max
        self.span = (self.hi - self.lo).days

    def x(self, day: dt.date) -> float:
        day = min(max(day, self.lo), self.hi)
        return round(_PLOT_X0 + (day - self.lo).days / self.span * (_PLOT_X1 - _PLOT_X0), 1)

    def years(self) -> list[int]:
        count = self.hi.year - self.lo.year
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 10**6) if count / s <= 16)
        return [y for y in range(self.lo.year, self.hi.year + 1) if y % step == 0]


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1].rstrip() + "…"


def _days_of(spans: Sequence[Span], marks: Sequence[Mark]) -> list[dt.date]:
    days = []
    for s in spans:
        for text in (s.start, s.end):
            if (p := parse_date(text)) is not None:
                days += [p.first_day, p.last_day]
        if (b := parse_day(s.bound)) is not None:
            days.append(b)
    for m in marks:
        if (p := parse_date(m.date)) is not None:
            days += [p.first_day, p.last_day]
    return days


def _rect(x0: float, x1: float, y: float, colour: str, kind: str) -> str:
    width = max(x1 - x0, 2.0)
    top = y - _BAR / 2
    if kind == "certain":
        return f'<rect class="certain" x="{x0}" y="{top}" width="{width}" height="{_BAR}" fill="{colour}" />'
    if kind == "uncertain":
        fill = f"url(#hatch-{colour.lstrip('#')})"
        return (
            f'<rect class="uncertain" x="{x0}" y="{top}" width="{width}" height="{_BAR}" fill="{fill}" '
            f'stroke="{colour}" stroke-width="0.8" />'
        )
    return (  # unknown: an outline only
        f'<rect class="unknown" x="{x0}" y="{top + 1}" width="{width}" height="{_BAR - 2}" fill="none" '
        f'stroke="{colour}" stroke-width="1.2" stroke-dasharray="3 2" />'
    )


def _open_end(x: float, y: float, colour: str) -> str:
    return f'<path class="open-end" d="M{x} {y - 7} L{x + 9} {y} L{x} {y + 7} Z" fill="{colour}" />'


def _bound_end(x: float, y: float, colour: str) -> str:
    return (
        f'<path class="bound-end" d="M{x - 4} {y - 9} L{x} {y - 9} L{x} {y + 9} L{x - 4} {y + 9}" fill="none" '
        f'stroke="{colour}" stroke-width="2" />'
    )


def _bar(span: Span, axis: _Axis, y: float) -> str:
    """The pieces of one statement's bar (see the module docstring)."""
    start, end, bound = parse_date(span.start), parse_date(span.end), parse_day(span.bound)
    c = span.colour
    parts: list[str] = []
    # where it certainly started, and the doubt before it
    if start is not None:
        begins: dt.date | None = start.last_day if start.precision < 3 else start.first_day
        if start.precision < 3:
            parts.append(_rect(axis.x(start.first_day), axis.x(start.last_day), y, c, "uncertain"))
    elif span.reason in ATTESTED and bound is not None:
        begins = bound
        parts.append(_rect(axis.x(bound) - _LEAD_IN, axis.x(bound), y, c, "unknown"))
    else:
        begins = None
    # where it certainly ended, and the doubt before it
    tail = ""
    if end is not None:
        stops = end.first_day
        if end.precision < 3:
            parts.append(_rect(axis.x(end.first_day), axis.x(end.last_day), y, c, "uncertain"))
    elif span.reason == "ceased" and bound is not None:
        stops = bound
        tail = _bound_end(axis.x(bound), y, c)
    elif span.reason == "ceasing-uncertain" and bound is not None:
        stops = bound
        parts.append(_rect(axis.x(bound), axis.x(axis.hi), y, c, "uncertain"))
        tail = _open_end(axis.x(axis.hi), y, c)
    else:
        stops = axis.hi
        tail = _open_end(axis.x(axis.hi), y, c)
    if begins is None:  # nothing says when it began: an outline before what is known of its end
        x1 = axis.x(stops) if stops != axis.hi else axis.x(axis.hi)
        x0 = _PLOT_X0 if stops == axis.hi else max(_PLOT_X0, x1 - 3 * _LEAD_IN)
        parts.append(_rect(x0, x1, y, c, "unknown"))
    elif begins < stops:
        parts.append(_rect(axis.x(begins), axis.x(stops), y, c, "certain"))
    return "".join(parts) + tail


def _diamond(x: float, y: float) -> str:
    r = 6
    return (
        f'<path class="claim-mark" d="M{x} {y - r} L{x + r} {y} L{x} {y + r} L{x - r} {y} Z" fill="#fff" '
        f'stroke="{CLAIM_COLOUR}" stroke-width="2" />'
    )


def _mark(mark: Mark, axis: _Axis, y: float) -> str:
    date = parse_date(mark.date)
    if date is None:
        return f'<text x="{_PLOT_X0}" y="{y + 4}" font-size="11" fill="{CLAIM_COLOUR}">undated</text>'
    x0, x1 = axis.x(date.first_day), axis.x(date.last_day)
    line = ""
    if date.precision < 3:
        line = (
            f'<line class="claim-period" x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="{CLAIM_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="2 2" />'
        )
    return line + _diamond(round((x0 + x1) / 2, 1), y)


def _patterns(colours: set[str]) -> str:
    return "".join(
        f'<pattern id="hatch-{c.lstrip("#")}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff" />'
        f'<rect width="3" height="6" fill="{c}" opacity="0.55" /></pattern>'
        for c in sorted(colours)
    )


def _legend(y: float) -> str:
    """The key to the drawing, in the SVG itself (so a printed or saved timeline keeps it)."""
    c = COLOURS["other"]
    items = [
        (_rect(0, 26, 0, c, "certain"), "holds (dates known)"),
        (_rect(0, 26, 0, c, "uncertain"), "date known to month/year only"),
        (_rect(0, 26, 0, c, "unknown"), "start unknown before first attested"),
        (_rect(0, 16, 0, c, "certain") + _open_end(16, 0, c), "no end known"),
        (_rect(0, 20, 0, c, "certain") + _bound_end(20, 0, c), "ended by then at the latest"),
        (_diamond(12, 0), "claim (not a fact)"),
    ]
    out = []
    for i, (drawing, words) in enumerate(items):
        x, row = _LABEL_X + (i % 3) * 320, y + (i // 3) * 20
        out.append(
            f'<g transform="translate({x} {row})">{drawing}'
            f'<text x="32" y="4" font-size="11" fill="#333">{_e(words)}</text></g>'
        )
    return f'<g class="legend">{"".join(out)}</g>'


def svg(spans: Sequence[Span], marks: Sequence[Mark], at: dt.date, *, title: str = "Timeline") -> str:
    """The timeline of ``spans`` (bars) and ``marks`` (claims), read as of ``at``, as SVG text."""
    axis = _Axis(_days_of(spans, marks) or [at], at)
    rows: list[str] = []
    y = _TOP + 10.0
    headings = dict(SECTIONS)
    items: list[Span | Mark] = [*spans, *marks]
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            y += 8
            rows.append(
                f'<text class="section" x="{_LABEL_X}" y="{y + 4}" font-size="12" font-weight="600" '
                f'fill="#222">{_e(headings.get(section, section))}</text>'
            )
            y += _ROW
        if isinstance(item, Span):
            drawing, tip = _bar(item, axis, y), item.describe(at)
            extra = f'data-status="{_e(item.status or "")}" data-reason="{_e(item.reason or "")}"'
            kind = "fact"
        else:
            drawing, tip, extra, kind = _mark(item, axis, y), item.describe(), "", "claim"
        rows.append(
            f'<a class="row {kind}" href="{_e(item.href)}" data-key="{_e(item.key)}" {extra}>'
            f"<title>{_e(tip)}</title>"
            f'<rect x="0" y="{y - _ROW / 2}" width="{WIDTH}" height="{_ROW}" fill="#fff" fill-opacity="0" />'
            f'<text x="{_LABEL_X + 10}" y="{y + 4}" font-size="12" fill="#1b1b1b">{_e(_cut(item.label))}</text>'
            f"{drawing}</a>"
        )
        y += _ROW
    if not items:
        rows.append(f'<text x="{_PLOT_X0}" y="{y + 4}" font-size="12" fill="#555">No dated statement or claim.</text>')
        y += _ROW
    bottom = y + 4
    ticks = []
    for year in axis.years():
        x = axis.x(dt.date(year, 1, 1))
        ticks.append(
            f'<line x1="{x}" y1="{_TOP}" x2="{x}" y2="{bottom}" stroke="#ddd" stroke-width="1" />'
            f'<text x="{x}" y="{_TOP - 6}" font-size="11" fill="#555" text-anchor="middle">{year}</text>'
        )
    x_at = axis.x(at)
    anchor = "end" if x_at > WIDTH - 90 else "middle"
    at_line = (
        f'<g class="as-of"><line x1="{x_at}" y1="{_TOP - 2}" x2="{x_at}" y2="{bottom}" stroke="#000" '
        f'stroke-width="1.2" stroke-dasharray="5 3" />'
        f'<text x="{x_at}" y="{_TOP - 20}" font-size="11" fill="#000" text-anchor="{anchor}">as of {at.isoformat()}'
        "</text></g>"
    )
    height = bottom + 64
    colours = {s.colour for s in spans} | {COLOURS["other"]}
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height:g}" '
        f'width="{WIDTH}" height="{height:g}" role="img" aria-labelledby="timeline-title" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="timeline-title">{_e(title)}</title>'
        f"<defs>{_patterns(colours)}</defs>"
        f'<rect width="{WIDTH}" height="{height:g}" fill="#fff" />'
        f'<g class="axis">{"".join(ticks)}</g>{at_line}'
        f'<g class="rows">{"".join(rows)}</g>'
        f"{_legend(bottom + 22)}</svg>"
    )


def actor_timeline(page: Entity) -> str:
    """The SVG timeline of an actor page, as of the page's day; bars link to ``#ev-<id>``, claims to
    ``#claims-made-<id>`` or ``#claims-about-<id>``."""
    return svg(spans_of(page), marks_of(page), page.at, title=f"Timeline of {page.label or page.id}")
