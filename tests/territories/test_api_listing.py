"""`/api/v1/territories/` builds its items in plain Python (territories/api/listing.py):
they must stay byte for byte what `TerritorySerializer` (the schema's) gives for the same
territories, whatever the language, the filters, the order, the page or the format."""

import json

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient

from territories.api.serializers import TerritorySerializer
from territories.models import Territory, TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

LIST_URL = "/api/v1/territories/"


@pytest.fixture
def varied_territories(brittany):
    """`brittany` plus an obsolete commune, a foreign authority without population or
    category, a grouping, and a code that reverse() has to quote."""
    place(
        TerritoryFactory(
            kind=TerritoryKind.COMMUNE, code="29999", name="Ancienne", is_obsolete=True
        ),
        brittany["finistere"],
    )
    TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CORK", name="Cork", population=None)
    TerritoryFactory(
        kind=TerritoryKind.GROUPING,
        code="PAYS-COB",
        name="Pays du Centre Ouest Bretagne",
        category=TerritoryCategory.PAYS,
        population=None,
    )
    TerritoryFactory(kind=TerritoryKind.FOREIGN, code="É:1", name="Quoted", population=7)
    return brittany


def serializer_items(response, keys: list[tuple[str, str]], language: str, format=None):
    request = Request(response.wsgi_request)
    by_key = {(t.kind, t.code): t for t in Territory.objects.all()}
    context = {"request": request, "format": format}
    with translation.override(language):
        data = TerritorySerializer([by_key[k] for k in keys], many=True, context=context).data
        return json.loads(JSONRenderer().render(data))


def assert_same_as_serializer(url, params, language="fr", format=None, **extra):
    response = APIClient().get(url, params, HTTP_ACCEPT_LANGUAGE=language, **extra)
    assert response.status_code == 200, response.content
    items = response.json()["results"]
    assert items, "nothing listed"
    keys = [(item["kind"], item["code"]) for item in items]
    expected = serializer_items(response, keys, language, format)
    # Compared as JSON text: key order and number types count too.
    assert json.dumps(items, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    return items


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 500, "include_obsolete": "true"},
        {"page_size": 3, "page": 2},
        {"contained_in": "region:53", "ordering": "-population"},
        {"q": "brest", "format": "json"},
        {"is_metropolis": "true"},
    ],
)
def test_list_equals_the_serializer(varied_territories, language, params):
    items = assert_same_as_serializer(LIST_URL, params, language)

    if "include_obsolete" in params:
        assert {item["is_obsolete"] for item in items} == {True, False}
        assert {item["is_metropolis"] for item in items} == {True, False}
        assert any(item["category"] is None for item in items)
        assert any(item["population"] is None for item in items)
        assert any("%C3%89" in item["url"] for item in items)


def test_list_with_a_format_suffix_equals_the_serializer(varied_territories):
    items = assert_same_as_serializer("/api/v1/territories.json", {}, format="json")

    assert items[0]["url"].endswith(".json")


def test_urls_follow_the_request_host(varied_territories, settings):
    settings.ALLOWED_HOSTS = ["*"]

    items = assert_same_as_serializer(LIST_URL, {}, secure=True, HTTP_HOST="example.org:8443")

    assert items[0]["url"].startswith("https://example.org:8443/api/v1/territories/")
