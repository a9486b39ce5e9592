"""Query parameters of the API's lists that used to crash (500) are a 400 naming the
parameter, or are read as no filter when empty: a NUL character in any filter (PostgreSQL
refuses it), an empty sort key, a date-time that no database can store."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cooperation.filters import CooperationFilterSet
from surveys.filters import ResponseFilterSet
from surveys.models import Response
from territories.filters import TerritoryFilterSet

LISTS = {
    "/api/v1/cooperations/": CooperationFilterSet,
    "/api/v1/territories/": TerritoryFilterSet,
    "/api/v1/responses/": ResponseFilterSet,
}


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return client


@pytest.mark.parametrize("url", list(LISTS))
def test_a_nul_in_any_filter_is_a_400_naming_it(staff_api, registry, url):
    for name in LISTS[url].base_filters:
        for value in ("\x00", "epci:24290\x000314", "a\x00"):
            response = staff_api.get(url, {name: value})

            assert response.status_code == 400, (name, value, response.content)
            assert list(response.json()) == [name]


@pytest.mark.parametrize("url", list(LISTS))
@pytest.mark.parametrize("ordering", [",", ",,"])
def test_empty_sort_keys_are_ignored(staff_api, registry, url, ordering):
    response = staff_api.get(url, {"ordering": ordering})

    assert response.status_code == 200, response.content
    assert response.json()["results"] == staff_api.get(url).json()["results"]


def results(client, **params) -> list[int]:
    response = client.get("/api/v1/responses/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_updated_since_takes_an_instant_with_any_offset(staff_api, campaign, brittany):
    saved = Response.objects.create(
        campaign=campaign,
        territory=brittany["brest_metropole"],
        questionnaire=campaign.questionnaire,
    )
    # The instant of the save, written in the farthest offsets: PostgreSQL refuses offsets
    # beyond ±15:59, which Python accepts.
    for hours in (-23, -12, 0, 14, 21):
        instant = saved.updated_at.astimezone(datetime.timezone(datetime.timedelta(hours=hours)))
        assert results(staff_api, updated_since=instant.isoformat()) == [saved.pk], hours
    later = saved.updated_at + datetime.timedelta(seconds=1)
    assert results(staff_api, updated_since=later.isoformat()) == []
    assert results(staff_api, updated_since="0383-04-29T16:06:21.224268+21:48") == [saved.pk]


@pytest.mark.parametrize(
    "instant",
    [
        "0001-01-01T00:00:00+05:00",  # before the first instant a datetime can hold in UTC
        "0001-01-01",  # midnight in Paris: still in year 0 in UTC
        "9999-12-31T23:00:00-05:00",  # after the last one
    ],
)
def test_updated_since_beyond_the_representable_instants_is_a_400(staff_api, campaign, instant):
    response = staff_api.get("/api/v1/responses/", {"updated_since": instant})

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["updated_since"]
