"""The API's geography: contour facts and neighbours in a territory's detail, the GeoJSON
endpoint, the `neighbour_of` and `within_km` filters, and partners' distances."""

import json

import pytest
from django.urls import reverse

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.geometry.services import geometry_import
from territories.models import TerritoryGeometry, TerritoryKind
from tests.factories import TerritoryFactory

from .geometry_fixtures import build_grid_territories, grid_geometries, write_communes_file

LIST_URL = "/api/v1/territories/"


@pytest.fixture
def grid(db):
    return build_grid_territories()


@pytest.fixture
def contours(grid, tmp_path):
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    return grid


def detail(client, kind, code, expected_status=200):
    response = client.get(f"{LIST_URL}{kind}/{code}/", HTTP_ACCEPT="application/json")
    assert response.status_code == expected_status, response.content
    return response.json()


def geometry(client, kind, code, **params):
    return client.get(f"{LIST_URL}{kind}/{code}/geometry/", params)


def names(client, **params) -> set[str]:
    response = client.get(LIST_URL, {"page_size": 500, **params}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["results"]}


def errors(client, **params) -> dict:
    response = client.get(LIST_URL, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 400, response.content
    return response.json()


# Detail ------------------------------------------------------------------------------------


def test_detail_gives_the_contour_facts_and_the_neighbours(client, contours):
    item = detail(client, "epci", "200000001")
    stored = TerritoryGeometry.objects.get(territory=contours["X"])

    assert item["centroid"] == pytest.approx([-4.5, 48.4])
    assert item["representative_point"] == pytest.approx(list(stored.representative_point))
    assert item["bbox"] == pytest.approx([-4.6, 48.3, -4.4, 48.5])
    assert item["area_km2"] == pytest.approx(round(stored.area_km2, 2))
    assert item["communes_without_contour"] == 0
    assert item["neighbours"] == [
        {
            "reference": "epci:200000002",
            "kind": "epci",
            "code": "200000002",
            "name": "EPCI Y",
            "category": "CC",
            "url": "http://testserver/api/v1/territories/epci/200000002/",
            "web_url": "http://testserver/territoires/epci/200000002/",
        }
    ]
    assert item["geometry_url"] == ("http://testserver/api/v1/territories/epci/200000001/geometry/")


def test_detail_of_an_island_has_a_contour_and_no_neighbour(client, contours):
    item = detail(client, "commune", "29007")

    assert item["area_km2"] > 0
    assert item["neighbours"] == []


def test_detail_without_a_contour_has_null_facts_and_no_neighbour(client, grid):
    item = detail(client, "epci", "200000001")

    for field in (
        "centroid",
        "representative_point",
        "bbox",
        "area_km2",
        "communes_without_contour",
        "geometry_url",
    ):
        assert item[field] is None, field
    assert item["neighbours"] == []


# GeoJSON -----------------------------------------------------------------------------------


def test_geometry_is_a_geojson_feature_at_high_detail_by_default(client, contours):
    response = geometry(client, "epci", "200000001")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    feature = json.loads(response.content)
    assert feature["type"] == "Feature"
    assert feature["id"] == "epci:200000001"
    assert feature["bbox"] == pytest.approx([-4.6, 48.3, -4.4, 48.5])
    assert feature["geometry"] == json.loads(
        TerritoryGeometry.objects.get(territory=contours["X"]).outline_high
    )
    properties = feature["properties"]
    assert properties["name"] == "EPCI X"
    assert properties["detail"] == "high"
    assert properties["centroid"] == pytest.approx([-4.5, 48.4])
    assert properties["source"] == "communes.csv"
    assert properties["web_url"] == "http://testserver/territoires/epci/200000001/"


def test_geometry_at_low_detail_is_the_simplified_outline(client, contours):
    response = geometry(client, "region", "53", detail="low")

    feature = json.loads(response.content)
    assert feature["properties"]["detail"] == "low"
    assert feature["geometry"] == json.loads(
        TerritoryGeometry.objects.get(territory=contours["53"]).outline_low
    )


def test_geometry_answers_a_client_asking_for_geojson_or_json(client, contours):
    for accept in ("application/geo+json", "application/json"):
        response = client.get(f"{LIST_URL}epci/200000001/geometry/", HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept


def test_geometry_with_an_unknown_detail_is_400_naming_the_parameter(client, contours):
    response = geometry(client, "epci", "200000001", detail="medium")

    assert response.status_code == 400
    assert response.json() == {"detail": ["Valeur attendue\u00a0: low ou high."]}


def test_geometry_of_a_territory_without_a_contour_is_404_with_a_message(client, contours):
    TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CORK", name="Cork")

    response = geometry(client, "foreign", "IE-CORK")

    assert response.status_code == 404
    assert response.json() == {"detail": "Aucun contour n’est chargé pour ce territoire."}


def test_geometry_of_an_unknown_territory_is_404(client, contours):
    assert geometry(client, "commune", "99999").status_code == 404


@pytest.mark.parametrize(
    "params, accept",
    [({}, "application/geo+json"), ({"format": "AAA"}, "*/*"), ({"detail": "x"}, "*/*")],
)
def test_geometry_errors_are_plain_json_whatever_was_asked(client, contours, params, accept):
    response = client.get(f"{LIST_URL}commune/99999/geometry/", params, HTTP_ACCEPT=accept)

    assert response.status_code in {400, 404}
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("method, status", [("TRACE", 405), ("OPTIONS", 200)])
def test_geometry_answers_other_methods_in_plain_json(client, contours, method, status):
    response = client.generic(method, f"{LIST_URL}commune/99999/geometry/?format=geojson")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_geometry_takes_one_query(client, contours, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert geometry(client, "region", "53").status_code == 200


# Filters -----------------------------------------------------------------------------------


def test_neighbour_of_lists_the_territories_sharing_a_border(client, contours):
    assert names(client, neighbour_of="commune:29006") == {
        "Commune B",
        "Commune C",
        "Commune E",
        "Commune H",
    }
    assert names(client, neighbour_of="epci:200000002") == {"EPCI X", "EPCI Z"}
    assert names(client, neighbour_of="commune:29007") == set()


def test_neighbour_of_combines_with_the_other_filters(client, contours):
    assert names(client, neighbour_of="commune:29006", department="22") == {"Commune H"}


def test_within_km_lists_territories_by_distance_between_their_points(client, contours):
    assert names(client, within_km="commune:29001,8") == {"Commune B"}
    assert names(client, within_km="commune:29001,13.5", kind="commune") == {
        "Commune B",
        "Commune D",
        "Commune E",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("commune:29001", "Format attendu\u00a0: <type>:<code>,<km>"),
        ("29001,10", "Format attendu\u00a0: <type>:<code>"),
        ("commune:00000,10", "Aucun territoire ne correspond"),
        ("commune:29001,far", "Distance attendue en kilomètres, entre 0 et 2000"),
        ("commune:29001,-5", "Distance attendue en kilomètres"),
        ("commune:29001,0", "Distance attendue en kilomètres"),
        ("commune:29001,5000", "Distance attendue en kilomètres"),
        ("commune:29001,nan", "Distance attendue en kilomètres"),
        ("foreign:IE-CORK,10", "n’a pas de contour chargé"),
    ],
)
def test_within_km_with_bad_input_is_400_naming_the_parameter(client, contours, value, message):
    TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CORK", name="Cork")

    body = errors(client, within_km=value)

    assert list(body) == ["within_km"]
    assert message in body["within_km"][0]


def test_neighbour_of_an_unknown_territory_is_400(client, contours):
    body = errors(client, neighbour_of="epci:000000000")

    assert list(body) == ["neighbour_of"]


def test_list_with_the_geographic_filters_runs_a_bounded_number_of_queries(
    client, contours, django_assert_max_num_queries
):
    # Validating each reference (and the contour for within_km), the count, the page.
    with django_assert_max_num_queries(6):
        names(client, neighbour_of="epci:200000002", within_km="epci:200000001,100")


# Partners ----------------------------------------------------------------------------------


def test_partners_carry_their_contiguity_and_distance(client, contours):
    cooperation = cooperation_create(
        title="Avec le voisin",
        instrument=Instrument.COOPERATION_AGREEMENT,
        partners=[PartnerInput(contours["X"], PartnerRole.LEAD), PartnerInput(contours["Y"])],
        is_published=True,
    )
    url = reverse("cooperation-detail", kwargs={"slug": cooperation.slug})

    partners = client.get(url, HTTP_ACCEPT="application/json").json()["partners"]

    assert [(p["relation"], p["is_contiguous"]) for p in partners] == [
        ("reference", None),
        ("contiguous", True),
    ]
    assert partners[0]["distance_km"] is None
    assert isinstance(partners[1]["distance_km"], float)
    assert 5 < partners[1]["distance_km"] < 15


# Schema ------------------------------------------------------------------------------------


def test_schema_documents_the_geometry_endpoint_and_the_filters(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    operation = schema["paths"]["/api/v1/territories/{kind}/{code}/geometry/"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
    detail_parameter = next(p for p in operation["parameters"] if p["name"] == "detail")
    assert detail_parameter["schema"]["enum"] == ["high", "low"]
    listed = schema["paths"]["/api/v1/territories/"]["get"]["parameters"]
    assert {"neighbour_of", "within_km"} <= {p["name"] for p in listed}
