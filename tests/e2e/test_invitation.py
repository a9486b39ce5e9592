"""An officer's first day: invited from the admin, sets a password, signs out and in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from surveys.models import Officer
from tests.e2e.header import header, signed_in_as

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "Staff-Password-2024"
OFFICER_PASSWORD = "Cooperation-Brest-2024"
OFFICER_EMAIL = "anne.legall@brest-metropole.fr"


def test_invited_officer_sets_a_password_and_signs_in_again(page, live_server, brittany):
    get_user_model().objects.create_superuser("chloe", "chloe@anct.example.org", STAFF_PASSWORD)
    # Django's admin declares no favicon, so the browser asks for /favicon.ico (a 404).
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))

    # A staff member invites the officer from the admin.
    page.goto(live_server.url + "/admin/surveys/invitation/add/")
    page.get_by_label("Nom d’utilisateur").fill("chloe")
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(r"/admin/surveys/invitation/add/$"))
    page.get_by_label("Adresse électronique").fill(OFFICER_EMAIL)
    page.locator(".field-territories .select2-selection").click()
    page.locator(".select2-search__field").fill("brest")
    page.locator(".select2-results__option", has_text="Brest Métropole").click()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"Invitation envoyée à {OFFICER_EMAIL}.")
    expect(page.locator("#result_list")).to_contain_text("en attente")

    # The officer opens the link from the e-mail.
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/compte/invitation/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation au recensement")
    expect(page.get_by_role("main")).to_contain_text("Brest Métropole")
    page.get_by_label("Prénom").fill("Anne")
    page.get_by_label("Nom", exact=True).fill("Le Gall")
    page.get_by_label("Mot de passe", exact=False).first.fill("short")
    page.get_by_label("Confirmation du mot de passe").fill("short")
    page.get_by_role("button", name="Accepter l’invitation").click()
    expect(page.locator("#id_password1-errors")).to_contain_text("trop court")
    expect(page.get_by_label("Prénom")).to_have_value("Anne")

    page.locator("#id_password1").fill(OFFICER_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Accepter l’invitation").click()

    expect(page).to_have_url(re.compile(r"/enquetes/$"))
    signed_in_as(page, "Anne Le Gall")
    expect(header(page).get_by_role("link", name="Mot de passe")).to_be_visible()
    assert Officer.objects.filter(
        user__username=OFFICER_EMAIL, territory=brittany["brest_metropole"]
    ).exists()

    # Signs out…
    header(page).get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(header(page).get_by_text("Anne Le Gall")).to_have_count(0)

    # …and back in, through the sign-in page.
    header(page).get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
    page.get_by_label("Adresse électronique ou identifiant").fill("Anne.LeGall@brest-metropole.fr")
    page.get_by_label("Mot de passe", exact=True).fill(OFFICER_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/enquetes/$"))
    signed_in_as(page, "Anne Le Gall")
