"""`/api/v1/cooperations/` builds its items in plain Python (cooperation/api/listing.py):
they must stay byte for byte what `CooperationSerializer` (the detail's and the schema's)
gives for the same records, whatever the language, the requester, the order, the page or
the format asked for."""

import json
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient

from cooperation.api.serializers import CooperationSerializer
from cooperation.models import Cooperation, Partnership

LIST_URL = "/api/v1/cooperations/"


@pytest.fixture
def varied_registry(registry, staff_user):
    """The four records of `registry`, with every optional field of one of them filled,
    and partners with and without a distance and contiguity (a whole number of km too)."""
    Cooperation.objects.filter(pk=registry["saint_etienne_pole"].pk).update(
        description="Une description « longue ».",
        governance="Comité syndical",
        engineering="Agence d’urbanisme",
        funding="Cotisations",
        outcomes="Schéma de cohérence",
        difficulties="Aucune",
        uncertainty_notes="Date de fin incertaine",
        origin="import",
        origin_label="Inventaire 2021",
        origin_url="https://example.org/inventaire",
    )
    partnerships = Partnership.objects.filter(cooperation=registry["brest_quimper"])
    partnerships.filter(role="partner").update(is_contiguous=True, distance_km=Decimal("51.3"))
    partnerships.filter(role="lead").update(is_contiguous=False, distance_km=Decimal("12.0"))
    return registry


def serializer_items(response, slugs: list[str], language: str, format=None) -> list:
    """What the serializer gives for the records `slugs`, with the list's own request."""
    request = Request(response.wsgi_request)
    records = Cooperation.objects.with_related().in_bulk(slugs, field_name="slug")
    context = {"request": request, "format": format}
    with translation.override(language):
        data = CooperationSerializer([records[s] for s in slugs], many=True, context=context).data
        return json.loads(JSONRenderer().render(data))


def assert_same_as_serializer(client, url, params, language="fr", format=None, **extra):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language, **extra)
    assert response.status_code == 200, response.content
    items = response.json()["results"]
    assert items, "nothing listed"
    expected = serializer_items(response, [item["slug"] for item in items], language, format)
    # Compared as JSON text: key order, and 12.0 against 12, count too.
    assert json.dumps(items, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    return items


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ordering": "-partners,title"},
        {"ordering": "-updated", "page_size": 2, "page": 2},
        {"theme": "tourism", "region": "53"},
        {"q": "brest", "format": "json"},
    ],
)
def test_staff_list_equals_the_serializer(varied_registry, staff_user, language, params):
    client = APIClient()
    client.force_authenticate(staff_user)

    items = assert_same_as_serializer(client, LIST_URL, params, language)

    if not params:
        assert len(items) == 4  # the unpublished record too
        distances = [p["distance_km"] for item in items for p in item["partners"]]
        assert 12.0 in distances and None in distances


def test_anonymous_list_equals_the_serializer(varied_registry):
    items = assert_same_as_serializer(APIClient(), LIST_URL, {"page_size": 500})

    assert len(items) == 3


def test_list_with_a_format_suffix_equals_the_serializer(varied_registry):
    items = assert_same_as_serializer(APIClient(), "/api/v1/cooperations.json", {}, format="json")

    assert items[0]["url"].endswith(".json")


@pytest.mark.parametrize(
    ("secure", "host"), [(False, "testserver"), (True, "registre.example.org:8443")]
)
def test_urls_follow_the_request_host(varied_registry, settings, secure, host):
    settings.ALLOWED_HOSTS = ["*"]

    items = assert_same_as_serializer(APIClient(), LIST_URL, {}, secure=secure, HTTP_HOST=host)

    scheme = "https" if secure else "http"
    assert items[0]["url"].startswith(f"{scheme}://{host}/api/v1/cooperations/")
    assert items[0]["web_url"].startswith(f"{scheme}://{host}/")
