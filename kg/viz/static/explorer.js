// The conflict network explorer. Every string from the data is inserted with textContent;
// links are made only for http(s) URLs. No request leaves the page's own origin.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('explorer-data').textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  };
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const nameOf = (id) => (nodeById.has(id) ? nodeById.get(id).label : id);
  const panel = $('panel');
  window.explorer = { ready: false, data: data, shownEdge: null, shownNode: null };

  function safeLink(url, text) {
    let parsed = null;
    try { parsed = new URL(url); } catch (e) { parsed = null; }
    if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
      const a = el('a', text || url); a.href = parsed.href; a.rel = 'noopener noreferrer'; a.target = '_blank';
      return a;
    }
    return el('span', text || url);
  }
  function row(dl, term, value) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el('dt', term));
    const dd = el('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = Array.isArray(value) ? value.join(', ') : String(value);
    dl.appendChild(dd);
  }
  function focusLink(id) {
    if (!data.api) return el('span', nameOf(id));  // a page saved from a notebook: no server to ask
    const a = el('a', nameOf(id));
    const params = new URLSearchParams(window.location.search); params.set('focus', id);
    a.href = '?' + params.toString();
    return a;
  }

  function showNode(id) {
    const n = nodeById.get(id); if (!n) return;
    window.explorer.shownNode = id; window.explorer.shownEdge = null;
    panel.replaceChildren(el('h2', n.label));
    const dl = el('dl'); panel.appendChild(dl);
    row(dl, 'id', n.id); row(dl, 'types', n.types); row(dl, 'relations drawn', n.degree);
    row(dl, 'IRI', n.iri ? safeLink(n.iri) : null);
    if (!data.api) { panel.focus({ preventScroll: true }); return; }
    const more = el('p', 'loading details…', 'help'); panel.appendChild(more);
    const f = el('p'); f.appendChild(focusLink(id)); f.firstChild.textContent = 'Focus on this actor'; panel.appendChild(f);
    // the actor's own page (names, timeline, evidence, claims), served beside the API at /actors/{id}
    const p = el('p'); const page = el('a', 'Actor page: names, timeline, claims', 'actor-page');
    page.href = data.api.replace(/\/api\/v1\/?$/, '') + '/actors/' + encodeURIComponent(id) + '?at=' + encodeURIComponent(data.at);
    p.appendChild(page); panel.appendChild(p);
    fetch(data.api + '/actors/' + encodeURIComponent(id) + '?at=' + encodeURIComponent(data.at), { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((actor) => {
        if (window.explorer.shownNode !== id) return;
        more.remove();
        if (!actor) return;
        const aliases = (actor.aliases || []).map((a) => (typeof a === 'string' ? a : (a.value || a.label || '') + (a.lang ? ' @' + a.lang : '')));
        row(dl, 'aliases', aliases);
        row(dl, 'notes', actor.notes || null);
      })
      .catch(() => { more.textContent = 'details unavailable'; });
    panel.focus({ preventScroll: true });
  }

  function showEdge(id) {
    const e = edgeById.get(id); if (!e) return;
    window.explorer.shownEdge = id; window.explorer.shownNode = null;
    const title = e.claim ? 'Claim: ' + (e.proposition_kind || '') : e.kind_label;
    panel.replaceChildren(el('h2', title));
    if (e.claim) panel.appendChild(el('p', 'A claim, not an established fact' + (e.claimants.length ? ' — claimed by ' + e.claimants.map(nameOf).join(', ') : '') + '.', 'claim-note'));
    const dl = el('dl'); panel.appendChild(dl);
    const ends = el('span'); ends.append(focusLink(e.from), document.createTextNode(e.symmetric ? ' ↔ ' : ' → '), focusLink(e.to));
    row(dl, 'between', ends);
    row(dl, 'kind', e.claim ? 'claim (' + (e.claim_kind || 'claim') + ') of ' + (e.proposition_kind || '') : e.kind);
    row(dl, 'statement', e.statement);
    row(dl, 'from', e.start || 'unknown'); row(dl, 'until', e.end || (e.claim ? null : 'no end known'));
    row(dl, 'status on ' + data.at, e.status + (e.status_reason ? ' (' + e.status_reason.replace(/-/g, ' ') + (e.status_bound ? ', ' + e.status_bound : '') + ')' : ''));
    row(dl, 'support kinds', e.support_kinds);
    row(dl, 'alleged', e.alleged === null ? null : String(e.alleged));
    panel.appendChild(el('h3', 'Sources'));
    const list = el('ul', null, 'sources'); panel.appendChild(list);
    if (!e.sources.length) list.appendChild(el('li', 'no source recorded'));
    for (const s of e.sources) {
      const li = el('li'); li.appendChild(el('strong', s.title || s.id));
      if (s.date) li.appendChild(document.createTextNode(' (' + s.date + ')'));
      if (s.paragraphs.length) li.appendChild(document.createTextNode(' — paragraph ' + s.paragraphs.join(', ')));
      if (s.locators.length) li.appendChild(document.createTextNode(' — ' + s.locators.join('; ')));
      for (const u of s.urls) { li.appendChild(document.createTextNode(' ')); li.appendChild(safeLink(u)); }
      list.appendChild(li);
    }
    panel.focus({ preventScroll: true });
  }

  // Status, message, lists.
  $('status').textContent = data.nodes.length + ' actors and ' + data.edges.length + ' relations' + (data.at ? ' on ' + data.at : '') +
    (data.focus ? ' around ' + nameOf(data.focus) : '') + '.';
  $('status').dataset.nodes = String(data.nodes.length);
  $('status').dataset.edges = String(data.edges.length);
  if (data.message) $('message').textContent = data.message;
  function buildLists() {
    const nodeList = $('node-list');
    for (const n of data.nodes) {
      const li = el('li'); const b = el('button', n.label, 'linkish'); b.type = 'button';
      b.addEventListener('click', () => { select({ nodes: [n.id] }); showNode(n.id); });
      li.append(b, document.createTextNode(' (' + n.types.join(', ') + ')')); nodeList.appendChild(li);
    }
    const edgeList = $('edge-list');
    for (const e of data.edges) {
      const li = el('li'); const b = el('button', nameOf(e.from) + (e.symmetric ? ' ↔ ' : ' → ') + nameOf(e.to), 'linkish'); b.type = 'button';
      b.addEventListener('click', () => { select({ edges: [e.id] }); showEdge(e.id); });
      li.append(b, document.createTextNode(' — ' + (e.claim ? 'claim of ' + e.proposition_kind : e.kind_label))); edgeList.appendChild(li);
    }
  }

  // The rest talks to the server: absent from a page saved from a notebook.
  if (data.api) {
    // Export links: the drawn subgraph (focus, depth, date, kinds and types).
    const params = new URLSearchParams(window.location.search);
    for (const format of ['graphml', 'gexf', 'jsonld', 'json']) {
      const q = new URLSearchParams({ format: format, at: data.at });
      const kinds = params.getAll('kinds');
      if (!kinds.length || kinds.includes('claim')) q.set('include_claims', 'true');
      for (const k of kinds) q.append('kinds', k);
      for (const t of params.getAll('types')) q.append('types', t);
      if (data.focus) { q.set('focus', data.focus); q.set('depth', String(data.depth)); }
      $('export-' + format).href = data.api + '/network/export?' + q.toString();
    }

    // A new date redraws at once (the form keeps focus, depth and filters: the URL is the permalink).
    // (once: a second change while the first navigation starts would abort it)
    let redrawing = false;
    window.addEventListener('pageshow', () => { redrawing = false; });  // back to this page: it may redraw again
    $('at').addEventListener('change', () => {
      if ($('at').value && !redrawing) { redrawing = true; $('controls').requestSubmit(); }
    });

    // Search (the API's alias-tolerant search); choosing a hit focuses it.
    const hits = $('hits');
    function go(id) { const p = new URLSearchParams(window.location.search); p.set('focus', id); window.location.search = p.toString(); }
    $('search').addEventListener('submit', async (event) => {
      event.preventDefault();
      const q = $('q').value.trim(); hits.replaceChildren(); if (!q) return;
      const r = await fetch(data.api + '/search?type=actor&limit=10&q=' + encodeURIComponent(q));
      const found = r.ok ? await r.json() : [];
      if (!found.length) { hits.appendChild(el('li', 'nothing found')); return; }
      for (const h of found) {
        const li = el('li'); const b = el('button', h.label || h.id, 'linkish'); b.type = 'button'; b.dataset.id = h.id;
        b.addEventListener('click', () => go(h.id));
        li.append(b, document.createTextNode(h.aliases && h.aliases.length ? ' — ' + h.aliases.join(', ') : '')); hits.appendChild(li);
      }
      if ((found[0].score >= 100 && (!found[1] || found[1].score < 100))) go(found[0].id);
    });
  }

  // The drawing.
  let network = null;
  function select(sel) { if (network) network.setSelection(sel, { unselectAll: true, highlightEdges: false }); }
  const nodes = data.nodes.map((n) => ({ id: n.id, label: n.label, shape: n.shape, color: n.color, size: n.size, borderWidth: n.borderWidth, x: n.x, y: n.y, font: { size: 14, strokeWidth: 3, strokeColor: '#ffffff' } }));
  const edges = data.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, color: { color: e.color, highlight: e.color }, dashes: e.dashes, width: e.width, arrows: e.arrows, smooth: e.smooth }));
  const options = {
    physics: data.physics ? { enabled: true, solver: 'barnesHut', barnesHut: { gravitationalConstant: -4000, springLength: 140 }, stabilization: { iterations: 120, fit: true } } : { enabled: false },
    interaction: { hover: true, tooltipDelay: 200, hideEdgesOnDrag: data.nodes.length > 500, keyboard: false },
    edges: { selectionWidth: 2 },
    layout: { improvedLayout: false },
  };
  function markReady() {
    if (window.explorer.ready) return;
    window.explorer.drawnAt = performance.now();
    buildLists();  // after the first drawing: the lists of 2,000 actors would delay it
    window.explorer.ready = true; window.explorer.readyAt = performance.now();
    document.body.dataset.ready = 'true';
  }
  if (typeof vis === 'undefined') {
    $('graph').textContent = 'The drawing library did not load; the lists below show the same data.';
    buildLists();
    markReady();
    return;
  }
  network = new vis.Network($('graph'), { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }, options);
  window.explorer.network = network;
  network.on('click', (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  network.once('afterDrawing', () => {
    if (data.physics) network.once('stabilized', () => network.setOptions({ physics: false }));
    if (data.focus && nodeById.has(data.focus)) network.selectNodes([data.focus], false);
    markReady();
  });
  if ($('export-png')) $('export-png').addEventListener('click', () => {
    const canvas = $('graph').querySelector('canvas'); if (!canvas) return;
    const a = document.createElement('a'); a.download = 'conflict-network-' + data.at + '.png'; a.href = canvas.toDataURL('image/png');
    document.body.appendChild(a); a.click(); a.remove();
  });
})();
