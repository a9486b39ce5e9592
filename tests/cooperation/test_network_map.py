"""The network on the map of France (cooperation/network/geomap.py): nodes at their
territories' representative points over the régions, the choice between the map and the
graph (`?vue=`), the territories that cannot be placed, and the page without contours.

The public records of the `registry` fixture give the territories Brest Métropole (B),
CA Quimper (Q), Pays COB (P), Saint-Étienne Métropole (S), the Loire (L) and Cork (C).
Here B, Q, S and L get contours (rectangles, with known representative points), and so do
the régions Bretagne and Auvergne-Rhône-Alpes; P (a grouping without members) and C (a
foreign authority) have none."""

import re

import pytest
import shapely
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cooperation.models import Cooperation, Instrument, PartnerRole
from cooperation.network.geomap import network_map
from cooperation.network.graph import network_build
from cooperation.services import PartnerInput, cooperation_create
from territories.models import TerritoryCategory, TerritoryGeometry, TerritoryKind
from tests.factories import TerritoryFactory
from tests.territories.geometry_fixtures import give_contour
from tests.territories.geometry_fixtures import give_contour_at as place_at

PAGE_URL = reverse("cooperation:network")
B, Q, P = "epci:242900314", "epci:242900694", "grouping:PAYS-COB"
S, L, C = "epci:244200770", "department:42", "foreign:IE-CORK"
# Representative points, in (longitude, latitude).
POINTS = {B: (-4.5, 48.4), Q: (-4.1, 48.0), S: (4.4, 45.45), L: (4.1, 45.7)}
# The page's queries with the graph view (test_network.py's budget), and what the map adds
# at most: whether contours exist, the régions, their boxes and points, their outlines.
QUERY_BUDGET = 20
MAP_QUERIES = 4


def public_network():
    return network_build(Cooperation.objects.published())


@pytest.fixture
def contours(registry, brittany):
    give_contour(brittany["bretagne"], shapely.box(-5.2, 47.2, -1.0, 48.9))
    give_contour(brittany["aura"], shapely.box(2.0, 44.1, 7.2, 46.8))
    by_id = {
        B: brittany["brest_metropole"],
        Q: brittany["quimper_agglo"],
        S: brittany["saint_etienne_metropole"],
        L: brittany["loire"],
    }
    for key, territory in by_id.items():
        place_at(territory, *POINTS[key])
    return registry


def nodes_by_id(drawn: dict) -> dict:
    return {node["territory"].id: node for node in drawn["nodes"]}


# Positions ---------------------------------------------------------------------------------


def test_nodes_sit_at_their_territories_representative_points(contours):
    geomap = network_map(public_network())
    nodes = nodes_by_id(geomap)
    assert set(nodes) == {B, Q, S, L}
    # The more eastern point is drawn to the right, the more northern one higher up.
    assert nodes[S]["x"] > nodes[L]["x"] > nodes[Q]["x"] > nodes[B]["x"]
    assert nodes[B]["y"] < nodes[Q]["y"] < nodes[L]["y"] < nodes[S]["y"]
    # One projection for all: positions are proportional to the points' coordinates.
    for axis, coordinate in (("x", 0), ("y", 1)):
        drawn = (nodes[S][axis] - nodes[B][axis]) / (nodes[Q][axis] - nodes[B][axis])
        true = (POINTS[S][coordinate] - POINTS[B][coordinate]) / (
            POINTS[Q][coordinate] - POINTS[B][coordinate]
        )
        assert drawn == pytest.approx(true, rel=0.02)


def test_moving_the_representative_point_moves_the_node(contours, brittany):
    before = nodes_by_id(network_map(public_network()))[Q]
    TerritoryGeometry.objects.filter(territory=brittany["quimper_agglo"]).update(point_lon=-3.0)
    after = nodes_by_id(network_map(public_network()))[Q]
    assert after["x"] > before["x"]
    assert after["y"] == before["y"]


def test_territories_without_a_contour_are_listed_and_their_edges_left_out(contours):
    geomap = network_map(public_network())
    assert [item["territory"].id for item in geomap["unplaced"]] == [C, P]
    # B-Q, B-S, S-L of the six edges between placed territories; B-P, Q-P, B-C, S-C not.
    assert len(geomap["edges"]) == 3
    assert geomap["shown"] == geomap["total"] == 6


def test_edges_keep_the_width_and_style_of_the_drawing(contours, themes, brittany):
    cooperation_create(
        title="Deuxième convention Brest-Quimper",
        instrument=Instrument.COOPERATION_AGREEMENT,
        partners=[
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["quimper_agglo"]),
        ],
        is_published=True,
    )
    geomap = network_map(public_network())
    nodes = nodes_by_id(geomap)
    widths = {
        (edge["x1"], edge["y1"], edge["x2"], edge["y2"]): edge["width"] for edge in geomap["edges"]
    }
    brest_quimper = (nodes[B]["x"], nodes[B]["y"], nodes[Q]["x"], nodes[Q]["y"])
    assert widths.pop(brest_quimper) == 4.0  # the heaviest edge (two records)
    assert set(widths.values()) == {1.0}
    assert {edge["reciprocity"] for edge in geomap["edges"]} == {"registry_only"}


def test_overseas_territories_are_drawn_in_an_inset(contours, brittany):
    reunion = TerritoryFactory(
        kind=TerritoryKind.EPCI, code="249740119", name="CINOR", category=TerritoryCategory.CA
    )
    place_at(reunion, 55.45, -20.9, half=0.05)
    cooperation_create(
        title="Jumelage Brest-CINOR",
        instrument=Instrument.COOPERATION_AGREEMENT,
        partners=[
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(reunion),
        ],
        is_published=True,
    )
    geomap = network_map(public_network())
    (inset,) = geomap["map"].insets
    assert inset.label == "La Réunion"
    node = nodes_by_id(geomap)["epci:249740119"]
    assert inset.x <= node["x"] <= inset.x + inset.width
    assert inset.y <= node["y"] <= inset.y + inset.height


# Page --------------------------------------------------------------------------------------


def test_the_map_is_the_default_view_when_contours_are_loaded(client, contours):
    response = client.get(PAGE_URL)
    assert response.context["view"] == "carte"
    assert response.context["drawing"] is None
    content = response.content.decode()
    assert content.count('class="portal-network__node') == 4
    assert "<title>Brest Métropole — 4 partenaire(s), 2 coopération(s)</title>" in content
    assert 'class="portal-map__shape--context"' in content  # the régions
    # Plain SVG that the Content-Security-Policy allows: no style attribute, no script.
    figure = content[content.index('<figure class="portal-network portal-network--map"') :]
    figure = figure[: figure.index("</figure>")]
    assert "style=" not in figure and "<script" not in figure and "on" + "click" not in figure
    assertContains(response, "2 territoires sans contour ne sont pas placés sur la carte")
    assertContains(response, 'href="/territoires/foreign/IE-CORK/"')
    # The switch: the map is current, the graph a link carrying the selection.
    assert re.search(r'href="\?vue=carte#network-drawing-title"[^>]*aria-current="true"', content)
    assertContains(response, 'href="?vue=graphe#network-drawing-title"')


def test_the_graph_view_on_request_keeps_the_selection(client, contours):
    response = client.get(PAGE_URL, {"theme": "tourism", "vue": "graphe", "sort": "name"})
    assert response.context["view"] == "graphe"
    assert response.context["geomap"] is None
    assert response.context["drawing"]["shown"] == 5
    assertContains(response, 'href="?theme=tourism&amp;vue=carte&amp;sort=name#network-')
    assertContains(response, '<input type="hidden" name="vue" value="graphe">')
    # The view is presentation: the list and the exports do not carry it.
    assertContains(response, 'href="/cooperations/?theme=tourism&amp;sort=name"')
    assertNotContains(response, "export/gexf/?theme=tourism&amp;vue")


def test_without_contours_the_page_shows_the_graph_and_says_so(client, registry):
    response = client.get(PAGE_URL, {"vue": "carte"})
    assert response.context["view"] == "graphe"
    assert response.context["drawing"]["shown"] == 6
    assertContains(response, "Les contours des territoires ne sont pas chargés sur ce portail")
    assertNotContains(response, "data-view=")  # no choice of view
    assertNotContains(response, "portal-network__map")


def test_the_map_falls_back_to_the_graph_when_no_drawn_territory_has_a_contour(
    client, registry, brittany
):
    give_contour(brittany["bretagne"], shapely.box(-5.2, 47.2, -1.0, 48.9))
    response = client.get(PAGE_URL)
    assert response.context["view"] == "graphe"
    assertContains(response, "Aucun des territoires dessinés n’a de contour")


def test_the_view_does_not_change_the_cached_measures(client, contours, monkeypatch):
    from cooperation.network import graph

    calls = []
    measure = graph.betweenness_measure
    monkeypatch.setattr(graph, "betweenness_measure", lambda g: calls.append(1) or measure(g))
    client.get(PAGE_URL, {"vue": "carte"})
    client.get(PAGE_URL, {"vue": "graphe"})
    assert len(calls) == 1


@pytest.mark.parametrize("partners", [3, 12])
def test_map_view_query_count_does_not_grow_with_the_network(
    client, many_cooperations, brittany, django_assert_max_num_queries, partners
):
    records = many_cooperations(10, partners=partners)
    give_contour(brittany["bretagne"], shapely.box(-5.2, 47.2, -1.0, 48.9))
    territories = {p.territory for record in records for p in record.partnerships.all()}
    for number, territory in enumerate(sorted(territories, key=lambda t: t.pk)):
        place_at(territory, -4.6 + 0.2 * number, 48.0, half=0.05)
    with django_assert_max_num_queries(QUERY_BUDGET + MAP_QUERIES):
        response = client.get(PAGE_URL, {"theme": "mobility"})
    assert response.context["view"] == "carte"
    assert len(response.context["geomap"]["nodes"]) == partners


def test_metropolis_names_on_the_map_never_overlap():
    """Five métropoles at the same place: the four sides of the node take a name each, the
    most connected first; the fifth name is left out (its node keeps its title)."""
    from types import SimpleNamespace

    from cooperation.network.geomap import _labelled

    nodes = [
        {
            "territory": SimpleNamespace(name=f"Métropole {degree}", degree=degree),
            "x": 400.0,
            "y": 300.0,
            "r": 5.0,
            "label": True,
        }
        for degree in (1, 5, 4, 3, 2)
    ]
    sides = {
        n["territory"].degree: (n["anchor"], n["dy"] > 0) if n["label"] else None
        for n in _labelled(nodes, 800, 600)
    }
    assert sides == {
        5: ("start", False),
        4: ("end", False),
        3: ("start", True),
        2: ("end", True),
        1: None,
    }


def test_names_stay_within_the_map():
    from types import SimpleNamespace

    from cooperation.network.geomap import _labelled

    (node,) = _labelled(
        [
            {
                "territory": SimpleNamespace(name="Métropole au bord", degree=1),
                "x": 795.0,
                "y": 5.0,
                "r": 3.0,
                "label": True,
            }
        ],
        800,
        600,
    )
    assert (node["anchor"], node["dy"] > 0) == ("end", True)
