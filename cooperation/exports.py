"""Exports of the cooperation registry: two tables, five formats.

Tables (column names are stable within v1, see docs/data-dictionary.md):

- ``cooperations``: one row per cooperation;
- ``partnerships``: one row per partner of a cooperation (long format).

Formats: CSV (one table), a zip of both CSV tables, XLSX and ODS (both tables as sheets),
JSON (cooperations with their partners, themes and sources nested), GeoJSON (one feature
per partner, see `geojson_export`).

This module builds the rows and writes them, the portable way: records are read with
``iterator(chunk_size=…)`` and their partners, themes and sources loaded once per chunk
(see `export_records.iter_records`), so memory stays flat and the number of queries grows
with the number of chunks, not of rows. On PostgreSQL, the CSV and JSON come from COPY
instead, with the same bytes (cooperation/export_copy.py); what a request asks for, and
whether it is built at once or as a background job, is cooperation/export_requests.py.

Labels (``*_label``, ``theme_labels``) are always French, the portal's language, whatever
the language of the request, so that a file means the same thing for everybody.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from portal import tabular
from portal.tabular import DELIMITERS, Sheet, csv_blocks

from .export_records import (
    CHUNK_SIZE,
    ChunkHook,
    ExportRecord,
    PartnerRow,
    RowContext,
    iter_records,
)

COOPERATION_COLUMNS: tuple[str, ...] = (
    "id",
    "slug",
    "title",
    "summary",
    "description",
    "instrument",
    "instrument_label",
    "status",
    "status_label",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "metropolis_siren",
    "metropolis_name",
    "partner_count",
    "partners",
    "partner_codes",
    "themes",
    "theme_labels",
    "governance",
    "engineering",
    "funding",
    "outcomes",
    "difficulties",
    "uncertainty_notes",
    "sources",
    "source_titles",
    "origin",
    "origin_label",
    "origin_detail",
    "origin_url",
    "is_published",
    "created_at",
    "updated_at",
    "url",
)
PARTNERSHIP_COLUMNS: tuple[str, ...] = (
    "cooperation_slug",
    "cooperation_title",
    "territory_kind",
    "territory_code",
    "territory_siren",
    "territory_name",
    "territory_category",
    "role",
    "relation",
    "relation_label",
    "metropolis_siren",
    "start",
    "status",
    "instrument",
    "is_contiguous",
    "distance_km",
)
# In JSON, the partners' keys (as in the `partnerships` table), and the columns that are
# null rather than empty when unknown.
PARTNER_KEYS = (*PARTNERSHIP_COLUMNS[2:10], "is_contiguous", "distance_km")
NULLABLE_IN_JSON = (
    "start",
    "start_precision",
    "end",
    "end_precision",
    "metropolis_siren",
    "metropolis_name",
)
TABLES: dict[str, tuple[str, ...]] = {
    "cooperations": COOPERATION_COLUMNS,
    "partnerships": PARTNERSHIP_COLUMNS,
}
LIST_SEPARATOR = " | "


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    content_type: str


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8"),
    "zip": ExportFormat("zip", "application/zip"),
    "xlsx": ExportFormat(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "ods": ExportFormat("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "json": ExportFormat("json", "application/json"),
    "geojson": ExportFormat("geojson", "application/geo+json"),
}


# Rows --------------------------------------------------------------------------------------


def _datetime(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _siren(territory) -> str:
    return (territory.siren or territory.code) if territory else ""


def cooperation_values(record: ExportRecord, context: RowContext) -> tuple:
    """One row of the `cooperations` table, in the order of COOPERATION_COLUMNS."""
    cooperation, partners, themes, sources = (
        record.cooperation,
        record.partners,
        record.themes,
        record.sources,
    )
    metropolis = cooperation.metropolis
    return (
        cooperation.pk,
        cooperation.slug,
        cooperation.title,
        cooperation.summary,
        cooperation.description,
        cooperation.instrument,
        context.instrument_labels.get(cooperation.instrument, ""),
        cooperation.status,
        context.status_labels.get(cooperation.status, ""),
        cooperation.start,
        cooperation.start_precision,
        cooperation.end,
        cooperation.end_precision,
        _siren(metropolis),
        metropolis.name if metropolis else "",
        len(partners),
        LIST_SEPARATOR.join(partner.name for partner in partners),
        LIST_SEPARATOR.join(f"{partner.kind}:{partner.code}" for partner in partners),
        LIST_SEPARATOR.join(theme.code for theme in themes),
        LIST_SEPARATOR.join(theme.label_fr for theme in themes),
        cooperation.governance,
        cooperation.engineering,
        cooperation.funding,
        cooperation.outcomes,
        cooperation.difficulties,
        cooperation.uncertainty_notes,
        LIST_SEPARATOR.join(source.url for source in sources if source.url),
        LIST_SEPARATOR.join(source.title for source in sources),
        cooperation.origin,
        context.origin_labels.get(cooperation.origin, ""),
        cooperation.origin_label,
        cooperation.origin_url,
        cooperation.is_published,
        _datetime(cooperation.created_at),
        _datetime(cooperation.updated_at),
        context.url(cooperation.slug),
    )


def partnership_values(record: ExportRecord, partner: PartnerRow, context: RowContext) -> tuple:
    """One row of the `partnerships` table, in the order of PARTNERSHIP_COLUMNS."""
    cooperation = record.cooperation
    return (
        cooperation.slug,
        cooperation.title,
        partner.kind,
        partner.code,
        partner.siren,
        partner.name,
        partner.category,
        partner.role,
        partner.relation,
        context.relation_labels.get(partner.relation, ""),
        _siren(cooperation.metropolis),
        cooperation.start,
        cooperation.status,
        cooperation.instrument,
        partner.is_contiguous,
        None if partner.distance_km is None else float(partner.distance_km),
    )


def table_rows(
    queryset: QuerySet,
    *,
    table: str = "cooperations",
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
) -> Iterator[tuple]:
    """The rows (tuples of str, int and bool) of one table, header excluded, streamed."""
    context = RowContext(base_url)
    for record in iter_records(queryset, chunk_size=chunk_size, on_chunk=on_chunk):
        if table == "cooperations":
            yield cooperation_values(record, context)
        else:
            for partner in record.partners:
                yield partnership_values(record, partner, context)


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"Unknown export table {table!r}; expected one of {sorted(TABLES)}.")


# CSV ---------------------------------------------------------------------------------------


def stream_csv(
    queryset: QuerySet,
    *,
    table: str = "cooperations",
    delimiter: str = ",",
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    escape_formulas: bool = True,
    on_chunk: ChunkHook | None = None,
) -> Iterator[bytes]:
    """One table as CSV, in blocks of bytes: UTF-8 with a BOM at the start, RFC 4180
    quoting, CRLF line ends. `base_url` ("https://host") makes the `url` column absolute.
    Read lazily: nothing touches the database before the first block is asked for."""
    _check_table(table)
    if delimiter not in DELIMITERS.values():
        raise ValueError(f"Unsupported CSV delimiter {delimiter!r}.")
    rows = table_rows(
        queryset, table=table, base_url=base_url, chunk_size=chunk_size, on_chunk=on_chunk
    )
    return csv_blocks(TABLES[table], rows, delimiter=delimiter, escape_formulas=escape_formulas)


# Zip of both CSV tables -------------------------------------------------------------------


def write_zip(target: BinaryIO, write_table: Callable[[BinaryIO, str], None]) -> None:
    """A zip holding cooperations.csv and partnerships.csv into `target`;
    `write_table(member, table)` writes each CSV."""
    now = time.localtime(time.time())[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            info = zipfile.ZipInfo(f"{table}.csv", date_time=now)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as member:
                write_table(member, table)


# JSON --------------------------------------------------------------------------------------


def cooperation_object(record: ExportRecord, context: RowContext) -> dict:
    """A cooperation as a JSON object: the `cooperations` columns, with partners, themes and
    sources as nested lists instead of joined strings; unknown values are null."""
    values = cooperation_values(record, context)
    result = dict(zip(COOPERATION_COLUMNS, values, strict=True))
    for name in ("partner_codes", "theme_labels", "source_titles"):
        del result[name]
    for name in NULLABLE_IN_JSON:
        result[name] = result[name] or None
    result["partners"] = []
    for partner in record.partners:
        row = dict(
            zip(PARTNERSHIP_COLUMNS, partnership_values(record, partner, context), strict=True)
        )
        result["partners"].append({key: row[key] for key in PARTNER_KEYS})
    result["themes"] = [{"code": theme.code, "label": theme.label_fr} for theme in record.themes]
    result["sources"] = [
        {
            "title": source.title,
            "publisher": source.publisher,
            "date": source.date or None,
            "url": source.url,
            "note": source.note,
        }
        for source in record.sources
    ]
    return result


def stream_json(
    queryset: QuerySet,
    *,
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
) -> Iterator[bytes]:
    """A JSON array of cooperation objects (see `cooperation_object`), one per line,
    produced block by block."""
    return _json_blocks(queryset, base_url, chunk_size, on_chunk)


def _json_blocks(queryset, base_url, chunk_size, on_chunk):
    context = RowContext(base_url)
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    parts, size, separator = ["["], 1, "\n"
    for record in iter_records(queryset, chunk_size=chunk_size, on_chunk=on_chunk):
        text = separator + encoder.encode(cooperation_object(record, context))
        separator = ",\n"
        parts.append(text)
        size += len(text)
        if size >= tabular.STREAM_BLOCK:
            yield "".join(parts).encode("utf-8")
            parts.clear()
            size = 0
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


# XLSX and ODS ------------------------------------------------------------------------------


def registry_sheets(
    queryset: QuerySet,
    *,
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[str], ChunkHook | None] = lambda _table: None,
) -> list[Sheet]:
    """Both tables as the sheets of a workbook; `on_chunk(table)` gives each sheet's hook."""
    return [
        (
            table,
            columns,
            table_rows(
                queryset,
                table=table,
                base_url=base_url,
                chunk_size=chunk_size,
                on_chunk=on_chunk(table),
            ),
        )
        for table, columns in TABLES.items()
    ]


def write_workbook(
    target: BinaryIO,
    fmt: str,
    sheets: Sequence[Sheet],
    *,
    column_width: Callable[[str], int] | None = None,
) -> None:
    """`sheets` as an xlsx or ods workbook (see `portal.tabular.write_workbook`), with the
    registry's column widths unless `column_width` is given."""
    tabular.write_workbook(target, fmt, sheets, column_width=column_width or registry_column_width)


def registry_column_width(name: str) -> int:
    if name in {"title", "summary", "description", "partners", "cooperation_title"}:
        return 48
    if name in {"slug", "cooperation_slug", "url", "sources", "territory_name", "theme_labels"}:
        return 32
    return 16
