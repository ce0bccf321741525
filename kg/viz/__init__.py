"""HTML views of the network: the explorer page (:func:`page`) and its data (:func:`view_model`)."""

from .model import EDGE_STYLES, MAX_NODES, NODE_STYLES, PHYSICS_LIMIT, legend, view_model
from .page import CSP, STATIC_FILES, json_for_script, page, static_file

__all__ = [
    "CSP",
    "EDGE_STYLES",
    "MAX_NODES",
    "NODE_STYLES",
    "PHYSICS_LIMIT",
    "STATIC_FILES",
    "json_for_script",
    "legend",
    "page",
    "static_file",
    "view_model",
]
