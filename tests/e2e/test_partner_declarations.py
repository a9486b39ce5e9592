"""A reviewer opens a submitted response and sees, below its cooperations, what partner
territories declared with this territory in their validated responses and this response
leaves out, then follows the link to the registry record."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from cooperation.models import CooperationStatus, Instrument, PartnerRole
from cooperation.services import PartnerInput, SourceInput, cooperation_create
from surveys.models import Promotion, Response, ResponseStatus
from surveys.services.responses import questionnaire_load
from tests.fixtures.surveys import CENSUS, make_campaign

from .accessibility import assert_accessible
from .test_review import sign_in

pytestmark = pytest.mark.browser


def test_reviewer_sees_cooperations_partners_declared(page, live_server, brittany):
    brest, quimper = brittany["brest_metropole"], brittany["quimper_agglo"]
    record = cooperation_create(
        title="Contrat Brest-Quimper",
        instrument=Instrument.CHARTER,
        status=CooperationStatus.ACTIVE,
        partners=[PartnerInput(brest, PartnerRole.LEAD), PartnerInput(quimper)],
        sources=[SourceInput(title="Source", url="https://example.org/")],
        start="2019",
        is_published=True,
    )
    census, _created = questionnaire_load(path=CENSUS)
    campaign = make_campaign(census, [brest, quimper])
    declared = Response.objects.create(
        campaign=campaign,
        territory=quimper,
        questionnaire=census,
        status=ResponseStatus.VALIDATED,
        answers={"cooperations": [{"_entry": "q1", "coop_title": "Contrat Brest-Quimper"}]},
    )
    Promotion.objects.create(response=declared, entry="q1", cooperation=record)
    under_review = Response.objects.create(
        campaign=campaign,
        territory=brest,
        questionnaire=census,
        status=ResponseStatus.SUBMITTED,
        answers={},
    )
    reviewer = get_user_model().objects.create_user(
        username="reviewer", email="reviewer@example.org", password="x", is_staff=True
    )
    sign_in(page, live_server, reviewer)

    page.goto(f"{live_server.url}/enquetes/revue/reponses/{under_review.pk}/")
    section = page.locator("#declarations-partenaires")
    expect(
        section.get_by_role(
            "heading",
            name="Coopérations déclarées par des partenaires et absentes de cette réponse",
        )
    ).to_be_visible()
    expect(section.get_by_role("listitem")).to_have_count(1)
    expect(section).to_contain_text("CA Quimper Bretagne Occidentale\u00a0: Contrat Brest-Quimper")
    assert_accessible(page)
    section.get_by_role("link", name="fiche du registre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrat Brest-Quimper")
