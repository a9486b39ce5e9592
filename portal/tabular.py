"""Tabular files written the one way the portal writes them, whatever the app: CSV (UTF-8
with a BOM, RFC 4180 quoting, CRLF line ends, formulas escaped), XLSX (openpyxl's
write-only mode) and ODS (`portal.opendocument`, streamed). The registry, the survey and
the geography's lists all use these writers, so a file opens the same way everywhere."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import BinaryIO

UTF8_BOM = "\ufeff"
# A cell starting with one of these is a formula to spreadsheet software: prefixed with "'".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL_LENGTH = 32_767  # Excel's limit; longer text is cut in XLSX only.
STREAM_BLOCK = 64 * 1024
# The CSV separators a request may name (`sep`): comma by default, semicolon for Excel in
# French.
DELIMITERS = {"comma": ",", "semicolon": ";"}

# A sheet of a workbook: its name, its header and its rows (consumed once, in order).
Sheet = tuple[str, Sequence[str], Iterable[Sequence]]

WORKBOOK_FORMATS = ("xlsx", "ods")


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


def csv_cell(value, escape_formulas: bool):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if escape_formulas and isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


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
    cell = partial(csv_cell, escape_formulas=escape_formulas)
    for row in rows:
        writer.writerow(map(cell, row))
        if buffer.size >= STREAM_BLOCK:
            yield buffer.drain().encode("utf-8")
    yield buffer.drain().encode("utf-8")


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


def write_workbook(
    target: BinaryIO,
    fmt: str,
    sheets: Sequence[Sheet],
    *,
    column_width: Callable[[str], int] = lambda _header: 16,
) -> None:
    """`sheets` as an xlsx or ods workbook into the binary file `target` (which must be
    seekable: both are zip archives). `column_width(header)` sets the xlsx column widths."""
    from .opendocument import write_ods

    if fmt == "xlsx":
        write_xlsx(target, sheets, column_width=column_width)
    elif fmt == "ods":
        write_ods(target, sheets)
    else:
        raise ValueError(f"Not a workbook format: {fmt!r}.")
