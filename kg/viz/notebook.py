"""The network drawn in a notebook (inline) or saved as a page: the explorer's drawing, self-contained.

:func:`show` uses the same view model, styles, legend and script as the service's explorer, with
every script and style inline, so the page makes no request at all (no CDN, no server).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.errors import InvalidInput
from kg.viz.model import MAX_NODES, view_model
from kg.viz.page import standalone_page

__all__ = ["NetworkView", "show"]


class NetworkView:
    """A drawn network: ``html`` (a standalone page), shown inline by Jupyter, or ``save``-d."""

    def __init__(self, page: str, height: str) -> None:
        self.html = page
        self.height = height

    def _repr_html_(self) -> str:
        # the panel and lists sit below the drawing: leave room for them
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; height: calc({html.escape(self.height)} + 220px); border: none"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` and return it."""
        target = Path(path)
        target.write_text(self.html, encoding="utf-8")
        return target


def show(
    G: nx.MultiDiGraph,
    *,
    highlight: Iterable[str] = (),
    focus: str | None = None,
    depth: int = 1,
    height: str = "600px",
    isolated: bool = False,
    max_nodes: int = MAX_NODES,
    seed: int = 0,
) -> NetworkView:
    """Draw a projection (:func:`kg.network.project`) or a subgraph of one.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph to draw.
    highlight : iterable of str
        Actor ids drawn larger (e.g. a path's actors).
    focus, depth : str, int
        Draw only the actors within ``depth`` steps of ``focus``.
    height : str
        CSS height of the drawing (``"600px"``, ``"80vh"``).
    isolated : bool
        Also draw actors without any relation.
    max_nodes : int
        The most actors drawn (the best connected are kept; the page says so).
    seed : int
        Seed of the layout.

    Returns
    -------
    NetworkView
        Displays inline in Jupyter; ``.html`` is the page, ``.save(path)`` writes it.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> "vis.Network" in show(G).html
    True
    """
    if not re.fullmatch(r"\d{1,5}(px|vh|%)", height):
        raise InvalidInput(f"height must look like '600px', '80vh' or '100%', not {height!r}")
    model = view_model(
        G, focus=focus, depth=depth, highlight=highlight, isolated=isolated, max_nodes=max_nodes, seed=seed
    )
    at = G.graph.get("at")
    return NetworkView(standalone_page(model, at=at if isinstance(at, dt.date) else None, height=height), height)
