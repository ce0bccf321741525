"""An interactive view of a projection with pyvis, for notebooks (inline) and as an HTML page.

Positions are computed in Python (a seeded spring layout) and physics is off, so large graphs
display at once and the picture is the same every time. The graph is drawn directed, so that
parallel statements between two actors are all kept (pyvis drops them in undirected mode). Labels and
tooltips are plain text: characters that could end the page's script (``<``, ``>``) are replaced, and
the word that switches pyvis tooltips to raw HTML ("href") is broken. The vis-network library is
inlined; the page still loads its Bootstrap stylesheet from a CDN (pyvis's template).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import InvalidInput

__all__ = ["COLOURS", "NetworkView", "view"]

#: Edge colour of each relation kind (others grey).
COLOURS = {
    "support": "#2b8a3e",
    "alliance": "#1c7ed6",
    "hostility": "#e03131",
    "designation": "#7048e8",
    "claim": "#f08c00",
}


def _text(value: Any) -> str:
    """Plain text that cannot close a script or turn a tooltip into HTML."""
    text = str(value).replace("<", "‹").replace(">", "›")
    return re.sub("(?i)href", lambda m: m.group(0)[:3] + "\u200b" + m.group(0)[3:], text)


class NetworkView:
    """A rendered network: ``html`` (a standalone page), shown inline by Jupyter, or ``save``-d."""

    def __init__(self, page: str, height: str) -> None:
        self.html = page
        self.height = height

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; height: {html.escape(self.height)}; border: none"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` and return it."""
        target = Path(path)
        target.write_text(self.html, encoding="utf-8")
        return target


def _tooltip(d: dict[str, Any]) -> str:
    lines = [f"{d.get('kind', '')}: {d.get('statement', '')}"]
    if d.get("claim"):
        lines.append(f"claim by {', '.join(d.get('claimants', []))} ({d.get('proposition_kind')})")
    if d.get("start") or d.get("end"):
        lines.append(f"from {d.get('start') or '?'} to {d.get('end') or '…'}")
    for c in d.get("sources", []):
        where = [f"para. {', '.join(map(str, c.paragraphs))}"] if c.paragraphs else list(c.locators)
        lines.append(f"source: {c.source.id}" + (f" ({'; '.join(where)})" if where else ""))
    return "\n".join(lines)


def view(
    G: nx.MultiDiGraph,
    *,
    highlight: Iterable[str] = (),
    height: str = "600px",
    seed: int = 0,
    isolated: bool = False,
) -> NetworkView:
    """Draw a projection with pyvis: actors as labelled dots, statements as coloured arrows.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A projection (:func:`kg.network.project`), or a subgraph of one.
    highlight : iterable of str
        Actor ids drawn larger and in another colour (e.g. a path's nodes).
    height : str
        CSS height of the view (``"600px"``).
    seed : int
        Seed of the layout.
    isolated : bool
        Also draw actors without any edge.

    Returns
    -------
    NetworkView
        Displays inline in Jupyter; ``.html`` is the page, ``.save(path)`` writes it.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="s1", kind="support")
    's1'
    >>> "vis-network" in view(G).html
    True
    """
    from pyvis.network import Network

    if not re.fullmatch(r"\d{1,5}(px|vh|%)", height):
        raise InvalidInput(f"height must look like '600px', '80vh' or '100%', not {height!r}")
    marked = set(highlight)
    shown = G if isolated else G.subgraph([n for n in G if G.degree(n) > 0 or n in marked])
    positions = nx.spring_layout(shown, seed=seed) if len(shown) else {}
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    for node, d in shown.nodes(data=True):
        x, y = positions[node]
        types = ", ".join(d.get("types", []))
        net.add_node(
            node,
            label=_text(d.get("label") or node),
            title=_text(f"{node}" + (f" ({types})" if types else "")),
            x=float(x) * 500,
            y=float(y) * 500,
            color="#f76707" if node in marked else "#495057",
            size=18 if node in marked else 10,
        )
    seen: dict[frozenset[str], int] = {}
    for u, v, _, d in shown.edges(keys=True, data=True):
        pair = frozenset((u, v))
        seen[pair] = rank = seen.get(pair, -1) + 1  # parallel statements curve apart
        net.add_edge(
            u,
            v,
            title=_text(_tooltip(d)),
            color=COLOURS.get(d.get("kind", ""), "#868e96"),
            dashes=bool(d.get("claim")),
            arrows="" if d.get("symmetric") else "to",
            smooth={"enabled": rank > 0, "type": "curvedCW", "roundness": round(0.15 * rank, 2)},
        )
    return NetworkView(net.generate_html(), height)
