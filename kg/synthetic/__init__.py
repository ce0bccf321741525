"""Synthetic data: a large, realistic, clearly fake conflict graph in the project's own ontology.

``write(out, actors=N, seed=S)`` writes a graph of N invented actors that passes the SHACL shapes:

* actors: states (about 2%, each with its government, army, often an air force and a ministry),
  intergovernmental organisations, armed groups, coalitions, persons, unnamed collectives,
  political organisations, media and civil organisations, grouped into *theatres* (one civil war
  around a host state each, about 200 actors), each armed actor on a side;
* places: every state is also its country (``ck:State, ck:Country``, as Syria in the real data),
  with regions, settlements and sites linked by ``ck:locatedIn``; foreign states have a capital;
* about five statements per actor: support (UCDP support kinds, some ``ck:alleged``), alliances,
  hostilities, memberships, affiliations, part-of, leadership, offices of persons, former names,
  mergers and dissolutions, territorial control, designations by several authorities (listed,
  effective, announced and some ended dates, names covered, amendments that add a new name
  after a renaming, an occasional ``ck:aliasOf``), events with participations;
* claims with propositions (never typed as statements), attributed to a claimant;
* full and partial dates (``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``), every end after its
  start; English labels and aliases, Arabic labels for most Arabic-named actors and places.

Everything is marked synthetic, yet addressable like the real data: entities, statements and
sources have IRIs in the project's namespaces whose slug starts with ``syn-`` (:data:`SYN_PREFIX`),
``https://w3id.org/conflict-kg/id/syn-armed-group-3``, ``.../statement/syn-state-1-backs-armed-group-3-s2``,
``.../source/syn-article-1``; no real slug starts with ``syn-``. Every source's title starts with
"Synthetic" and every source carries a ``ck:note`` saying that it is synthetic.

Sources. One source (one named graph) per :data:`ACTORS_PER_SOURCE` actors: the "home" source
of those actors, holding their statements and their full labels. A source is self-contained as
the authoring rules ask: it declares the type and English ``skos:prefLabel`` of every actor,
place and event it mentions, and every statement, event and claim in it cites it with a
``ck:paragraph`` (facts found in the same paragraphs share one citation node, which keeps the
graph near 50 quads per actor). A few statements of the previous source are cited again by the
next one (same statement IRI, as the rules ask for one fact in two sources).

Output. :func:`write` streams the graph source by source, holding only one source's triples and
the actor table (a few hundred bytes per actor: about 90 MB of memory at 100k actors):

* ``out`` ending in ``.nq``: one N-Quads file, one named graph per source (the fastest form);
* ``out`` ending in ``.trig``: one TriG file, one graph block per source, with prefixes;
* any other ``out`` is a directory: one ``.trig`` file per source (``article-N.trig``,
  ``register-N.trig``), each loadable as it is by ``kg load`` / :func:`kg.load.loader.load_files`, which
  take one source per file. A directory that already holds other ``.trig`` files is refused, so
  that a smaller run never leaves the sources of a larger one behind.

:func:`split` turns a multi-source ``.nq``/``.trig`` file into such a directory;
:func:`generate` yields the same graph as ``pyoxigraph.Quad`` objects. The output is a function of
``(actors, seed)`` only: the same arguments give byte-identical files. ``kg generate --actors N
--seed S --out PATH`` does the same as :func:`write` from the command line.

Modules: :mod:`~kg.synthetic.world` lays out theatres, actors and places and
:mod:`~kg.synthetic.naming` names them (from the pools in :mod:`~kg.synthetic.names`);
:mod:`~kg.synthetic.builder` holds one source under construction, which
:mod:`~kg.synthetic.actors`, :mod:`~kg.synthetic.statements` and :mod:`~kg.synthetic.events` fill;
:mod:`~kg.synthetic.sources` assembles the sources, :mod:`~kg.synthetic.writer` writes them, and
:mod:`~kg.synthetic.ntriples` has the terms they are written with.
"""

from __future__ import annotations

from kg.synthetic.ntriples import SYN_ID, SYN_PREFIX, SYN_SRC, SYN_ST
from kg.synthetic.world import ACTORS_PER_SOURCE
from kg.synthetic.writer import Summary, generate, source_texts, split, write

__all__ = [
    "ACTORS_PER_SOURCE",
    "SYN_ID",
    "SYN_PREFIX",
    "SYN_SRC",
    "SYN_ST",
    "Summary",
    "generate",
    "source_texts",
    "split",
    "write",
]
