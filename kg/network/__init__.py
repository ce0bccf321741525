"""Network analytics: the knowledge graph projected to networkx, and questions asked of it.

Typical use::

    import kg
    from kg import network

    store = kg.open_store("memory")
    G = network.project(store, "2024-11-30")              # actors and statements holding that day
    path = network.paths(G, "iran", "hayat-tahrir-al-sham")[0]
    [(e.source, e.kind, e.target, e.sources[0].source.id) for e in path.edges]

Every analytic takes the graph first and returns plain objects (:mod:`kg.network.models`) whose
edges carry their statement, dates and sources. Modules:

* :mod:`~kg.network.projection` — :func:`project` (flat SPARQL queries for the edges, actors and
  citations; the reads and the frozen graph are cached until the store changes; the service
  builds today's graph at start-up, :mod:`api.warm`);
* :mod:`~kg.network.paths` — :func:`paths`, :func:`shortest_paths`;
* :mod:`~kg.network.chains` — :func:`backing_chains`, :func:`proxy_conflicts`;
* :mod:`~kg.network.centrality` — :func:`centrality`, :func:`brokers`;
* :mod:`~kg.network.blocs` — :func:`blocs`, :func:`bloc_conflicts`;
* :mod:`~kg.network.balance` — :func:`signed_graph`, :func:`triads`, :func:`balance`;
* :mod:`~kg.network.exposure` — :func:`designation_exposure`;
* :mod:`~kg.network.changes` — :func:`changes`;
* :mod:`~kg.network.export` — :func:`export` (GraphML, GEXF, JSON, JSON-LD), :func:`to_json`;
* :mod:`~kg.network.views` — :func:`ego_network` (the actors near one actor) and helpers.

Drawings are in :mod:`kg.viz`: the service's explorer, and :func:`kg.viz.show` for notebooks.

Errors: an unknown actor raises :class:`kg.errors.NotFound`; a bad argument
:class:`kg.errors.InvalidInput`, with a message saying what was wrong.
"""

from __future__ import annotations

from kg.network.balance import balance, signed_graph, triads
from kg.network.blocs import bloc_conflicts, blocs
from kg.network.centrality import brokers, centrality
from kg.network.chains import backing_chains, proxy_conflicts
from kg.network.changes import changes
from kg.network.export import EXPORT_FORMATS, export, to_json
from kg.network.exposure import designation_exposure
from kg.network.models import (
    Balance,
    Bloc,
    BlocConflict,
    Brokers,
    Change,
    Exposure,
    NetEdge,
    Path,
    ProxyConflict,
    Score,
    Triad,
    TriadSide,
)
from kg.network.paths import paths, shortest_paths
from kg.network.projection import BACKING, NEGATIVE, POSITIVE, edge_kinds, known_actor_types, project
from kg.network.views import ego_network

__all__ = [
    "BACKING",
    "EXPORT_FORMATS",
    "NEGATIVE",
    "POSITIVE",
    "Balance",
    "Bloc",
    "BlocConflict",
    "Brokers",
    "Change",
    "Exposure",
    "NetEdge",
    "Path",
    "ProxyConflict",
    "Score",
    "Triad",
    "TriadSide",
    "backing_chains",
    "balance",
    "bloc_conflicts",
    "blocs",
    "brokers",
    "centrality",
    "changes",
    "designation_exposure",
    "edge_kinds",
    "ego_network",
    "export",
    "known_actor_types",
    "paths",
    "project",
    "proxy_conflicts",
    "shortest_paths",
    "signed_graph",
    "to_json",
    "triads",
]
