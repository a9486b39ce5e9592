"""`COPY (…) TO STDOUT` into a binary file, through a sink that reshapes the rows as they
pass: `CrlfRecords` gives a CSV RFC 4180's CRLF record ends, `JsonArray` joins one JSON
text per line into an array. The sinks buffer COPY's rows (one per call) and convert a
block at a time, and report the records written to a `progress` callback."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.db import connection

Progress = Callable[[int], None]
BLOCK = 256 * 1024


def copy_to(sql: str, options: str, sink) -> None:
    """COPY the result of `sql` into `sink` (its `write` gets the rows as bytes)."""
    statement = f"COPY ({sql}) TO STDOUT WITH ({options})"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in copy:  # one row per read, as the server sends it
            sink.write(bytes(row))
    sink.flush()


class _BlockSink:
    """Gathers COPY's rows (one per `write`) and hands them to `convert` a block at a time."""

    def __init__(self, target: BinaryIO, progress: Progress | None):
        self.target, self.progress = target, progress
        self.blocks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.blocks.append(data)
        self.size += len(data)
        if self.size >= BLOCK:
            self.flush()

    def flush(self) -> None:
        if not self.blocks:
            return
        data = b"".join(self.blocks)
        self.blocks.clear()
        self.size = 0
        self.convert(data)

    def convert(self, data: bytes) -> None:
        raise NotImplementedError


class CrlfRecords(_BlockSink):
    """Passes COPY's CSV on to `target` with CRLF record ends (LF inside quoted values is
    data, left as it is), in blocks; counts the records for `progress`."""

    def __init__(self, target: BinaryIO, progress: Progress | None):
        super().__init__(target, progress)
        self.in_quotes = False
        self.header_pending = True

    def convert(self, data: bytes) -> None:
        parts = data.split(b'"')
        records = 0
        # parts[0] continues the current state; every quote character toggles it (an
        # escaped quote, "", toggles twice).
        for index in range(1 if self.in_quotes else 0, len(parts), 2):
            count = parts[index].count(b"\n")
            if count:
                records += count
                parts[index] = parts[index].replace(b"\n", b"\r\n")
        if len(parts) % 2 == 0:
            self.in_quotes = not self.in_quotes
        self.target.write(b'"'.join(parts))
        if self.header_pending and records:
            records -= 1
            self.header_pending = False
        if self.progress and records:
            self.progress(records)


class JsonArray(_BlockSink):
    """Joins COPY's lines (one JSON object each, never a raw line break inside) into the
    array a JSON export writes: "[", then the objects separated by ",\\n", "]"."""

    def __init__(self, target: BinaryIO, progress: Progress | None):
        super().__init__(target, progress)
        self.started = False

    def convert(self, data: bytes) -> None:
        # Every block ends with a whole line: COPY writes a row at a time.
        objects = data[:-1].replace(b"\n", b",\n")
        self.target.write((b",\n" if self.started else b"\n") + objects)
        self.started = True
        if self.progress:
            self.progress(data.count(b"\n"))
