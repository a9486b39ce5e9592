"""Server-side SVG maps: projection, path data, the map builder, and the maps of the
territory pages and of /metropoles/ (synthetic grid of `geometry_fixtures`)."""

import re

import pytest
import shapely
from pytest_django.asserts import assertContains, assertNotContains

from territories.geometry.maps import MapItem, build_map, path_data
from territories.geometry.projection import MAINLAND, Projection, zone_of
from territories.geometry.services import geometry_import
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

from .geometry_fixtures import (
    build_grid_territories,
    cell,
    give_contour,
    grid_geometries,
    write_communes_file,
)


@pytest.fixture
def grid(db):
    return build_grid_territories()


@pytest.fixture
def contours(grid, tmp_path):
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    return grid


def svg_of(response) -> str:
    text = response.content.decode()
    return text[text.index("<svg") : text.index("</svg>") + 6]


# Projection and path data ----------------------------------------------------------------


def test_projection_fits_the_box_and_keeps_north_up():
    project = Projection((-5.0, 48.0, -4.0, 49.0), x=0, y=0, width=400, height=400, margin=0)

    west_south, east_north = project(-5.0, 48.0), project(-4.0, 49.0)
    assert east_north[0] > west_south[0]  # east is right
    assert east_north[1] < west_south[1]  # north is up
    # A degree of longitude is shorter than a degree of latitude at 48.5°.
    width, height = east_north[0] - west_south[0], west_south[1] - east_north[1]
    assert width / height == pytest.approx(0.6626, abs=1e-3)
    assert height == pytest.approx(400)
    assert project(-4.5, 48.5) == pytest.approx((200, 200))  # centred


def test_path_data_draws_every_ring_and_drops_what_would_not_show():
    project = Projection((0, 0, 10, 10), x=0, y=0, width=100, height=100, margin=0)
    with_hole = shapely.Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]]
    )
    speck = shapely.box(8, 8, 8.05, 8.05)  # 0.5 px across
    geometry = shapely.geometry.mapping(shapely.MultiPolygon([with_hole, speck]))

    d = path_data(geometry, project)

    assert d.count("M") == 2 and d.count("Z") == 2  # exterior and hole, not the speck
    assert re.fullmatch(r"(M[\d. ,]+Z)+", d)


def test_points_on_the_same_pixel_are_drawn_once():
    project = Projection((0, 0, 10, 10), x=0, y=0, width=100, height=100, margin=0)
    jagged = [(x / 100, 0) for x in range(0, 1000)] + [(10, 10), (0, 10), (0, 0)]

    d = path_data({"type": "Polygon", "coordinates": [jagged]}, project)

    assert d.count(",") < 200


def test_zones_put_overseas_apart_and_name_what_lies_elsewhere():
    assert zone_of((-4.6, 48.3, -4.4, 48.5)) == MAINLAND
    assert zone_of((55.2, -21.4, 55.8, -20.9)).label == "La Réunion"
    assert zone_of((-70, 18, -69, 19), "Ailleurs").label == "Ailleurs"


# The builder -----------------------------------------------------------------------------


def test_build_map_is_none_without_contours(grid, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert (
            build_map([MapItem(grid["A"].pk, "focus", label="A")], title="t", description="d")
            is None
        )


def test_build_map_draws_background_then_labelled_shapes_by_layer_and_size(contours):
    g = contours
    result = build_map(
        [
            MapItem(g["29"].pk, "context"),
            MapItem(g["A"].pk, "focus", label="A", layer=2),
            MapItem(g["53"].pk, "same_region", label="Région", href="/r/"),
            MapItem(g["Y"].pk, "contiguous", label="Y", href="/y/"),
        ],
        title="Titre",
        description="Description",
    )

    assert [s.css for s in result.background] == ["context"]
    assert [s.label for s in result.shapes] == ["Région", "Y", "A"]  # largest first, A on top
    assert result.detail == "high"  # a frame of about 30 km
    assert result.width == 800 and 320 <= result.height <= 720
    assert all(s.d.startswith("M") for s in result.shapes)


def test_markers_only_for_shapes_too_small_to_see(contours, tmp_path):
    g = contours
    far = TerritoryFactory(kind=TerritoryKind.EPCI, code="200000099", name="Loin")
    give_contour(far, shapely.box(5.0, 43.0, 5.01, 43.01))  # about 1 km, 700 km away

    result = build_map(
        [
            MapItem(g["X"].pk, "reference", label="X", marker=True),
            MapItem(far.pk, "other_region", label="Loin", marker=True),
        ],
        title="t",
        description="d",
    )

    markers = {s.label: s.marker for s in result.shapes}
    assert markers["X"] is None
    assert markers["Loin"] is not None
    assert result.detail == "low"  # a frame of 700 km


def test_a_frame_of_a_few_hundred_km_uses_the_medium_outlines(contours):
    nearby = TerritoryFactory(kind=TerritoryKind.EPCI, code="200000098", name="Voisine")
    give_contour(nearby, shapely.box(-3.0, 48.0, -2.9, 48.1))  # about 120 km east

    result = build_map(
        [MapItem(contours["X"].pk, "reference", label="X"), MapItem(nearby.pk, "x", label="V")],
        title="t",
        description="d",
    )

    assert result.detail == "medium"


def test_overseas_shapes_go_to_an_inset_and_overseas_background_is_left_out(contours):
    reunion = TerritoryFactory(kind=TerritoryKind.COMMUNE, code="97411", name="Saint-Denis")
    give_contour(reunion, shapely.box(55.4, -20.95, 55.5, -20.87))
    mayotte = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="976", name="Mayotte")
    give_contour(mayotte, shapely.box(45.0, -13.0, 45.3, -12.6))

    result = build_map(
        [
            MapItem(mayotte.pk, "context"),
            MapItem(contours["X"].pk, "reference", label="X"),
            MapItem(reunion.pk, "contiguous", label="Saint-Denis", href="/sd/"),
        ],
        title="t",
        description="d",
    )

    assert [inset.label for inset in result.insets] == ["La Réunion"]
    assert result.background == []  # Mayotte: background only, no inset for it
    inset = result.insets[0]
    xs = [float(x) for x in re.findall(r"([\d.]+),", result.shapes[-1].d)]
    assert inset.x <= min(xs) and max(xs) <= inset.x + inset.width


def test_build_map_takes_two_queries_whatever_the_number_of_shapes(
    contours, django_assert_num_queries
):
    items = [MapItem(t.pk, "neighbour", label=t.name) for t in contours.values()]

    with django_assert_num_queries(2):
        build_map(items, title="t", description="d")


# Pages -----------------------------------------------------------------------------------


def test_a_commune_page_maps_it_within_its_department_with_its_neighbours(client, contours):
    response = client.get(contours["E"].get_absolute_url())

    svg = svg_of(response)
    assert '<title id="carte-situation-title">Situation de Commune E</title>' in svg
    assert "Commune E (Commune) et ses 5 voisins." in svg
    for letter in "ABCDF":
        code = contours[letter].code
        assert re.search(
            rf'<a class="portal-map__link portal-map__shape--neighbour" '
            rf'href="/territoires/commune/{code}/" aria-label="Commune {letter} \(Commune\), '
            rf'à \d+\xa0km">',
            svg,
        ), letter
    # The same facts in a table: each neighbour and its distance.
    assertContains(response, "Territoires voisins de Commune E (5)")
    row = re.search(
        r'<a href="/territoires/commune/29001/">Commune A</a>.*?</tr>', response.text, re.S
    )
    assert re.search(r'<td class="fr-cell--right">1[23]\xa0km</td>', row.group(0))


def test_maps_are_csp_safe_and_numbers_are_not_localised(client, contours):
    response = client.get(contours["E"].get_absolute_url())

    svg = svg_of(response)
    assert "style=" not in svg and "<script" not in svg and "on" + "click" not in svg
    assert re.search(r'viewBox="0 0 800 \d+"', svg)
    assert not re.search(r'd="[^"]*\d,\d+,', svg)  # no decimal comma in the path data


def test_an_island_page_says_it_has_no_neighbour(client, contours):
    response = client.get(contours["G"].get_absolute_url())

    assertContains(response, "Commune G (Commune), qui n’a aucun voisin")
    assertContains(response, "aucun\xa0: son contour ne touche celui d’aucun territoire")
    assertNotContains(response, "Territoires voisins de")


def test_territory_page_gives_area_and_links_to_the_geographic_filters(client, contours):
    response = client.get(contours["29"].get_absolute_url())

    assertContains(response, '<h2 id="geographie">Géographie</h2>', html=True)
    assert re.search(r"<dd>[\d\xa0\u202f]+,\d\xa0km²", response.text)
    assertContains(response, 'href="/territoires/?neighbour_of=department%3A29"')
    assertContains(response, 'href="/territoires/?within_km=department%3A29%2C25"')
    assertContains(response, 'href="/api/v1/territories/department/29/geometry/"')


def test_territory_page_without_any_contour_says_they_are_not_loaded(client, grid):
    response = client.get(grid["E"].get_absolute_url())

    assertContains(response, "Les contours des territoires ne sont pas chargés sur ce portail")
    assertNotContains(response, "<svg")


def test_a_grouping_without_members_says_why_it_has_no_contour(client, contours):
    pays = TerritoryFactory(
        kind=TerritoryKind.GROUPING, code="PAYS", name="Pays", category=TerritoryCategory.PAYS
    )
    place(pays, contours["29"], contours["53"])

    response = client.get(pays.get_absolute_url())

    assertContains(response, "Aucun contour n’est connu pour ce territoire")


def test_a_partial_contour_is_said_so(client, grid, tmp_path):
    geometries = grid_geometries()
    del geometries["29005"]
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", geometries))

    response = client.get(grid["X"].get_absolute_url())

    assertContains(response, "partiel\xa0: 1 commune n’a pas de contour dans la source.")


def test_metropolises_page_maps_each_metropolis_as_a_link(client, contours):
    response = client.get("/metropoles/")

    svg = svg_of(response)
    assert '<title id="carte-metropoles-title">Carte des métropoles</title>' in svg
    assert (
        '<a class="portal-map__link portal-map__shape--metropolis" '
        'href="/territoires/epci/200000001/" aria-label="EPCI X">'
    ) in svg
    assert svg.count("<a ") == 1  # the only métropole of the grid


@pytest.mark.parametrize("count", [2, 8])
def test_a_territory_page_with_its_map_takes_a_bounded_number_of_queries(
    client, contours, django_assert_max_num_queries, count
):
    # More neighbours for B: communes stacked below the grid.
    for number in range(count):
        commune = TerritoryFactory(kind=TerritoryKind.COMMUNE, code=f"2910{number}")
        place(commune, contours["29"], contours["53"])
        give_contour(commune, cell(1 + number * 0.1, -1, width=0.1))
        from territories.models import TerritoryAdjacency

        first, second = sorted([commune.pk, contours["B"].pk])
        TerritoryAdjacency.objects.create(first_id=first, second_id=second)

    # The page's 7 (no communes here; the registry's sections, with the network block's
    # reciprocity, among them), the neighbours with their points, the context, and the
    # map's boxes and outlines.
    with django_assert_max_num_queries(11):
        response = client.get(contours["B"].get_absolute_url())

    assert svg_of(response).count('class="portal-map__link') == 5 + count


@pytest.mark.parametrize("count", [1, 6])
def test_metropolises_page_with_its_map_takes_a_bounded_number_of_queries(
    client, contours, django_assert_max_num_queries, count
):
    for number in range(count):
        metropolis = TerritoryFactory(
            kind=TerritoryKind.EPCI,
            code=f"20009{number:04d}",
            name=f"Métropole {number}",
            category=TerritoryCategory.METRO,
        )
        give_contour(metropolis, cell(10 + number, 10))

    with django_assert_max_num_queries(5):
        response = client.get("/metropoles/")

    assert svg_of(response).count("<a ") == 1 + count


def test_the_territory_list_filters_by_neighbours_and_distance(client, contours):
    response = client.get("/territoires/", {"neighbour_of": "epci:200000002"})

    assert re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', response.text) == [
        "EPCI X",
        "EPCI Z",
    ]
    assertContains(response, 'name="within_km"')


def test_the_territory_list_explains_a_bad_distance(client, contours):
    response = client.get("/territoires/", {"within_km": "epci:200000001,loin"})

    assert response.status_code == 200
    assertContains(response, "Distance attendue en kilomètres, entre 0 et 2000")
