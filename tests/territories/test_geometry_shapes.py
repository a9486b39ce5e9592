"""Geometry computations on small synthetic polygons: unions, measures, adjacency and
distances (no database)."""

import json
import math

import numpy as np
import pytest
import shapely

from territories.geometry import shapes
from territories.geometry.sphere import EARTH_RADIUS_KM, bounding_box_around, haversine_km

from .geometry_fixtures import NAMES, cell, grid_geometries


def letters(pairs, codes):
    return {"".join(sorted(NAMES[codes[i]] + NAMES[codes[j]])) for i, j in pairs}


def test_touching_pairs_count_shared_edges_and_single_corners_but_not_islands():
    geometries = grid_geometries()
    codes = list(geometries)

    pairs = shapes.touching_pairs(list(geometries.values()))

    assert letters(pairs, codes) == {
        # shared edges
        "AB", "BC", "DE", "EF", "AD", "BE", "CF",
        # single corners
        "AE", "BD", "BF", "CE", "FH",
    }  # fmt: skip
    assert all(i < j for i, j in pairs)
    assert not any("G" in pair for pair in letters(pairs, codes))  # the island


def test_a_hairline_gap_is_not_a_border():
    left, right = cell(0, 0), shapely.affinity.translate(cell(1, 0), xoff=1e-7)

    assert shapes.touching_pairs([left, right]) == []


def test_grouped_pairs_derive_epci_adjacency_from_their_communes():
    pairs = [("A", "B"), ("B", "C"), ("F", "H"), ("A", "E"), ("C", "F")]
    epci_of = {"A": "X", "B": "X", "E": "X", "C": "Y", "F": "Y", "H": "Z"}

    assert shapes.grouped_pairs(pairs, epci_of) == {("X", "Y"), ("Y", "Z")}


def test_grouped_pairs_ignore_communes_outside_any_group():
    assert shapes.grouped_pairs([("A", "G")], {"A": "X"}) == set()


def test_overlapping_group_pairs_link_a_grouping_to_the_epci_it_touches_not_those_it_holds():
    pairs = [("A", "B"), ("B", "C"), ("F", "H"), ("C", "F")]
    epci_of = {"A": "X", "B": "X", "C": "Y", "F": "Y", "H": "Z"}
    # A pays made of EPCI Y's communes, and a park straddling X and Y.
    members = {"pays": ["C", "F"], "park": ["B", "C"]}

    assert shapes.overlapping_group_pairs(pairs, epci_of, members) == {
        ("X", "pays"),
        ("Z", "pays"),
        # The park holds communes of X and Y: it touches neither, it overlaps both.
    }


def test_union_of_adjoining_communes_is_one_polygon_with_the_summed_area():
    geometries = grid_geometries()
    members = [geometries[code] for code in ("29001", "29002", "29004", "29005")]

    merged = shapes.union(members)

    assert merged.geom_type == "Polygon"
    assert merged.equals(cell(0, 0, width=2, height=2))


def test_union_of_overlapping_parts_falls_back_to_a_general_union():
    overlapping = [cell(0, 0), cell(0.5, 0)]  # not a coverage: coverage_union refuses it

    assert shapes.union(overlapping).equals(cell(0, 0, width=1.5))


def test_union_keeps_an_island_as_a_separate_part():
    geometries = grid_geometries()

    merged = shapes.union([geometries["29001"], geometries["29007"]])

    assert merged.geom_type == "MultiPolygon"
    assert shapely.get_num_geometries(merged) == 2


def test_spherical_area_of_a_one_degree_square_at_the_equator():
    square = shapely.box(0, 0, 1, 1)
    expected = EARTH_RADIUS_KM**2 * math.radians(1) * math.sin(math.radians(1))

    (area,) = shapes.spherical_area_km2(np.asarray([square], dtype=object))

    assert area == pytest.approx(expected, rel=1e-9)
    assert area == pytest.approx(12_364, rel=1e-3)


def test_spherical_area_deducts_holes_and_adds_parts_whatever_their_orientation():
    outer = shapely.box(0, 0, 1, 1)
    hole = shapely.box(0.25, 0.25, 0.75, 0.75)
    with_hole = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    clockwise = shapely.Polygon(list(outer.exterior.coords)[::-1])
    two_parts = shapely.MultiPolygon([outer, shapely.box(2, 0, 3, 1)])

    areas = shapes.spherical_area_km2(
        np.asarray([outer, with_hole, hole, clockwise, two_parts], dtype=object)
    )

    assert areas[1] == pytest.approx(areas[0] - areas[2])
    assert areas[3] == pytest.approx(areas[0])
    assert areas[4] == pytest.approx(2 * areas[0], rel=1e-3)


def test_area_of_a_square_near_brest_shrinks_with_latitude():
    (area,) = shapes.spherical_area_km2(np.asarray([cell(0, 0)], dtype=object))
    # 0.1° of latitude ≈ 11.12 km; 0.1° of longitude ≈ 11.12 km * cos(48.35°) ≈ 7.39 km.
    assert area == pytest.approx(11.12 * 7.39, rel=5e-3)


def test_measures_give_outlines_points_box_and_area():
    ell = shapes.union([cell(0, 0), cell(1, 0), cell(0, 1)])  # an L, whose centroid is outside

    (result,) = shapes.measures([ell])

    low, medium, high = (
        json.loads(text)
        for text in (result.outline_low, result.outline_medium, result.outline_high)
    )
    assert low["type"] == medium["type"] == high["type"] == "Polygon"
    assert shapely.from_geojson(result.outline_high).equals(ell)
    point = shapely.Point(result.point_lon, result.point_lat)
    assert ell.contains(point)  # the representative point lies inside the contour
    assert (result.centroid_lon, result.centroid_lat) == pytest.approx(
        (ell.centroid.x, ell.centroid.y)
    )
    assert (result.west, result.south, result.east, result.north) == pytest.approx(ell.bounds)
    assert result.area_km2 == pytest.approx(3 * 11.12 * 7.39, rel=5e-3)


def test_low_outline_is_simplified_and_rounded_but_keeps_small_islands():
    jagged = shapely.Polygon(
        [(-4.5 + i * 0.001, 48.3 + (0.0004 if i % 2 else 0)) for i in range(200)]
        + [(-4.3, 48.5), (-4.5, 48.5)]
    )
    islet = shapely.box(-4.0, 48.0, -3.9995, 48.0005)  # about 40 m wide

    outlines = shapes.outlines_by_level(np.asarray([jagged, islet], dtype=object))
    low, high = outlines["low"], outlines["high"]

    assert len(low[0]) < len(high[0]) / 5
    assert all(
        len(str(abs(x)).split(".")[-1]) <= 3 for x in json.loads(low[0])["coordinates"][0][0]
    )
    assert json.loads(low[1])["type"] == "Polygon"  # never simplified away


def test_haversine_distance_between_brest_and_paris():
    # Brest town hall and Notre-Dame de Paris: about 505 km as the crow flies.
    assert haversine_km(-4.4861, 48.3904, 2.3499, 48.8530) == pytest.approx(505, abs=3)


def test_haversine_is_symmetric_and_zero_on_the_same_point():
    assert haversine_km(-4.5, 48.4, -4.5, 48.4) == 0
    assert haversine_km(1, 2, 3, 4) == pytest.approx(haversine_km(3, 4, 1, 2))


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(0, 45, 0, 46) == pytest.approx(111.19, abs=0.01)


def test_bounding_box_around_holds_every_point_at_that_distance():
    west, south, east, north = bounding_box_around(-4.5, 48.4, 50)

    for bearing in range(0, 360, 15):
        # A point 49.9 km away in that direction (small-distance approximation).
        dlat = 49.9 / 111.19 * math.cos(math.radians(bearing))
        dlon = (
            49.9 / (111.19 * math.cos(math.radians(48.4 + dlat))) * math.sin(math.radians(bearing))
        )
        assert west <= -4.5 + dlon <= east
        assert south <= 48.4 + dlat <= north


def test_bounding_box_around_the_antimeridian_keeps_every_longitude():
    west, _, east, _ = bounding_box_around(179.9, -14.3, 100)

    assert (west, east) == (-180.0, 180.0)
