"""Geometry computations with shapely 2, on WGS84 longitude/latitude: unions of communes,
simplified outlines, measures and adjacency. No database access: `services` feeds them.

Needs the `geo` extra; import this module only after `contours.require_geo_extra()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import shapely

from .levels import LEVELS
from .sphere import EARTH_RADIUS_KM


class Measures(NamedTuple):
    """What is stored for one contour (see `TerritoryGeometry`)."""

    outline_low: str
    outline_medium: str
    outline_high: str
    point_lon: float
    point_lat: float
    centroid_lon: float
    centroid_lat: float
    west: float
    south: float
    east: float
    north: float
    area_km2: float


def union(geometries: Sequence) -> shapely.Geometry:
    """The union of adjoining polygons. Communes form a coverage (they share edges
    exactly), which `coverage_union_all` merges several times faster than a general
    union. But a few neighbours overlap by slivers in the source, and coverage union then
    either fails or silently returns overlapping parts (an invalid geometry): those groups
    fall back to `union_all`. On the whole country, every valid coverage union was checked
    to be identical to `union_all`'s (see docs/geography.md)."""
    parts = np.asarray(geometries, dtype=object)
    if len(parts) == 1:
        return parts[0]
    try:
        merged = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        return shapely.union_all(parts)
    return merged if shapely.is_valid(merged) else shapely.union_all(parts)


def measures(geometries: Sequence) -> list[Measures]:
    """Outlines and measures of each geometry, computed on the whole array at once."""
    geometries = np.asarray(geometries, dtype=object)
    outlines = outlines_by_level(geometries)
    points = shapely.get_coordinates(shapely.point_on_surface(geometries))
    centroids = shapely.get_coordinates(shapely.centroid(geometries))
    bounds = shapely.bounds(geometries)
    areas = spherical_area_km2(geometries)
    return [
        Measures(
            outline_low=outlines["low"][index],
            outline_medium=outlines["medium"][index],
            outline_high=outlines["high"][index],
            point_lon=float(points[index, 0]),
            point_lat=float(points[index, 1]),
            centroid_lon=float(centroids[index, 0]),
            centroid_lat=float(centroids[index, 1]),
            west=float(bounds[index, 0]),
            south=float(bounds[index, 1]),
            east=float(bounds[index, 2]),
            north=float(bounds[index, 3]),
            area_km2=float(areas[index]),
        )
        for index in range(len(geometries))
    ]


def outlines_by_level(geometries: np.ndarray) -> dict[str, list[str]]:
    """GeoJSON geometries simplified for each level, finest first, each level simplified
    from the previous one (the coarser passes then have far fewer points to visit).
    Topology is preserved: no polygon or hole vanishes, however small."""
    result, current = {}, geometries
    for level, (tolerance, decimals) in sorted(LEVELS.items(), key=lambda item: item[1][0]):
        if tolerance:
            current = shapely.simplify(current, tolerance, preserve_topology=True)
        rounded = shapely.transform(
            current, lambda coordinates, d=decimals: np.round(coordinates, d)
        )
        result[level] = [str(text) for text in shapely.to_geojson(rounded)]
    return result


def spherical_area_km2(geometries: np.ndarray) -> np.ndarray:
    """Area of each polygonal geometry on the sphere of `EARTH_RADIUS_KM`, holes deducted.

    Each ring's area is the sum over its edges of Δλ·(2 + sin φ1 + sin φ2)·R²/2
    (Chamberlain & Duquette, "Some algorithms for polygons on a sphere", 2007); rings are
    first oriented (exteriors one way, holes the other) so that holes count negatively."""
    polygons, geometry_of_polygon = shapely.get_parts(geometries, return_index=True)
    oriented = shapely.orient_polygons(polygons)
    rings, polygon_of_ring = shapely.get_rings(oriented, return_index=True)
    geometry_of_ring = geometry_of_polygon[polygon_of_ring]
    coordinates, ring_of_point = shapely.get_coordinates(rings, return_index=True)
    lon, lat = np.radians(coordinates[:, 0]), np.radians(coordinates[:, 1])
    same_ring = ring_of_point[:-1] == ring_of_point[1:]
    sin_lat = np.sin(lat)
    edges = np.diff(lon) * (2 + sin_lat[:-1] + sin_lat[1:])
    per_ring = np.bincount(
        ring_of_point[:-1][same_ring], weights=edges[same_ring], minlength=len(rings)
    )
    per_geometry = np.bincount(geometry_of_ring, weights=per_ring, minlength=len(geometries))
    return np.abs(per_geometry) * EARTH_RADIUS_KM**2 / 2


def touching_pairs(geometries: Sequence) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of geometries that share at least one point: a common edge, or
    a single corner. One bulk spatial-index query on the contours as given (never on
    simplified ones, whose slivers and gaps would make or break pairs)."""
    geometries = np.asarray(geometries, dtype=object)
    tree = shapely.STRtree(geometries)
    first, second = tree.query(geometries, predicate="intersects")
    keep = first < second
    return list(zip(first[keep].tolist(), second[keep].tolist(), strict=True))


def grouped_pairs(
    pairs: Iterable[tuple[Hashable, Hashable]], group_of: Mapping[Hashable, Hashable]
) -> set[tuple[Hashable, Hashable]]:
    """Adjacency of groups that partition the communes (EPCI, départements…): two groups
    touch when a commune of one touches a commune of the other. Each pair comes once, as
    (smaller, larger)."""
    result = set()
    for a, b in pairs:
        group_a, group_b = group_of.get(a), group_of.get(b)
        if group_a is not None and group_b is not None and group_a != group_b:
            result.add((min(group_a, group_b), max(group_a, group_b)))
    return result


def overlapping_group_pairs(
    pairs: Iterable[tuple[Hashable, Hashable]],
    group_of: Mapping[Hashable, Hashable],
    members: Mapping[Hashable, Iterable[Hashable]],
) -> set[tuple[Hashable, Hashable]]:
    """Adjacency between groups of a partition (`group_of`: commune → EPCI) and free sets
    of communes that may straddle them (`members`: grouping → its communes): a group and
    a set touch when they share no commune and a commune of one touches a commune of the
    other. Returns (group, set) pairs."""
    sets_of: dict[Hashable, list] = defaultdict(list)
    overlapping: dict[Hashable, set] = {}
    for key, communes in members.items():
        communes = set(communes)
        overlapping[key] = {group_of[c] for c in communes if c in group_of}
        for commune in communes:
            sets_of[commune].append(key)
    result = set()
    for a, b in pairs:
        for inside, outside in ((a, b), (b, a)):
            group = group_of.get(outside)
            if group is None:
                continue
            for key in sets_of.get(inside, ()):
                if group not in overlapping[key]:
                    result.add((group, key))
    return result
