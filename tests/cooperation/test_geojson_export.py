"""The GeoJSON export of a selection (one feature per partner), and contiguity and
distance in the other exports, on the synthetic grid of
`tests/territories/geometry_fixtures.py` (EPCI X is the métropole)."""

import csv
import io
import json

import pytest
import shapely

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.geometry.services import geometry_import
from territories.models import TerritoryGeometry, TerritoryKind
from tests.factories import TerritoryFactory
from tests.territories.geometry_fixtures import (
    build_grid_territories,
    cell,
    grid_geometries,
    write_communes_file,
)


@pytest.fixture
def records(db, tmp_path):
    grid = build_grid_territories()
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    cork = TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CORK", name="Cork")
    lead = PartnerRole.LEAD
    return {
        "neighbours": cooperation_create(
            title="Entre voisins",
            slug="entre-voisins",
            instrument=Instrument.COOPERATION_AGREEMENT,
            partners=[PartnerInput(grid["X"], lead), PartnerInput(grid["Y"])],
            is_published=True,
        ),
        "abroad": cooperation_create(
            title="Jumelage",
            slug="jumelage",
            instrument=Instrument.ASSOCIATION_NETWORK,
            partners=[PartnerInput(grid["X"], lead), PartnerInput(grid["G"]), PartnerInput(cork)],
            start="2019",
            is_published=True,
        ),
        "draft": cooperation_create(
            title="Brouillon",
            slug="brouillon",
            instrument=Instrument.INFORMAL,
            partners=[PartnerInput(grid["X"], lead)],
        ),
        **grid,
    }


def download(client, fmt, query=""):
    response = client.get(f"/cooperations/export/{fmt}/?{query}")
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def test_geojson_is_a_feature_collection_with_one_feature_per_partner(client, records):
    response, body = download(client, "geojson", "ordering=title")

    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].endswith('.geojson"')
    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    assert [feature["id"] for feature in collection["features"]] == [
        "entre-voisins/epci:200000001",
        "entre-voisins/epci:200000002",
        "jumelage/epci:200000001",
        "jumelage/commune:29007",
        "jumelage/foreign:IE-CORK",
    ]


def test_each_feature_carries_its_contour_or_null(client, records):
    features = json.loads(download(client, "geojson", "ordering=title")[1])["features"]

    y = shapely.geometry.shape(features[1]["geometry"])
    assert y.equals(cell(2, 0, height=2))
    assert features[1]["geometry"] == json.loads(
        TerritoryGeometry.objects.get(territory=records["Y"]).outline_low
    )
    assert features[4]["geometry"] is None  # Cork: no contour


def test_properties_hold_the_cooperation_and_the_partner_columns(client, records):
    features = json.loads(download(client, "geojson", "ordering=title")[1])["features"]

    neighbour = features[1]["properties"]
    assert neighbour["title"] == neighbour["cooperation_title"] == "Entre voisins"
    assert neighbour["instrument_label"] == "Protocole ou convention de coopération"
    assert neighbour["partners"] == "EPCI X | EPCI Y"
    assert neighbour["territory_name"] == "EPCI Y"
    assert neighbour["relation"] == "contiguous"
    assert neighbour["relation_label"] == "Contigu à la métropole"
    assert neighbour["is_contiguous"] is True
    assert isinstance(neighbour["distance_km"], float)
    assert neighbour["start"] is None  # unknown: null, not ""
    reference = features[0]["properties"]
    assert (reference["relation"], reference["is_contiguous"], reference["distance_km"]) == (
        "reference",
        None,
        None,
    )
    assert features[3]["properties"]["start"] == "2019"
    assert features[4]["properties"]["relation"] == "foreign"


def test_geojson_follows_the_filters_and_hides_unpublished_records(client, admin_client, records):
    public = json.loads(download(client, "geojson", "relation=contiguous")[1])
    staff = json.loads(download(admin_client, "geojson")[1])

    assert {f["properties"]["slug"] for f in public["features"]} == {"entre-voisins"}
    assert "brouillon" in {f["properties"]["slug"] for f in staff["features"]}


def test_an_empty_selection_is_an_empty_collection(client, records):
    body = download(client, "geojson", "status=ended")[1]

    assert json.loads(body) == {"type": "FeatureCollection", "features": []}


def test_the_partnerships_table_ends_with_contiguity_and_distance(client, records):
    body = download(client, "csv", "table=partnerships&ordering=title")[1]

    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0])[-2:] == ["is_contiguous", "distance_km"]
    assert (rows[0]["is_contiguous"], rows[0]["distance_km"]) == ("", "")  # the métropole
    assert rows[1]["is_contiguous"] == "true"
    assert float(rows[1]["distance_km"]) > 0
    assert rows[3]["is_contiguous"] == "false"  # the island G


def test_json_partners_carry_contiguity_and_distance_as_json_values(client, records):
    records_json = json.loads(download(client, "json", "ordering=title")[1])

    partner = records_json[0]["partners"][1]
    assert partner["is_contiguous"] is True
    assert isinstance(partner["distance_km"], float)


def test_the_list_page_offers_the_geojson_export_of_the_selection(client, records):
    response = client.get("/cooperations/?relation=contiguous")

    assert 'href="/cooperations/export/geojson/?relation=contiguous"' in response.content.decode()
