"""Account pages and the reviewers' campaign pages, clicked through in a real browser.

- An officer changes their password from the header, then signs in with the new one.
- An officer who forgot their password gets a link by e-mail and chooses a new one.
- Repeated wrong passwords lock the sign-in (django-axes): the lockout page says so, for
  how long, and leads to the password reset, which lifts the lock.
- A reviewer opens a campaign's coverage from the campaigns index and reminds the
  territories that have not sent their response, after a confirmation step.
- A reviewer downloads a campaign's responses as CSV, XLSX and ODS.

Everyone signs in through the portal's own sign-in page.
"""

import io
import re
import zipfile
from urllib.parse import urlsplit

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import Reminder, Response, ResponseStatus
from surveys.services.responses import response_open, response_save, response_submit
from tests.e2e.header import header, signed_in_as
from tests.fixtures import surveys as surveys_fixtures

from .accessibility import assert_accessible

# The survey and registry fixtures, for the browser tests as well.

pytestmark = pytest.mark.browser

NBSP = "\u00a0"
OFFICER_PASSWORD = "Cooperation-Brest-2024"
NEW_PASSWORD = "Rade-de-Brest-Navettes-2025"
REVIEWER_PASSWORD = "Relecture-Recensement-2024"


# Helpers ---------------------------------------------------------------------------------


def signed_out(page):
    expect(header(page).get_by_role("link", name="Se connecter")).to_be_visible()
    expect(header(page).get_by_role("button", name="Se déconnecter")).to_have_count(0)


def fill_sign_in(page, username, password):
    """On the sign-in page: type the identifier and the password, and submit."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    page.get_by_label("Adresse électronique ou identifiant").fill(username)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()


def sign_in_from_header(page, live_server, username, password):
    """From the home page, the header's "Se connecter", then the sign-in form: the
    officers' home page (/enquetes/) follows."""
    page.goto(live_server.url + "/")
    header(page).get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
    fill_sign_in(page, username, password)
    expect(page).to_have_url(live_server.url + "/enquetes/")


def sign_out(page, live_server):
    header(page).get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(live_server.url + "/")
    signed_out(page)


def field_error(page, field_id):
    """The errors shown under a field (form_field.html: `<id>-errors`)."""
    return page.locator(f"#{field_id}-errors")


def reset_link(message, live_server):
    link = re.search(r"http://\S+/compte/reinitialisation/\S+/", message.body).group(0)
    assert link.startswith(live_server.url + "/")
    return link


def with_password(user, password, **fields):
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def page_refusing(browser, live_server):
    """A page like conftest's `page`, for a test that expects refused requests: Chromium
    logs each as a console error, so those are recorded in `page.refused` (method, path,
    status) for the test to check, and every other script or console error fails it."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    errors: list[str] = []
    refused: list[tuple[str, str, int]] = []
    browser_page.on("pageerror", lambda error: errors.append(str(error)))
    browser_page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    browser_page.on(
        "response",
        lambda response: (
            refused.append((response.request.method, urlsplit(response.url).path, response.status))
            if response.status >= 400
            else None
        ),
    )
    browser_page.refused = refused
    yield browser_page
    context.close()
    assert not errors, f"JavaScript errors in the browser: {errors}"


def lockout_minutes():
    return round(django_settings.AXES_COOLOFF_TIME.total_seconds() / 60)


# 1. Password change ----------------------------------------------------------------------


def test_officer_changes_password_from_the_header_and_signs_in_with_it(
    page, live_server, brest_officer
):
    officer = with_password(brest_officer, OFFICER_PASSWORD, first_name="Anne", last_name="Le Gall")
    sign_in_from_header(page, live_server, "brest", OFFICER_PASSWORD)
    signed_in_as(page, "Anne Le Gall")

    header(page).get_by_role("link", name="Mot de passe").click()
    expect(page).to_have_url(live_server.url + "/compte/mot-de-passe/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer de mot de passe")
    assert_accessible(page)

    # A wrong current password: the field says so, the password stays as it was.
    page.get_by_label("Ancien mot de passe").fill("Pas-le-bon-2024")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Changer le mot de passe").click()
    # (The alert's heading is not asserted: Django's `title` context leaks into it.)
    expect(page.get_by_role("alert")).to_contain_text("Corrigez les champs signalés ci-dessous.")
    expect(field_error(page, "id_old_password")).to_have_text(
        "Votre ancien mot de passe est incorrect. Veuillez le rectifier."
    )
    expect(page.get_by_label("Ancien mot de passe")).to_have_attribute(
        "aria-describedby", "id_old_password-errors"
    )
    officer.refresh_from_db()
    assert officer.check_password(OFFICER_PASSWORD)

    # The right one.
    page.get_by_label("Ancien mot de passe").fill(OFFICER_PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page).to_have_url(live_server.url + "/compte/mot-de-passe/modifie/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe changé")
    expect(page.get_by_role("main")).to_contain_text(
        "Votre mot de passe a été changé. Utilisez-le à votre prochaine connexion."
    )
    # Still signed in: changing the password keeps this session.
    signed_in_as(page, "Anne Le Gall")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert not officer.check_password(OFFICER_PASSWORD)

    sign_out(page, live_server)

    # The old password no longer opens the account; the new one does.
    header(page).get_by_role("link", name="Se connecter").click()
    fill_sign_in(page, "brest", OFFICER_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Connexion impossible")
    expect(page.get_by_role("alert")).to_contain_text(
        "Adresse électronique (ou identifiant) ou mot de passe incorrect."
    )
    signed_out(page)
    fill_sign_in(page, "brest", NEW_PASSWORD)
    expect(page).to_have_url(live_server.url + "/enquetes/")
    signed_in_as(page, "Anne Le Gall")


# 2. Password reset -----------------------------------------------------------------------


def test_officer_resets_a_forgotten_password_by_e_mail(page, live_server, brest_officer):
    officer = with_password(brest_officer, OFFICER_PASSWORD)
    page.goto(live_server.url + "/compte/connexion/")

    page.get_by_role("link", name=f"Mot de passe oublié{NBSP}?").click()
    expect(page).to_have_url(live_server.url + "/compte/mot-de-passe/oubli/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    assert_accessible(page)
    # People type their address as they like: the account is found all the same.
    page.get_by_label("Adresse électronique").fill("Brest@Example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page).to_have_url(live_server.url + "/compte/mot-de-passe/oubli/envoye/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")

    # One French e-mail, to the account's address, with the link and the identifier.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["brest@example.org"]
    assert message.subject == (
        "Réinitialisation de votre mot de passe — Coopérations interterritoriales"
    )
    assert message.body.startswith("Bonjour,")
    assert f"Pour le choisir, ouvrez ce lien{NBSP}:" in message.body
    assert f"Votre identifiant de connexion{NBSP}: brest" in message.body
    days = max(1, django_settings.PASSWORD_RESET_TIMEOUT // 86400)
    assert f"expire dans {days} jour" in message.body
    link = reset_link(message, live_server)

    page.goto(link)
    # Django swaps the token for a session key: the address bar no longer shows it.
    expect(page).to_have_url(re.compile(r"/compte/reinitialisation/[^/]+/set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    assert_accessible(page)

    # The confirmation differs: refused next to the confirmation field.
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(field_error(page, "id_new_password2")).to_have_text(
        "Les deux mots de passe ne correspondent pas."
    )
    officer.refresh_from_db()
    assert officer.check_password(OFFICER_PASSWORD)

    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page).to_have_url(live_server.url + "/compte/reinitialisation/terminee/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)

    # The link has served: opened again, it says so and offers a new one.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien de réinitialisation invalide")
    expect(page.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    fill_sign_in(page, "brest", NEW_PASSWORD)
    expect(page).to_have_url(live_server.url + "/enquetes/")
    signed_in_as(page, "brest@example.org")


# 3. Lockout ------------------------------------------------------------------------------


def test_repeated_wrong_passwords_lock_the_sign_in_until_a_reset(
    page_refusing, live_server, brest_officer, settings
):
    page = page_refusing
    # Three failures rather than the configured five: the live server reads the setting
    # on each request (the lockout page below says "3 fois").
    settings.AXES_FAILURE_LIMIT = 3
    limit = settings.AXES_FAILURE_LIMIT
    officer = with_password(brest_officer, OFFICER_PASSWORD)
    page.goto(live_server.url + "/compte/connexion/")

    for attempt in range(1, limit):
        fill_sign_in(page, "brest", f"Mauvais-mot-de-passe-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("Connexion impossible")
        expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
        # The identifier stays in the field; the password does not.
        expect(page.get_by_label("Adresse électronique ou identifiant")).to_have_value("brest")
        expect(page.get_by_label("Mot de passe", exact=True)).to_have_value("")

    # The last failure allowed: the page says the sign-in is locked, and for how long.
    fill_sign_in(page, "brest", f"Mauvais-mot-de-passe-{limit}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion temporairement bloquée")
    assert_accessible(page)
    main = page.get_by_role("main")
    minutes = lockout_minutes()
    duration = f"{minutes} minute" + ("s" if minutes > 1 else "")
    expect(main).to_contain_text(
        f"La connexion a échoué {limit} fois de suite pour ce compte ou depuis votre "
        "adresse réseau."
    )
    expect(main).to_contain_text(f"Par sécurité, les connexions sont bloquées pendant {duration}.")
    expect(main).to_contain_text(f"Réessayez dans {duration}, en vérifiant")
    locked = ("POST", "/compte/connexion/", django_settings.AXES_HTTP_RESPONSE_CODE)
    assert page.refused == [locked]
    attempt = AccessAttempt.objects.get(username="brest")
    assert attempt.failures_since_start == limit

    # Even the right password is refused while the lock lasts.
    page.goto(live_server.url + "/compte/connexion/")
    fill_sign_in(page, "brest", OFFICER_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion temporairement bloquée")
    signed_out(page)
    assert page.refused == [locked, locked]
    # Attempts during the lock do not push its end back: the delay announced holds.
    during_lock = AccessAttempt.objects.get(username="brest")
    assert during_lock.attempt_time == attempt.attempt_time
    assert during_lock.failures_since_start == limit

    # The lockout page leads to the password reset; the e-mailed link lifts the lock.
    page.get_by_role("link", name="Réinitialiser mon mot de passe").click()
    expect(page).to_have_url(live_server.url + "/compte/mot-de-passe/oubli/")
    page.get_by_label("Adresse électronique").fill("brest@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert len(mail.outbox) == 1
    page.goto(reset_link(mail.outbox[0], live_server))
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    assert not AccessAttempt.objects.filter(username="brest").exists()

    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    fill_sign_in(page, "brest", NEW_PASSWORD)
    expect(page).to_have_url(live_server.url + "/enquetes/")
    signed_in_as(page, "brest@example.org")
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert page.refused == [locked, locked]


# 4. Coverage and reminders ---------------------------------------------------------------


def territory_row(page, name):
    table = page.get_by_role("table", name="État de la réponse de chaque territoire interrogé")
    return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))


def test_reviewer_reminds_the_territories_that_have_not_answered(
    page, live_server, brittany, campaign, brest_officer, reviewer
):
    brest = brittany["brest_metropole"]
    # Brest Métropole has a draft; Saint-Étienne Métropole nothing, and no officer.
    response_open(campaign=campaign, territory=brest, user=brest_officer)
    with_password(reviewer, REVIEWER_PASSWORD, first_name="Chloé", last_name="Martin")

    sign_in_from_header(page, live_server, "reviewer", REVIEWER_PASSWORD)
    signed_in_as(page, "Chloé Martin")
    page.get_by_role("link", name="Relire les réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File de relecture")
    review_pages = page.get_by_role("navigation", name="Pages de relecture")
    review_pages.get_by_role("link", name="Campagnes et couverture").click()
    expect(page).to_have_url(live_server.url + "/enquetes/revue/campagnes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    expect(
        page.get_by_role("navigation", name="Pages de relecture").get_by_role(
            "link", name="Campagnes et couverture"
        )
    ).to_have_attribute("aria-current", "page")
    assert_accessible(page)

    # The campaign's row: one target without a response, one draft.
    campaigns_table = page.get_by_role("table", name="Les campagnes et l’état des réponses")
    row = campaigns_table.get_by_role("row").filter(has_text="Recensement")
    expect(row.get_by_role("cell")).to_have_count(7)  # period, 5 statuses, exports
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_have_text("1")  # Pas de réponse
    expect(cells.nth(2)).to_have_text("1")  # Brouillon
    expect(cells.nth(3)).to_have_text("0")  # Transmise
    row.get_by_role("link", name="Recensement", exact=True).click()

    # The coverage page.
    expect(page).to_have_url(
        live_server.url + f"/enquetes/revue/campagnes/{campaign.pk}/couverture/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Couverture de la campagne «{NBSP}Recensement{NBSP}»"
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text("2 territoires interrogés.")
    assert_accessible(page)
    brest_row = territory_row(page, "Brest Métropole")
    expect(brest_row.get_by_role("cell").nth(0)).to_have_text("Brouillon")
    expect(brest_row.get_by_role("cell").nth(2)).to_have_text("1")  # one officer
    expect(brest_row.get_by_role("cell").nth(3)).to_have_text("—")  # never reminded
    saint_etienne_row = territory_row(page, "Saint-Étienne Métropole")
    expect(saint_etienne_row.get_by_role("cell").nth(0)).to_have_text("Pas de réponse")
    expect(saint_etienne_row).to_contain_text("Aucun référent")
    expect(
        saint_etienne_row.get_by_role("link", name=re.compile("Inviter un référent"))
    ).to_be_visible()
    expect(main).to_contain_text("2 territoires n’ont pas transmis leur réponse.")
    expect(main).to_contain_text(
        f"1 de ces territoires n’a aucun référent{NBSP}: il ne peut pas être relancé."
    )

    # The reminder: a confirmation step (a page of its own), then the sending.
    page.get_by_role("link", name="Relancer les territoires qui n’ont pas transmis").click()
    expect(page).to_have_url(re.compile(r"/couverture/\?confirmer=relancer#confirmation$"))
    expect(page.get_by_role("heading", name="Confirmez la relance")).to_be_visible()
    expect(main).to_contain_text(
        "Un courriel partira vers les référents de chacun des 2 territoires."
    )
    assert not Reminder.objects.exists()
    assert mail.outbox == []
    page.get_by_role("button", name="Envoyer les relances").click()

    expect(page).to_have_url(
        live_server.url + f"/enquetes/revue/campagnes/{campaign.pk}/couverture/"
    )
    status = page.get_by_role("status")
    expect(status).to_contain_text("1 territoire relancé.")
    expect(status).to_contain_text(
        f"Sans référent, donc non relancés{NBSP}: Saint-Étienne Métropole."
    )
    expect(page.get_by_role("heading", name="Confirmez la relance")).to_have_count(0)
    # The table now shows when Brest Métropole was reminded.
    expect(brest_row.get_by_role("cell").nth(3)).to_have_text(
        re.compile(r"^\d{1,2}\s\S+\s\d{4} à \d{1,2}\s+h\s+\d\d$")
    )
    expect(saint_etienne_row.get_by_role("cell").nth(3)).to_have_text("—")

    # One e-mail, to Brest Métropole's officer, with the link to its answer page.
    reminder = Reminder.objects.get()
    assert (reminder.campaign, reminder.territory) == (campaign, brest)
    assert reminder.recipients == "brest@example.org"
    assert reminder.sent_by == reviewer
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["brest@example.org"]
    assert message.subject == f"Relance{NBSP}: Recensement — Brest Métropole"
    assert "la réponse est commencée mais pas encore transmise" in message.body
    answer_url = f"{live_server.url}/enquetes/{campaign.pk}/epci/242900314/"
    assert answer_url in message.body.splitlines()

    # The link opens the officer's answer page once signed in.
    sign_out(page, live_server)
    with_password(brest_officer, OFFICER_PASSWORD)
    page.goto(answer_url)
    expect(page).to_have_url(re.compile(r"/compte/connexion/\?next="))
    fill_sign_in(page, "brest", OFFICER_PASSWORD)
    expect(page).to_have_url(answer_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Réponse de Brest Métropole")


# 5. Exports ------------------------------------------------------------------------------


def download(page, link):
    with page.expect_download() as info:
        link.click()
    result = info.value
    assert result.failure() is None
    with open(result.path(), "rb") as file:
        return result.suggested_filename, file.read()


def test_reviewer_downloads_a_campaigns_responses(
    page, live_server, brittany, campaign, brest_officer, reviewer, themes
):
    brest = brittany["brest_metropole"]
    response = response_open(campaign=campaign, territory=brest, user=brest_officer)
    response = response_save(
        response=response,
        answers=surveys_fixtures.complete_answers(),
        version=response.version,
        user=brest_officer,
    )
    response_submit(response=response, user=brest_officer)
    assert Response.objects.get().status == ResponseStatus.SUBMITTED
    with_password(reviewer, REVIEWER_PASSWORD)
    today = f"{timezone.localdate():%Y-%m-%d}"

    sign_in_from_header(page, live_server, "reviewer", REVIEWER_PASSWORD)
    page.get_by_role("link", name="Relire les réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File de relecture")
    expect(page.get_by_text("Choisissez une campagne pour exporter ses réponses")).to_be_visible()

    # The queue, filtered on the campaign: its export links carry the filters.
    page.get_by_label("Campagne").select_option(label="Recensement")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"\?campaign={campaign.pk}\b"))
    expect(page.get_by_role("heading", level=2, name="1 réponse")).to_be_visible()
    exports = page.locator(".fr-callout").filter(has_text="Exporter les réponses")

    name, content = download(page, exports.get_by_role("link", name="CSV", exact=True))
    assert name == f"enquete-recensement-responses-{today}.csv"
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith(
        "response_id,campaign_id,campaign_title,territory_kind,territory_code,territory_name,"
        "status,status_label,"
    )
    assert len(lines) == 2
    assert f"{response.pk},{campaign.pk},Recensement,epci,242900314,Brest Métropole," in lines[1]
    assert ",submitted,Transmise," in lines[1]

    # The workbooks hold every table, one per sheet (their content: tests/surveys).
    name, content = download(page, exports.get_by_role("link", name="XLSX (Excel)"))
    assert name == f"enquete-recensement-{today}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["responses", "cooperations", "codebook"]
    rows = list(workbook["responses"].values)
    assert ",".join(rows[0]) == lines[0]
    assert rows[1][:6] == (
        response.pk,
        campaign.pk,
        "Recensement",
        "epci",
        "242900314",
        "Brest Métropole",
    )

    name, content = download(page, exports.get_by_role("link", name="ODS (LibreOffice)"))
    assert name == f"enquete-recensement-{today}.ods"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        spreadsheet = archive.read("content.xml").decode("utf-8")
    for table in ("responses", "cooperations", "codebook"):
        assert f'table:name="{table}"' in spreadsheet
    assert "Brest Métropole" in spreadsheet

    # The same CSV from the campaigns index, and from the campaign's coverage page.
    page.get_by_role("navigation", name="Pages de relecture").get_by_role(
        "link", name="Campagnes et couverture"
    ).click()
    campaigns_table = page.get_by_role("table", name="Les campagnes et l’état des réponses")
    row = campaigns_table.get_by_role("row").filter(has_text="Recensement")
    name, content = download(page, row.get_by_role("link", name="CSV", exact=True))
    assert name == f"enquete-recensement-responses-{today}.csv"
    assert content.decode("utf-8-sig").splitlines() == lines
    row.get_by_role("link", name="Recensement", exact=True).click()
    name, content = download(page, page.get_by_role("link", name="Exporter en CSV"))
    assert name == f"enquete-recensement-responses-{today}.csv"
    assert content.decode("utf-8-sig").splitlines() == lines
    expect(page.get_by_role("link", name="Exporter en XLSX (Excel)")).to_be_visible()
    expect(page.get_by_role("link", name="Exporter en ODS (LibreOffice)")).to_be_visible()
    # The page stays where it was: a download is no navigation.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Couverture de la campagne")
