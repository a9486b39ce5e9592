"""On PostgreSQL the CSV and JSON exports come from COPY (cooperation/export_copy.py):
the same bytes as the Python path, for every value that could come out differently."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.db import connection

from cooperation import export_copy
from cooperation.export_requests import RegistryExport
from cooperation.exports import stream_csv, stream_json
from cooperation.models import Cooperation, CooperationStatus, Instrument, PartnerRole
from cooperation.services import PartnerInput, SourceInput, cooperation_create

TRICKY_TEXTS = {
    "summary": 'Virgule, point-virgule; guillemets "doubles" et « français »',
    "description": "Ligne 1\nligne 2\r\nligne 3\rfin",
    "governance": "=SOMME(A1:A3)",
    "engineering": "+33 2 98 00 00 00",
    "funding": "-12 % du budget",
    "outcomes": "@cellule",
    "difficulties": "\tTabulation en tête",
    "uncertainty_notes": '"',
}


@pytest.fixture
def tricky(brittany, themes, cork):
    """Records whose values exercise quoting, escaping, dates and missing values."""
    b = brittany
    full = cooperation_create(
        title="Œuvre commune : « Brest ↔ Cork », 2016\u20132020",
        slug="oeuvre-commune",
        instrument=Instrument.ASSOCIATION_NETWORK,
        status=CooperationStatus.ENDED,
        partners=[
            PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(cork),
            PartnerInput(b["finistere"], PartnerRole.ASSOCIATE),
        ],
        themes=[themes["tourism"], themes["mobility"]],
        sources=[
            SourceInput(title="=Source", url="https://example.org/a?x=1,2", date="2019-03-04"),
            SourceInput(title="Sans lien", publisher="Ouest-France", date="2018"),
        ],
        start="2016-11-04",
        end="2020-06",
        is_published=True,
        **TRICKY_TEXTS,
    )
    bare = cooperation_create(
        title="-Sans date ni thème",
        slug="sans-date",
        instrument=Instrument.INFORMAL,
        partners=[PartnerInput(b["saint_etienne_metropole"])],
        is_published=False,
    )
    year_only = cooperation_create(
        title="Une année seulement",
        slug="annee",
        instrument=Instrument.CHARTER,
        partners=[PartnerInput(b["brest_metropole"], PartnerRole.LEAD)],
        start="2012",
        is_published=True,
    )
    # No partner any more, so no reference métropole: NULLs through every join.
    Cooperation.objects.filter(pk=bare.pk).update(metropolis=None)
    bare.partnerships.all().delete()
    # Created in summer: the offset of Paris time differs from winter's.
    summer = datetime.datetime(2019, 7, 1, 10, 30, 15, 999999, tzinfo=datetime.UTC)
    Cooperation.objects.filter(pk=full.pk).update(created_at=summer)
    return [full, bare, year_only]


def registry_export(fmt: str, query: str = "", user=None) -> RegistryExport:
    params = {"fmt": fmt, "query": query, "base_url": "http://testserver/"}
    return RegistryExport(params=params, user=user)


def written(export: RegistryExport) -> bytes:
    """The file as the portal writes it (COPY on PostgreSQL, Python rows on SQLite)."""
    output = io.BytesIO()
    export.write(output, check_size=None, progress=None)
    return output.getvalue()


def python_csv(export: RegistryExport) -> bytes:
    """The same CSV through the Python rows, whatever the database."""
    return b"".join(
        stream_csv(
            export.queryset,
            table=export.table,
            delimiter=export.delimiter,
            base_url=export.params["base_url"],
        )
    )


def test_copy_is_used_on_postgresql_only():
    assert export_copy.supported() is (connection.vendor == "postgresql")


@pytest.mark.parametrize("table", ["cooperations", "partnerships"])
@pytest.mark.parametrize("sep", ["comma", "semicolon"])
@pytest.mark.parametrize("ordering", ["", "title", "-partners", "start"])
def test_csv_is_the_same_bytes_as_the_python_rows(tricky, admin_user, table, sep, ordering):
    export = registry_export("csv", f"table={table}&sep={sep}&ordering={ordering}", admin_user)

    assert written(export) == python_csv(export)


def test_csv_keeps_what_could_come_out_differently(tricky, admin_user):
    body = written(registry_export("csv", "ordering=title", admin_user))
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}

    assert body.startswith(b"\xef\xbb\xbfid,slug,")
    full = rows["oeuvre-commune"]
    assert full["description"] == "Ligne 1\nligne 2\r\nligne 3\rfin"
    assert full["summary"] == TRICKY_TEXTS["summary"]
    assert full["governance"] == "'=SOMME(A1:A3)"
    assert full["engineering"] == "'+33 2 98 00 00 00"
    assert full["funding"] == "'-12 % du budget"
    assert full["outcomes"] == "'@cellule"
    assert full["difficulties"] == "'\tTabulation en tête"
    assert full["uncertainty_notes"] == '"'
    assert (full["start"], full["end"]) == ("2016-11-04", "2020-06")
    assert full["themes"] == "mobility | tourism"
    assert full["sources"] == "https://example.org/a?x=1,2"
    assert full["source_titles"] == "'=Source | Sans lien"
    assert full["created_at"].endswith("+02:00")  # summer time, in Paris
    assert rows["annee"]["start"] == "2012"
    bare = rows["sans-date"]
    assert bare["title"] == "'-Sans date ni thème"
    assert (bare["start"], bare["metropolis_siren"], bare["partners"]) == ("", "", "")
    assert (bare["partner_count"], bare["is_published"]) == ("0", "false")
    assert bare["created_at"].endswith("+01:00")  # winter time


def test_json_holds_the_same_values_in_the_same_order(tricky, admin_user):
    export = registry_export("json", "ordering=-title", admin_user)
    body = written(export)
    expected = b"".join(stream_json(export.queryset, base_url="http://testserver/"))

    assert json.loads(body) == json.loads(expected)
    assert [list(record) for record in json.loads(body)] == [
        list(record) for record in json.loads(expected)
    ]
    # One record per line, between the brackets.
    assert body.startswith(b"[\n{") and body.endswith(b"}\n]\n")
    assert body.count(b"\n") == expected.count(b"\n") == 5


def test_zip_holds_the_same_csv_files(tricky, admin_user):
    archive = zipfile.ZipFile(
        io.BytesIO(written(registry_export("zip", "sep=semicolon", admin_user)))
    )

    for table in ("cooperations", "partnerships"):
        expected = python_csv(registry_export("csv", f"sep=semicolon&table={table}", admin_user))
        assert archive.read(f"{table}.csv") == expected


def test_an_empty_selection_is_a_header_or_an_empty_array(tricky):
    assert written(registry_export("csv", "status=planned")) == python_csv(
        registry_export("csv", "status=planned")
    )
    assert written(registry_export("json", "status=planned")) == b"[\n]\n"


def test_progress_counts_records_not_lines(tricky, admin_user):
    counted = []
    export = registry_export("csv", "table=cooperations", admin_user)
    export.write(io.BytesIO(), check_size=None, progress=counted.append)

    assert sum(counted) == 3  # a record spans several lines, the header is not a record
