"""The SVG view of the network: positions computed server-side by networkx (a seeded
spring layout, so the same selection always gives the same drawing), drawn by the
template as plain SVG — no script, nothing for the CSP to allow, printable. Every node is
a link to its territory's page with a title; the table beside it is the accessible
alternative and lists every territory, the drawing only the most connected."""

from __future__ import annotations

import math

import networkx as nx
from django.urls import reverse

from ..reciprocity import Reciprocity
from .graph import Network

MAX_NODES = 120
WIDTH, MARGIN = 960, 30
# Room around each component, in the units of its cell (a cell's side is the square
# root of its number of territories).
CELL_PADDING = 0.2
LAYOUT_SEED = 2018


def network_drawing(network: Network, *, max_nodes: int = MAX_NODES) -> dict | None:
    """Positions of the (at most `max_nodes`) most connected territories and the edges
    between them, in SVG user units; None for an empty network."""
    graph = shown_graph(network, max_nodes)
    if not graph:
        return None
    points, height = _packed_layout(graph)
    return {
        "width": WIDTH,
        "height": height,
        "nodes": node_items(network, graph, points, WIDTH),
        "edges": edge_items(graph, points),
        "shown": len(graph),
        "total": len(network.territories),
    }


def shown_graph(network: Network, max_nodes: int = MAX_NODES):
    """The subgraph of the (at most `max_nodes`) most connected territories: what both
    views of the network (this drawing and the map) draw."""
    ranked = sorted(
        network.territories.values(),
        key=lambda t: (-t.weighted_degree, -t.cooperations, t.name),
    )
    return network.graph.subgraph(t.id for t in ranked[:max_nodes])


def edge_items(graph, points: dict) -> list[dict]:
    """The edges of `graph` whose two ends have a position in `points`: width by weight
    (relative to the heaviest edge of `graph`), style by reciprocity."""
    heaviest = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1)
    return [
        {
            "x1": points[a][0],
            "y1": points[a][1],
            "x2": points[b][0],
            "y2": points[b][1],
            "width": round(1 + 3 * (data["weight"] - 1) / max(heaviest - 1, 1), 1),
            "reciprocity": data.get("reciprocity", Reciprocity.REGISTRY_ONLY.value),
        }
        for a, b, data in sorted(graph.edges(data=True))
        if a in points and b in points
    ]


def node_radius(degree: int) -> float:
    """A node's radius in the drawing: its area grows with its degree."""
    return round(3 + 1.5 * math.sqrt(degree), 1)


def node_items(
    network: Network, graph, points: dict, width: float, *, radius=node_radius
) -> list[dict]:
    """The territories of `graph` that have a position in `points`, métropoles last (drawn
    on top), each with its radius (by degree), its page, and, for a métropole, its name
    beside it (`label`, offset by `dx`, `dy`, on the side given by `anchor`)."""
    territories = network.territories
    nodes = []
    for key in sorted(graph, key=lambda k: (territories[k].is_metropolis, k)):
        if key not in points:
            continue
        territory = territories[key]
        x, y = points[key]
        r = radius(territory.degree)
        # Names on the right-hand side end at their node, so none is cut off.
        anchor = "end" if x > width * 0.7 else "start"
        nodes.append(
            {
                "territory": territory,
                "x": x,
                "y": y,
                "r": r,
                "label": territory.is_metropolis,
                "anchor": anchor,
                "dx": -r if anchor == "end" else r,
                "dy": -r,
                "url": reverse(
                    "territories:detail", kwargs={"kind": territory.kind, "code": territory.code}
                ),
            }
        )
    return nodes


def _packed_layout(graph) -> tuple[dict, int]:
    """Each connected component laid out on its own, in a square cell whose side grows
    with the square root of its size, the cells packed in rows, largest first: a single
    spring layout would push small components to the edges and crowd the large one."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    row_width = max(math.sqrt(len(graph)) * 1.3, math.sqrt(len(components[0])))
    points, x, y, row_height = {}, 0.0, 0.0, 0.0
    for component in components:
        side = math.sqrt(len(component))
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for key, (u, v) in _unit_layout(graph.subgraph(component)).items():
            inner = side - 2 * CELL_PADDING
            points[key] = (x + CELL_PADDING + u * inner, y + CELL_PADDING + v * inner)
        x, row_height = x + side, max(row_height, side)
    scale = (WIDTH - 2 * MARGIN) / row_width
    placed = {
        key: (round(MARGIN + px * scale, 1), round(MARGIN + py * scale, 1))
        for key, (px, py) in points.items()
    }
    return placed, round((y + row_height) * scale + 2 * MARGIN)


def _unit_layout(component) -> dict:
    """A seeded spring layout of one component, in the unit square."""
    if len(component) == 1:
        return {next(iter(component)): (0.5, 0.5)}
    positions = nx.spring_layout(component, seed=LAYOUT_SEED, weight="weight")
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        key: ((x - min(xs)) / span_x, (y - min(ys)) / span_y) for key, (x, y) in positions.items()
    }
