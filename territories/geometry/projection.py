"""A projection for the portal's maps: equirectangular, with longitudes shrunk by the
cosine of the frame's middle latitude, so that shapes keep their proportions around it.
Over mainland France (41° to 51° N) distances stay true within about 6 % east-west at the
edges — enough for a map drawn beside a table of exact figures, and simple enough that the
maps need no projection library.

Overseas France lies in zones of its own, drawn as insets when a map shows both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

BBox = tuple[float, float, float, float]  # (west, south, east, north), in degrees


@dataclass(frozen=True)
class Zone:
    key: str
    label: str
    bbox: BBox

    def holds(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.bbox
        return west <= lon <= east and south <= lat <= north


MAINLAND = Zone("mainland", _("France métropolitaine"), (-5.6, 41.2, 9.8, 51.2))
ZONES = (
    MAINLAND,
    Zone("971", _("Guadeloupe"), (-61.9, 15.8, -60.9, 16.6)),
    Zone("972", _("Martinique"), (-61.3, 14.3, -60.7, 14.95)),
    Zone("973", _("Guyane"), (-54.7, 2.1, -51.5, 5.8)),
    Zone("974", _("La Réunion"), (55.1, -21.5, 55.9, -20.8)),
    Zone("976", _("Mayotte"), (44.9, -13.1, 45.4, -12.5)),
)


def zone_of(bbox: BBox, label: str = "") -> Zone:
    """The zone holding the middle of `bbox`; elsewhere, a zone of its own, named `label`."""
    lon, lat = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    for zone in ZONES:
        if zone.holds(lon, lat):
            return zone
    return Zone(f"{lon:.1f},{lat:.1f}", label, bbox)


def union(boxes) -> BBox:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def span_km(bbox: BBox) -> float:
    """The larger side of `bbox`, in km (about 111.2 km a degree of latitude)."""
    west, south, east, north = bbox
    middle = math.radians((south + north) / 2)
    return 111.2 * max((east - west) * math.cos(middle), north - south)


class Projection:
    """Maps (longitude, latitude) into a box of the SVG canvas (x to the right, y down),
    fitting `bbox` whole and centred, with `margin` (a fraction of the box) around it."""

    def __init__(self, bbox: BBox, *, x: float, y: float, width: float, height: float, margin=0.04):
        west, south, east, north = bbox
        self.cos = math.cos(math.radians((south + north) / 2))
        self.lon, self.lat = (west + east) / 2, (south + north) / 2
        # A single point (or a line) still gets a frame about a kilometre wide.
        span_x, span_y = max((east - west) * self.cos, 0.01), max(north - south, 0.01)
        self.scale = min(width * (1 - 2 * margin) / span_x, height * (1 - 2 * margin) / span_y)
        self.x, self.y = x + width / 2, y + height / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x + (lon - self.lon) * self.cos * self.scale,
            self.y - (lat - self.lat) * self.scale,
        )


def aspect_ratio(bbox: BBox) -> float:
    """Height over width of `bbox` once projected."""
    west, south, east, north = bbox
    cos = math.cos(math.radians((south + north) / 2))
    return max(north - south, 0.01) / max((east - west) * cos, 0.01)
