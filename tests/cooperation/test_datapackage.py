"""The open-data package: /cooperations/paquet-de-donnees.zip and /api/v1/datapackage/,
checked with the `frictionless` library."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from frictionless import Package, validate

PAGE_URL = "/cooperations/paquet-de-donnees.zip"
API_URL = "/api/v1/datapackage/"


def unzip(response, tmp_path):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    archive.extractall(tmp_path)
    return archive


def rows(tmp_path, name) -> list[dict]:
    with open(tmp_path / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_urls_are_stable():
    assert reverse("cooperation:datapackage") == PAGE_URL
    assert reverse("datapackage") == API_URL


def test_package_is_valid_frictionless_data_with_foreign_keys_checked(client, registry, tmp_path):
    unzip(client.get(PAGE_URL), tmp_path)

    report = validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_zip_itself_is_readable_by_frictionless(client, registry, tmp_path):
    path = tmp_path / "package.zip"
    path.write_bytes(client.get(PAGE_URL).content)

    package = Package(str(path))

    assert {resource.name for resource in package.resources} == {
        "cooperations",
        "themes",
        "cooperation_themes",
        "partnerships",
        "sources",
        "territories",
    }


def test_package_holds_only_published_records_and_the_territories_they_name(
    client, registry, tmp_path
):
    unzip(client.get(PAGE_URL), tmp_path)

    slugs = {row["slug"] for row in rows(tmp_path, "cooperations")}
    assert slugs == {
        registry[name].slug for name in ("brest_quimper", "saint_etienne_pole", "ocean_network")
    }
    territories = {row["id"] for row in rows(tmp_path, "territories")}
    assert "commune:29075" not in territories  # only a partner of the unpublished draft
    assert {"epci:242900314", "foreign:IE-CORK", "department:42"} <= territories
    partner_ids = {row["territory"] for row in rows(tmp_path, "partnerships")}
    assert partner_ids <= territories
    assert {row["cooperation"] for row in rows(tmp_path, "sources")} <= slugs


def test_values_are_written_as_the_schema_says(client, registry, tmp_path):
    unzip(client.get(PAGE_URL), tmp_path)

    record = next(
        row
        for row in rows(tmp_path, "cooperations")
        if row["slug"] == registry["saint_etienne_pole"].slug
    )
    assert record["start"] == "2012"
    assert record["end"] == "2022-12"
    assert record["instrument"] == "metropolitan_pole"
    assert record["metropolis"] == "epci:244200770"
    assert record["url"] == f"http://testserver/cooperations/{record['slug']}/"
    themes = {(row["cooperation"], row["theme"]) for row in rows(tmp_path, "cooperation_themes")}
    assert (record["slug"], "economic-development") in themes
    cork = next(row for row in rows(tmp_path, "territories") if row["code"] == "IE-CORK")
    assert cork["population"] == ""
    assert cork["is_obsolete"] == "false"


def test_descriptor_is_dated_versioned_licensed_and_documents_every_column(
    client, registry, tmp_path
):
    response = client.get(PAGE_URL)
    unzip(response, tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))

    assert descriptor["name"] == "cooperations-interterritoriales"
    assert descriptor["version"] == "1.0.0"
    assert descriptor["created"].endswith("Z")
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    filename = f"cooperations-interterritoriales-{descriptor['created'][:10]}.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    for resource in descriptor["resources"]:
        schema = resource["schema"]
        assert schema["primaryKey"]
        with open(tmp_path / resource["path"], encoding="utf-8") as file:
            header = next(csv.reader(file))
        assert header == [field["name"] for field in schema["fields"]]
        for field in schema["fields"]:
            assert field["type"] and field["description"] and field["title"], field
    partnerships = next(r for r in descriptor["resources"] if r["name"] == "partnerships")
    assert {
        (key["fields"], key["reference"]["resource"])
        for key in partnerships["schema"]["foreignKeys"]
    } == {("cooperation", "cooperations"), ("territory", "territories")}
    role = next(f for f in partnerships["schema"]["fields"] if f["name"] == "role")
    assert role["constraints"]["enum"] == ["lead", "partner", "associate"]


def test_a_broken_foreign_key_would_be_caught(client, registry, tmp_path):
    # The check above means something: a partner naming a territory absent from the
    # territories table makes the package invalid.
    unzip(client.get(PAGE_URL), tmp_path)
    path = tmp_path / "partnerships.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("foreign:IE-CORK", "foreign:XX-NOWHERE"),
        encoding="utf-8",
    )

    report = validate(str(tmp_path / "datapackage.json"))

    assert not report.valid
    assert "foreign-key" in {error.type for error in report.tasks[0].errors} | {
        error.type for task in report.tasks for error in task.errors
    }


def test_api_serves_the_same_package(client, registry, tmp_path):
    archive = unzip(client.get(API_URL), tmp_path)

    assert "datapackage.json" in archive.namelist()
    assert validate(str(tmp_path / "datapackage.json")).valid


def test_empty_registry_is_still_a_valid_package(client, db, tmp_path):
    unzip(client.get(PAGE_URL), tmp_path)

    assert validate(str(tmp_path / "datapackage.json")).valid
    assert rows(tmp_path, "cooperations") == []


def test_package_takes_a_fixed_number_of_queries(
    client, many_cooperations, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(PAGE_URL).status_code == 200


def test_downloads_are_throttled_like_the_other_exports(client, registry, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)

    assert client.get(PAGE_URL).status_code == 200
    assert client.get(PAGE_URL).status_code == 429
    api = client.get(API_URL)
    assert api.status_code == 429
    assert api["Content-Type"] == "application/json"
    assert "detail" in api.json()


@pytest.mark.parametrize("url", [PAGE_URL, API_URL])
def test_staff_get_the_published_registry_too(admin_client, registry, tmp_path, url):
    unzip(admin_client.get(url), tmp_path)

    assert registry["guipavas_draft"].slug not in {
        row["slug"] for row in rows(tmp_path, "cooperations")
    }
