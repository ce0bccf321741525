"""HTML views of the network: the explorer page (:func:`page`), its data (:func:`view_model`), and
:func:`show`, the same drawing self-contained for notebooks."""

from kg.viz.layout import layout
from kg.viz.model import EDGE_STYLES, MAX_NODES, NODE_STYLES, PHYSICS_LIMIT, legend, view_model
from kg.viz.notebook import NetworkView, show
from kg.viz.page import CSP, STATIC_FILES, json_for_script, page, standalone_page, static_file

__all__ = [
    "CSP",
    "EDGE_STYLES",
    "MAX_NODES",
    "NODE_STYLES",
    "PHYSICS_LIMIT",
    "STATIC_FILES",
    "NetworkView",
    "json_for_script",
    "layout",
    "legend",
    "page",
    "show",
    "standalone_page",
    "static_file",
    "view_model",
]
