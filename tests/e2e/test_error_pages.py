"""The pages a visitor gets when the portal refuses a request: downloads beyond the
anonymous quota (429), a form too large (413), an address too long (414)."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.throttling import AnonRateThrottle

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create

pytestmark = pytest.mark.browser

# Chromium reports the page's own error status in the console; a static file never has it.
EXPECTED_STATUS = re.compile(r"status of (413|414|429) ")


@pytest.fixture
def page(browser, live_server):
    """The shared `page` fixture, but for the error status that these pages answer with."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    errors: list[str] = []
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    browser_page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not EXPECTED_STATUS.search(message.text)
            else None
        ),
    )
    yield browser_page
    context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"


@pytest.fixture
def record(brittany):
    return cooperation_create(
        title="Contrat de réciprocité Brest-Quimper",
        instrument=Instrument.RECIPROCITY_CONTRACT,
        partners=[
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["quimper_agglo"]),
        ],
        is_published=True,
    )


def test_downloads_beyond_the_quota_explain_when_to_come_back(
    page, live_server, record, monkeypatch
):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    page.goto(live_server.url + "/cooperations/")
    with page.expect_download():
        page.get_by_role("link", name="Excel (XLSX)").click()

    page.get_by_role("link", name="LibreOffice (ODS)").click()

    expect(page).to_have_title(
        "Téléchargements temporairement limités — Coopérations interterritoriales"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Téléchargements temporairement limités"
    )
    expect(page.get_by_text("Réessayez dans 1 minute")).to_be_visible()
    page.get_by_role("link", name="Retour aux coopérations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coopérations")


def test_a_form_too_large_says_nothing_was_saved(page, live_server, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    page.goto(live_server.url + "/compte/connexion/")

    page.get_by_label("Adresse électronique ou identifiant").fill("referente@example.org")
    page.get_by_label("Mot de passe").fill("x" * 3_000)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Envoi trop volumineux")
    expect(page.get_by_text("rien n’a été enregistré")).to_be_visible()


def test_an_address_too_long_suggests_fewer_filters(page, live_server, db, settings):
    settings.MAX_URL_LENGTH = 200

    page.goto(live_server.url + "/cooperations/?q=" + "brest+" * 50)

    expect(page.get_by_role("heading", level=1)).to_have_text("Adresse trop longue")
    expect(page.get_by_text("Retirez des filtres")).to_be_visible()
    page.get_by_role("link", name="Rechercher une coopération").click()
    expect(page).to_have_url(live_server.url + "/cooperations/")
