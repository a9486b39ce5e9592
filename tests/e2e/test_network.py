"""A researcher opens the network of territories, filters it, finds a territory in the
table, reaches a node of the drawing with the keyboard, and exports the selection as GEXF."""

import re

import networkx as nx
import pytest
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole, Theme
from cooperation.services import PartnerInput, SourceInput, cooperation_create

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def records(brittany):
    """Brest-Quimper (mobility), Brest-Finistère (tourism), and Saint-Étienne with Quimper
    (mobility): Quimper cooperates with two métropoles."""
    mobility = Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    tourism = Theme.objects.create(code="tourism", label_fr="Tourisme", label_en="Tourism")
    b, lead = brittany, PartnerRole.LEAD
    rows = [
        ("Contrat Brest-Quimper", b["brest_metropole"], b["quimper_agglo"], mobility),
        ("Charte Brest-Finistère", b["brest_metropole"], b["finistere"], tourism),
        (
            "Navettes Saint-Étienne-Quimper",
            b["saint_etienne_metropole"],
            b["quimper_agglo"],
            mobility,
        ),
    ]
    return [
        cooperation_create(
            title=title,
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(metropolis, lead), PartnerInput(partner)],
            themes=[theme],
            sources=[SourceInput(title="Source", url="https://example.org/")],
            start="2019",
            is_published=True,
        )
        for title, metropolis, partner, theme in rows
    ]


def test_open_the_network_find_a_territory_and_export_gexf(page, live_server, records, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Réseau").click()
    expect(page).to_have_url(live_server.url + "/reseau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Réseau des territoires")

    page.locator("#facet-theme").get_by_text("Mobilités").click()
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(r".*/reseau/\?theme=mobility(&|$)"))
    expect(page.locator("#network-summary-title")).to_contain_text("3 territoires")
    assert_accessible(page)

    table = page.locator("#network-territories")
    row = table.locator("tr", has=page.get_by_role("link", name="CA Quimper Bretagne Occidentale"))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("2")  # degree
    expect(row).to_contain_text("Brest Métropole, Saint-Étienne Métropole")
    expect(table).not_to_contain_text("Finistère")  # only in the tourism record

    # Sorting by betweenness puts the bridge first.
    table.get_by_role("link", name="Intermédiarité").click()
    expect(table.locator("tbody tr").first).to_contain_text("CA Quimper Bretagne Occidentale")

    # Each node of the drawing is a link reachable with the keyboard.
    node = page.locator("a.portal-network__node", has_text="CA Quimper Bretagne Occidentale")
    node.focus()
    expect(node).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Réseau", exact=True)).to_be_visible()
    expect(page.locator("#reseau")).to_contain_text("Ce territoire coopère avec 2 métropoles")
    assert_accessible(page)  # the territory page with its « Réseau » block
    page.go_back()

    with page.expect_download() as info:
        page.get_by_role("link", name="GEXF (Gephi)").click()
    download = info.value
    assert download.suggested_filename == "reseau-cooperations.gexf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    graph = nx.read_gexf(path)
    assert set(graph.nodes) == {"epci:242900314", "epci:242900694", "epci:244200770"}
    assert graph.number_of_edges() == 2
    assert graph.nodes["epci:242900694"]["metropolis_count"] == 2


def test_edges_show_which_cooperations_both_territories_declared(page, live_server, records):
    """Brest Métropole and Quimper both validated a census response promoted to their
    contract: its edge is drawn solid, the others dotted, and the legend and the table say
    what each style means and how many cooperations each counts."""
    from surveys.models import Promotion, Response, ResponseStatus
    from surveys.services.responses import questionnaire_load
    from tests.fixtures.surveys import CENSUS, make_campaign

    census, _created = questionnaire_load(path=CENSUS)
    brest, quimper = records[0].partnerships.order_by("position")
    campaign = make_campaign(census, [brest.territory, quimper.territory])
    for territory in (brest.territory, quimper.territory):
        response = Response.objects.create(
            campaign=campaign,
            territory=territory,
            questionnaire=census,
            status=ResponseStatus.VALIDATED,
            answers={},
        )
        Promotion.objects.create(response=response, entry="e0", cooperation=records[0])

    page.goto(live_server.url + "/reseau/")
    figure = page.locator("figure.portal-network")
    expect(figure.locator('line[data-reciprocity="both"]')).to_have_count(1)
    expect(figure.locator('line[data-reciprocity="registry_only"]')).to_have_count(2)
    legend = page.get_by_role("list", name="Légende des liens")
    expect(legend).to_contain_text("trait plein\u00a0: déclaré des deux côtés")
    expect(legend).to_contain_text("pointillés\u00a0: registre seulement")
    table = page.get_by_role("table", name="Réciprocité des liens")
    expect(table.get_by_role("row", name=re.compile("^Déclaré des deux côtés"))).to_contain_text(
        "1"
    )
    expect(table.get_by_role("row", name=re.compile("^Registre seulement"))).to_contain_text("2")
    assert_accessible(page)

    # Quimper's page: its « Réseau » block counts its cooperations by reciprocity.
    page.locator("a.portal-network__node", has_text="CA Quimper Bretagne Occidentale").click()
    block = page.get_by_role("list", name="Réciprocité de ses coopérations avec ses partenaires")
    expect(block.get_by_role("listitem")).to_have_text(
        [
            "Déclaré des deux côtés\u00a0: 1",
            "Déclaré d’un seul côté\u00a0: 0",
            "Registre seulement\u00a0: 1",
        ]
    )
    assert_accessible(page)


def test_switch_between_the_map_and_the_graph_and_follow_a_node(
    page, live_server, records, brittany
):
    """With contours loaded, /reseau/ opens on the map of France; the « Graphe » link shows
    the drawing laid out by forces and « Carte » comes back; a node of the map is a link
    reached with the keyboard. The Finistère has no contour here: it is listed under the
    map."""
    import shapely

    from tests.territories.geometry_fixtures import give_contour
    from tests.territories.geometry_fixtures import give_contour_at as place_at

    give_contour(brittany["bretagne"], shapely.box(-5.2, 47.2, -1.0, 48.9))
    place_at(brittany["brest_metropole"], -4.5, 48.4)
    place_at(brittany["quimper_agglo"], -4.1, 48.0)
    place_at(brittany["saint_etienne_metropole"], 4.4, 45.45)

    page.goto(live_server.url + "/reseau/")
    views = page.get_by_role("navigation", name="Choix de la vue du réseau")
    expect(views.get_by_role("link", name="Carte")).to_have_attribute("aria-current", "true")
    figure = page.locator("figure.portal-network--map")
    expect(figure.locator("a.portal-network__node")).to_have_count(3)
    expect(page.locator("#network-unplaced")).to_contain_text("Finistère")
    assert_accessible(page)

    views.get_by_role("link", name="Graphe").click()
    expect(page).to_have_url(re.compile(r".*/reseau/\?vue=graphe#network-drawing-title$"))
    expect(page.locator("figure.portal-network--map")).to_have_count(0)
    expect(page.locator("figure.portal-network a.portal-network__node")).to_have_count(4)
    page.get_by_role("navigation", name="Choix de la vue du réseau").get_by_role(
        "link", name="Carte"
    ).click()
    expect(page).to_have_url(re.compile(r".*/reseau/\?vue=carte#network-drawing-title$"))

    node = page.locator("figure.portal-network--map a.portal-network__node").filter(
        has_text="CA Quimper Bretagne Occidentale"
    )
    node.focus()
    expect(node).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("CA Quimper Bretagne Occidentale")
