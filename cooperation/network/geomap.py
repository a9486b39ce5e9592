"""The network on the map of France: the territories and edges of the drawing
(`drawing.py`: the same most connected territories, the same edge widths and styles), each
territory at its representative point, projected by the geography's map builder over the
outline of the régions. Overseas territories are drawn in insets, bottom left, as on the
other maps of France (`territories/geometry/maps.py`), and their edges lead there.
Territories without a contour (foreign authorities, groupings whose members are not
recorded) cannot be placed: they are returned apart, for the page to list them.

Plain SVG drawn by the template, like the drawing: no script, nothing for the CSP to
allow, printable; the table of the page stays the accessible alternative."""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from territories.geometry.maps import MapItem, build_map
from territories.models import Territory, TerritoryGeometry, TerritoryKind
from territories.territory_maps import CAPTION

from .drawing import MAX_NODES, edge_items, node_items, shown_graph
from .graph import Network

NODE_CSS = "network-node"
# On the map, nodes stay small so as not to hide their neighbours (the drawing's grow
# faster): from 2.5 px, area by degree, at most MAX_RADIUS.
MAX_RADIUS = 9.0
# The métropoles' names: 12 px text (`network.css`), about this wide a character; a name
# that would overlap one already placed (or leave the map) on every side is left out — the
# node keeps its title and accessible name, and the table gives them all.
LABEL_HEIGHT, CHAR_WIDTH = 12.0, 6.4


def map_radius(degree: int) -> float:
    return round(min(MAX_RADIUS, 2.5 + 0.8 * math.sqrt(degree)), 1)


def contours_loaded() -> bool:
    """Whether the portal holds any contour (one query): without them, no map at all."""
    return TerritoryGeometry.objects.exists()


def network_map(network: Network, *, max_nodes: int = MAX_NODES) -> dict | None:
    """The drawn territories at their representative points on the régions' outline, the
    edges between them, and the drawn territories that have no point; None when none of
    them has one. Three or four queries, whatever the size of the network: the régions,
    the boxes and points, the régions' outlines (and those of an overseas inset)."""
    graph = shown_graph(network, max_nodes)
    territories, ids = network.territories, network.territory_ids
    keys = [key for key in sorted(graph) if key in ids]
    if not keys:
        return None
    regions = Territory.objects.of_kind(TerritoryKind.REGION).current().values_list("pk", flat=True)
    items = [MapItem(pk, "context") for pk in regions]
    items += [
        MapItem(
            ids[key],
            NODE_CSS,
            label=territories[key].name,
            href=_url(territories[key]),
            point_only=True,
        )
        for key in keys
    ]
    svg = build_map(
        items,
        title=_("Réseau des territoires de la sélection sur la carte de France"),
        description=_(
            "Chaque territoire est placé en son point représentatif, sur le fond des "
            "régions ; les liens joignent les territoires qui coopèrent."
        ),
        caption=CAPTION,
    )
    markers = {shape.territory_id: shape.marker for shape in svg.shapes} if svg else {}
    points = {key: markers[ids[key]] for key in keys if markers.get(ids.get(key))}
    if not points:
        return None
    unplaced = sorted((territories[key] for key in graph if key not in points), key=_by_name)
    return {
        "map": svg,
        "width": svg.width,
        "height": svg.height,
        "nodes": _labelled(
            node_items(network, graph, points, svg.width, radius=map_radius), svg.width, svg.height
        ),
        "edges": edge_items(graph, points),
        "unplaced": [{"territory": t, "url": _url(t)} for t in unplaced],
        "shown": len(graph),
        "total": len(territories),
    }


def _labelled(nodes: list[dict], width: float, height: float) -> list[dict]:
    """Place the métropoles' names, most connected first, each on the first side of its
    node (above right, above left, below right, below left) where it overlaps no name
    already placed and stays within the map; a name with no such side is not shown."""
    placed: list[tuple[float, float, float, float]] = []
    labelled = sorted(
        (n for n in nodes if n["label"]), key=lambda n: (-n["territory"].degree, n["x"])
    )
    for node in labelled:
        node["label"] = False
        x, y, r = node["x"], node["y"], node["r"]
        text = len(node["territory"].name) * CHAR_WIDTH
        for anchor, dy in (
            ("start", -r),
            ("end", -r),
            ("start", r + LABEL_HEIGHT - 2),
            ("end", r + LABEL_HEIGHT - 2),
        ):
            dx = r if anchor == "start" else -r
            left = x + dx if anchor == "start" else x + dx - text
            box = (left, y + dy - LABEL_HEIGHT + 2, left + text, y + dy + 2)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_overlap(box, other) for other in placed):
                node.update(label=True, anchor=anchor, dx=dx, dy=dy)
                placed.append(box)
                break
    return nodes


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _url(territory) -> str:
    return reverse("territories:detail", kwargs={"kind": territory.kind, "code": territory.code})


def _by_name(territory) -> tuple:
    return (territory.name, territory.id)
