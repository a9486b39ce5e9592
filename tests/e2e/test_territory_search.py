import re

import pytest
from playwright.sync_api import expect

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


def test_search_from_home_opens_metropolis_with_its_communes(page, live_server, brittany):
    page.goto(live_server.url + "/")
    page.get_by_label("Rechercher un territoire").fill("saint etienne")
    page.get_by_label("Rechercher un territoire").press("Enter")

    expect(page).to_have_url(re.compile(r"/territoires/\?q=saint\+etienne"))
    page.get_by_role("link", name="Saint-Étienne Métropole").click()

    expect(page).to_have_url(re.compile(r"/territoires/epci/244200770/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Saint-Étienne Métropole")
    assert_accessible(page)
    communes = page.get_by_role("table").filter(has_text="Saint-Étienne")
    expect(communes.get_by_role("link", name="Saint-Étienne", exact=True)).to_be_visible()


def test_language_switch_to_english_and_back(page, live_server, brittany):
    page.goto(live_server.url + "/metropoles/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Métropoles")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/metropoles/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Metropolises")
    assert_accessible(page)

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Métropoles")
