"""An officer is told of the reviewers' decisions: the notes of a returned response on
/enquetes/ and on the answer page (the last save credited to who saved, the return apart),
then the records a validated response went into; dates written one way."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from cooperation.models import Theme
from surveys.services.responses import officer_add, questionnaire_load, response_open
from tests.e2e.test_review import TITLE, answers, sign_in
from tests.fixtures.surveys import CENSUS, make_campaign

# The registry fixtures, for the browser tests as well.

pytestmark = pytest.mark.browser

# "2 décembre 2026 à 16 h 28", with no-break spaces.
WHEN = r"\d{1,2}\u00a0\S+\u00a0\d{4} à \d{1,2}\u00a0h\u00a0\d\d"


def test_officer_sees_the_return_then_the_records(browser, live_server, brittany):
    from surveys.services.responses import response_save, response_submit

    Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    brest = brittany["brest_metropole"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest])
    users = get_user_model().objects
    officer = users.create_user(
        "brest", email="brest@example.org", first_name="Anne", last_name="Le Gall"
    )
    officer_add(user=officer, territory=brest)
    reviewer = users.create_user(
        "relecture",
        email="relecture@example.org",
        first_name="Paul",
        last_name="Martin",
        is_staff=True,
    )
    response = response_open(campaign=campaign, territory=brest, user=officer)
    response = response_save(
        response=response, answers=answers("Des navettes."), version=1, user=officer
    )
    response_submit(response=response, user=officer)

    contexts = []

    def new_page(user):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_server, user)
        return page

    reviewer_page, officer_page = new_page(reviewer), new_page(officer)
    try:
        mail.outbox.clear()
        reviewer_page.goto(f"{live_server.url}/enquetes/revue/reponses/{response.pk}/")
        reviewer_page.get_by_label("Remarques pour le territoire").fill("Précisez le financement.")
        reviewer_page.get_by_role("button", name="Renvoyer au territoire").click()
        expect(
            reviewer_page.get_by_text("La réponse a été renvoyée à Brest Métropole")
        ).to_be_visible()
        # The officer is e-mailed the notes and the link.
        (message,) = mail.outbox
        assert "Précisez le financement." in message.body
        assert f"{live_server.url}/enquetes/{campaign.pk}/epci/{brest.code}/" in message.body

        officer_page.goto(f"{live_server.url}/enquetes/")
        row = officer_page.get_by_role("row", name=re.compile("Brest Métropole"))
        expect(row).to_contain_text("Précisez le financement.")
        expect(row).to_contain_text(re.compile(f"Renvoyée par Paul Martin le {WHEN}"))
        expect(row).to_contain_text(re.compile(f"le {WHEN} par Anne Le Gall"))
        row.get_by_role("link", name=re.compile("Reprendre")).click()
        expect(officer_page.locator("#last-save")).to_have_text(
            re.compile(f"Dernier enregistrement le {WHEN} par Anne Le Gall")
        )
        expect(officer_page.locator("#last-return")).to_have_text(
            re.compile(f"Renvoyée par Paul Martin le {WHEN}")
        )

        response.refresh_from_db()
        response = response_save(
            response=response,
            answers=answers("Des navettes quotidiennes."),
            version=response.version,
            user=officer,
        )
        response_submit(response=response, user=officer)
        mail.outbox.clear()
        reviewer_page.reload()
        reviewer_page.get_by_role("link", name="Valider et verser au registre").click()
        reviewer_page.get_by_role("button", name="Confirmer la validation").click()
        expect(reviewer_page.get_by_text("La réponse est validée")).to_be_visible()
        (message,) = mail.outbox
        assert "/cooperations/navettes-entre-brest-et-quimper/" in message.body

        officer_page.goto(f"{live_server.url}/enquetes/")
        officer_page.get_by_role("link", name=TITLE).click()
        expect(officer_page).to_have_url(
            re.compile(r"/cooperations/navettes-entre-brest-et-quimper/$")
        )
    finally:
        for context in contexts:
            context.close()


def test_reviewer_sees_an_unchanged_entry_as_identical(page, live_server, brittany, registry):
    from surveys.answering.mapping import entry_from_cooperation
    from surveys.services.responses import response_save, response_submit

    brest = brittany["brest_metropole"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest])
    users = get_user_model().objects
    officer = users.create_user("brest", email="brest@example.org")
    officer_add(user=officer, territory=brest)
    reviewer = users.create_user("relecture", email="relecture@example.org", is_staff=True)
    response = response_open(campaign=campaign, territory=brest, user=officer)
    same = entry_from_cooperation(registry["brest_quimper"], territory=brest)
    response = response_save(
        response=response,
        answers={**answers(""), "cooperations": [same]},
        version=response.version,
        user=officer,
    )
    response_submit(response=response, user=officer)
    sign_in(page, live_server, reviewer)

    page.goto(f"{live_server.url}/enquetes/revue/reponses/{response.pk}/")
    expect(page.get_by_text("1 fiche identique au registre restera telle quelle.")).to_be_visible()
    page.get_by_role("link", name="Valider et verser au registre").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    promotions = page.locator(
        "section", has=page.get_by_role("heading", name="Versement au registre")
    )
    expect(promotions).to_contain_text("Identique")
    expect(promotions).not_to_contain_text("Mise à jour")


def test_officer_finds_their_name_and_email_in_the_form(page, live_server, brittany):
    brest = brittany["brest_metropole"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest])
    officer = get_user_model().objects.create_user(
        "brest", email="anne.legall@example.org", first_name="Anne", last_name="Le Gall"
    )
    officer_add(user=officer, territory=brest)
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/enquetes/")
    page.get_by_role("link", name=re.compile("Commencer")).click()
    expect(page.get_by_label("Nom et prénom")).to_have_value("Anne Le Gall")
    expect(page.get_by_label("Adresse électronique")).to_have_value("anne.legall@example.org")
    assert campaign.responses.get().answers["respondent"]["respondent_name"] == "Anne Le Gall"
