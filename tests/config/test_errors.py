"""Errors that Django answers around the views: JSON `{"detail": "…"}` under /api/, a page
elsewhere (config/errors.py, config/request_line.py)."""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from territories.api.views import TerritoryViewSet


@pytest.fixture
def client():
    """A client that gets the 500 page, as a visitor would, instead of the exception."""
    return Client(raise_request_exception=False)


def assert_json_detail(response, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["detail"]
    assert body["detail"]
    return body["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here/",
        "/api/v1/territories/planet/29/",  # a kind outside the route's pattern
        "/api/v1/responses/abc/",  # an id that is not a number
        "/api/v1/cooperations/some-record/partners/x/",
        "/api/v1/cooperations/%00/",  # a NUL: PostgreSQL would refuse the lookup
        "/api/v1/territories/epci/%00/",
        "/api/schema/nothing/",
    ],
)
def test_unknown_api_addresses_are_a_json_404(client, db, url):
    detail = assert_json_detail(client.get(url), 404)

    assert "/api/docs/" in detail


@pytest.mark.parametrize("url", ["/nothing-here/", "/territoires/epci/%00/"])
def test_unknown_pages_are_the_html_404(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page introuvable" in response.content.decode()


def test_a_crash_under_the_api_is_a_json_500(client, db, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(TerritoryViewSet, "list", crash)

    detail = assert_json_detail(client.get("/api/v1/territories/"), 500)

    assert "boom" not in detail


def test_a_crash_elsewhere_is_the_html_500_page(client, db, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("territories.views.TerritoryListView.get", crash)

    response = client.get("/territoires/")

    assert response.status_code == 500
    assert "Erreur inattendue" in response.content.decode()


def test_a_body_over_the_upload_limit_is_a_json_413_under_the_api(client, settings, staff_user):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "x" * 1000})
    token = Token.objects.create(user=staff_user).key

    response = client.post(
        "/api/v1/cooperations/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )

    assert_json_detail(response, 413)


def test_a_form_over_the_upload_limit_is_the_413_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client.post(
        "/compte/connexion/", {"username": "x" * 1000, "password": "y"}, HTTP_ACCEPT="text/html"
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Envoi trop volumineux</h1>" in page
    assert "rien n’a été enregistré" in page


def test_a_url_over_the_limit_is_a_json_414_under_the_api(client, db, settings):
    settings.MAX_URL_LENGTH = 100

    assert client.get("/api/v1/territories/?q=" + "a" * 70).status_code == 200
    detail = assert_json_detail(client.get("/api/v1/territories/?q=" + "a" * 100), 414)
    assert "100" in detail


def test_a_url_over_the_limit_is_the_414_page_elsewhere(client, db, settings):
    settings.MAX_URL_LENGTH = 100

    response = client.get("/cooperations/?q=" + "a" * 100)

    assert response.status_code == 414
    assert "<h1>Adresse trop longue</h1>" in response.content.decode()


def test_too_many_parameters_is_a_json_400_under_the_api(client, db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = client.get("/api/v1/territories/?" + "&".join(f"q{i}=a" for i in range(11)))

    assert "10" in assert_json_detail(response, 400)


def test_errors_follow_the_request_language(client, db):
    response = client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")

    assert assert_json_detail(response, 404).startswith("Unknown")
