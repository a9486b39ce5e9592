"""The registry's downloads are throttled for anonymous clients like the API: the same
rate, the same counters; a readable 429 page with Retry-After beyond it."""

import pytest
from rest_framework.throttling import AnonRateThrottle

EXPORT = "/cooperations/export/csv/"


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)


def test_anonymous_downloads_beyond_the_rate_get_a_429_page(client, registry, three_a_minute):
    for _ in range(3):
        assert client.get(EXPORT).status_code == 200

    response = client.get("/cooperations/export/xlsx/", {"theme": "mobility"})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "<h1>Téléchargements temporairement limités</h1>" in page
    assert "Réessayez dans 1 minute" in page


def test_downloads_and_api_requests_share_one_quota(client, registry, three_a_minute):
    for _ in range(3):
        assert client.get("/api/v1/themes/").status_code == 200

    assert client.get(EXPORT).status_code == 429
    assert client.get("/api/v1/themes/").status_code == 429


def test_signed_in_users_are_not_throttled(client, registry, staff_user, three_a_minute):
    client.force_login(staff_user)

    for _ in range(5):
        assert client.get(EXPORT).status_code == 200


def test_the_list_page_itself_is_not_throttled(client, registry, three_a_minute):
    for _ in range(5):
        assert client.get("/cooperations/").status_code == 200
