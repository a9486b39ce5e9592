"""The census from end to end in a real browser, as its two kinds of users live it.

- An officer invited by e-mail sets a password, answers for Brest Métropole step by step
  (two cooperations, partners chosen among the suggestions as you type), finds every
  answer after a reload, then submits and gets the receipt, on screen and by e-mail.
- A reviewer returns a submitted response with a note; the officer, in another browser,
  reads the note, corrects and submits again; the reviewer validates, and the
  cooperations appear in the public registry with their survey provenance.

Everyone signs in through the portal's own pages (the invitation link, the sign-in form).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from cooperation.models import Cooperation, Origin
from surveys.models import Response, ResponseStatus
from surveys.services.invitations import invitation_send
from surveys.services.responses import officer_add, response_open, response_save, response_submit
from tests.fixtures import surveys as surveys_fixtures

from .accessibility import assert_accessible

# The survey and registry fixtures, for the browser tests as well.

pytestmark = pytest.mark.browser

NBSP = "\u00a0"
OFFICER_EMAIL = "anne.legall@brest-metropole.fr"
OFFICER_PASSWORD = "Cooperation-Brest-2024"
REVIEWER_PASSWORD = "Relecture-Recensement-2024"
SAVED = re.compile(r"Enregistré à \d{1,2}\s+h\s+\d\d")


class Browsers:
    """One browser context per person. Script errors fail the test; refused requests
    (status 400 and above) are recorded for the test to compare with those it expects."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.errors: list[str] = []
        self.refused: list[tuple[str, str, int]] = []

    def new_page(self):
        context = self.browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self.on_console)
        page.on("response", self.on_response)
        return page

    def on_console(self, message):
        # Chromium also logs each refused request: those are checked in `refused`.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def on_response(self, response):
        if response.status >= 400:
            path = urlsplit(response.url).path
            self.refused.append((response.request.method, path, response.status))

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(browser, live_server):
    opened = Browsers(browser)
    yield opened
    opened.close()
    assert not opened.errors, f"JavaScript errors in the browser: {opened.errors}"


def sign_in(page, live_server, path, username, password):
    """Open `path`, which sends to the sign-in page, and sign in there."""
    page.goto(live_server.url + path)
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next="))
    page.get_by_label("Adresse électronique ou identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server.url + path)


def entry(page, number):
    """The fieldset of the n-th cooperation (its legend: « Coopération n : title »)."""
    return page.get_by_role("group", name=re.compile(rf"^Coopération {number}\b"))


def choose_partner(entry_group, query, name):
    """Type in the territory search and pick `name` among the suggestions."""
    search = entry_group.get_by_role("combobox", name="Rechercher un territoire à ajouter")
    search.fill(query)
    entry_group.get_by_role("option", name=re.compile(rf"^{re.escape(name)}")).click()
    expect(entry_group.get_by_role("list", name="Territoires choisis")).to_contain_text(name)


def choose(entry_group, question, role, name):
    """Tick a choice as a mouse user does: the DSFR draws the box over the input, so the
    label is what is clicked. Then the radio or checkbox of that name is checked."""
    group = entry_group.get_by_role("group", name=re.compile(rf"^{re.escape(question)}"))
    group.get_by_text(name, exact=True).click()
    expect(group.get_by_role(role, name=name, exact=True)).to_be_checked()


def confirm_submission(page, territory_name):
    """Tick the confirmation box (by its label, which the DSFR draws over the box)."""
    label = re.compile(f"Je confirme que ces réponses sont celles de {territory_name}")
    page.get_by_text(label).click()
    expect(page.get_by_role("checkbox", name=label)).to_be_checked()


def fill_cooperation(entry_group, *, title, instrument, theme, status, partner_query, partner):
    entry_group.get_by_label("Intitulé de la coopération").fill(title)
    choose(entry_group, "Forme de la coopération", "radio", instrument)
    choose(entry_group, "Thèmes", "checkbox", theme)
    choose(entry_group, "Statut", "radio", status)
    choose_partner(entry_group, partner_query, partner)


def expect_cooperation(entry_group, *, title, instrument, theme, status, partner):
    expect(entry_group.get_by_label("Intitulé de la coopération")).to_have_value(title)
    expect(entry_group.get_by_role("radio", name=instrument, exact=True)).to_be_checked()
    expect(entry_group.get_by_role("checkbox", name=theme, exact=True)).to_be_checked()
    expect(entry_group.get_by_role("radio", name=status, exact=True)).to_be_checked()
    expect(entry_group.get_by_role("list", name="Territoires choisis")).to_contain_text(partner)


COOPERATIONS = [
    {
        "title": "Navettes maritimes de la rade",
        "instrument": "Contrat de réciprocité",
        "theme": "Mobilités",
        "status": "En cours",
        "partner_query": "quimp",
        "partner": "CA Quimper Bretagne Occidentale",
    },
    {
        "title": "Charte des villes d’art",
        "instrument": "Charte",
        "theme": "Tourisme",
        "status": "En projet",
        "partner_query": "saint eti",
        "partner": "Saint-Étienne Métropole",
    },
]


def test_invited_officer_answers_step_by_step_and_submits_with_a_receipt(
    browsers, live_server, brittany, campaign
):
    brest = brittany["brest_metropole"]
    chloe = get_user_model().objects.create_user(
        "chloe", email="chloe@anct.example.org", is_staff=True, first_name="Chloé"
    )
    invitation_send(
        email=OFFICER_EMAIL, territories=[brest], invited_by=chloe, base_url=live_server.url
    )
    link = re.search(r"http://\S+/compte/invitation/\S+/", mail.outbox[0].body).group(0)
    page = browsers.new_page()

    # The invitation: a name, a password, and the officer is signed in on /enquetes/.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation au recensement")
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Anne")
    page.get_by_label("Nom", exact=True).fill("Le Gall")
    # The label also holds the password rules (which say "mot de passe" too).
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(OFFICER_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Accepter l’invitation").click()
    expect(page).to_have_url(live_server.url + "/enquetes/")
    assert_accessible(page)

    # The answer page for Brest Métropole, first step: who answers.
    page.get_by_role("link", name="Commencer — Brest Métropole").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réponse de Brest Métropole")
    assert_accessible(page)
    page.get_by_label("Nom et prénom").fill("Anne Le Gall")
    page.get_by_label("Fonction").fill("Chargée de mission coopérations")
    page.get_by_role("button", name="Suivant").click()

    # Second step: two cooperations, each partner picked among the suggestions.
    expect(page).to_have_url(re.compile(r"\?etape=cooperations"))
    for number, cooperation in enumerate(COOPERATIONS, start=1):
        page.get_by_role("button", name="Ajouter une coopération").click()
        expect(entry(page, number)).to_be_visible()
        fill_cooperation(entry(page, number), **cooperation)
        expect(entry(page, number)).to_contain_text(
            f"Coopération {number}{NBSP}: {cooperation['title']}"
        )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible()
    assert_accessible(page)

    # Everything is found again after a reload.
    page.reload()
    for number, cooperation in enumerate(COOPERATIONS, start=1):
        expect_cooperation(
            entry(page, number),
            **{key: value for key, value in cooperation.items() if key != "partner_query"},
        )
    saved = Response.objects.get(territory=brest).answers["cooperations"]
    assert [item["coop_partners"] for item in saved] == [["epci:242900694"], ["epci:244200770"]]

    # Last section, then "check and submit".
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"\?etape=approach"))
    choose(page, "Votre territoire a-t-il adopté une stratégie", "radio", "Non")
    page.get_by_label("Vos attentes vis-à-vis de l’État").fill("Un appui en ingénierie.")
    expect(page.locator("#save-status")).to_have_text(SAVED)
    assert_accessible(page)
    page.get_by_role("button", name="Suivant").click()
    expect(page).to_have_url(re.compile(r"\?etape=verifier"))
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=re.compile("^Vérifier et transmettre"))).to_be_visible()
    for cooperation in COOPERATIONS:
        expect(main).to_contain_text(cooperation["title"])
    confirm_submission(page, "Brest Métropole")
    page.get_by_role("button", name="Transmettre la réponse").click()

    # The receipt, on screen and by e-mail.
    expect(page).to_have_url(re.compile(r"/accuse-de-reception/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre réponse a bien été transmise")
    expect(page.get_by_role("main")).to_contain_text("Coopérations décrites 2")
    expect(page.get_by_role("main")).to_contain_text(OFFICER_EMAIL)
    assert_accessible(page)
    assert Response.objects.get(territory=brest).status == ResponseStatus.SUBMITTED
    receipt = mail.outbox[-1]
    assert len(mail.outbox) == 2
    assert receipt.to == [OFFICER_EMAIL]
    assert receipt.subject == f"Accusé de réception{NBSP}: {campaign.title}"
    assert "Brest Métropole" in receipt.body
    assert browsers.refused == []


SUBMITTED = [
    {
        "_entry": "navettes",
        "coop_title": "Navettes maritimes de la rade",
        "coop_partners": ["epci:242900694"],
        "coop_instrument": "reciprocity_contract",
        "coop_themes": ["mobility"],
        "coop_status": "active",
        "coop_summary": "Des navettes.",
    },
    {
        "_entry": "charte",
        "coop_title": "Charte des villes d’art",
        "coop_partners": ["epci:244200770"],
        "coop_instrument": "charter",
        "coop_themes": ["tourism"],
        "coop_status": "planned",
    },
]
NOTE = f"Précisez l’objet des navettes{NBSP}: qui les finance, à quelle fréquence{NBSP}?"
CORRECTED = "Des navettes quotidiennes entre Brest et Quimper, cofinancées par la Région."


def test_reviewer_returns_officer_corrects_and_reviewer_validates_into_the_registry(
    browsers, live_server, brittany, campaign, themes
):
    brest = brittany["brest_metropole"]
    users = get_user_model().objects
    officer = users.create_user(
        OFFICER_EMAIL,
        email=OFFICER_EMAIL,
        password=OFFICER_PASSWORD,
        first_name="Anne",
        last_name="Le Gall",
    )
    officer_add(user=officer, territory=brest)
    users.create_user(
        "chloe", email="chloe@anct.example.org", password=REVIEWER_PASSWORD, is_staff=True
    )
    response = response_open(campaign=campaign, territory=brest, user=officer)
    answers = surveys_fixtures.complete_answers() | {"cooperations": SUBMITTED}
    response = response_save(
        response=response, answers=answers, version=response.version, user=officer
    )
    response_submit(response=response, user=officer)

    # The reviewer signs in, opens the queue, then the response, and returns it.
    reviewer_page = browsers.new_page()
    sign_in(reviewer_page, live_server, "/enquetes/revue/", "chloe", REVIEWER_PASSWORD)
    expect(reviewer_page.get_by_role("heading", level=2, name="1 réponse")).to_be_visible()
    reviewer_page.get_by_role("link", name="Brest Métropole").click()
    expect(reviewer_page.get_by_role("heading", level=1)).to_have_text("Réponse de Brest Métropole")
    reviewer_page.get_by_label("Remarques pour le territoire").fill(NOTE)
    reviewer_page.get_by_role("button", name="Renvoyer au territoire").click()
    expect(
        reviewer_page.get_by_text("La réponse a été renvoyée à Brest Métropole avec vos remarques.")
    ).to_be_visible()

    # The officer, in another browser, reads the note and corrects the answer.
    officer_page = browsers.new_page()
    sign_in(
        officer_page, live_server, "/enquetes/", "Anne.LeGall@brest-metropole.fr", OFFICER_PASSWORD
    )
    officer_page.get_by_role("link", name="Reprendre — Brest Métropole").click()
    expect(
        officer_page.get_by_role(
            "heading", name="Votre réponse vous a été renvoyée pour corrections"
        )
    ).to_be_visible()
    expect(officer_page.get_by_text(NOTE)).to_be_visible()
    officer_page.get_by_role("button", name="Suivant").click()
    expect(officer_page).to_have_url(re.compile(r"\?etape=cooperations"))
    summary = entry(officer_page, 1).get_by_label("Objet de la coopération")
    expect(summary).to_have_value("Des navettes.")
    summary.fill(CORRECTED)
    officer_page.get_by_role("button", name="Suivant").click()
    expect(officer_page).to_have_url(re.compile(r"\?etape=approach"))
    officer_page.get_by_role("button", name="Suivant").click()
    expect(officer_page).to_have_url(re.compile(r"\?etape=verifier"))
    expect(officer_page.get_by_role("main")).to_contain_text(CORRECTED)
    officer_page.get_by_role("button", name="Transmettre la réponse").click()
    expect(
        officer_page.get_by_text("Cochez la case pour confirmer la transmission.")
    ).to_be_visible()
    confirm_submission(officer_page, "Brest Métropole")
    officer_page.get_by_role("button", name="Transmettre la réponse").click()
    expect(officer_page.get_by_role("heading", level=1)).to_have_text(
        "Votre réponse a bien été transmise"
    )

    # The reviewer sees the correction and validates, after a confirmation.
    reviewer_page.reload()
    expect(reviewer_page.get_by_role("main")).to_contain_text(CORRECTED)
    reviewer_page.get_by_role("link", name="Valider et verser au registre").click()
    expect(reviewer_page.get_by_role("heading", name="Confirmez la validation")).to_be_visible()
    reviewer_page.get_by_role("button", name="Confirmer la validation").click()
    expect(
        reviewer_page.get_by_text(
            "La réponse est validée et ses coopérations sont versées au registre."
        )
    ).to_be_visible()
    assert Response.objects.get(territory=brest).status == ResponseStatus.VALIDATED

    # Both cooperations are in the public registry, with their provenance.
    for cooperation in SUBMITTED:
        title = cooperation["coop_title"]
        officer_page.goto(live_server.url + "/cooperations/")
        filters = officer_page.get_by_role("form", name="Filtres")
        filters.get_by_label("Rechercher une coopération").fill(title)
        filters.get_by_role("button", name="Rechercher").click()
        expect(officer_page).to_have_url(re.compile(r"/cooperations/\?(.*&)?q="))
        officer_page.get_by_role("link", name=title, exact=True).click()
        expect(officer_page.get_by_role("heading", level=1)).to_have_text(title)
        expect(officer_page.get_by_role("main")).to_contain_text(
            f"Réponse au recensement — {campaign.title} — réponse de Brest Métropole"
        )
    expect(officer_page.get_by_role("main")).to_contain_text("Saint-Étienne Métropole")
    records = Cooperation.objects.filter(origin=Origin.SURVEY, is_published=True)
    assert sorted(records.values_list("title", flat=True)) == sorted(
        item["coop_title"] for item in SUBMITTED
    )
    assert records.get(title=SUBMITTED[0]["coop_title"]).summary == CORRECTED
    # The only refusal: the first submission, without the confirmation box ticked.
    answer_path = f"/enquetes/{campaign.pk}/{brest.kind}/{brest.code}/"
    assert browsers.refused == [("POST", answer_path, 400)]
