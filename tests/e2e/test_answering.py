"""The answer page in a real browser: autosave, suggestions, entries, submission, an
expired session and two officers saving the same step."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from surveys.models import Response
from surveys.services.responses import response_open, response_save
from tests.fixtures.surveys import complete_answers

from .accessibility import assert_accessible

# The survey fixtures, for the browser tests as well.

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Enregistré à \d{1,2}\s+h\s+\d\d")


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


@pytest.fixture
def answer_url(live_server, campaign, brest):
    def build(step=""):
        url = f"{live_server.url}/enquetes/{campaign.pk}/{brest.kind}/{brest.code}/"
        return f"{url}?etape={step}" if step else url

    return build


def sign_in(context, live_server, user):
    """Give the browser context a session of `user` (as if signed in)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts. Refused requests (401, 409) are expected in some
    tests and Chromium logs them as console errors: those are not script errors."""
    contexts, errors = [], []

    def make():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        browser_page = context.new_page()
        browser_page.on("pageerror", lambda error: errors.append(str(error)))
        browser_page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        return browser_page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"


def status(page):
    return page.locator("#save-status")


def test_typed_answer_is_saved_automatically_and_found_after_reload(
    page, live_server, answer_url, brest_officer
):
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Réponse de Brest Métropole")
    assert_accessible(page)

    page.get_by_label("Nom et prénom").fill("Anne Le Gall")

    expect(status(page)).to_have_text(SAVED)
    page.reload()
    expect(page.get_by_label("Nom et prénom")).to_have_value("Anne Le Gall")
    assert Response.objects.get().answers["respondent"] == {
        "respondent_name": "Anne Le Gall",
        "respondent_email": "brest@example.org",  # pre-filled from the account
    }


def test_partner_chosen_among_suggestions_as_you_type(
    page, live_server, answer_url, brest_officer, campaign, brest
):
    draft = response_open(campaign=campaign, territory=brest, user=brest_officer)
    response_save(
        response=draft,
        answers={"cooperations": [{"_entry": "c1", "coop_title": "Pôle"}]},
        version=draft.version,
        user=brest_officer,
    )
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url("cooperations"))

    search = page.get_by_role("combobox", name="Rechercher un territoire à ajouter")
    search.fill("saint eti")
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option").first).to_contain_text("Saint-Étienne")
    assert_accessible(page)
    search.press("ArrowDown")
    expect(suggestions.get_by_role("option", selected=True)).to_have_count(1)
    chosen_name = (
        suggestions.get_by_role("option", selected=True).locator("span").first.inner_text()
    )
    search.press("Enter")

    chosen = page.get_by_role("list", name="Territoires choisis")
    expect(chosen).to_contain_text(chosen_name)
    expect(suggestions).to_be_hidden()
    expect(search).to_be_focused()
    expect(status(page)).to_have_text(SAVED)
    partners = Response.objects.get().answers["cooperations"][0]["coop_partners"]
    assert partners in (["epci:244200770"], ["commune:42218"])

    search.fill("quimp")
    expect(page.get_by_role("option", name=re.compile("CA Quimper"))).to_be_visible()
    search.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_two_cooperations_added_and_saved(page, live_server, answer_url, brest_officer):
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url("cooperations"))

    page.get_by_role("button", name="Ajouter une coopération").click()
    expect(page.locator("#entree-0")).to_be_visible()
    page.locator("#entree-0").get_by_label("Intitulé de la coopération").fill("Contrat Brest-COB")
    page.get_by_role("button", name="Ajouter une coopération").click()
    expect(page.locator("#entree-1")).to_be_visible()
    expect(page.locator("#entree-0")).to_contain_text("Coopération 1\u00a0: Contrat Brest-COB")
    page.locator("#entree-1").get_by_label("Intitulé de la coopération").fill("Pôle métropolitain")
    expect(page.locator("#entree-1-legend")).to_contain_text(
        "Coopération 2\u00a0: Pôle métropolitain"
    )
    expect(status(page)).to_have_text(SAVED)

    entries = Response.objects.get().answers["cooperations"]
    assert [entry["coop_title"] for entry in entries] == ["Contrat Brest-COB", "Pôle métropolitain"]
    assert len({entry["_entry"] for entry in entries}) == 2


def test_conditional_question_appears_when_its_condition_holds(
    page, live_server, answer_url, brest_officer
):
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url("approach"))
    description = page.get_by_label("Décrivez cette stratégie")
    expect(description).to_be_hidden()
    assert_accessible(page)
    # DSFR draws its own radio over the input: the label is what people click.
    page.get_by_role("group", name=re.compile("stratégie de coopération")).get_by_text(
        "Oui", exact=True
    ).click()
    expect(description).to_be_visible()
    description.fill("Une alliance des territoires.")
    expect(status(page)).to_have_text(SAVED)
    assert Response.objects.get().answers["approach"] == {
        "approach_strategy": True,
        "approach_strategy_description": "Une alliance des territoires.",
    }


def test_submit_with_confirmation_shows_the_receipt(
    new_page, live_server, answer_url, brest_officer, campaign, brest
):
    draft = response_open(campaign=campaign, territory=brest, user=brest_officer)
    response_save(response=draft, answers=complete_answers(), version=1, user=brest_officer)
    page = new_page()
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url("verifier"))

    page.get_by_role("button", name="Transmettre la réponse").click()
    expect(page.get_by_text("Cochez la case pour confirmer la transmission.")).to_be_visible()
    page.get_by_text(re.compile("Je confirme que ces réponses")).click()
    page.get_by_role("button", name="Transmettre la réponse").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Votre réponse a bien été transmise")
    assert_accessible(page)
    expect(page.get_by_role("main")).to_contain_text("Coopérations décrites")
    expect(page.get_by_role("main")).to_contain_text("brest@example.org")
    assert Response.objects.get().status == "submitted"


def test_answers_typed_after_the_session_expired_are_saved_after_signing_in_again(
    new_page, live_server, answer_url, brest_officer
):
    page = new_page()
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url())
    page.get_by_label("Nom et prénom").fill("Anne")
    expect(status(page)).to_have_text(SAVED)

    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_label("Fonction").fill("Chargée de mission")

    expect(status(page)).to_contain_text("Votre session a expiré")
    page.get_by_role("link", name="Se reconnecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next="))
    page.get_by_label("Adresse électronique ou identifiant").fill("brest")
    page.get_by_label("Mot de passe").fill("x")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(answer_url("respondent"))
    expect(page.get_by_label("Fonction")).to_have_value("Chargée de mission")
    expect(status(page)).to_have_text(SAVED)
    assert Response.objects.get().answers["respondent"] == {
        "respondent_email": "brest@example.org",
        "respondent_name": "Anne",
        "respondent_role": "Chargée de mission",
    }


def test_second_officer_saving_the_same_step_sees_both_versions(
    new_page, live_server, answer_url, brest_officer, make_user, brest, campaign
):
    colleague = make_user("yann", territories=[brest])
    response_open(campaign=campaign, territory=brest, user=brest_officer)
    first, second = new_page(), new_page()
    sign_in(first.context, live_server, brest_officer)
    sign_in(second.context, live_server, colleague)
    first.goto(answer_url())
    second.goto(answer_url())

    first.get_by_label("Nom et prénom").fill("Anne Le Gall")
    expect(status(first)).to_have_text(SAVED)
    second.get_by_label("Nom et prénom").fill("Yann Kervella")

    conflict = second.get_by_role("alert").filter(has_text="modifiée pendant que vous")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("brest a enregistré cette réponse")
    row = conflict.get_by_role("row", name=re.compile("Nom et prénom"))
    expect(row).to_contain_text("Anne Le Gall")
    expect(row).to_contain_text("Yann Kervella")
    expect(second.get_by_label("Nom et prénom")).to_have_value("Yann Kervella")
    assert Response.objects.get().answers["respondent"] == {
        "respondent_name": "Anne Le Gall",
        "respondent_email": "brest@example.org",  # pre-filled from the account
    }

    second.get_by_role("button", name="Garder mes réponses").click()
    expect(second.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible()
    assert Response.objects.get().answers["respondent"] == {
        "respondent_name": "Yann Kervella",
        "respondent_email": "brest@example.org",
    }


def test_a_long_step_shows_one_entry_per_page_and_saves_it_alone(
    new_page, live_server, answer_url, brest_officer, campaign, brest, settings
):
    """Past SURVEY_ENTRIES_PER_STEP the officer opens entries from a list; typing on an
    entry's page autosaves that entry and leaves the others as they were."""
    settings.SURVEY_ENTRIES_PER_STEP = 3
    draft = response_open(campaign=campaign, territory=brest, user=brest_officer)
    entries = [{"_entry": f"c{n}", "coop_title": f"Coopération {n}"} for n in range(1, 6)]
    response_save(
        response=draft, answers={"cooperations": entries}, version=draft.version, user=brest_officer
    )
    page = new_page()
    sign_in(page.context, live_server, brest_officer)
    page.goto(answer_url("cooperations"))

    table = page.get_by_role("table", name=re.compile("Fiches de l’étape"))
    expect(table.get_by_role("row")).to_have_count(6)
    table.get_by_role("link", name="Coopération 4").click()

    expect(page.get_by_text("Coopération 4 sur 5")).to_be_visible()
    page.get_by_label("Objet de la coopération").fill("Résumé de la quatrième.")
    expect(status(page)).to_have_text(SAVED)
    saved = Response.objects.get().answers["cooperations"]
    assert [entry["_entry"] for entry in saved] == ["c1", "c2", "c3", "c4", "c5"]
    assert saved[3]["coop_summary"] == "Résumé de la quatrième."
    assert saved[4] == {"_entry": "c5", "coop_title": "Coopération 5"}

    page.get_by_role("button", name="Coopération suivante").click()
    expect(page.get_by_text("Coopération 5 sur 5")).to_be_visible()
    expect(page.get_by_role("button", name="Coopération suivante")).to_have_count(0)
    page.get_by_role("button", name="revenir à la liste").click()
    expect(page.get_by_role("table", name=re.compile("Fiches de l’étape"))).to_be_visible()
