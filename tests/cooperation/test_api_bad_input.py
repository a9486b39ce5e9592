"""Input that used to crash the registry's write routes (500) is a 400 naming the field,
and nothing is written: text that no database can store (a NUL character, a lone
surrogate), JSON nested too deep, incomplete items in a partial update."""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.api.parsers import MAX_JSON_DEPTH
from cooperation.api.write_serializers import (
    CooperationWriteSerializer,
    PartnerInputSerializer,
    PartnershipUpdateSerializer,
    SourceInputSerializer,
)
from cooperation.models import Cooperation, Partnership, Source

UNSTORABLE = {"nul": "Brest\x00Quimper", "lone surrogate": "Brest\ud800Quimper"}
# A value of each field's shape, with `text` where the field takes text.
NESTED = {
    "partners": lambda text: [{"territory": "epci:242900314", "role": text}],
    "sources": lambda text: [{"title": text}],
    "themes": lambda text: ["mobility", text],
}


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return client


def send_raw(client, method: str, url: str, body: str):
    """Sends `body` as is: DRF's test client cannot encode a lone surrogate."""
    return client.generic(method.upper(), url, body, content_type="application/json")


def snapshot():
    return (
        list(Cooperation.objects.order_by("pk").values()),
        list(Partnership.objects.order_by("pk").values()),
        list(Source.objects.order_by("pk").values()),
    )


def write_routes(registry):
    """Every write route with the serializer that reads its body."""
    record = registry["brest_quimper"]
    base = f"/api/v1/cooperations/{record.slug}"
    partner = record.partnerships.first()
    source = record.sources.first()
    return {
        "create": ("post", "/api/v1/cooperations/", CooperationWriteSerializer),
        "replace": ("put", f"{base}/", CooperationWriteSerializer),
        "change": ("patch", f"{base}/", CooperationWriteSerializer),
        "add partner": ("post", f"{base}/partners/", PartnerInputSerializer),
        "change partner": ("patch", f"{base}/partners/{partner.pk}/", PartnershipUpdateSerializer),
        "add source": ("post", f"{base}/sources/", SourceInputSerializer),
        "change source": ("patch", f"{base}/sources/{source.pk}/", SourceInputSerializer),
    }


ROUTES = [
    "create",
    "replace",
    "change",
    "add partner",
    "change partner",
    "add source",
    "change source",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("kind", list(UNSTORABLE))
def test_unstorable_text_in_any_writable_field_is_a_400_on_that_field(
    staff_api, registry, route, kind
):
    method, url, serializer_class = write_routes(registry)[route]
    writable = [name for name, field in serializer_class().fields.items() if not field.read_only]
    before = snapshot()

    for name in writable:
        text = UNSTORABLE[kind]
        value = NESTED[name](text) if name in NESTED else text
        response = send_raw(staff_api, method, url, json.dumps({name: value}))

        assert response.status_code == 400, (name, response.content)
        errors = response.json()[name]
        if name in ("partners", "sources"):
            assert list(errors) == ["0"], name  # the item, then its field
        assert errors, name
    assert snapshot() == before


@pytest.mark.parametrize("kind", list(UNSTORABLE))
def test_unstorable_text_in_a_partners_territory_is_a_400_on_the_item(staff_api, registry, kind):
    slug = registry["brest_quimper"].slug
    body = json.dumps({"partners": [{"territory": f"epci:{UNSTORABLE[kind]}"}]})
    before = snapshot()

    response = send_raw(staff_api, "patch", f"/api/v1/cooperations/{slug}/", body)

    assert response.status_code == 400
    assert list(response.json()["partners"]["0"]) == ["territory"]
    response = send_raw(
        staff_api,
        "post",
        f"/api/v1/cooperations/{slug}/partners/",
        json.dumps({"territory": UNSTORABLE[kind]}),
    )
    assert response.status_code == 400
    assert list(response.json()) == ["territory"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"partners": [{"role": "partner"}]}, {"partners": {"0": {"territory": ["required"]}}}),
        (
            {"partners": [{"territory": "epci:242900314"}, {}]},
            {"partners": {"1": {"territory": ["required"]}}},
        ),
        (
            {"sources": [{"url": "https://example.org/"}]},
            {"sources": {"0": {"title": ["required"]}}},
        ),
    ],
)
def test_a_partial_update_still_needs_whole_partners_and_sources(
    staff_api, registry, changes, errors
):
    slug = registry["brest_quimper"].slug
    before = snapshot()

    response = staff_api.patch(f"/api/v1/cooperations/{slug}/", changes, format="json")

    assert response.status_code == 400
    body = response.json()
    field = next(iter(errors))
    position, item_errors = next(iter(errors[field].items()))
    assert list(body) == [field]
    assert list(body[field]) == [position]
    assert list(body[field][position]) == list(item_errors)
    assert snapshot() == before


def test_a_partial_update_with_whole_partners_replaces_them(staff_api, registry):
    record = registry["brest_quimper"]

    response = staff_api.patch(
        f"/api/v1/cooperations/{record.slug}/",
        {"partners": [{"territory": "epci:242900314", "role": "lead"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert [p["territory"]["code"] for p in response.json()["partners"]] == ["242900314"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000])
def test_json_nested_too_deep_is_a_400(staff_api, registry, depth):
    slug = registry["brest_quimper"].slug
    before = snapshot()

    body = '{"partners": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = send_raw(staff_api, "patch", f"/api/v1/cooperations/{slug}/", body)

    assert response.status_code == 400
    assert str(MAX_JSON_DEPTH) in response.json()["detail"]
    assert snapshot() == before
