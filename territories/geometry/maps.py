"""Server-side SVG maps drawn from the stored outlines: no tiles, no third-party script,
nothing for the Content-Security-Policy to block, and they print. Every shape that is a
link is an SVG `<a>` with an accessible name; the templates put a table with the same
facts beside each map (`templates/territories/includes/map.html`).

`build_map` takes what to draw (territories, each with a style, a name and maybe a link),
chooses the frame and the level of detail, and returns projected path data. It reads the
database twice whatever the number of shapes (boxes and points, then outlines), three
times when an overseas inset needs the other level of detail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import TerritoryGeometry
from .projection import MAINLAND, Projection, aspect_ratio, span_km, union, zone_of

WIDTH = 800
MIN_HEIGHT, MAX_HEIGHT = 320, 720
# The outlines drawn, by the size of the frame: at 800 pixels wide, a pixel is 75 m for a
# frame of 60 km, 500 m for 400 km — about the tolerance of each level (see `levels`).
LEVEL_BY_SPAN_KM = ((60, "high"), (400, "medium"))  # beyond: "low"
INSET_WIDTH, INSET_HEIGHT, INSET_GAP = 150, 120, 8
# Points closer than this to the previous one (in pixels) are dropped, and so are rings
# smaller than this across (specks, and slivers between communes in the source): neither
# would show.
MIN_STEP_PX = 0.6
MIN_RING_PX = 1.5
# A shape smaller than this across (in pixels) also gets a dot, to be seen and clicked.
MARKER_BELOW_PX = 12


@dataclass(frozen=True)
class MapItem:
    """A territory to draw. `css` names its style (`context`, `focus`, `member`,
    `neighbour`, or a relation code); without `label` nor `href` it is background,
    hidden from assistive technologies, drawn first in the given order. Labelled or linked
    items are drawn above, by `layer`, then the largest first, so that a région never hides
    the EPCI inside it. `marker` adds a dot at the representative point of a shape too
    small to see or to click; `point_only` draws nothing but that dot (its outline is not
    even read), for maps where territories are places, such as the network's."""

    territory_id: int
    css: str
    label: str = ""
    href: str = ""
    marker: bool = False
    layer: int = 0
    point_only: bool = False

    @property
    def is_foreground(self) -> bool:
        """Labelled or linked: what the map is about, drawn above the background."""
        return bool(self.label or self.href)


@dataclass(frozen=True)
class SvgShape:
    d: str
    css: str
    label: str = ""
    href: str = ""
    marker: tuple[float, float] | None = None
    territory_id: int | None = None


@dataclass(frozen=True)
class SvgInset:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass
class SvgMap:
    title: str
    description: str
    caption: str = ""
    legend: Sequence[tuple[str, str]] = ()  # (css, label)
    width: int = WIDTH
    height: int = MIN_HEIGHT
    background: list[SvgShape] = field(default_factory=list)
    shapes: list[SvgShape] = field(default_factory=list)
    insets: list[SvgInset] = field(default_factory=list)
    detail: str = "low"


def build_map(
    items: Iterable[MapItem],
    *,
    title: str,
    description: str,
    caption: str = "",
    legend: Sequence[tuple[str, str]] = (),
) -> SvgMap | None:
    """The map of `items`, drawn in the given order (later ones on top); None when none of
    them has a contour. The main frame is mainland France if a labelled or linked item
    lies there (otherwise the zone of the first one); labelled or linked items elsewhere
    (overseas) get insets, background items elsewhere are left out."""
    items = list(items)
    measures = _measures(items)
    items = [item for item in items if item.territory_id in measures]
    if not items:
        return None
    zones = {
        item.territory_id: zone_of(measures[item.territory_id][0], item.label) for item in items
    }
    main, inset_zones = _main_and_inset_zones(items, zones)
    items = [item for item in items if zones[item.territory_id] in (main, *inset_zones)]
    height, frames, insets = _frames(items, zones, measures, main, inset_zones)
    levels = {zone: _level(box) for zone, (box, _) in frames.items()}
    outlines = _outlines(items, zones, levels)
    result = SvgMap(
        title=title,
        description=description,
        caption=caption,
        legend=legend,
        height=height,
        insets=insets,
        detail=levels[main],
    )
    for item in _drawing_order(items, measures):
        project = frames[zones[item.territory_id]][1]
        shape = _shape(item, project, measures[item.territory_id], outlines)
        (result.shapes if item.is_foreground else result.background).append(shape)
    return result


def _measures(items: list[MapItem]) -> dict[int, tuple[tuple, tuple[float, float]]]:
    """Each item's bounding box and representative point, for those with a contour — one
    query."""
    return {
        pk: ((west, south, east, north), (lon, lat))
        for pk, west, south, east, north, lon, lat in TerritoryGeometry.objects.filter(
            territory_id__in={item.territory_id for item in items}
        ).values_list("territory_id", "west", "south", "east", "north", "point_lon", "point_lat")
    }


def _main_and_inset_zones(items: list[MapItem], zones: dict) -> tuple[object, list]:
    """The zone of the main frame and those of the insets, from what the map is about (the
    labelled or linked items: background alone never opens an inset): mainland France if
    one lies there, else the zone of the first one."""
    foreground = [item for item in items if item.is_foreground] or items
    order = list(dict.fromkeys(zones[item.territory_id] for item in foreground))
    main = MAINLAND if MAINLAND in order else order[0]
    return main, [zone for zone in order if zone != main]


def _frames(items, zones, measures, main, inset_zones) -> tuple[int, dict, list[SvgInset]]:
    """The map's height (the main frame's shape, within bounds), each zone's box and
    projection, and the insets, side by side along the bottom edge of the main frame."""

    def box_of(zone):
        return union(measures[i.territory_id][0] for i in items if zones[i.territory_id] == zone)

    main_box = box_of(main)
    height = round(min(MAX_HEIGHT, max(MIN_HEIGHT, WIDTH * aspect_ratio(main_box))))
    frames = {main: (main_box, Projection(main_box, x=0, y=0, width=WIDTH, height=height))}
    insets = []
    for index, zone in enumerate(inset_zones):
        box = box_of(zone)
        x = INSET_GAP + index * (INSET_WIDTH + INSET_GAP)
        y = height - INSET_HEIGHT - INSET_GAP
        insets.append(SvgInset(x, y, INSET_WIDTH, INSET_HEIGHT, str(zone.label)))
        frames[zone] = (box, Projection(box, x=x, y=y, width=INSET_WIDTH, height=INSET_HEIGHT))
    return height, frames, insets


def _drawing_order(items: list[MapItem], measures: dict) -> list[MapItem]:
    """Background first, in the given order; then the labelled or linked items by layer,
    the largest first, so that a région never hides the EPCI inside it."""

    def size(item):
        west, south, east, north = measures[item.territory_id][0]
        return (east - west) * (north - south)

    drawn = [i for i in items if not i.is_foreground]
    drawn += sorted((i for i in items if i.is_foreground), key=lambda i: (i.layer, -size(i)))
    return drawn


def _shape(item: MapItem, project: Projection, measure, outlines: dict[int, str]) -> SvgShape:
    """An item's path in its frame, with a dot at its representative point when it asks
    for one and is too small to see, or is labelled or linked and too small to draw."""
    box, point = measure
    d = "" if item.point_only else path_data(json.loads(outlines[item.territory_id]), project)
    marker = None
    if (item.marker or item.is_foreground) and not d:  # too small to draw: a dot stands for it
        marker = _rounded(project(*point))
    elif item.marker:
        (x1, y1), (x2, y2) = project(box[0], box[1]), project(box[2], box[3])
        if max(abs(x2 - x1), abs(y2 - y1)) < MARKER_BELOW_PX:
            marker = _rounded(project(*point))
    return SvgShape(
        d=d,
        css=item.css,
        label=item.label,
        href=item.href,
        marker=marker,
        territory_id=item.territory_id,
    )


def boxes(territory_ids) -> dict[int, tuple[float, float, float, float]]:
    """Bounding boxes of the territories that have a contour, for callers that choose what
    to draw by where things are — one query."""
    return {
        pk: (west, south, east, north)
        for pk, west, south, east, north in TerritoryGeometry.objects.filter(
            territory_id__in=set(territory_ids)
        ).values_list("territory_id", "west", "south", "east", "north")
    }


def _level(box) -> str:
    span = span_km(box)
    return next((level for limit, level in LEVEL_BY_SPAN_KM if span <= limit), "low")


def _outlines(items, zones, levels) -> dict[int, str]:
    """Each item's outline at the level of its zone (none for a point): one query per level
    used."""
    outlines: dict[int, str] = {}
    for level in set(levels.values()):
        ids = [
            item.territory_id
            for item in items
            if levels[zones[item.territory_id]] == level and not item.point_only
        ]
        if not ids:
            continue
        outlines.update(
            TerritoryGeometry.objects.filter(territory_id__in=ids).values_list(
                "territory_id", f"outline_{level}"
            )
        )
    return outlines


def path_data(geometry: dict, project) -> str:
    """SVG path data of a GeoJSON Polygon or MultiPolygon: one closed subpath per ring
    (filled with the even-odd rule, so holes stay holes), in pixels to one decimal, without
    the points and rings too small to show."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    parts = []
    for rings in polygons:
        for ring in rings:
            points = _thinned(project(lon, lat) for lon, lat in ring)
            xs, ys = [x for x, _ in points], [y for _, y in points]
            if len(points) >= 3 and max(max(xs) - min(xs), max(ys) - min(ys)) >= MIN_RING_PX:
                parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _thinned(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    kept: list[tuple[float, float]] = []
    for x, y in points:
        if kept and abs(x - kept[-1][0]) < MIN_STEP_PX and abs(y - kept[-1][1]) < MIN_STEP_PX:
            continue
        kept.append((x, y))
    return kept


def _rounded(point: tuple[float, float]) -> tuple[float, float]:
    return (round(point[0], 1), round(point[1], 1))
