"""Security headers and cookies: Permissions-Policy, the language cookie, the CSRF cookie
only where there is a form, HSTS preload opt-in, expiring API tokens."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.test_settings import run_manage


def test_every_page_sends_a_permissions_policy(client, db):
    for url in ("/", "/api/v1/territories/", "/page-qui-n-existe-pas/"):
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy
        assert "geolocation=()" in policy
        assert "microphone=()" in policy


def test_language_cookie_is_samesite_lax_and_http_only(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def test_public_pages_without_a_form_set_no_csrf_cookie(client, db):
    for url in ("/", "/territoires/", "/cooperations/", "/api/docs/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "csrftoken" not in response.cookies, url


def test_pages_with_a_form_still_set_the_csrf_cookie(client, db):
    response = client.get(reverse("accounts:login"))

    assert "csrftoken" in response.cookies


def test_language_switch_works_without_a_csrf_cookie(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/")

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert 'lang="en"' in response.content.decode()


def test_hsts_preload_is_off_by_default_in_production_and_opt_in():
    code = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "cooperations.example.org",
    }

    default = run_manage("shell", "-c", code, **production)
    opted_in = run_manage("shell", "-c", code, SECURE_HSTS_PRELOAD="true", **production)

    assert default.stdout.split()[-1] == "False", default.stderr
    assert opted_in.stdout.split()[-1] == "True", opted_in.stderr


def test_trusted_proxies_must_be_addresses():
    result = run_manage("check", TRUSTED_PROXIES="proxy.example.org")

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.example.org' is not an IP address or network" in (result.stderr)


# API tokens ----------------------------------------------------------------------------------


@pytest.fixture
def token(staff_user):
    return Token.objects.create(user=staff_user)


def token_get(client, token):
    return client.get("/api/v1/responses/", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_a_recent_token_is_accepted(client, token):
    assert token_get(client, token).status_code == 200


def test_a_token_past_its_lifetime_is_refused_with_401(client, token, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=31))

    response = token_get(client, token)

    assert response.status_code == 401
    assert "expiré" in response.json()["detail"]


def test_a_lifetime_of_zero_means_tokens_never_expire(client, token, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 0
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=3650))

    assert token_get(client, token).status_code == 200


def test_admin_shows_when_each_token_expires_and_renews_it(admin_client, token, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(days=31))

    page = admin_client.get(reverse("admin:authtoken_tokenproxy_changelist"))

    assert page.status_code == 200
    assert "expire le" in page.content.decode().lower()
    response = admin_client.post(
        reverse("admin:authtoken_tokenproxy_changelist"),
        {"action": "renew", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    renewed = Token.objects.get(user=token.user)
    assert renewed.key != token.key
    assert token_get(Client(), renewed).status_code == 200


# X-Forwarded-For and the API throttle -------------------------------------------------------


@pytest.fixture
def one_request_per_minute(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)


def api_get(client, forwarded_for):
    return client.get("/api/v1/themes/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_forged_forwarded_for_does_not_escape_the_api_throttle(
    client, db, settings, one_request_per_minute
):
    settings.TRUSTED_PROXIES = []

    assert api_get(client, "203.0.113.1").status_code == 200
    assert api_get(client, "203.0.113.2").status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_quota(
    client, db, settings, one_request_per_minute
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert api_get(client, "203.0.113.1").status_code == 200
    assert api_get(client, "203.0.113.2").status_code == 200
    assert api_get(client, "203.0.113.1").status_code == 429
