"""A reviewer reads one campaign's statistics in a real browser: picks the campaign on
/statistiques/, reads what is counted, and follows a number to the list of the records it
counts, which holds as many."""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.surveys import CAMPAIGN_RECORD_TITLE

from .accessibility import assert_accessible
from .test_review import sign_in

pytestmark = pytest.mark.browser


def test_reviewer_picks_a_campaign_and_follows_a_number(page, live_server, census_round, reviewer):
    campaign = census_round["campaign"]
    sign_in(page, live_server, reviewer)
    page.goto(live_server.url + "/statistiques/")
    expect(page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    expect(page.locator("#statistics-total")).to_contain_text("5 coopérations")

    page.get_by_label("Campagne du recensement").select_option(label="Recensement 2026")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile(rf"/statistiques/\?(.*&)?campaign={campaign.pk}(&|$)"))
    expect(page.get_by_label("Campagne du recensement")).to_have_value(str(campaign.pk))
    expect(page.locator("#statistics-selection")).to_contain_text(
        "Fiches issues des réponses validées de la campagne «\u00a0Recensement 2026\u00a0» "
        "(2\u00a0réponses validées)."
    )
    expect(page.locator("#statistics-total")).to_contain_text("2 coopérations")
    assert_accessible(page)

    themes = page.get_by_role("table", name="Coopérations par thème")
    mobility = themes.get_by_role("row", name=re.compile(r"^Mobilités"))
    expect(mobility.get_by_role("link")).to_have_text("1")
    mobility.get_by_role("link").click()

    expect(page).to_have_url(re.compile(r"/cooperations/\?"))
    expect(page).to_have_url(re.compile(rf"[?&]campaign={campaign.pk}(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]theme=mobility(&|$)"))
    expect(page.get_by_role("heading", level=2, name="1 coopération")).to_be_visible()
    expect(page.get_by_role("link", name=CAMPAIGN_RECORD_TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Campagne du recensement"))).to_contain_text(
        "Recensement 2026"
    )
