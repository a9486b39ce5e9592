"""Sign-in pages under /compte/, the header's account links, and login throttling."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from portal.client_ip import client_ip

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
PASSWORD = "Cooperation-Brest-2024"
LOGIN_URL = "/compte/connexion/"


@pytest.fixture
def officer(make_user, brittany):
    user = make_user("anne.legall@brest-metropole.fr", territories=[brittany["brest_metropole"]])
    user.first_name, user.last_name = "Anne", "Le Gall"
    user.email = user.username
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def throttling(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return settings


def sign_in(client, username, password, ip="192.0.2.10"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="192.0.2.10"):
    return [sign_in(client, username, "wrong password", ip=ip) for _ in range(times)]


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# The pages


def test_login_page_is_in_french_with_labelled_fields(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "<h1>Connexion</h1>" in content
    assert re.search(r'<label class="fr-label" for="id_username">\s*Adresse électronique', content)
    assert re.search(r'<label class="fr-label" for="id_password">\s*Mot de passe', content)
    assert f"Mot de passe oublié{NBSP}?" in content
    assert 'autocomplete="current-password"' in content
    headings = re.findall(r"<h([1-6])", content)
    assert headings[0] == "1"


def test_officer_signs_in_with_the_address_typed_in_capitals(client, officer, throttling):
    response = sign_in(client, "Anne.LeGall@Brest-Metropole.fr", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/enquetes/"
    assert is_signed_in(client)


def test_sign_in_goes_back_to_the_requested_page(client, officer, throttling):
    response = client.post(
        f"{LOGIN_URL}?next=/compte/mot-de-passe/",
        {"username": officer.username, "password": PASSWORD, "next": "/compte/mot-de-passe/"},
    )

    assert response.url == "/compte/mot-de-passe/"


def test_wrong_password_keeps_the_username_and_says_so(client, officer, throttling):
    response = sign_in(client, officer.username, "wrong password")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Connexion impossible" in content
    assert "mot de passe incorrect" in content
    assert f'value="{officer.username}"' in content
    assert "wrong password" not in content
    assert not is_signed_in(client)


def test_header_offers_sign_in_when_signed_out(client):
    content = client.get("/").content.decode()

    assert f'href="{LOGIN_URL}"' in content
    assert "Se connecter" in content
    assert "Se déconnecter" not in content
    # The language switch stays.
    assert 'name="language" value="en"' in content


def test_header_shows_the_signed_in_user_with_password_and_sign_out(client, officer):
    client.force_login(officer)

    content = client.get("/").content.decode()

    assert "Anne Le Gall" in content
    assert 'href="/compte/mot-de-passe/"' in content
    assert re.search(
        r'<form class="portal-account" action="/compte/deconnexion/" method="post"', content
    )
    assert "Se déconnecter" in content
    assert f'href="{LOGIN_URL}"' not in content
    assert 'name="language" value="en"' in content


def test_sign_out_is_post_only(client, officer):
    client.force_login(officer)

    assert client.get("/compte/deconnexion/").status_code == 405
    assert is_signed_in(client)
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert response.url == "/"
    assert not is_signed_in(client)


def test_password_change_needs_sign_in(client):
    response = client.get("/compte/mot-de-passe/")

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/compte/mot-de-passe/"


def test_password_change(client, officer):
    client.force_login(officer)
    page = client.get("/compte/mot-de-passe/").content.decode()
    assert "<h1>Changer de mot de passe</h1>" in page
    assert "Votre mot de passe doit contenir au minimum 8 caractères." in page

    weak = client.post(
        "/compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200
    assert 'id="id_new_password2-errors"' in weak.content.decode()
    assert "Le formulaire contient des erreurs" in weak.content.decode()

    response = client.post(
        "/compte/mot-de-passe/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Password-2025",
            "new_password2": "Another-Password-2025",
        },
    )
    assert response.status_code == 302
    assert response.url == "/compte/mot-de-passe/modifie/"
    assert "Mot de passe changé" in client.get(response.url).content.decode()
    officer.refresh_from_db()
    assert officer.check_password("Another-Password-2025")


def test_password_reset_email_is_french_with_a_working_link(client, officer, throttling):
    page = client.get("/compte/mot-de-passe/oubli/").content.decode()
    assert "<h1>Mot de passe oublié</h1>" in page
    assert re.search(r'<label class="fr-label" for="id_email">\s*Adresse électronique', page)

    response = client.post(
        "/compte/mot-de-passe/oubli/", {"email": "ANNE.LEGALL@brest-metropole.fr"}
    )

    assert response.status_code == 302
    assert response.url == "/compte/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert message.subject == (
        "Réinitialisation de votre mot de passe — Coopérations interterritoriales"
    )
    assert message.body.startswith("Bonjour,\n")
    assert f"Votre identifiant de connexion{NBSP}: anne.legall@brest-metropole.fr" in message.body
    assert "expire dans 3 jours" in message.body
    link = re.search(r"http://testserver(/compte/reinitialisation/\S+/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "<h1>Choisir un nouveau mot de passe</h1>" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "Another-Password-2025", "new_password2": "Another-Password-2025"},
    )
    assert done.status_code == 302
    assert done.url == "/compte/reinitialisation/terminee/"
    assert "Mot de passe enregistré" in client.get(done.url).content.decode()
    assert sign_in(client, officer.username, "Another-Password-2025").status_code == 302
    # The link works once.
    assert "Lien de réinitialisation invalide" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "nobody@example.org"})

    assert response.url == "/compte/mot-de-passe/oubli/envoye/"
    assert mail.outbox == []


# Password reset rate limits

RESET_URL = "/compte/mot-de-passe/oubli/"
DONE_URL = "/compte/mot-de-passe/oubli/envoye/"


def ask_reset(client, email, ip="192.0.2.10"):
    return client.post(RESET_URL, {"email": email}, REMOTE_ADDR=ip)


def test_thirty_resets_for_one_address_send_three_messages(client, officer, settings):
    answers = [ask_reset(client, officer.email, ip=f"192.0.2.{n}") for n in range(30)]

    assert len(mail.outbox) == 3
    # The same neutral answer every time: nothing says the limit was reached.
    assert {(a.status_code, a.url) for a in answers} == {(302, DONE_URL)}


def test_reset_limit_per_address_does_not_tell_whether_an_account_exists(client, officer):
    known = [ask_reset(client, officer.email, ip=f"192.0.2.{n}") for n in range(5)]
    unknown = [ask_reset(client, "nobody@example.org", ip=f"198.51.100.{n}") for n in range(5)]

    assert [(a.status_code, a.url) for a in known] == [(a.status_code, a.url) for a in unknown]
    assert len(mail.outbox) == 3


def test_one_client_asking_too_many_resets_is_told_to_wait(client, officer, settings):
    for n in range(10):
        assert ask_reset(client, f"someone{n}@example.org").status_code == 302

    refused = ask_reset(client, officer.email)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert "Trop de demandes de réinitialisation depuis votre connexion" in page
    assert "Réessayez dans" in page
    assert mail.outbox == []
    # Another client is not held back.
    assert ask_reset(client, officer.email, ip="203.0.113.7").status_code == 302
    assert len(mail.outbox) == 1


# Login throttling (django-axes)


def test_failures_lock_the_username_even_from_another_address(client, officer, throttling):
    responses = fail(client, officer.username, 5, ip="192.0.2.10")
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]

    response = sign_in(client, officer.username, PASSWORD, ip="198.51.100.20")

    assert response.status_code == 429
    assert not is_signed_in(client)


def test_failures_lock_the_address_even_for_another_username(client, officer, throttling):
    for number in range(5):
        sign_in(client, f"someone{number}@example.org", "guess", ip="192.0.2.10")

    assert sign_in(client, officer.username, PASSWORD, ip="192.0.2.10").status_code == 429
    assert not is_signed_in(client)
    # Someone else, elsewhere, is not affected.
    assert sign_in(client, officer.username, PASSWORD, ip="198.51.100.20").status_code == 302


def test_lockout_page_says_what_happened_and_when_to_try_again(client, officer, throttling):
    throttling.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    response = fail(client, officer.username, 5)[-1]

    assert response.status_code == 429
    content = response.content.decode()
    assert "<h1>Connexion temporairement bloquée</h1>" in content
    assert "Trop de tentatives de connexion ont échoué" in content
    assert "La connexion a échoué 5 fois de suite" in content
    assert "bloquées pendant 30 minutes" in content
    assert "Réessayez dans 30 minutes" in content
    assert 'href="/compte/mot-de-passe/oubli/"' in content


def test_attempts_during_the_lock_do_not_extend_it(client, officer, throttling):
    fail(client, officer.username, 5)
    locked_at = AccessAttempt.objects.get().attempt_time

    fail(client, officer.username, 3)

    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == locked_at
    assert attempt.failures_since_start == 5


def test_lock_ends_after_the_cool_off(client, officer, throttling):
    fail(client, officer.username, 5)
    assert sign_in(client, officer.username, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=15)
    )

    response = sign_in(client, officer.username, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_successful_sign_in_forgets_earlier_failures(client, officer, throttling):
    fail(client, officer.username, 4)
    assert sign_in(client, officer.username, PASSWORD).status_code == 302
    client.post("/compte/deconnexion/")

    responses = fail(client, officer.username, 4)

    assert {response.status_code for response in responses} == {200}
    assert not AccessAttempt.objects.filter(failures_since_start__gte=5).exists()


def test_password_reset_by_email_lifts_the_lock_on_the_username(client, officer, throttling):
    fail(client, officer.username, 5, ip="192.0.2.10")
    client.post("/compte/mot-de-passe/oubli/", {"email": officer.email})
    link = re.search(r"http://testserver(/compte/reinitialisation/\S+/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Another-Password-2025", "new_password2": "Another-Password-2025"},
    )

    response = sign_in(client, officer.username, "Another-Password-2025", ip="198.51.100.20")

    assert response.status_code == 302


def test_admin_sign_in_still_works_and_is_throttled_too(client, throttling):
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response.url == "/admin/"
    client.logout()

    for _ in range(5):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


# The client address behind reverse proxies


@pytest.mark.parametrize(
    ("trusted_proxies", "forwarded_for", "expected"),
    [
        ([], "203.0.113.7", "10.0.0.1"),
        (["10.0.0.1"], None, "10.0.0.1"),
        (["10.0.0.1"], "203.0.113.7", "203.0.113.7"),
        (["10.0.0.1"], "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/24"], "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (["10.0.0.0/24"], "203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/24"], "6.6.6.6, not-an-address", "10.0.0.1"),
        # The request does not come from one of our proxies: its header is not believed.
        (["192.0.2.1"], "203.0.113.7", "10.0.0.1"),
    ],
)
def test_client_address_is_read_like_the_api_throttle(
    settings, trusted_proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXIES = trusted_proxies
    headers = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip(RequestFactory().post(reverse("accounts:login"), **headers)) == expected


def test_admin_password_change_still_works_with_the_portal_templates(admin_client, admin_user):
    # Our registration/password_change_*.html replace the admin's own templates too.
    url = reverse("admin:password_change")
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "old_password": "password",
            "new_password1": "Another-Password-2025",
            "new_password2": "Another-Password-2025",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("admin:password_change_done")
    assert "Mot de passe changé" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password("Another-Password-2025")
