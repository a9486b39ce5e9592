"""Pagination of every API list: `page_size` is checked like any other parameter."""

import pytest

from tests.factories import TerritoryFactory

LIST_URL = "/api/v1/territories/"


@pytest.fixture
def three_territories(db):
    return TerritoryFactory.create_batch(3)


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "2.5", "1e3"])
def test_invalid_page_size_is_a_400_with_a_field_error(client, three_territories, page_size):
    response = client.get(LIST_URL, {"page_size": page_size}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["page_size"]
    assert response.json()["page_size"][0]


def test_invalid_page_size_is_reported_with_the_filters_errors(client, three_territories):
    response = client.get(
        LIST_URL, {"page_size": "0", "kind": "nonsense"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"page_size", "kind"}


def test_page_size_error_follows_accept_language(client, three_territories):
    french = client.get(LIST_URL, {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get(LIST_URL, {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="en")

    assert french.json()["page_size"] != english.json()["page_size"]
    assert "500" in english.json()["page_size"][0]


def test_valid_page_size_still_pages(client, three_territories):
    body = client.get(LIST_URL, {"page_size": "2"}).json()

    assert len(body["results"]) == 2
    assert body["count"] == 3


def test_empty_page_size_means_the_default(client, three_territories):
    assert client.get(LIST_URL, {"page_size": ""}).status_code == 200


def test_page_size_over_the_maximum_is_capped(client, three_territories):
    assert client.get(LIST_URL, {"page_size": "1000"}).status_code == 200


def test_invalid_page_size_is_a_400_on_the_registry_too(client, db):
    response = client.get("/api/v1/cooperations/", {"page_size": "abc"})

    assert response.status_code == 400
    assert "page_size" in response.json()
