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

from django.urls import reverse
from django.utils.translation import gettext as _

from territories.geometry.maps import MapItem, build_map
from territories.models import Territory, TerritoryGeometry, TerritoryKind
from territories.territory_maps import CAPTION

from .drawing import MAX_NODES, edge_items, node_items, shown_graph
from .graph import Network

NODE_CSS = "network-node"


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
        "nodes": node_items(network, graph, points, svg.width),
        "edges": edge_items(graph, points),
        "unplaced": [{"territory": t, "url": _url(t)} for t in unplaced],
        "shown": len(graph),
        "total": len(territories),
    }


def _url(territory) -> str:
    return reverse("territories:detail", kwargs={"kind": territory.kind, "code": territory.code})


def _by_name(territory) -> tuple:
    return (territory.name, territory.id)
