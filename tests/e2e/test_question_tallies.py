"""A reviewer reads how the responses answered the closed questions of a campaign: from
the campaign list to the tallies page, one figure, then another filter."""

import re

import pytest
from playwright.sync_api import expect

from tests.surveys import test_tallies as tally_tests

from .accessibility import assert_accessible
from .test_review import sign_in

pytestmark = pytest.mark.browser

NBSP = "\u00a0"

# Six responses in every status (tests/surveys/test_tallies.py).
tallied_campaign = tally_tests.tallied_campaign


def test_reviewer_reads_the_barriers_and_counts_the_drafts_too(
    page, live_server, reviewer, tallied_campaign
):
    sign_in(page, live_server, reviewer)
    page.goto(live_server.url + "/enquetes/revue/campagnes/")
    row = page.get_by_role("row").filter(has_text="Recensement 2025")
    row.get_by_role("link", name="réponses aux questions fermées").click()

    expect(page).to_have_url(
        live_server.url + f"/enquetes/revue/campagnes/{tallied_campaign.pk}/questions/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Réponses aux questions fermées de la campagne «{NBSP}Recensement 2025{NBSP}»"
    )
    expect(
        page.get_by_role("heading", level=2, name="Votre démarche d’alliance des territoires")
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("4 réponses comptées.")
    barriers = page.get_by_role("table", name=re.compile("Principaux freins à la coopération"))
    expect(barriers).to_contain_text(f"les parts peuvent dépasser 100{NBSP}% au total")
    funding = barriers.get_by_role("row").filter(has_text="Absence de financement dédié et adapté")
    expect(funding.get_by_role("cell")).to_have_text(["3", f"100{NBSP}%"])
    assert_accessible(page)

    page.get_by_label("Réponses comptées").select_option(label="Toutes, brouillons compris")
    page.get_by_role("button", name="Appliquer").click()

    expect(page).to_have_url(re.compile(r"/questions/\?responses=all$"))
    expect(main).to_contain_text("6 réponses comptées.")
    expect(funding.get_by_role("cell")).to_have_text(["3", f"75{NBSP}%"])
    legal = barriers.get_by_role("row").filter(has_text="Freins juridiques ou réglementaires")
    expect(legal.get_by_role("cell")).to_have_text(["2", f"50{NBSP}%"])
    expect(page.get_by_role("link", name="Télécharger ces décomptes (CSV)")).to_have_attribute(
        "href", f"/enquetes/revue/campagnes/{tallied_campaign.pk}/questions.csv?responses=all"
    )
    assert_accessible(page)
