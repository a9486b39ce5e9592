"""What officers and reviewers tripped on, in a real browser: export names, a step
submitted with errors, the review table, the coverage page and long texts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from surveys.services.responses import officer_add, questionnaire_load
from tests.e2e.test_review import sign_in
from tests.fixtures.surveys import CENSUS, make_campaign

pytestmark = pytest.mark.browser


def download_name(page, link) -> str:
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename


def test_the_two_csv_buttons_give_distinct_names(page, live_server, registry):
    page.goto(live_server.url + "/cooperations/")
    today = f"{timezone.localdate():%Y-%m-%d}"
    comma = download_name(page, page.get_by_role("link", name=re.compile(r"^CSV \(virgule\)")))
    semicolon = download_name(
        page, page.get_by_role("link", name=re.compile(r"^CSV \(point-virgule"))
    )
    assert comma == f"cooperations-{today}.csv"
    assert semicolon == f"cooperations-semicolon-{today}.csv"


@pytest.fixture
def brest_answering(brittany):
    """A campaign to Brest Métropole and its officer, with the campaign's answer URL."""
    brest = brittany["brest_metropole"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest])
    officer = get_user_model().objects.create_user("brest", email="brest@example.org")
    officer_add(user=officer, territory=brest)
    return campaign, officer, campaign.answer_url(brest)


@pytest.fixture
def quiet_page(browser):
    """A page whose refused requests (400, expected here) are not counted as script
    errors; script errors still fail the test."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    errors = []
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    yield browser_page
    context.close()
    assert not errors


def test_submitting_with_errors_stays_on_the_steps_own_url(
    quiet_page, live_server, brest_answering
):
    page = quiet_page
    _campaign, officer, answer_url = brest_answering
    sign_in(page, live_server, officer)

    # The check-and-submit step, without the confirmation: refused, same address.
    page.goto(f"{live_server.url}{answer_url}?etape=verifier")
    page.get_by_role("button", name="Transmettre la réponse").click()
    expect(page.get_by_text("Cochez la case pour confirmer la transmission.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}{answer_url}?etape=verifier")

    # A step saved with a wrong value comes back at the step's address too.
    page.goto(f"{live_server.url}{answer_url}?etape=cooperations")
    page.get_by_role("button", name=re.compile("Ajouter une coopération")).click()
    page.get_by_label(re.compile("Année de début")).fill("deux mille")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Une année entre 1900 et 2100 est attendue.").first).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(f"{answer_url}?etape=cooperations") + "$"))


LONG_URL = (
    "https://www.example.org/" + "documents-de-la-cooperation-interterritoriale/" * 6 + "x.pdf"
)


def test_comparison_table_fits_and_its_region_is_reachable_by_keyboard(
    browser, live_server, brittany, registry
):
    from surveys.answering.mapping import entry_from_cooperation
    from surveys.services.responses import response_open, response_save, response_submit

    brest = brittany["brest_metropole"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest])
    users = get_user_model().objects
    officer = users.create_user("brest", email="brest@example.org")
    officer_add(user=officer, territory=brest)
    reviewer = users.create_user("relecture", email="relecture@example.org", is_staff=True)
    entry = entry_from_cooperation(registry["brest_quimper"], territory=brest)
    entry["coop_documents"] = LONG_URL
    entry["coop_summary"] = "Anticonstitutionnellement" * 8
    response = response_open(campaign=campaign, territory=brest, user=officer)
    answers = {**response.answers, "cooperations": [entry]}
    answers["respondent"] = {"respondent_name": "Anne", "respondent_role": "Chargée"}
    answers["approach"] = {"approach_strategy": False}
    response = response_save(response=response, answers=answers, version=1, user=officer)
    response_submit(response=response, user=officer)

    context = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, live_server, reviewer)
        page.goto(f"{live_server.url}/enquetes/revue/reponses/{response.pk}/")
        region = page.get_by_role("region", name="Fiche 1 comparée au registre")
        expect(region).to_have_attribute("tabindex", "0")
        # No sideways scroll: the table fits its region, the "Écart" column is in view.
        sizes = region.evaluate("element => [element.scrollWidth, element.clientWidth]")
        assert sizes[0] <= sizes[1], sizes
        gap = region.get_by_role("columnheader", name="Écart")
        box = gap.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1024
        expect(region.get_by_text(LONG_URL)).to_be_visible()
        # The region is reached with the keyboard.
        region.focus()
        assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        expect(region).to_be_focused()
    finally:
        context.close()


def test_coverage_invites_beside_territories_without_officer_and_asks_before_reminding_again(
    page, live_server, brittany
):
    from surveys.models import Reminder

    brest, quimper = brittany["brest_metropole"], brittany["quimper_agglo"]
    campaign = make_campaign(questionnaire_load(path=CENSUS)[0], [brest, quimper])
    users = get_user_model().objects
    officer_add(user=users.create_user("brest", email="brest@example.org"), territory=brest)
    reviewer = users.create_user("relecture", email="relecture@example.org", is_staff=True)
    sign_in(page, live_server, reviewer)
    coverage = f"{live_server.url}/enquetes/revue/campagnes/{campaign.pk}/couverture/"

    page.goto(coverage)
    row = page.get_by_role("row", name=re.compile("CA Quimper Bretagne Occidentale"))
    expect(row.get_by_text("Aucun référent")).to_be_visible()
    invite = row.get_by_role("link", name=re.compile("Inviter un référent"))
    expect(invite).to_have_attribute(
        "href", re.compile(rf"/admin/surveys/invitation/add/\?territories={quimper.pk}$")
    )

    def remind(tick: bool = False):
        page.get_by_role("link", name="Relancer les territoires qui n’ont pas transmis").click()
        if tick:
            box = page.get_by_label(re.compile("Relancer aussi le territoire déjà relancé"))
            page.locator("label[for=remind-recent]").click()
            expect(box).to_be_checked()
        page.get_by_role("button", name="Envoyer les relances").click()

    remind()
    expect(page.get_by_role("status").first).to_contain_text("1 territoire relancé.")
    assert Reminder.objects.count() == 1
    # Again at once: left out unless confirmed.
    remind()
    expect(page.get_by_text(re.compile("Déjà relancé il y a moins de 72 heures"))).to_be_visible()
    assert Reminder.objects.count() == 1
    remind(tick=True)
    expect(page.get_by_role("status").first).to_contain_text("1 territoire relancé.")
    assert Reminder.objects.count() == 2


def test_officer_prints_what_was_submitted(page, live_server, brest_answering):
    from surveys.services.responses import response_open, response_save, response_submit
    from tests.fixtures.surveys import complete_answers

    campaign, officer, _answer_url = brest_answering
    response = response_open(campaign=campaign, territory=campaign.targets.get(), user=officer)
    response = response_save(
        response=response, answers=complete_answers(), version=response.version, user=officer
    )
    response = response_submit(response=response, user=officer)
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/enquetes/")
    page.get_by_role("link", name=re.compile("Version imprimable de la réponse transmise")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réponse de Brest Métropole")
    receipt = page.locator("#receipt")
    expect(receipt).to_contain_text(response.receipt_reference)
    expect(receipt).to_contain_text(re.compile(r"\d{1,2}\u00a0\S+\u00a0\d{4} à"))
    expect(
        page.get_by_text("Contrat de réciprocité Brest - Centre Ouest Bretagne", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer ou enregistrer en PDF")).to_be_visible()
    # Printed, only the response: no site header, no buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer ou enregistrer en PDF")).to_be_hidden()
    expect(page.get_by_text("Anne Le Gall")).to_be_visible()


def test_long_text_counts_and_keeps_an_over_long_answer(quiet_page, live_server, brest_answering):
    from surveys.answering.answers import LONG_TEXT_MAX
    from surveys.models import Response

    page = quiet_page
    _campaign, officer, answer_url = brest_answering
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}{answer_url}?etape=approach")
    field = page.get_by_label("Vos attentes vis-à-vis de l’État et des associations d’élus")
    counter = page.locator("[data-counter-for]").filter(has_text="caractères").last
    expect(counter).to_have_text(re.compile(r"^0 caractères sur 20\s000$"))

    field.fill("Des moyens.")
    expect(counter).to_have_text(re.compile(r"^11 caractères sur 20\s000$"))
    expect(page.get_by_text(re.compile(r"Enregistré à"))).to_be_visible()

    too_long = "a" * (LONG_TEXT_MAX + 5)
    field.fill(too_long)
    expect(counter).to_have_text(re.compile(r"^5 caractères de trop"))
    expect(field).to_have_attribute("aria-invalid", "true")
    # The autosave is refused: the error stays beside the field, the text in it and in
    # this browser's storage.
    expect(page.get_by_text("Certaines réponses ne sont pas valides")).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert len(field.input_value()) == LONG_TEXT_MAX + 5
    stored = page.evaluate(
        "Object.keys(localStorage).map(key => localStorage.getItem(key)).join('')"
    )
    assert too_long in stored
    assert Response.objects.get().answers["approach"]["approach_expectations"] == "Des moyens."

    # Shortened, it is saved and the error goes.
    field.fill("a" * LONG_TEXT_MAX)
    expect(page.get_by_text(re.compile(r"Enregistré à"))).to_be_visible()
    expect(field).not_to_have_attribute("aria-invalid", "true")
