"""Exports of the cooperation registry: two tables, five formats.

Tables (column names are stable within v1, see docs/data-dictionary.md):

- ``cooperations``: one row per cooperation;
- ``partnerships``: one row per partner of a cooperation (long format).

Formats: CSV (one table), a zip of both CSV tables, XLSX and ODS (both tables as sheets),
JSON (cooperations with their partners, themes and sources nested).

CSV, zip and JSON are streamed: records are read with ``iterator(chunk_size=…)`` and their
partners, themes and sources loaded once per chunk (see `iter_records`), so memory stays
flat and the number of queries grows with the number of chunks, not of rows. XLSX and ODS
need a complete file (a zip whose directory comes last), so they are written first — to a
temporary file that spills to disk beyond a few MiB, which keeps memory flat — then sent.

Labels (``*_label``, ``theme_labels``) are always French, the portal's language, whatever
the language of the request, so that a file means the same thing for everybody.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from .dates import format_partial_date
from .models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    Origin,
    PartnerRelation,
    Partnership,
    Source,
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
)
# In JSON, the partners' keys (as in the `partnerships` table), and the columns that are
# null rather than empty when unknown.
PARTNER_KEYS = PARTNERSHIP_COLUMNS[2:10]
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
CHUNK_SIZE = 500  # records per fetch: about 3 MiB of Python objects, 4 queries
UTF8_BOM = "\ufeff"
DELIMITERS = {"comma": ",", "semicolon": ";"}
# A cell starting with one of these is a formula to Excel and LibreOffice when they open
# a CSV; the CSV prefixes such a value with an apostrophe (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL_LENGTH = 32_767  # Excel's limit; longer text is cut in XLSX only.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
_STREAM_BLOCK = 64 * 1024


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
}


# Rows --------------------------------------------------------------------------------------


class RowContext:
    """What every row needs and is computed once per export: French labels, the URL
    pattern of a record's page."""

    def __init__(self, base_url: str):
        with translation.override("fr"):
            self.instrument_labels = {value: str(label) for value, label in Instrument.choices}
            self.status_labels = {value: str(label) for value, label in CooperationStatus.choices}
            self.origin_labels = {value: str(label) for value, label in Origin.choices}
            self.relation_labels = {value: str(label) for value, label in PartnerRelation.choices}
        placeholder = "slug-placeholder"
        path = reverse("cooperation:detail", kwargs={"slug": placeholder})
        self._url_head, self._url_tail = (base_url.rstrip("/") + path).split(placeholder)

    def url(self, slug: str) -> str:
        return f"{self._url_head}{slug}{self._url_tail}"


class PartnerRow(NamedTuple):
    role: str
    relation: str
    kind: str
    code: str
    siren: str
    name: str
    category: str


class ThemeRow(NamedTuple):
    code: str
    label_fr: str


class SourceRow(NamedTuple):
    title: str
    publisher: str
    published_on: datetime.date | None
    published_precision: str
    url: str
    note: str

    @property
    def date(self) -> str:
        return format_partial_date(self.published_on, self.published_precision)


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """A cooperation with what its rows show: partners (with their territory), themes and
    sources, in the record's order."""

    cooperation: Cooperation
    partners: list[PartnerRow]
    themes: list[ThemeRow]
    sources: list[SourceRow]


def iter_records(queryset: QuerySet, *, chunk_size: int = CHUNK_SIZE) -> Iterator[ExportRecord]:
    """The records of `queryset`, in its order, read `chunk_size` at a time with their
    métropole; partners, themes and sources are loaded for each chunk as plain tuples:
    1 + 3 queries per chunk, whatever the number of rows.

    Not `prefetch_related`: for every record it builds about ten model instances and three
    querysets, which made the export 3 to 4 times slower, and ties them in reference cycles
    that only a full garbage collection frees (memory then grew with the rows)."""
    records = (
        queryset.prefetch_related(None)
        .select_related("metropolis")
        .defer("search_text")
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(records, chunk_size)):
        ids = [cooperation.pk for cooperation in chunk]
        partners, themes, sources = defaultdict(list), defaultdict(list), defaultdict(list)
        for cooperation_id, *values in (
            Partnership.objects.filter(cooperation_id__in=ids)
            .order_by("position", "id")
            .values_list(
                "cooperation_id",
                "role",
                "relation",
                "territory__kind",
                "territory__code",
                "territory__siren",
                "territory__name",
                "territory__category",
            )
        ):
            partners[cooperation_id].append(PartnerRow(*values))
        for cooperation_id, *values in (
            Cooperation.themes.through.objects.filter(cooperation_id__in=ids)
            .order_by("theme__position", "theme__code")
            .values_list("cooperation_id", "theme__code", "theme__label_fr")
        ):
            themes[cooperation_id].append(ThemeRow(*values))
        for cooperation_id, *values in (
            Source.objects.filter(cooperation_id__in=ids)
            .order_by("position", "id")
            .values_list(
                "cooperation_id",
                "title",
                "publisher",
                "published_on",
                "published_precision",
                "url",
                "note",
            )
        ):
            sources[cooperation_id].append(SourceRow(*values))
        for cooperation in chunk:
            pk = cooperation.pk
            yield ExportRecord(cooperation, partners[pk], themes[pk], sources[pk])


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
    )


def table_rows(
    queryset: QuerySet,
    *,
    table: str = "cooperations",
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[tuple]:
    """The rows (tuples of str, int and bool) of one table, header excluded, streamed."""
    context = RowContext(base_url)
    for record in iter_records(queryset, chunk_size=chunk_size):
        if table == "cooperations":
            yield cooperation_values(record, context)
        else:
            for partner in record.partners:
                yield partnership_values(record, partner, context)


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"Unknown export table {table!r}; expected one of {sorted(TABLES)}.")


# CSV ---------------------------------------------------------------------------------------


class _TextBuffer:
    """The file `csv.writer` writes to: keeps the text until the generator takes it."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        return len(text)

    def drain(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        self.size = 0
        return text


def _csv_cell(value, escape_formulas: bool):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if escape_formulas and isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def stream_csv(
    queryset: QuerySet,
    *,
    table: str = "cooperations",
    delimiter: str = ",",
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
    escape_formulas: bool = True,
) -> Iterator[bytes]:
    """One table as CSV, in blocks of bytes: UTF-8 with a BOM at the start, RFC 4180
    quoting, CRLF line ends. `base_url` ("https://host") makes the `url` column absolute.
    Read lazily: nothing touches the database before the first block is asked for."""
    _check_table(table)
    if delimiter not in DELIMITERS.values():
        raise ValueError(f"Unsupported CSV delimiter {delimiter!r}.")
    return _csv_blocks(queryset, table, delimiter, base_url, chunk_size, escape_formulas)


def _csv_blocks(queryset, table, delimiter, base_url, chunk_size, escape_formulas):
    rows = table_rows(queryset, table=table, base_url=base_url, chunk_size=chunk_size)
    yield from csv_blocks(TABLES[table], rows, delimiter=delimiter, escape_formulas=escape_formulas)


def csv_blocks(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    delimiter: str = ",",
    escape_formulas: bool = True,
) -> Iterator[bytes]:
    """Any table as CSV, in blocks of bytes, the way the registry writes it: UTF-8 with a
    BOM at the start, RFC 4180 quoting, CRLF line ends, booleans as true/false, formulas
    escaped. `rows` is consumed lazily, one block at a time."""
    buffer = _TextBuffer()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(UTF8_BOM)
    writer.writerow(header)
    cell = partial(_csv_cell, escape_formulas=escape_formulas)
    for row in rows:
        writer.writerow(map(cell, row))
        if buffer.size >= _STREAM_BLOCK:
            yield buffer.drain().encode("utf-8")
    yield buffer.drain().encode("utf-8")


# Zip of both CSV tables -------------------------------------------------------------------


class _ByteSink:
    """A write-only, non-seekable file for `zipfile`: it then writes each member's sizes
    after its data (data descriptors), so the archive can be sent as it is produced."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_zip(
    queryset: QuerySet,
    *,
    delimiter: str = ",",
    base_url: str = "",
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """A zip holding cooperations.csv and partnerships.csv (as `stream_csv` writes them),
    produced and sent block by block."""
    if delimiter not in DELIMITERS.values():
        raise ValueError(f"Unsupported CSV delimiter {delimiter!r}.")
    return _zip_blocks(queryset, delimiter, base_url, chunk_size)


def _zip_blocks(queryset, delimiter, base_url, chunk_size):
    sink = _ByteSink()
    now = time.localtime(time.time())[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            info = zipfile.ZipInfo(f"{table}.csv", date_time=now)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as member:
                for block in stream_csv(
                    queryset,
                    table=table,
                    delimiter=delimiter,
                    base_url=base_url,
                    chunk_size=chunk_size,
                ):
                    member.write(block)
                    data = sink.drain()
                    if data:
                        yield data
    yield sink.drain()


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
    result["partners"] = [
        dict(zip(PARTNER_KEYS, partnership_values(record, partner, context)[2:10], strict=True))
        for partner in record.partners
    ]
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
    queryset: QuerySet, *, base_url: str = "", chunk_size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """A JSON array of cooperation objects (see `cooperation_object`), one per line,
    produced and sent block by block."""
    return _json_blocks(queryset, base_url, chunk_size)


def _json_blocks(queryset, base_url, chunk_size):
    context = RowContext(base_url)
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    parts, size, separator = ["["], 1, "\n"
    for record in iter_records(queryset, chunk_size=chunk_size):
        text = separator + encoder.encode(cooperation_object(record, context))
        separator = ",\n"
        parts.append(text)
        size += len(text)
        if size >= _STREAM_BLOCK:
            yield "".join(parts).encode("utf-8")
            parts.clear()
            size = 0
    parts.append("\n]\n")
    yield "".join(parts).encode("utf-8")


# XLSX and ODS ------------------------------------------------------------------------------


# A sheet of a workbook: its name, its header and its rows (consumed once, in order).
Sheet = tuple[str, Sequence[str], Iterable[Sequence]]


def build_xlsx(
    queryset: QuerySet, *, base_url: str = "", chunk_size: int = CHUNK_SIZE
) -> tempfile.SpooledTemporaryFile:
    """Both tables as sheets of an XLSX workbook (see `write_xlsx`). Returned rewound,
    ready to send."""
    return build_workbook(
        "xlsx", _sheets(queryset, base_url, chunk_size), column_width=_column_width
    )


def build_ods(
    queryset: QuerySet, *, base_url: str = "", chunk_size: int = CHUNK_SIZE
) -> tempfile.SpooledTemporaryFile:
    """Both tables as sheets of an OpenDocument spreadsheet; header bold and frozen.
    Returned rewound, ready to send."""
    return build_workbook("ods", _sheets(queryset, base_url, chunk_size))


def _sheets(queryset, base_url, chunk_size) -> list[Sheet]:
    return [
        (
            table,
            columns,
            table_rows(queryset, table=table, base_url=base_url, chunk_size=chunk_size),
        )
        for table, columns in TABLES.items()
    ]


def build_workbook(
    fmt: str, sheets: Sequence[Sheet], *, column_width: Callable[[str], int] | None = None
) -> tempfile.SpooledTemporaryFile:
    """`sheets` as an xlsx or ods workbook in a temporary file (memory, then disk beyond a
    few MiB), rewound. `column_width(header)` sets the xlsx column widths."""
    from .opendocument import write_ods

    output = _spool()
    try:
        if fmt == "xlsx":
            write_xlsx(output, sheets, column_width=column_width or (lambda _name: 16))
        elif fmt == "ods":
            write_ods(output, sheets)
        else:
            raise ValueError(f"Not a workbook format: {fmt!r}.")
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def write_xlsx(target, sheets: Sequence[Sheet], *, column_width: Callable[[str], int]) -> None:
    """Write `sheets` as an XLSX workbook to the binary file `target` (openpyxl, write-only
    mode: rows go to temporary files as they come); header bold and frozen; every text
    cell typed as text, so nothing is ever evaluated as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, columns, rows in sheets:
        sheet = workbook.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column_width(column)
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            header.append(cell)
        sheet.append(header)

        def text_cell(value, sheet=sheet):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL_LENGTH]
            if not value.startswith("="):
                return value
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would otherwise store it as a formula
            return cell

        for row in rows:
            sheet.append([text_cell(value) if isinstance(value, str) else value for value in row])
    workbook.save(target)


def _column_width(name: str) -> int:
    if name in {"title", "summary", "description", "partners", "cooperation_title"}:
        return 48
    if name in {"slug", "cooperation_slug", "url", "sources", "territory_name", "theme_labels"}:
        return 32
    return 16


def _spool() -> tempfile.SpooledTemporaryFile:
    """A file in memory up to SPOOL_MAX_BYTES, on disk beyond; the response closes it."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)


# HTTP responses ----------------------------------------------------------------------------


def export_filename(fmt: str, *, table: str = "cooperations") -> str:
    """`cooperations-2026-11-26.csv`; a single-table CSV of partners is `partnerships-…`."""
    stem = table if fmt == "csv" else "cooperations"
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{FORMATS[fmt].extension}"


def download_response(content, *, fmt: str, filename: str) -> HttpResponseBase:
    """An attachment named `filename`: `content` is either blocks of bytes (streamed as
    they come) or a file (sent, then closed). Private to the requester's cache: what an
    export holds depends on who asks."""
    if hasattr(content, "read"):
        response = FileResponse(
            content, as_attachment=True, filename=filename, content_type=FORMATS[fmt].content_type
        )
    else:
        response = StreamingHttpResponse(content, content_type=FORMATS[fmt].content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Accel-Buffering"] = "no"  # let a proxy (nginx) pass blocks on at once
    response["Cache-Control"] = "private"
    return response


def export_response(
    queryset: QuerySet,
    *,
    fmt: str,
    table: str = "cooperations",
    delimiter: str = ",",
    base_url: str = "",
) -> HttpResponseBase:
    """The download of `queryset` (already scoped and filtered by the caller) in `fmt`:
    csv (the one `table`), zip, xlsx, ods or json."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    _check_table(table)
    filename = export_filename(fmt, table=table)
    streamed: dict[str, Callable[[], Iterable[bytes]]] = {
        "csv": lambda: stream_csv(queryset, table=table, delimiter=delimiter, base_url=base_url),
        "zip": lambda: stream_zip(queryset, delimiter=delimiter, base_url=base_url),
        "json": lambda: stream_json(queryset, base_url=base_url),
    }
    if fmt in streamed:
        content = streamed[fmt]()
    else:
        build = build_xlsx if fmt == "xlsx" else build_ods
        content = build(queryset, base_url=base_url)
    # Private: the content depends on who asks (staff see unpublished records).
    return download_response(content, fmt=fmt, filename=filename)


def csv_response(
    queryset: QuerySet,
    *,
    table: str = "cooperations",
    delimiter: str = ",",
    base_url: str = "",
) -> StreamingHttpResponse:
    """A streamed CSV download of one table (for callers such as the API's ?format=csv)."""
    return export_response(queryset, fmt="csv", table=table, delimiter=delimiter, base_url=base_url)
