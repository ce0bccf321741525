"""HTML views of the network: the explorer page (:func:`page`), its data (:func:`view_model`), and
:func:`show`, the same drawing self-contained for notebooks."""

from kg.viz.layout import layout
from kg.viz.model import CLAIM_VIEWS, EDGE_STYLES, MAX_NODES, NODE_STYLES, PHYSICS_LIMIT, legend, type_label, view_model
from kg.viz.notebook import NetworkView, show
from kg.viz.page import CSP, STATIC_FILES, json_for_script, page, standalone_page, static_file

__all__ = [
    "CLAIM_VIEWS",
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
    "type_label",
    "view_model",
]
