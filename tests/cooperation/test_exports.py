"""Exports of the registry: /cooperations/export/<fmt>/ and cooperation/exports.py."""

import csv
import io
import json
import re
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation.exports import (
    COOPERATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    stream_csv,
)
from cooperation.models import Cooperation, Theme
from cooperation.opendocument import write_ods
from cooperation.services import PartnerInput, SourceInput, cooperation_create
from tests.cooperation.export_fixtures import bulk_cooperations

BOM = "\ufeff".encode()
DATA_DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
TRICKY_SUMMARY = 'Coopération « Brest ↔ Quimper », dite "pionnière"; sœurs\nsur deux lignes'
FORMULA = '=HYPERLINK("https://example.org","cliquez")'
TITLE = "Contrat de réciprocité Brest \u2013 Quimper"


def export_url(fmt: str) -> str:
    return reverse("cooperation:export", kwargs={"fmt": fmt})


def download(client, fmt: str, query: str = ""):
    """Request an export and return (response, whole body); asserts success."""
    response = client.get(f"{export_url(fmt)}?{query}")
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    # Consuming the stream closes the response (the test client's wrapper does it).
    body = b"".join(response.streaming_content)
    return response, body


def csv_records(body: bytes, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def slugs(client, query: str = "", fmt: str = "csv") -> list[str]:
    return [row["slug"] for row in csv_records(download(client, fmt, query)[1])]


@pytest.fixture
def themes(db):
    return {
        code: Theme.objects.create(code=code, label_fr=label_fr, label_en=label_en, position=i)
        for i, (code, label_fr, label_en) in enumerate(
            [
                ("mobility", "Mobilités", "Mobility"),
                ("health", "Santé", "Health"),
                ("tourism", "Tourisme", "Tourism"),
            ]
        )
    }


@pytest.fixture
def registry(brittany, themes):
    """Two published records and one draft, created through the services."""
    brest_quimper = cooperation_create(
        title=TITLE,
        slug="brest-quimper",
        instrument="reciprocity_contract",
        status="active",
        summary=TRICKY_SUMMARY,
        outcomes=FORMULA,
        start="2016-11",
        themes=[themes["mobility"], themes["health"]],
        partners=[
            PartnerInput(territory=brittany["brest_metropole"], role="lead"),
            PartnerInput(territory=brittany["quimper_agglo"]),
            PartnerInput(territory=brittany["finistere"], role="associate"),
        ],
        sources=[
            SourceInput(title="Délibération", url="https://example.org/deliberation"),
            SourceInput(title="Article sans lien"),
        ],
        is_published=True,
    )
    saint_etienne = cooperation_create(
        title="Entente touristique de Saint-Étienne",
        slug="saint-etienne-tourisme",
        instrument="intercommunal_entente",
        status="ended",
        start="2012",
        end="2015-06-30",
        themes=[themes["tourism"]],
        partners=[
            PartnerInput(territory=brittany["saint_etienne_metropole"], role="lead"),
            PartnerInput(territory=brittany["loire"]),
        ],
        is_published=True,
    )
    draft = cooperation_create(
        title="Projet non publié de mobilité",
        slug="brouillon",
        instrument="informal",
        status="active",
        themes=[themes["mobility"]],
        partners=[PartnerInput(territory=brittany["brest_metropole"])],
        is_published=False,
    )
    return {"brest_quimper": brest_quimper, "saint_etienne": saint_etienne, "draft": draft}


# CSV -------------------------------------------------------------------------------------


def test_csv_starts_with_the_bom_once_and_has_the_documented_header(client, registry):
    response, body = download(client, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(BOM)
    assert body.count(BOM) == 1
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(header) == COOPERATION_COLUMNS
    assert header[:4] == ["id", "slug", "title", "summary"]


def test_csv_is_rfc_4180_with_crlf_line_ends(client, registry):
    _, body = download(client, "csv")
    text = body.decode("utf-8-sig")

    assert text.endswith("\r\n")
    assert '"Coopération « Brest ↔ Quimper », dite ""pionnière""; sœurs\nsur deux lignes"' in text
    assert not re.search(r"[^\r]\n(?!sur deux lignes)", text)  # records end with CRLF


def test_csv_keeps_accents_and_french_labels(client, registry):
    _, body = download(client, "csv")
    row = next(r for r in csv_records(body) if r["slug"] == "brest-quimper")

    assert row["summary"] == TRICKY_SUMMARY
    assert row["instrument"] == "reciprocity_contract"
    assert row["instrument_label"] == "Contrat de réciprocité"
    assert row["status_label"] == "En cours"
    assert row["start"] == "2016-11"
    assert row["start_precision"] == "month"
    assert row["end"] == row["end_precision"] == ""
    assert row["metropolis_siren"] == "242900314"
    assert row["metropolis_name"] == "Brest Métropole"
    assert row["partner_count"] == "3"
    assert row["partners"] == "Brest Métropole | CA Quimper Bretagne Occidentale | Finistère"
    assert row["partner_codes"] == "epci:242900314 | epci:242900694 | department:29"
    assert row["themes"] == "mobility | health"
    assert row["theme_labels"] == "Mobilités | Santé"
    assert row["sources"] == "https://example.org/deliberation"
    assert row["source_titles"] == "Délibération | Article sans lien"
    assert row["origin"] == "manual"
    assert row["is_published"] == "true"
    assert row["url"] == "http://testserver/cooperations/brest-quimper/"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", row["created_at"])


def test_csv_labels_stay_french_for_an_english_visitor(client, registry):
    client.cookies["django_language"] = "en"
    _, body = download(client, "csv")
    row = next(r for r in csv_records(body) if r["slug"] == "saint-etienne-tourisme")

    assert row["status_label"] == "Terminée"
    assert row["theme_labels"] == "Tourisme"


def test_csv_semicolon_variant_for_french_excel(client, registry):
    _, body = download(client, "csv", "sep=semicolon")
    text = body.decode("utf-8-sig")

    assert text.splitlines()[0] == ";".join(COOPERATION_COLUMNS)
    rows = csv_records(body, delimiter=";")
    assert {row["slug"] for row in rows} == {"brest-quimper", "saint-etienne-tourisme"}
    assert next(r for r in rows if r["slug"] == "brest-quimper")["summary"] == TRICKY_SUMMARY


def test_csv_neutralises_values_that_a_spreadsheet_would_run_as_formulas(client, registry):
    _, body = download(client, "csv")
    row = next(r for r in csv_records(body) if r["slug"] == "brest-quimper")

    assert row["outcomes"] == "'" + FORMULA


def test_csv_rows_follow_the_query_string_of_the_list_page(client, registry):
    assert slugs(client, "theme=mobility&status=active") == ["brest-quimper"]
    assert slugs(client, "theme=tourism") == ["saint-etienne-tourisme"]
    assert slugs(client, "q=saint+etienne") == ["saint-etienne-tourisme"]
    assert slugs(client, "metropolis=242900314") == ["brest-quimper"]
    assert slugs(client, "status=planned") == []
    assert slugs(client, "ordering=title&page=7") == ["brest-quimper", "saint-etienne-tourisme"]
    assert slugs(client, "ordering=-title") == ["saint-etienne-tourisme", "brest-quimper"]


def test_csv_of_partnerships_has_one_row_per_partner(client, registry):
    response, body = download(client, "csv", "table=partnerships&theme=mobility")

    assert response["Content-Disposition"].startswith('attachment; filename="partnerships-')
    assert tuple(next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == PARTNERSHIP_COLUMNS
    rows = csv_records(body)
    assert [(r["territory_code"], r["role"], r["relation"]) for r in rows] == [
        ("242900314", "lead", "reference"),
        ("242900694", "partner", "same_department"),
        ("29", "associate", "same_department"),
    ]
    assert rows[1]["relation_label"] == "Même département"
    assert rows[1]["territory_category"] == "CA"
    assert rows[2]["territory_kind"] == "department"
    assert {r["cooperation_slug"] for r in rows} == {"brest-quimper"}
    assert {r["metropolis_siren"] for r in rows} == {"242900314"}
    assert {(r["start"], r["status"], r["instrument"]) for r in rows} == {
        ("2016-11", "active", "reciprocity_contract")
    }


def test_csv_is_streamed(client, registry):
    response = client.get(export_url("csv"))

    assert response.streaming is True
    blocks = list(response.streaming_content)
    assert blocks and all(isinstance(block, bytes) for block in blocks)
    assert b"".join(blocks).decode("utf-8-sig").count("\r\n") >= 3


# Scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx", "ods", "json", "geojson"])
def test_anonymous_never_gets_unpublished_records(client, registry, fmt):
    _, body = download(client, fmt)
    if fmt in {"zip", "xlsx", "ods"}:  # all three are zip archives: look inside
        archive = zipfile.ZipFile(io.BytesIO(body))
        body = b"".join(archive.read(name) for name in archive.namelist())

    assert b"brest-quimper" in body
    assert b"brouillon" not in body
    assert "Projet non publié".encode() not in body


def test_staff_gets_unpublished_records_too(admin_client, registry):
    assert sorted(slugs(admin_client)) == ["brest-quimper", "brouillon", "saint-etienne-tourisme"]
    records = json.loads(download(admin_client, "json")[1])
    draft = next(r for r in records if r["slug"] == "brouillon")
    assert draft["is_published"] is False


# Zip, XLSX, ODS, JSON ------------------------------------------------------------------------


def test_zip_holds_both_tables_each_with_its_bom(client, registry):
    response, body = download(client, "zip", "sep=semicolon")

    assert response.streaming is True
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    assert archive.namelist() == ["cooperations.csv", "partnerships.csv"]
    cooperations = archive.read("cooperations.csv")
    partnerships = archive.read("partnerships.csv")
    for data in (cooperations, partnerships):
        assert data.startswith(BOM) and data.count(BOM) == 1
    assert [r["slug"] for r in csv_records(cooperations, ";")] == [
        "brest-quimper",
        "saint-etienne-tourisme",
    ]
    assert len(csv_records(partnerships, ";")) == 5


def test_xlsx_has_two_sheets_with_the_documented_headers_and_rows(client, registry):
    response, body = download(client, "xlsx", "ordering=title")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["cooperations", "partnerships"]
    sheet = workbook["cooperations"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COOPERATION_COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b is True
    record = dict(zip(COOPERATION_COLUMNS, rows[1], strict=True))
    assert record["slug"] == "brest-quimper"
    assert record["summary"] == TRICKY_SUMMARY
    assert record["start"] == "2016-11"  # partial dates stay text
    assert record["partner_count"] == 3
    assert record["is_published"] is True
    outcomes = sheet.cell(row=2, column=COOPERATION_COLUMNS.index("outcomes") + 1)
    assert (outcomes.value, outcomes.data_type) == (FORMULA, "s")  # text, never a formula
    assert len(rows) == 3
    partners = list(workbook["partnerships"].iter_rows(values_only=True))
    assert partners[0] == PARTNERSHIP_COLUMNS
    assert len(partners) == 1 + 5


def test_ods_has_two_sheets_with_the_documented_headers_and_rows(client, registry):
    response, body = download(client, "ods", "ordering=title")

    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert b'"VerticalSplitPosition" config:type="int">1<' in archive.read("settings.xml")
    book = tablib.Databook().load(body, "ods")
    cooperations, partnerships = book.sheets()
    assert (cooperations.title, partnerships.title) == ("cooperations", "partnerships")
    assert tuple(cooperations.headers) == COOPERATION_COLUMNS
    assert tuple(partnerships.headers) == PARTNERSHIP_COLUMNS
    assert cooperations.height == 2 and partnerships.height == 5
    record = dict(zip(COOPERATION_COLUMNS, cooperations[0], strict=True))
    assert record["slug"] == "brest-quimper"
    assert record["title"] == TITLE
    assert record["start"] == "2016-11"
    assert record["partner_count"] == 3
    assert record["is_published"] is True
    assert record["outcomes"] == FORMULA
    # A multi-line text becomes one paragraph per line (tablib reads back the first).
    assert record["summary"] == TRICKY_SUMMARY.split("\n")[0]


def test_ods_cells_keep_lines_spaces_tabs_and_types():
    from odf import opendocument, teletype
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    values = ["  deux espaces", "a  b\tc", "ligne 1\r\nligne 2", "<&> \x01", 7, True, None]
    output = io.BytesIO()
    write_ods(output, [("feuille", ["texte"] * len(values), [values])])

    document = opendocument.load(io.BytesIO(output.getvalue()))
    (sheet,) = document.spreadsheet.getElementsByType(Table)
    _header, row = sheet.getElementsByType(TableRow)
    cells = row.getElementsByType(TableCell)
    texts = [
        "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P)) for cell in cells
    ]
    assert texts == ["  deux espaces", "a  b\tc", "ligne 1\nligne 2", "<&> ", "7", "true", ""]
    assert cells[4].getAttribute("valuetype") == "float"
    assert cells[5].getAttribute("valuetype") == "boolean"


def test_json_is_a_streamed_array_of_cooperations_with_nested_partners(client, registry):
    response, body = download(client, "json", "ordering=title")

    assert response.streaming is True
    assert response["Content-Type"] == "application/json"
    records = json.loads(body)
    assert [r["slug"] for r in records] == ["brest-quimper", "saint-etienne-tourisme"]
    first = records[0]
    assert first["summary"] == TRICKY_SUMMARY
    assert first["outcomes"] == FORMULA
    assert first["partner_count"] == 3
    assert [p["territory_name"] for p in first["partners"]] == [
        "Brest Métropole",
        "CA Quimper Bretagne Occidentale",
        "Finistère",
    ]
    assert first["partners"][0] == {
        "territory_kind": "epci",
        "territory_code": "242900314",
        "territory_siren": "242900314",
        "territory_name": "Brest Métropole",
        "territory_category": "METRO",
        "role": "lead",
        "relation": "reference",
        "relation_label": "Métropole de référence",
        "is_contiguous": None,
        "distance_km": None,
    }
    assert first["themes"] == [
        {"code": "mobility", "label": "Mobilités"},
        {"code": "health", "label": "Santé"},
    ]
    assert first["sources"][0]["url"] == "https://example.org/deliberation"
    assert first["end"] is None
    assert records[1]["end"] == "2015-06-30"
    assert records[1]["end_precision"] == "day"


def test_json_of_an_empty_selection_is_an_empty_array(client, registry):
    assert json.loads(download(client, "json", "status=planned")[1]) == []


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("zip", "application/zip"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("json", "application/json"),
        ("geojson", "application/geo+json"),
    ],
)
def test_file_names_carry_the_date_of_the_day(client, registry, fmt, content_type):
    response, _ = download(client, fmt)

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="cooperations-{today}.{fmt}"')
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "private"


# Bad requests ------------------------------------------------------------------------------


def test_invalid_filter_is_a_400_with_a_french_message(client, registry):
    response = client.get(export_url("csv"), {"theme": "inconnu", "start_year_min": "abc"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Export impossible" in text
    assert "Thème" in text and "inconnu" in text
    assert "Début à partir de" in text


@pytest.mark.parametrize("query", ["sep=tab", "table=territories"])
def test_unknown_separator_or_table_is_a_400(client, registry, query):
    response = client.get(f"{export_url('csv')}?{query}")

    assert response.status_code == 400
    assert "inconnu" in response.content.decode()


def test_unknown_format_is_a_404(client, registry):
    assert client.get(export_url("pdf")).status_code == 404


# Queries and memory ------------------------------------------------------------------------


def add_records(brittany, themes, count, prefix):
    bulk_cooperations(
        count,
        metropolis=brittany["brest_metropole"],
        partners=[brittany["quimper_agglo"], brittany["29019"]],
        themes=[themes["mobility"], themes["tourism"]],
        prefix=prefix,
    )


@pytest.mark.parametrize(
    ("fmt", "query", "max_queries"),
    [
        ("csv", "", 4),
        ("csv", "table=partnerships&theme=mobility", 5),
        ("zip", "", 8),
        ("xlsx", "", 8),
        ("ods", "status=active", 8),
        ("json", "", 4),
        ("geojson", "", 5),  # the JSON's, and the partners' contours
    ],
)
def test_number_of_queries_does_not_grow_with_the_records(
    client, brittany, themes, django_assert_max_num_queries, fmt, query, max_queries
):
    add_records(brittany, themes, 3, "small")
    with django_assert_max_num_queries(max_queries) as small:
        download(client, fmt, query)

    add_records(brittany, themes, 37, "more")
    with django_assert_max_num_queries(max_queries) as large:
        _, body = download(client, fmt, query)

    assert len(large.captured_queries) == len(small.captured_queries)
    if fmt == "csv" and not query:
        assert len(csv_records(body)) == 40


def test_queries_grow_with_chunks_not_rows(brittany, themes):
    add_records(brittany, themes, 40, "chunk")

    with CaptureQueriesContext(connection) as queries:
        blocks = list(stream_csv(Cooperation.objects.all(), chunk_size=10))
    # One query for the records, then themes, partners (with territories) and sources
    # for each chunk of 10.
    assert len(queries.captured_queries) == 1 + 3 * 4
    assert len(csv_records(b"".join(blocks))) == 40


def traced_peak(function) -> tuple[int, object]:
    """(peak of Python allocations while `function` runs, its result)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def consume_csv_export(client) -> int:
    response = client.get(export_url("csv"))
    return sum(len(block) for block in response.streaming_content)


def build_csv_in_memory() -> bytes:
    """What a non-streamed export would do: load every record, then the whole file."""
    records = list(Cooperation.objects.with_related())
    lines = [",".join(COOPERATION_COLUMNS)]
    lines.extend(f"{c.pk},{c.slug},{c.title},{c.summary},{c.description}" for c in records)
    return "\r\n".join(lines).encode("utf-8-sig")


@pytest.mark.slow
def test_csv_memory_does_not_grow_with_the_number_of_rows(client, brittany, themes):
    add_records(brittany, themes, 1000, "first")
    consume_csv_export(client)  # warm-up: imports, caches
    peak_1000, size_1000 = traced_peak(lambda: consume_csv_export(client))
    add_records(brittany, themes, 1000, "second")
    peak_2000, size_2000 = traced_peak(lambda: consume_csv_export(client))
    peak_in_memory, _ = traced_peak(build_csv_in_memory)

    assert size_2000 > 1.9 * size_1000
    # One chunk of records (with their partners, themes, sources) is held at a time.
    assert peak_2000 < 1.25 * peak_1000, (peak_1000, peak_2000)
    assert peak_2000 < 8 * 1024 * 1024, peak_2000
    assert peak_2000 < peak_in_memory / 4, (peak_2000, peak_in_memory)


# Documentation -----------------------------------------------------------------------------


def documented_columns(table: str) -> list[str]:
    text = DATA_DICTIONARY.read_text(encoding="utf-8")
    section = text.split(f"## Table `{table}`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("table", "columns"),
    [("cooperations", COOPERATION_COLUMNS), ("partnerships", PARTNERSHIP_COLUMNS)],
)
def test_data_dictionary_documents_every_column_in_order(table, columns):
    assert tuple(documented_columns(table)) == columns
