"""Maps in a real browser: a métropole's partners, links followed from the keyboard, and
the same page without JavaScript (synthetic grid of tests/territories/geometry_fixtures)."""

import re

import pytest
from playwright.sync_api import expect

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.geometry.services import geometry_import
from tests.territories.geometry_fixtures import (
    build_grid_territories,
    grid_geometries,
    write_communes_file,
)

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def metropolis(transactional_db, tmp_path):
    """EPCI X, a métropole, with one record whose partners are EPCI Y (contiguous) and the
    island commune G (same département)."""
    grid = build_grid_territories()
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    cooperation_create(
        title="Entente de la rade",
        instrument=Instrument.INTERCOMMUNAL_ENTENTE,
        partners=[
            PartnerInput(grid["X"], PartnerRole.LEAD),
            PartnerInput(grid["Y"]),
            PartnerInput(grid["G"]),
        ],
        is_published=True,
    )
    return grid


def test_metropolis_map_shows_its_partners_and_its_links_work_from_the_keyboard(
    page, live_server, metropolis
):
    page.goto(live_server.url + metropolis["X"].get_absolute_url())

    figure = page.locator("figure#carte-metropole-1")
    expect(figure).to_be_visible()
    partner = figure.get_by_role("link", name=re.compile(r"^EPCI Y — Contigu à la métropole"))
    expect(partner).to_be_visible()
    assert_accessible(page)
    expect(
        figure.get_by_role("link", name=re.compile(r"^Commune G — Même département"))
    ).to_be_visible()
    expect(figure.locator(".portal-map__legend")).to_contain_text("Contigu à la métropole")

    # The last link before the map is the page's « Finistère »; Tab enters the map.
    page.get_by_role("link", name="Finistère", exact=True).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("EPCI Y — Contigu à la métropole")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
        "Commune G — Même département"
    )
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/territoires/commune/29007/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Commune G")


def test_the_map_and_its_table_show_without_javascript(browser, live_server, metropolis):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_server.url + metropolis["X"].get_absolute_url())

        expect(page.locator("figure#carte-metropole-1 svg")).to_be_visible()
        box = page.locator("figure#carte-metropole-1 svg").bounding_box()
        assert box["width"] > 300 and box["height"] > 150
        table = page.get_by_role("table").filter(has_text="Partenaires des coopérations")
        expect(table.get_by_role("row")).to_have_count(3)  # header and two partners
        expect(table).to_contain_text("Contigu à la métropole")
        expect(table).to_contain_text(re.compile(r"\d+\s*km"))
    finally:
        context.close()


def test_metropolises_map_leads_to_each_metropolis(page, live_server, metropolis):
    page.goto(live_server.url + "/metropoles/")

    page.locator("figure#carte-metropoles").get_by_role("link", name="EPCI X").click()

    expect(page).to_have_url(re.compile(r"/territoires/epci/200000001/$"))
    assert_accessible(page)


def test_record_map_links_each_partner(page, live_server, metropolis):
    page.goto(live_server.url + "/cooperations/")
    page.get_by_role("link", name="Entente de la rade").click()

    figure = page.locator("figure#carte-partenaires-1")
    expect(figure.get_by_role("link")).to_have_count(3)  # the métropole and two partners
    figure.get_by_role("link", name=re.compile(r"^EPCI Y")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("EPCI Y")
