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
  const names = data.names || {};
  const claims = data.claims || {};
  // A person reads names, never ids: the data names every actor it mentions.
  const words = (slug) => (slug ? String(slug).replace(/-/g, ' ') : '');
  const nameOf = (id) => (Object.prototype.hasOwnProperty.call(names, id) ? names[id] : (nodeById.has(id) ? nodeById.get(id).label : words(id)));
  const panel = $('panel');
  window.explorer = { ready: false, data: data, shownEdge: null, shownNode: null, shownClaim: null };

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
  function focusLink(id, label) {
    const text = label || nameOf(id);
    if (!data.api) return el('span', text);  // a page saved from a notebook: no server to ask
    const a = el('a', text);
    const params = new URLSearchParams(window.location.search); params.set('focus', id);
    a.href = '?' + params.toString();
    return a;
  }
  function joined(items) {  // several nodes separated by commas, in one span
    const span = el('span');
    items.forEach((item, i) => { if (i) span.appendChild(document.createTextNode(', ')); span.appendChild(item); });
    return span;
  }

  // What a claim says, in words: its kind, what it asserts, who claimed it and when.
  const claimOf = (e) => claims[e.statement] || null;
  function claimantNames(e) {
    const c = claimOf(e);
    return c && c.claimants.length ? c.claimants.map((r) => r.label) : e.claimants.map(nameOf);
  }
  function claimKind(e) { const c = claimOf(e); return (c && c.kind_label) || words(e.claim_kind) || 'claim'; }
  function claimDate(e) { const c = claimOf(e); return (c && c.date) || e.start || null; }
  const arrow = (e) => (e.symmetric ? ' ↔ ' : ' → ');
  function asserts(e) { return (e.proposition_label || words(e.proposition_kind)) + ': ' + nameOf(e.from) + arrow(e) + nameOf(e.to); }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  function period(e) {
    return (e.start ? 'from ' + e.start : 'start unknown') + (e.end ? ' until ' + e.end : ', no end known');
  }
  function statusWords(e) {
    const said = { holds: 'holds', 'not-holds': 'does not hold', unknown: 'not known to hold' }[e.status] || words(e.status);
    return said + ' on ' + data.at + (e.status_reason ? ' (' + words(e.status_reason) + (e.status_bound ? ', ' + e.status_bound : '') + ')' : '');
  }

  // Hover tooltips: an element of text lines (vis-network shows an element as it is; no HTML parsing).
  function tip(lines) {
    const box = el('div');
    lines.filter((line) => line && line[0]).forEach(([text, cls]) => box.appendChild(el('div', text, cls)));
    return box;
  }
  function edgeTip(e) {
    const c = claimOf(e);
    const sources = plural((c ? c.sources : e.sources).length, 'source', 'sources');
    if (e.claim && e.role === 'claimant') {
      return tip([[nameOf(e.from) + ' makes a claim', 'tip-title'], [claimKind(e) + (claimDate(e) ? ', ' + claimDate(e) : ''), 'tip-claim'], [sources]]);
    }
    if (e.claim && e.role === 'about') {
      return tip([['The claim is about ' + nameOf(e.to), 'tip-title'], ['claimed by ' + claimantNames(e).join(', '), 'tip-claim'], [sources]]);
    }
    if (e.claim) {
      return tip([
        ['Claim (' + claimKind(e) + ') of ' + asserts(e), 'tip-title'],
        ['claimed by ' + (claimantNames(e).join(', ') || 'an unnamed claimant') + (claimDate(e) ? ', ' + claimDate(e) : ''), 'tip-claim'],
        ['a claim, not an established fact'], [sources],
      ]);
    }
    return tip([[e.kind_label + ': ' + nameOf(e.from) + arrow(e) + nameOf(e.to), 'tip-title'], [period(e)], [statusWords(e)], [sources]]);
  }
  function nodeTip(n) {
    if (n.claim) {
      const c = claims[n.claim] || {};
      return tip([
        ['Claim: ' + n.label, 'tip-title'], [c.summary || null],
        ['claimed by ' + ((c.claimants || []).map((r) => r.label).join(', ') || 'an unnamed claimant'), 'tip-claim'],
        [plural((c.sources || []).length, 'source', 'sources')],
      ]);
    }
    const life = (n.founded ? 'founded ' + n.founded : '') + (n.founded && n.dissolved ? ', ' : '') + (n.dissolved ? 'ceased ' + n.dissolved : '');
    return tip([[n.label, 'tip-title'], [n.type_labels.join(', ') || 'actor'], [life || null], [plural(n.degree, 'relation', 'relations') + ' drawn']]);
  }

  function sourceList(sources) {
    panel.appendChild(el('h3', 'Sources'));
    const list = el('ul', null, 'sources'); panel.appendChild(list);
    if (!sources.length) list.appendChild(el('li', 'no source recorded'));
    for (const s of sources) {
      const li = el('li'); li.appendChild(el('strong', s.title || words(s.id)));
      if (s.date) li.appendChild(document.createTextNode(' (' + s.date + ')'));
      if (s.paragraphs.length) li.appendChild(document.createTextNode(' — paragraph ' + s.paragraphs.join(', ')));
      if (s.locators.length) li.appendChild(document.createTextNode(' — ' + s.locators.join('; ')));
      for (const u of s.urls) { li.appendChild(document.createTextNode(' ')); li.appendChild(safeLink(u)); }
      list.appendChild(li);
    }
  }

  function showNode(id) {
    const n = nodeById.get(id); if (!n) return;
    if (n.claim) { showClaim(n.claim, null); return; }
    window.explorer.shownNode = id; window.explorer.shownEdge = null; window.explorer.shownClaim = null;
    panel.replaceChildren(el('h2', n.label));
    const dl = el('dl'); panel.appendChild(dl);
    row(dl, 'type', n.type_labels); row(dl, 'founded', n.founded); row(dl, 'ceased', n.dissolved);
    row(dl, 'relations drawn', n.degree);
    row(dl, 'linked data', n.iri ? safeLink(n.iri, 'permanent address (IRI)') : null);
    if (!data.api) { panel.focus({ preventScroll: true }); return; }
    const more = el('p', 'loading details…', 'help'); panel.appendChild(more);
    const f = el('p'); f.appendChild(focusLink(id, 'Focus on this actor')); panel.appendChild(f);
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

  // A claim: its summary, kind in words, date, claimants by name (linked), what it asserts, sources.
  // ``e``: the edge clicked (what it asserts between two actors), or null for a claim's node.
  function showClaim(cid, e) {
    const c = claims[cid] || null;
    const edges = data.edges.filter((x) => x.statement === cid);
    const first = e || edges[0] || null;
    window.explorer.shownClaim = cid; window.explorer.shownNode = null; window.explorer.shownEdge = e ? e.id : null;
    const kind = (c && c.kind_label) || (first ? claimKind(first) : 'claim');
    panel.replaceChildren(el('h2', 'Claim: ' + kind));
    panel.appendChild(el('p', 'A claim, not an established fact.', 'claim-note'));
    if (c && c.summary) panel.appendChild(el('p', c.summary, 'summary'));
    const dl = el('dl'); panel.appendChild(dl);
    const claimants = c && c.claimants.length ? c.claimants : (first ? first.claimants.map((id) => ({ id: id, label: nameOf(id) })) : []);
    row(dl, 'claimed by', claimants.length ? joined(claimants.map((r) => focusLink(r.id, r.label))) : 'no claimant recorded');
    row(dl, 'kind', kind);
    row(dl, 'said on', (c && c.date) || (first && first.start) || 'undated');
    // what it asserts: the relation clicked, else every proposition between drawn actors
    const said = e && !e.role ? [asserts(e)] : ((c && c.asserts) || []).map((a) => (a.kind_label || words(a.kind)) + ': ' + nameOf(a.from) + ' → ' + nameOf(a.to));
    row(dl, 'asserts', said);
    row(dl, 'about', c ? c.about.map((r) => r.label) : null);
    sourceList(c ? c.sources : (first ? first.sources : []));
    panel.focus({ preventScroll: true });
  }

  function showEdge(id) {
    const e = edgeById.get(id); if (!e) return;
    if (e.claim) { showClaim(e.statement, e); return; }
    window.explorer.shownEdge = id; window.explorer.shownNode = null; window.explorer.shownClaim = null;
    panel.replaceChildren(el('h2', e.kind_label));
    const dl = el('dl'); panel.appendChild(dl);
    const ends = el('span'); ends.append(focusLink(e.from), document.createTextNode(arrow(e)), focusLink(e.to));
    row(dl, 'between', ends);
    row(dl, 'kind', e.kind_label);
    row(dl, 'from', e.start || 'unknown'); row(dl, 'until', e.end || 'no end known');
    row(dl, 'status', statusWords(e));
    row(dl, 'support kinds', e.support_kinds.map(words));
    row(dl, 'alleged', e.alleged === null ? null : (e.alleged ? 'yes' : 'no'));
    sourceList(e.sources);
    panel.focus({ preventScroll: true });
  }

  // Status, message, lists.
  const actors = data.nodes.filter((n) => !n.claim).length;
  const claimNodes = data.nodes.length - actors;
  $('status').textContent = plural(actors, 'actor', 'actors') + (claimNodes ? ', ' + plural(claimNodes, 'claim', 'claims') : '') +
    ' and ' + plural(data.edges.length, claimNodes ? 'line' : 'relation', claimNodes ? 'lines' : 'relations') + (data.at ? ' on ' + data.at : '') +
    (data.focus ? ' around ' + nameOf(data.focus) : '') + '.';
  $('status').dataset.nodes = String(data.nodes.length);
  $('status').dataset.edges = String(data.edges.length);
  if (data.message) $('message').textContent = data.message;
  function edgeWords(e) {
    if (e.claim && e.role === 'claimant') return 'makes the claim';
    if (e.claim && e.role === 'about') return 'the claim is about this actor';
    if (e.claim) return 'claim (' + claimKind(e) + ') of ' + (e.proposition_label || words(e.proposition_kind)) + ', claimed by ' + (claimantNames(e).join(', ') || 'an unnamed claimant');
    return e.kind_label;
  }
  function buildLists() {
    const nodeList = $('node-list');
    for (const n of data.nodes) {
      const li = el('li'); const b = el('button', n.label, 'linkish'); b.type = 'button';
      b.addEventListener('click', () => { select({ nodes: [n.id] }); showNode(n.id); });
      li.append(b, document.createTextNode(' (' + (n.claim ? 'claim' : n.type_labels.join(', ')) + ')')); nodeList.appendChild(li);
    }
    const edgeList = $('edge-list');
    for (const e of data.edges) {
      const li = el('li'); const b = el('button', nameOf(e.from) + arrow(e) + nameOf(e.to), 'linkish'); b.type = 'button';
      b.addEventListener('click', () => { select({ edges: [e.id] }); showEdge(e.id); });
      li.append(b, document.createTextNode(' — ' + edgeWords(e))); edgeList.appendChild(li);
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
    // The way claims are drawn redraws at once too; "show all" leaves the focus.
    if ($('claims-as-nodes')) $('claims-as-nodes').addEventListener('change', () => {
      if (!redrawing) { redrawing = true; $('controls').requestSubmit(); }
    });
    // "the latest date in the data": the same view on that day (focus, depth and filters kept)
    if ($('latest')) { const p = new URLSearchParams(window.location.search); p.delete('at'); $('latest').href = '?' + p.toString(); }
    if ($('unfocus')) $('unfocus').addEventListener('click', (event) => {
      event.preventDefault(); $('focus').value = ''; $('controls').requestSubmit();
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
  const FONT = { face: 'arial', color: '#1b1b1b', strokeWidth: 3, strokeColor: '#ffffff' };
  const HIDDEN = { color: 'rgba(0,0,0,0)', strokeWidth: 0 };
  const BOX = { color: '#ffffff', strokeWidth: 0 };  // a claim's label, inside its box
  const nodes = data.nodes.map((n) => ({
    id: n.id, label: n.label, shape: n.shape, color: n.color, size: n.size, borderWidth: n.borderWidth, x: n.x, y: n.y,
    font: Object.assign({ size: n.label_px }, n.claim ? BOX : FONT), title: nodeTip(n),
  }));
  const edges = data.edges.map((e) => ({ id: e.id, from: e.from, to: e.to, color: { color: e.color, highlight: e.color }, dashes: e.dashes, width: e.width, arrows: e.arrows, smooth: e.smooth, title: edgeTip(e) }));
  const options = {
    physics: data.physics ? { enabled: true, solver: 'barnesHut', barnesHut: { gravitationalConstant: -4000, springLength: 140 }, stabilization: { iterations: 120, fit: true } } : { enabled: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 500, keyboard: false },
    edges: { selectionWidth: 2 },
    layout: { improvedLayout: false },
  };

  // Labels: the same size on screen at any zoom (by importance, LABEL_PX in kg/viz/model.py), and a
  // label that would overlap a more important one is hidden (its name stays in the tooltip and the
  // lists). Zooming in makes room, so more labels show.
  const measure = document.createElement('canvas').getContext('2d');
  // claims first: their boxes are always drawn, and actors' labels give way to them
  const ranked = data.nodes.slice().sort((a, b) => (b.claim ? 1 : 0) - (a.claim ? 1 : 0) || b.label_px - a.label_px || b.degree - a.degree || (a.label < b.label ? -1 : 1));
  let labels = [];
  function overlaps(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }
  function relabel() {
    if (!network) return;
    const scale = network.getScale();
    const positions = network.getPositions();
    const width = $('graph').clientWidth, height = $('graph').clientHeight;
    const kept = [];
    const updates = [];
    labels = [];
    for (const n of ranked) {
      const px = n.label_px;
      measure.font = px + 'px arial';
      const w = measure.measureText(n.label).width + 4;
      const h = px * 1.1;
      const centre = network.canvasToDOM(positions[n.id]);
      const out = (b) => b.x < 0 || b.y < 0 || b.x + b.w > width || b.y + b.h > height;
      const free = (b) => !out(b) && !kept.some((k) => overlaps(k, b));
      // a claim's label sits inside its box; an actor's under its shape, else above it if that is free
      const below = { x: centre.x - w / 2, y: centre.y + n.size * scale + 2, w: w, h: h };
      const above = { x: below.x, y: centre.y - n.size * scale - 2 - h, w: w, h: h };
      let box = n.claim ? { x: centre.x - w / 2, y: centre.y - h / 2, w: w, h: h } : below;
      let shift = 0;
      if (!n.claim && !free(below) && free(above)) { box = above; shift = (above.y - below.y) / scale; }
      const clipped = out(box);
      const shown = n.claim || free(box);
      if (shown) kept.push(box);
      labels.push({ id: n.id, shown: shown, clipped: clipped, px: px, box: box });
      updates.push({ id: n.id, font: Object.assign({ size: px / scale, vadjust: shift }, n.claim ? BOX : (shown ? FONT : HIDDEN)) });
    }
    network.body.data.nodes.update(updates);
    document.body.dataset.labels = String(kept.length);
  }
  window.explorer.labels = () => labels;
  // The first view: zoom out a little (at most three steps) while labels would be cut by the edge.
  function firstLabels() {
    for (let i = 0; i < 3; i++) {
      relabel();
      if (!labels.some((l) => l.clipped)) return;
      network.moveTo({ scale: network.getScale() * 0.9 });
    }
    relabel();
  }
  let pending = null;
  function relabelSoon() { clearTimeout(pending); pending = setTimeout(relabel, 120); }

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
  // Physics only refines the server's layout: it stops when the first stabilisation ends, then the
  // labels are placed (and placed again after each zoom, pan or drag).
  let settled = !data.physics;
  if (data.physics) network.once('stabilizationIterationsDone', () => { network.setOptions({ physics: false }); settled = true; });
  let labelled = false;
  network.on('afterDrawing', () => {
    if (settled && !labelled) { labelled = true; firstLabels(); }
  });
  network.on('zoom', relabelSoon);
  network.on('dragEnd', relabelSoon);
  network.once('afterDrawing', () => {
    if (data.focus && nodeById.has(data.focus)) network.selectNodes([data.focus], false);
    markReady();
  });
  if ($('export-png')) $('export-png').addEventListener('click', () => {
    const canvas = $('graph').querySelector('canvas'); if (!canvas) return;
    const a = document.createElement('a'); a.download = 'conflict-network-' + data.at + '.png'; a.href = canvas.toDataURL('image/png');
    document.body.appendChild(a); a.click(); a.remove();
  });
})();
