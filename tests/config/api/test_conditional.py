"""The API's pagination `Link` headers and conditional requests (`ETag`, `Last-Modified`)."""

import re

import pytest
from django.utils.http import http_date

from tests.factories import TerritoryFactory

LIST_URL = "/api/v1/territories/"


@pytest.fixture
def five_territories(db):
    return TerritoryFactory.create_batch(5)


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>;\s*rel="([^"]+)"', response["Link"])}


# Link headers ------------------------------------------------------------------------------


def test_first_page_links_to_next_and_last(client, five_territories):
    response = client.get(LIST_URL, {"page_size": 2})

    assert links(response) == {
        "next": "http://testserver/api/v1/territories/?page=2&page_size=2",
        "last": "http://testserver/api/v1/territories/?page=3&page_size=2",
    }
    assert links(response)["next"] == response.json()["next"]


def test_middle_page_links_every_way_and_matches_the_body(client, five_territories):
    response = client.get(LIST_URL, {"page_size": 2, "page": 2, "kind": "commune"})
    body = response.json()

    assert set(links(response)) == {"first", "prev", "next", "last"}
    assert links(response)["prev"] == body["previous"]
    assert links(response)["next"] == body["next"]
    assert "page=" not in links(response)["first"]
    assert "kind=commune" in links(response)["first"]


def test_single_page_has_no_link_header(client, five_territories):
    response = client.get(LIST_URL)

    assert not response.has_header("Link")


# ETag / Last-Modified ------------------------------------------------------------------------


def test_list_has_etag_and_last_modified(client, five_territories):
    response = client.get(LIST_URL)

    assert re.fullmatch(r'"[0-9a-f]+"', response["ETag"])
    assert response["Last-Modified"].endswith("GMT")


def test_same_etag_is_answered_304_without_body(client, five_territories):
    first = client.get(LIST_URL)

    again = client.get(LIST_URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_changed_data_changes_the_etag(client, five_territories):
    first = client.get(LIST_URL)
    TerritoryFactory(name="Une commune de plus")

    again = client.get(LIST_URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_if_modified_since_is_answered_304_while_unchanged(client, five_territories):
    first = client.get(LIST_URL)

    again = client.get(LIST_URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]


def test_if_modified_since_after_a_change_is_a_full_answer(client, five_territories):
    client.get(LIST_URL)
    TerritoryFactory(name="Une commune de plus")
    # The client's copy dates from before the change; the new body is newer than that.
    response = client.get(LIST_URL, HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert response.status_code == 200


def test_detail_is_conditional_too(client, five_territories):
    territory = five_territories[0]
    url = f"/api/v1/territories/{territory.kind}/{territory.code}/"
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_etag_differs_by_language(client, five_territories):
    french = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert french["ETag"] != english["ETag"]
    assert (
        client.get(
            LIST_URL, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=french["ETag"]
        ).status_code
        == 200
    )


def test_errors_and_html_pages_are_not_conditional(client, five_territories):
    error = client.get(LIST_URL, {"page_size": "0"})
    page = client.get("/territoires/")

    assert not error.has_header("ETag")
    assert not page.has_header("ETag")


def test_streamed_csv_export_is_not_conditional(client, db):
    response = client.get("/api/v1/cooperations/", {"format": "csv"})

    assert response.status_code == 200
    assert response.streaming
    assert not response.has_header("ETag")
