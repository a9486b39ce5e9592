"""A reviewer in a real browser: opens a submitted response from the queue, returns it
with a note, then validates the corrected response, whose cooperation appears in the
registry with its survey provenance."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from cooperation.models import Theme
from surveys.services.responses import (
    officer_add,
    questionnaire_load,
    response_open,
    response_save,
    response_submit,
)
from tests.fixtures.surveys import CENSUS, complete_answers, make_campaign

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser

TITLE = "Navettes entre Brest et Quimper"


def sign_in(page, live_server, user):
    """Sign `user` in with a session cookie, as if through the sign-in page."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def answers(summary):
    result = complete_answers()
    result["cooperations"] = [
        {
            "_entry": "c1",
            "coop_title": TITLE,
            "coop_partners": ["epci:242900694"],
            "coop_instrument": "cooperation_agreement",
            "coop_themes": ["mobility"],
            "coop_status": "active",
            "coop_start_year": 2022,
            "coop_summary": summary,
        }
    ]
    return result


def test_reviewer_returns_then_validates_a_response(page, live_server, brittany):
    Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    questionnaire, _created = questionnaire_load(path=CENSUS)
    campaign = make_campaign(questionnaire, [brittany["brest_metropole"]])
    users = get_user_model().objects
    brest_officer = users.create_user("brest", email="brest@example.org", password="x")
    officer_add(user=brest_officer, territory=brittany["brest_metropole"])
    reviewer = users.create_user("reviewer", email="reviewer@example.org", is_staff=True)
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    response = response_save(
        response=response,
        answers=answers("Des navettes."),
        version=response.version,
        user=brest_officer,
    )
    response_submit(response=response, user=brest_officer)
    sign_in(page, live_server, reviewer)

    # The queue, then the response.
    page.goto(live_server.url + "/enquetes/revue/")
    expect(page.get_by_role("heading", level=2, name="1 réponse")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Brest Métropole").click()
    expect(page.get_by_role("heading", level=1, name="Réponse de Brest Métropole")).to_be_visible()
    expect(page.get_by_text("Nouvelle coopération")).to_be_visible()
    assert_accessible(page)
    # On a phone, the comparison table scrolls inside its container: reachable by keyboard.
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Returned without a note: refused next to the field, then with one.
    page.get_by_role("button", name="Renvoyer au territoire").click()
    expect(page.get_by_text("Expliquez ce qui doit être corrigé.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Remarques pour le territoire").fill("Précisez le financement.")
    page.get_by_role("button", name="Renvoyer au territoire").click()
    expect(page.get_by_text("La réponse a été renvoyée à Brest Métropole")).to_be_visible()
    expect(page.get_by_text("Précisez le financement.")).to_be_visible()

    # The officer corrects and submits again.
    response.refresh_from_db()
    response = response_save(
        response=response,
        answers=answers("Des navettes quotidiennes, cofinancées."),
        version=response.version,
        user=brest_officer,
    )
    response_submit(response=response, user=brest_officer)

    # Validation, after a confirmation.
    page.reload()
    page.get_by_role("link", name="Valider et verser au registre").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_text("La réponse est validée")).to_be_visible()
    expect(page.get_by_role("heading", name="Versement au registre")).to_be_visible()
    assert_accessible(page)

    # The record is in the registry, with its provenance.
    page.goto(live_server.url + "/cooperations/")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/cooperations/navettes-entre-brest-et-quimper/$"))
    expect(page.get_by_text("Des navettes quotidiennes, cofinancées.")).to_be_visible()
    expect(
        page.get_by_text("Réponse au recensement — Recensement — réponse de Brest Métropole")
    ).to_be_visible()
