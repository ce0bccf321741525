"""HTML pages served by the API, built from the library's data (no CDN, no external requests)."""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from typing import Any

from kg.namespaces import PREFIXES

__all__ = ["example_queries", "page_head", "sparql_page"]

_EXAMPLES = Path(__file__).resolve().parent.parent / "kg" / "queries" / "examples"


def page_head(title: str, *stylesheets: str) -> str:
    """The start of a page styled by the service's own sheets (``/static/front.css`` first, then
    ``stylesheets``), up to ``<body>``: the title escaped, no outside request (not even a favicon)."""
    links = "".join(f'<link rel="stylesheet" href="{html.escape(s)}">\n' for s in ("/static/front.css", *stylesheets))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
{links}</head>
"""


@functools.cache
def example_queries() -> list[dict[str, str]]:
    """The example queries (the competency questions): title from each file's first comment."""
    out = []
    for path in sorted(_EXAMPLES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        out.append({"id": path.stem, "title": title, "query": text})
    return out


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1b1b; }
textarea { width: 100%; min-height: 16rem; font: 13px/1.4 ui-monospace, monospace; }
select, button { font-size: 15px; margin: .4rem .4rem .4rem 0; }
table { border-collapse: collapse; margin-top: 1rem; font-size: 13px; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
#status { margin-left: .5rem; color: #555; }
#status.error { color: #a00000; }
pre { background: #f6f6f6; padding: .75rem; overflow: auto; }
pre.error { color: #a00000; background: #fff4f4; white-space: pre; }
.lang { font-size: 11px; color: #555; background: #eee; border-radius: 3px; padding: 0 .25rem; margin-left: .35rem; }
"""

_SCRIPT = """
const examples = JSON.parse(document.getElementById('examples').textContent);
const picker = document.getElementById('example');
const editor = document.getElementById('query');
const status = document.getElementById('status');
const output = document.getElementById('output');
for (const ex of examples) {
  const option = document.createElement('option');
  option.value = ex.id; option.textContent = ex.title; picker.appendChild(option);
}
picker.addEventListener('change', () => {
  const ex = examples.find(e => e.id === picker.value); if (ex) editor.value = ex.query;
});
if (examples.length) { editor.value = examples[0].query; }
// a term in a results table cell: its value as text; a language as a small tag after it
function fillCell(td, term) {
  if (!term) return;
  td.append(term.value);
  if (term.type === 'literal' && term['xml:lang']) {
    const tag = document.createElement('span');
    tag.className = 'lang'; tag.title = 'language'; tag.textContent = term['xml:lang'];
    td.append(tag);
  }
}
document.getElementById('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  output.replaceChildren(); status.className = ''; status.textContent = 'running…';
  const started = performance.now();
  const response = await fetch(window.location.pathname, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded',
              'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
    body: new URLSearchParams({query: editor.value}),
  });
  const ms = Math.round(performance.now() - started);
  const type = response.headers.get('content-type') || '';
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    status.className = 'error';
    status.textContent = 'error ' + response.status;
    // the message may span lines: the place in the query, with a marker under the mistake
    const pre = document.createElement('pre'); pre.className = 'error'; pre.id = 'error';
    pre.textContent = body && body.error ? body.error.message : response.statusText;
    output.appendChild(pre);
    return;
  }
  if (type.startsWith('application/sparql-results+json')) {
    const data = await response.json();
    if ('boolean' in data) { status.textContent = 'answer: ' + data.boolean + ' (' + ms + ' ms)'; return; }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement('th'); th.textContent = name; head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of data.results.bindings) {
      const tr = body.insertRow();
      for (const name of data.head.vars) { fillCell(tr.insertCell(), row[name]); }
    }
    output.appendChild(table);
    const cut = response.headers.get('x-kg-truncated') ? ' — cut at the row limit' : '';
    status.textContent = data.results.bindings.length + ' rows (' + ms + ' ms)' + cut;
  } else {
    const pre = document.createElement('pre'); pre.textContent = await response.text(); output.appendChild(pre);
    status.textContent = 'graph result (' + ms + ' ms)';
  }
});
"""


@functools.cache
def sparql_page() -> str:
    """The query page: an editor, the example queries and a results table."""
    examples = json.dumps(example_queries()).replace("<", "\\u003c")
    prefixes = ", ".join(f"<code>{html.escape(p)}:</code>" for p in PREFIXES)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL — conflict knowledge graph</title>
<style>{_STYLE}</style></head>
<body>
<h1>SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1. The default graph is the union of all sources, each triple once; each source is a named graph.
Prefixes {prefixes} are predeclared. See also the <a href="/docs">REST API</a>.</p>
<form id="form">
<label for="example">Example queries:</label> <select id="example"></select><br>
<textarea id="query" name="query" spellcheck="false" aria-label="SPARQL query"></textarea><br>
<button type="submit">Run query</button><span id="status" role="status"></span>
</form>
<div id="output"></div>
<script type="application/json" id="examples">{examples}</script>
<script>{_SCRIPT}</script>
</body></html>"""


def ontology_page(terms: list[dict[str, Any]]) -> str:
    """The ontology's classes, properties and concepts as an HTML page (text escaped)."""
    sections: dict[str, list[str]] = {}
    for term in terms:
        parents = ", ".join(html.escape(p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for p in term["parents"])
        sections.setdefault(term["kind"], []).append(
            f'<tr id="{html.escape(term["id"])}"><td><code>{html.escape(term["id"])}</code></td>'
            f"<td>{html.escape(term['label'] or '')}</td><td>{html.escape(term['comment'] or '')}</td>"
            f"<td>{parents}</td></tr>"
        )
    body = "".join(
        f"<h2>{html.escape(kind)}</h2><table><thead><tr><th>term</th><th>label</th><th>comment</th>"
        f"<th>parents</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        for kind, rows in sections.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ontology — conflict knowledge graph</title>
<style>{_STYLE}</style></head>
<body><h1>Conflict knowledge-graph ontology</h1>
<p>Namespace <code>https://w3id.org/conflict-kg/ontology#</code>. Generated from <code>ontology/</code>;
the same terms as Turtle: <code>GET /ontology</code> with <code>Accept: text/turtle</code>.</p>
{body}</body></html>"""
