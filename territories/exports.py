"""Downloads of the geography's lists — /territoires/ and /metropoles/ — in the formats of
the registry's exports (CSV, XLSX, ODS, JSON), written by the shared `portal.tabular`
writers: the same bytes conventions (UTF-8 with a BOM, CRLF, formulas escaped), the same
stable, English column names, French labels whatever the language of the request.

The rows are the list's own selection (same filters, same order, every page)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.tabular import csv_blocks, write_workbook

from .columns import metropolis_columns

LIST_SEPARATOR = " | "
CHUNK_SIZE = 2000
# Parameters of the list pages that do not change the file.
IGNORED_PARAMETERS = ("page", "sep")


@dataclass(frozen=True)
class ListFormat:
    extension: str
    content_type: str


FORMATS: dict[str, ListFormat] = {
    "csv": ListFormat("csv", "text/csv; charset=utf-8"),
    "xlsx": ListFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ods": ListFormat("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "json": ListFormat("json", "application/json"),
}

TERRITORY_COLUMNS = (
    "kind",
    "kind_label",
    "code",
    "siren",
    "name",
    "category",
    "category_label",
    "population",
    "department_codes",
    "is_obsolete",
    "source",
    "vintage",
    "url",
)

METROPOLIS_COLUMNS = (
    "code",
    "name",
    "category",
    "category_label",
    "population",
    "commune_count",
    "department_codes",
    "url",
)


@dataclass(frozen=True)
class Table:
    """A list as a table: its sheet name, header and rows (each a sequence of cells)."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence]


def _departments(territory) -> str:
    return LIST_SEPARATOR.join(department.code for department in territory.departments)


def _iterate(queryset: QuerySet) -> Iterator:
    # `iterator()` honours prefetches (the départements) once per chunk.
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def territory_table(queryset: QuerySet, base_url: str) -> Table:
    """/territoires/'s rows; `queryset` must prefetch `departments` (with_departments())."""
    base = base_url.rstrip("/")

    def rows():
        with translation.override("fr"):
            for territory in _iterate(queryset):
                yield (
                    territory.kind,
                    str(territory.get_kind_display()),
                    territory.code,
                    territory.siren,
                    territory.name,
                    territory.category,
                    str(territory.get_category_display()) if territory.category else "",
                    territory.population,
                    _departments(territory),
                    territory.is_obsolete,
                    territory.source,
                    territory.vintage,
                    base + territory.get_absolute_url(),
                )

    return Table("territories", TERRITORY_COLUMNS, rows())


def metropolis_table(queryset: QuerySet, base_url: str) -> Table:
    """/metropoles/'s rows, with the columns other apps register (their annotations must
    already be on `queryset`, as the page applies them)."""
    base = base_url.rstrip("/")
    extra = metropolis_columns()

    def rows():
        with translation.override("fr"):
            for metropolis in _iterate(queryset):
                yield (
                    metropolis.code,
                    metropolis.name,
                    metropolis.category,
                    str(metropolis.get_category_display()),
                    metropolis.population,
                    metropolis.commune_count,
                    _departments(metropolis),
                    base + metropolis.get_absolute_url(),
                    *(getattr(metropolis, column.field) for column in extra),
                )

    columns = (*METROPOLIS_COLUMNS, *(f"{column.param}_count" for column in extra))
    return Table("metropolises", columns, rows())


def write_table(target: BinaryIO, fmt: str, table: Table, *, delimiter: str = ",") -> None:
    """`table` in `fmt` (a key of FORMATS) into the binary file `target`."""
    if fmt == "csv":
        for block in csv_blocks(table.columns, table.rows, delimiter=delimiter):
            target.write(block)
    elif fmt == "json":
        _write_json(target, table)
    else:
        write_workbook(target, fmt, [(table.name, table.columns, table.rows)], column_width=_width)


def _write_json(target: BinaryIO, table: Table) -> None:
    # An array of objects, one a line; empty text stays "" (as in the registry's JSON).
    separator = b"["
    for row in table.rows:
        target.write(separator + b"\n")
        obj = dict(zip(table.columns, row, strict=True))
        target.write(json.dumps(obj, ensure_ascii=False).encode())
        separator = b","
    target.write(b"[\n]\n" if separator == b"[" else b"\n]\n")


def _width(column: str) -> int:
    return 40 if column in {"name", "url"} else 16


def export_links(url_name: str, query) -> list[dict]:
    """A link per format (and the CSV for French Excel) carrying the list's query string."""
    kept = query.copy()
    for name in IGNORED_PARAMETERS:
        kept.pop(name, None)
    encoded = kept.urlencode()
    links = []
    for fmt, extra, label in (
        ("csv", "", _("CSV (virgule)")),
        ("csv", "sep=semicolon", _("CSV (point-virgule, Excel français)")),
        ("xlsx", "", _("Excel (XLSX)")),
        ("ods", "", _("LibreOffice (ODS)")),
        ("json", "", _("JSON")),
    ):
        parameters = "&".join(part for part in (encoded, extra) if part)
        url = reverse(url_name, kwargs={"fmt": fmt})
        links.append(
            {"format": fmt, "label": label, "url": f"{url}?{parameters}" if parameters else url}
        )
    return links
