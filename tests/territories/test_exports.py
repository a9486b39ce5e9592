"""Downloads of /territoires/ and /metropoles/ (CSV, XLSX, ODS, JSON) and the CSV of
/api/v1/territories/."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_rows(response, delimiter=","):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_territory_list_csv_holds_the_filtered_selection_on_every_page(
    client, brittany, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/territoires/export/csv/?department=29&kind=commune&page=2")

    rows = csv_rows(response)
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert 'filename="territoires.csv"' in response["Content-Disposition"]
    assert int(response["Content-Length"]) > 0
    assert [row["name"] for row in rows] == ["Brest", "Guipavas", "Plouzané", "Quimper"]
    brest = rows[0]
    assert brest["kind"] == "commune"
    assert brest["kind_label"] == "Commune"
    assert brest["code"] == "29019"
    assert brest["population"] == "142346"
    assert brest["department_codes"] == "29"
    assert brest["url"] == "http://testserver/territoires/commune/29019/"


def test_territory_list_csv_for_french_excel_uses_semicolons(client, brittany):
    response = client.get("/territoires/export/csv/?q=brest&sep=semicolon")

    rows = csv_rows(response, delimiter=";")
    assert "point-virgule" in response["Content-Disposition"]
    assert {row["name"] for row in rows} == {"Brest", "Brest Métropole"}


def test_territory_list_xlsx_and_ods_are_workbooks_of_the_selection(client, brittany):
    xlsx = client.get("/territoires/export/xlsx/?kind=department")
    ods = client.get("/territoires/export/ods/?kind=department")

    sheet = openpyxl.load_workbook(io.BytesIO(content(xlsx))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("kind", "kind_label", "code", "siren", "name")
    assert [row[4] for row in values[1:]] == ["Finistère", "Loire"]
    archive = zipfile.ZipFile(io.BytesIO(content(ods)))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert "Finistère" in archive.read("content.xml").decode()


def test_territory_list_json_is_an_array_of_objects(client, brittany):
    items = json.loads(content(client.get("/territoires/export/json/?kind=region")))

    assert [item["name"] for item in items] == ["Auvergne-Rhône-Alpes", "Bretagne"]
    assert items[1]["population"] == 3453023
    assert items[1]["is_obsolete"] is False


def test_territory_list_export_refuses_invalid_filters_and_formats(client, brittany):
    assert client.get("/territoires/export/csv/?kind=planet").status_code == 400
    assert client.get("/territoires/export/csv/?sep=tab").status_code == 400
    assert client.get("/territoires/export/pdf/").status_code == 404


def test_territory_list_page_links_its_exports_with_its_filters(client, brittany):
    text = client.get("/territoires/?kind=commune&page=1").content.decode()

    assert 'href="/territoires/export/csv/?kind=commune"' in text
    assert 'href="/territoires/export/csv/?kind=commune&amp;sep=semicolon"' in text
    assert 'href="/territoires/export/ods/?kind=commune"' in text


def test_metropolis_list_exports_in_the_table_order_with_registered_columns(client, brittany):
    response = client.get("/metropoles/export/csv/?ordering=-population")

    rows = csv_rows(response)
    assert [row["name"] for row in rows] == ["Saint-Étienne Métropole", "Brest Métropole"]
    assert rows[1]["code"] == "242900314"
    assert rows[1]["commune_count"] == "3"
    assert rows[1]["department_codes"] == "29"
    # The registry registers its columns (cooperations led, partners): they are exported.
    assert "cooperations_count" in rows[0]


def test_metropolis_page_links_its_exports(client, brittany):
    text = client.get("/metropoles/").content.decode()

    for fmt in ("csv", "xlsx", "ods", "json"):
        assert f'href="/metropoles/export/{fmt}/"' in text


# API


def test_api_territories_csv_is_the_whole_filtered_list(client, brittany):
    response = client.get("/api/v1/territories/", {"format": "csv", "kind": "epci"})

    rows = csv_rows(response)
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert {row["code"] for row in rows} == {"242900314", "244200770", "242900694"}


def test_api_territories_csv_through_the_accept_header(client, brittany):
    response = client.get("/api/v1/territories/?kind=region", HTTP_ACCEPT="text/csv")

    assert [row["name"] for row in csv_rows(response)] == ["Auvergne-Rhône-Alpes", "Bretagne"]


@pytest.mark.parametrize("query", [{"kind": "planet"}, {"sep": "tab"}])
def test_api_territories_csv_with_bad_parameters_is_a_json_400(client, brittany, query):
    response = client.get("/api/v1/territories/", {"format": "csv", **query})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == list(query)
