"""The explorer page: the project's own HTML template (not pyvis's), with no request to other hosts.

The page loads vis-network (the library pyvis draws with, taken from the installed pyvis package)
and the explorer script from the app itself (``static_url``); the data travels as JSON in a
``<script type="application/json">`` element with ``<``, ``>``, ``&`` and line separators escaped,
and the script inserts every string with ``textContent``. Everything else is escaped with
:func:`html.escape`. The app sends a Content-Security-Policy that only allows its own origin.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from kg.viz.model import legend as legend_data

__all__ = ["CSP", "STATIC_FILES", "json_for_script", "page", "standalone_page", "static_file"]

#: What the page may load: only its own origin (data:/blob: for the PNG export).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)

_HERE = Path(__file__).resolve().parent / "static"

#: Files served under the explorer's static URL: name → (package, path in it, media type).
STATIC_FILES: dict[str, tuple[str, str, str]] = {
    "vis-network.min.js": ("pyvis", "templates/lib/vis-9.1.2/vis-network.min.js", "text/javascript"),
    "vis-network.css": ("pyvis", "templates/lib/vis-9.1.2/vis-network.css", "text/css"),
    "explorer.js": ("kg.viz", "static/explorer.js", "text/javascript"),
    "explorer.css": ("kg.viz", "static/explorer.css", "text/css"),
}


def static_file(name: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a static file, or None if ``name`` is not one."""
    entry = STATIC_FILES.get(name)
    if entry is None:
        return None
    package, path, media = entry
    return resources.files(package).joinpath(path).read_bytes(), media


def json_for_script(value: Any) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


#: The status line, the drawing, the side panel and the legend: the same in the service's page and a
#: notebook's. The legend sits under the panel, beside the drawing, so that it is seen without scrolling.
_DRAWING = """<p id="status" role="status"></p>
<p id="message" class="message"></p>
<main>
<div id="graph" aria-label="Network drawing (the same data is listed below)"></div>
<div id="side">
<aside id="panel" aria-live="polite" tabindex="-1"><p class="help">Click an actor or a relation;
hover over one for its kind, dates and sources.</p></aside>
<section id="legend">{legend}</section>
</div>
</main>"""


def _checkboxes(name: str, options: Iterable[tuple[str, str]], chosen: Iterable[str] | None) -> str:
    picked = set(chosen or ())
    return "".join(
        f'<label><input type="checkbox" name="{name}" value="{html.escape(value)}"'
        f"{' checked' if value in picked else ''}> {html.escape(label)}</label>"
        for value, label in options
    )


def _legend(legend: Mapping[str, list[dict[str, Any]]]) -> str:
    rows = []
    for r in legend["relations"]:
        dash = "" if not r["dashes"] else f' stroke-dasharray="{" ".join(str(x) for x in r["dashes"])}"'
        rows.append(
            f'<li><svg width="44" height="10" aria-hidden="true"><line x1="0" y1="5" x2="44" y2="5" '
            f'stroke="{html.escape(r["color"])}" stroke-width="3"{dash}/></svg> {html.escape(r["label"])}</li>'
        )
    types = "".join(
        f'<li><span class="swatch shape-{html.escape(t["shape"])}" style="background:{html.escape(t["color"])}">'
        f"</span> {html.escape(t['label'])}</li>"
        for t in legend["types"]
    )
    return f'<h2>Relations</h2><ul class="legend">{"".join(rows)}</ul><h2>Actors</h2><ul class="legend">{types}</ul>'


def _as_of(at: dt.date, latest: dt.date | None, asked: bool) -> str:
    """The sentence saying which day is drawn and how it was chosen."""
    day = html.escape(at.isoformat())
    if not asked and latest is not None:
        return f'Showing the graph as of <time datetime="{day}">{day}</time>, the latest date in the data.'
    if latest is None:
        return f'Showing the graph as of <time datetime="{day}">{day}</time> (the data states no dates).'
    last = html.escape(latest.isoformat())
    return (
        f'Showing the graph as of <time datetime="{day}">{day}</time>; the latest date in the data is '
        f'<a href="?" id="latest">{last}</a>.'
    )


def page(
    model: Mapping[str, Any],
    *,
    at: dt.date,
    focus: str | None,
    depth: int,
    kinds: Iterable[str] | None,
    types: Iterable[str] | None,
    kind_options: Iterable[tuple[str, str]],
    type_options: Iterable[tuple[str, str]],
    legend: Mapping[str, list[dict[str, Any]]],
    static_url: str = "/explorer/static",
    api_url: str = "/api/v1",
    latest: dt.date | None = None,
    at_asked: bool = True,
) -> str:
    """The explorer page for a view model (:func:`kg.viz.model.view_model`).

    ``latest`` is the latest date in the data (:func:`kg.read.overview.latest_day`) and
    ``at_asked`` whether the address chose the day (else it is ``latest``): the page says which.
    """
    e = html.escape
    data = json_for_script({**model, "at": at.isoformat(), "focus": focus, "depth": depth, "api": api_url})
    focus_name = dict((n["id"], n["label"]) for n in model["nodes"]).get(focus or "", focus or "")
    focused = (
        f'<span id="focus-name">Focus: <strong>{e(focus_name)}</strong> <a href="#" id="unfocus">(show all)</a>'
        f'<input type="hidden" id="focus" name="focus" value="{e(focus or "")}"></span>'
        if focus
        else '<input type="hidden" id="focus" name="focus" value="">'
    )
    nodes_view = model.get("claim_view") == "nodes"
    claim_toggle = (
        '<label title="Draw each claim as a box: who claims it, then the claim, then the actors it is about">'
        f'<input type="checkbox" id="claims-as-nodes" name="claims" value="nodes"{" checked" if nodes_view else ""}>'
        " Claims as claimant → claim → actors</label>"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Explorer — conflict knowledge graph</title>
<link rel="stylesheet" href="{e(static_url)}/vis-network.css">
<link rel="stylesheet" href="{e(static_url)}/explorer.css">
</head><body>
<header>
<h1>Conflict network explorer</h1>
<form id="search" role="search">
<label>Find an actor <input type="search" id="q" autocomplete="off"></label> <button type="submit">Search</button>
<ul id="hits" aria-live="polite"></ul>
</form>
<form id="controls" method="get" action="">
<label>As of <input type="date" id="at" name="at" value="{e(at.isoformat())}"></label>
{focused}
<label title="Steps from the focus actor (search for an actor to focus on it)">Depth
 <input type="number" id="depth" name="depth" min="1" max="4" value="{depth}"></label>
<details><summary>Relation kinds</summary>{_checkboxes("kinds", kind_options, kinds)}
<span class="help">No box ticked: every kind.</span></details>
<details><summary>Actor types</summary>{_checkboxes("types", type_options, types)}
<span class="help">No box ticked: every type.</span></details>
{claim_toggle}
<button type="submit">Show</button> <a href="?">reset</a>
</form>
</header>
<p id="as-of">{_as_of(at, latest, at_asked)}</p>
{_DRAWING.format(legend=_legend(legend))}
<section id="exports"><h2>Export</h2>
<a id="export-graphml" href="#">GraphML</a> · <a id="export-gexf" href="#">GEXF</a> ·
<a id="export-jsonld" href="#">JSON-LD</a> · <a id="export-json" href="#">JSON</a>
(the actors and relations of this date, focus and filters) ·
<button type="button" id="export-png">PNG of the drawing</button></section>
<section id="lists"><h2>Visible actors</h2><ul id="node-list"></ul>
<h2>Visible relations</h2><ul id="edge-list"></ul></section>
<script type="application/json" id="explorer-data">{data}</script>
<script src="{e(static_url)}/vis-network.min.js"></script>
<script src="{e(static_url)}/explorer.js"></script>
</body></html>"""


def _inline(name: str, closing: str) -> str:
    """A static file's text for an inline element; refused if it could end that element early."""
    found = static_file(name)
    assert found is not None, name
    text = found[0].decode("utf-8").replace("\r\n", "\n")
    if closing in text.lower():
        raise ValueError(f"{name} contains {closing!r} and cannot be inlined")
    return text


def standalone_page(model: Mapping[str, Any], *, at: dt.date | None, height: str = "600px") -> str:
    """A self-contained page for a view model: every script and style inline, no request at all.

    For notebooks and saved files, where there is no server: no controls, search or API links;
    the drawing, the side panel (from the model's own data), the legend and the lists.
    """
    e = html.escape
    data = json_for_script({**model, "at": None if at is None else at.isoformat(), "focus": None, "api": None})
    styles = _inline("vis-network.css", "</style") + "\n" + _inline("explorer.css", "</style")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Conflict network</title>
<style>{styles}
main {{ height: {e(height)}; }}</style>
</head><body>
{_DRAWING.format(legend=_legend(legend_data()))}
<section id="exports"><button type="button" id="export-png">PNG of the drawing</button></section>
<section id="lists"><h2>Actors</h2><ul id="node-list"></ul>
<h2>Relations</h2><ul id="edge-list"></ul></section>
<script type="application/json" id="explorer-data">{data}</script>
<script>{_inline("vis-network.min.js", "</script")}</script>
<script>{_inline("explorer.js", "</script")}</script>
</body></html>"""
