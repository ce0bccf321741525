"""Where SPARQL servers depart from the standard, written down once: :data:`DIALECTS`.

A :class:`kg.store.remote.RemoteStore` reads its server's :class:`Dialect` (named, or detected from
the server's header) and nothing else about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.sparql.gate import MAX_NESTING

__all__ = ["DIALECTS", "INSERT_DATA", "Dialect"]

#: The standard insert operation for one graph's triples (``{graph}``, ``{body}``: N-Triples).
INSERT_DATA = "INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}"


@dataclass(frozen=True)
class Dialect:
    """How one kind of server is reached and where it departs from the standard."""

    name: str
    #: Server header prefix that identifies it (auto-detection).
    server: str | None
    #: Paths of the endpoints under the server's root, used when the URL names only the root.
    query_path: str
    update_path: str | None  # None: the query URL also takes updates
    gsp_path: str | None  # None: no Graph Store Protocol; single graphs are read with SPARQL
    #: Name of the Graph Store Protocol's graph parameter.
    gsp_graph_param: str = "graph"
    #: HTTP authentication scheme for credentials.
    auth: str = "basic"
    #: The server may be started with a union default graph that replaces a query's own ``FROM``
    #: (such a server is refused: the store names its union graph as the default graph instead).
    union_overrides_from: bool = False
    #: Most triples in one insert operation (a request holds as many operations as needed).
    insert_chunk: int | None = None
    #: Largest update request the server takes (bytes, about): a write of several graphs is then
    #: sent in several requests, each replacing whole graphs. None: one request, however large.
    max_update_bytes: int | None = None
    #: The insert operation for triples with blank nodes: ``INSERT DATA``, or where blank nodes are
    #: not accepted in it, ``INSERT {...} WHERE {}`` (standard too; a blank node label is one new
    #: node within the operation). Other triples always go in ``INSERT DATA``.
    insert_blank: str = INSERT_DATA
    #: What the server puts before blank node labels in JSON results (removed: not a valid label).
    blank_node_prefix: str | None = None
    #: A variable the server adds to ``SELECT *`` answers over no variables (removed).
    placeholder_variable: str | None = None
    #: Deepest bracket nesting the server's parser accepts (deeper queries are refused here).
    max_nesting: int = MAX_NESTING
    #: How to start the server so that it fits (said in errors).
    hint: str = ""


#: The table of servers. Oxigraph must run without ``--union-default-graph``. Virtuoso: queries at
#: /sparql, updates at /sparql-auth and the Graph Store Protocol at /sparql-graph-crud-auth, both
#: with digest credentials; its parser gives up on INSERT DATA blocks of about 5,000 triples;
#: its default graph includes its own system graphs; blank nodes are refused in INSERT DATA and
#: come back labelled ``nodeID://…`` in JSON results, and ``SELECT *`` over no variables
#: answers a made-up one; its parser refuses braces nested about 80 deep; it lower-cases language tags (as RDF 1.1
#: allows, and as our engine does too); it caps result sets at ``ResultSetMaxRows`` of its
#: ``virtuoso.ini`` (10,000 by default; raise it above the largest answer you expect); it refuses
#: an update request of about 10 MB or more (its string concatenation limit).
DIALECTS: dict[str, Dialect] = {
    "oxigraph": Dialect(
        "oxigraph",
        "Oxigraph",
        "/query",
        "/update",
        "/store",
        union_overrides_from=True,
        hint="start it without --union-default-graph (it would replace a query's own FROM by the union of all graphs)",
    ),
    "virtuoso": Dialect(
        "virtuoso",
        "Virtuoso",
        "/sparql",
        "/sparql-auth",
        "/sparql-graph-crud-auth",
        gsp_graph_param="graph-uri",
        auth="digest",
        insert_chunk=2_000,
        max_update_bytes=4_000_000,
        insert_blank="INSERT {{ GRAPH {graph} {{\n{body}}} }} WHERE {{ }}",
        blank_node_prefix="nodeID://",
        max_nesting=64,
        placeholder_variable="_star_fake",
    ),
    "generic": Dialect("generic", None, "", None, None),
}
