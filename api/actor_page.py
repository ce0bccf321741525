"""The HTML of an actor's page (``/actors/{id}``) and of its error pages, as plain strings like the
front page (:mod:`api.routers.front`): names in every language, the timeline drawn by
:mod:`kg.viz.timeline`, the evidence of each statement, the claims made by and about the actor.

Every value from the data is escaped; links are made only to the service's own pages and, for a
citation's URL, to an ``http(s)`` address. The page loads its two style sheets from the service and
nothing else (no script).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from urllib.parse import quote, urlencode

from api.pages import page_head
from kg.models import Citation, Claim, Designation, Entity, Ref, Relation
from kg.viz.timeline import Span, actor_timeline, spans_of

__all__ = ["CSP", "actor_page", "error_page"]

#: The page loads its style sheets from the service, and its one form is a GET to itself.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)

_API = "/api/v1"

#: Names of the languages the data tags labels with (others show their tag).
_LANGUAGES = {
    "en": "English",
    "ar": "Arabic",
    "ru": "Russian",
    "fr": "French",
    "de": "German",
    "tr": "Turkish",
    "fa": "Persian",
    "he": "Hebrew",
    "uk": "Ukrainian",
    "es": "Spanish",
    "zh": "Chinese",
    "ku": "Kurdish",
    "und": "no language given",
    "": "no language given",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def actor_url(ident: str, at: dt.date | None = None) -> str:
    """The page of an actor (``at``: the day it is read as of)."""
    return f"/actors/{quote(ident, safe='')}" + (f"?{urlencode({'at': at.isoformat()})}" if at else "")


def _actor_link(ref: Ref, at: dt.date) -> str:
    return f'<a href="{_e(actor_url(ref.id, at))}">{_e(ref.label or ref.id)}</a>'


def _external(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return _e(url)


def _citations(cites: Iterable[Citation]) -> str:
    """A statement's or claim's sources: title (its page in the REST API), date, paragraphs, locators, URLs."""
    items = []
    for c in cites:
        parts = [f'<a href="{_API}/sources/{quote(c.source.id, safe="")}">{_e(c.source.label or c.source.id)}</a>']
        if c.date:
            parts.append(f"({_e(c.date)})")
        if c.paragraphs:
            parts.append(f"paragraph{'s' if len(c.paragraphs) > 1 else ''} {_e(', '.join(map(str, c.paragraphs)))}")
        if c.locators:
            parts.append(_e("; ".join(c.locators)))
        parts += [_external(u) for u in c.urls]
        if c.verification:
            parts.append(f'<span class="note">{_e(c.verification)}</span>')
        items.append(f"<li>{' '.join(parts)}</li>")
    if not items:
        return '<span class="note">no source recorded</span>'
    return f'<ul class="sources">{"".join(items)}</ul>'


def _lang_name(code: str) -> str:
    return _LANGUAGES.get(code, code)


def _lang_attrs(code: str) -> str:
    return f' lang="{_e(code)}" dir="auto"' if code and code != "und" else ' dir="auto"'


def _names(page: Entity) -> str:
    """Every label and alias, by language (English first)."""
    aliases: dict[str, list[str]] = {}
    for alias in page.aliases:
        aliases.setdefault(alias.get("lang") or "", []).append(alias.get("label", ""))
    langs = sorted(set(page.labels) | set(aliases), key=lambda c: (c != "en", c))
    rows = []
    for code in langs:
        label = page.labels.get(code)
        shown = f"<span{_lang_attrs(code)}>{_e(label)}</span>" if label else ""
        others = "".join(f"<li{_lang_attrs(code)}>{_e(a)}</li>" for a in aliases.get(code, []))
        rows.append(
            f'<tr data-lang="{_e(code)}"><th scope="row">{_e(_lang_name(code))} <code>{_e(code or "-")}</code></th>'
            f'<td class="label">{shown}</td><td><ul class="aliases">{others}</ul></td></tr>'
        )
    return (
        '<table id="names"><thead><tr><th>language</th><th>name</th><th>also known as</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _status(status: str | None, reason: str | None, bound: str | None) -> str:
    if not status:
        return ""
    why = (reason or "").replace("-", " ")
    tail = f" ({_e(why)}{', ' + _e(bound) if bound else ''})" if why else ""
    return f'<span class="status {_e(status)}">{_e(status.replace("-", " "))}</span>{tail}'


def _json_link(page: Entity, item: Relation | Designation) -> str:
    query = {"at": page.at.isoformat()}
    if isinstance(item, Designation):
        path = f"{_API}/actors/{quote(page.id, safe='')}/designations"
    else:
        path = f"{_API}/actors/{quote(page.id, safe='')}/relations"
        query = {"kind": item.kind, **query}
    return f'<a class="json" href="{_e(path + "?" + urlencode(query))}">JSON</a>'


def _evidence(page: Entity, spans: list[Span]) -> str:
    """One row per drawn statement (the bars link here): what, when, its status, its sources."""
    items: dict[str, Relation | Designation] = {}
    for group in page.groups.values():
        for item in group.items:
            if isinstance(item, Relation | Designation):
                items.setdefault(item.id, item)
    rows = []
    for span in spans:
        item = items[span.key]
        what = _e(span.label)
        if span.other is not None:
            what += f'<br><span class="note">with {_actor_link(span.other, page.at)}</span>'
        notes = [n for n in (getattr(item, "note", None), getattr(item, "date_note", None)) if n]
        note = "".join(f'<p class="note">{_e(n)}</p>' for n in notes)
        ended = span.end or ("by " + span.bound + " at the latest" if span.reason == "ceased" and span.bound else "")
        rows.append(
            f'<tr id="ev-{_e(span.key)}" data-key="{_e(span.key)}"><td>{what}{note}</td>'
            f"<td><time>{_e(span.start or 'unknown')}</time></td><td>{_e(ended or 'no end known')}</td>"
            f"<td>{_status(span.status, span.reason, span.bound)}</td>"
            f"<td>{_citations(item.sources)} {_json_link(page, item)}</td></tr>"
        )
    if not rows:
        return '<p class="note">No statement about this actor.</p>'
    return (
        '<table id="evidence"><thead><tr><th>statement</th><th>from</th><th>until</th>'
        f"<th>on {_e(page.at.isoformat())}</th><th>evidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _claims(page: Entity, group: str, section: str, who: str) -> str:
    """A table of claims (``who``: the column naming the other side, "said by" or "about")."""
    found = page.groups.get(group)
    claims: list[Claim] = list(found.items) if found else []
    if not claims:
        return '<p class="note">None in the graph.</p>'
    rows = []
    for claim in claims:
        people = claim.claimants if who == "said by" else [*claim.about, *claim.places]
        names = ", ".join(_actor_link(r, page.at) for r in people) or '<span class="note">unknown</span>'
        rows.append(
            f'<tr id="{section}-{_e(claim.id)}" data-key="{_e(claim.id)}">'
            f"<td><time>{_e(claim.date or 'undated')}</time></td>"
            f"<td>{_e(claim.kind)}</td><td>{names}</td><td>{_e(claim.summary)}</td>"
            f"<td>{_citations(claim.sources)}</td></tr>"
        )
    more = ""
    if found is not None and found.count > len(claims):
        more = f'<p class="note">The first {len(claims)} of {found.count} claims.</p>'
    return (
        f'<table class="claims" id="{section}"><thead><tr><th>date</th><th>kind</th><th>{_e(who)}</th>'
        f"<th>summary (the project's words)</th><th>reported by</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        f"</table>{more}"
    )


def _head(title: str) -> str:
    return page_head(title, "/static/actor.css")


def _capped(page: Entity) -> str:
    capped = [
        f"{name.replace('_', ' ')} ({len(g.items)} of {g.count})"
        for name, g in page.groups.items()
        if g.count > len(g.items)
    ]
    if not capped:
        return ""
    return f'<p class="note">Only the first items of some groups are shown: {_e(", ".join(capped))}.</p>'


def actor_page(page: Entity, title: str) -> str:
    """The page of an actor (``page`` from :func:`kg.read.entities.entity`); ``title``: the service's."""
    name = page.label or page.id
    at = page.at.isoformat()
    spans = spans_of(page)
    json_url = f"{_API}/actors/{quote(page.id, safe='')}?{urlencode({'at': at})}"
    explorer = f"/explorer?{urlencode({'focus': page.id, 'at': at})}"
    wikidata = page.identifiers.get("wikidata")
    facts = [f"<dt>type</dt><dd>{_e(', '.join(t.replace('-', ' ') for t in page.types) or page.type)}</dd>"]
    if wikidata:
        facts.append(f"<dt>Wikidata</dt><dd>{_external('https://www.wikidata.org/wiki/' + wikidata)}</dd>")
    if page.located_in:
        facts.append(f"<dt>located in</dt><dd>{', '.join(_e(r.label or r.id) for r in page.located_in)}</dd>")
    notes = "".join(f"<p>{_e(n)}</p>" for n in page.notes)
    return (
        _head(f"{name} — {title}")
        + f"""<body class="actor-page">
<nav><a href="/">{_e(title)}</a> · <a href="{_e(explorer)}">explorer around {_e(name)}</a> ·
<a href="{_e(json_url)}">this actor as JSON</a></nav>
<header>
<h1 id="actor-name">{_e(name)}</h1>
<dl class="facts">{"".join(facts)}</dl>
{notes}
<form id="as-of" action="{_e(actor_url(page.id))}" method="get">
<label for="at">Read as of</label> <input id="at" name="at" type="date" value="{_e(at)}" required>
<button type="submit">Show</button>
<span class="note">Statuses below are those of <time id="as-of-day">{_e(at)}</time>.</span>
</form>
</header>
<main>
<section id="names-section">
<h2>Names</h2>
{_names(page)}
</section>
<section id="timeline-section">
<h2>Timeline</h2>
<p class="note">Bars are facts (statements), from their start to their end; diamonds are claims, which the
graph does not take as facts. Each bar and diamond links to its evidence below; hover for dates and status.</p>
<figure>{actor_timeline(page)}</figure>
{_capped(page)}
</section>
<section id="evidence-section">
<h2>Evidence of each statement</h2>
{_evidence(page, spans)}
</section>
<section id="claims-made-section">
<h2>Claims made by {_e(name)}</h2>
{_claims(page, "claims_made", "claims-made", "about")}
</section>
<section id="claims-about-section">
<h2>Claims about {_e(name)}</h2>
{_claims(page, "claims_about", "claims-about", "said by")}
</section>
</main>
<footer><p><a href="/">Front page</a> · <a href="{_e(json_url)}">JSON</a> · <a href="/docs">API documentation</a></p>
</footer>
</body>
</html>
"""
    )


def error_page(status: int, heading: str, message: str, title: str, links: Iterable[tuple[str, str]] = ()) -> str:
    """A readable error page: what went wrong in words, and where to go instead."""
    extra = "".join(f'<li><a href="{_e(url)}">{_e(text)}</a></li>' for url, text in links)
    return (
        _head(f"{heading} — {title}")
        + f"""<body class="actor-page error">
<nav><a href="/">{_e(title)}</a></nav>
<main>
<h1>{_e(heading)}</h1>
<p id="message" data-status="{status}">{_e(message)}</p>
<ul>{extra}<li><a href="/">The front page</a></li></ul>
<form id="search" action="{_API}/search" method="get" role="search">
<label for="q">Search by name</label>
<input id="q" name="q" type="search" required maxlength="200">
<button type="submit">Search</button>
</form>
</main>
</body>
</html>
"""
    )
