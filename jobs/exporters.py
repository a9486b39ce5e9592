"""What the job machinery knows of an export: a file built from JSON parameters, for a user.

The apps that export (the registry, the survey) subclass `Export` and register it under a
kind in their AppConfig.ready(); a job stores the kind and the parameters, and the worker
rebuilds the same export from them. The thresholds that turn a download into a job are
settings (EXPORT_JOB_MIN_ROWS, EXPORT_JOB_MIN_WORKBOOK_RECORDS).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError

WORKBOOK_FORMATS = ("xlsx", "ods")


@dataclass(frozen=True)
class Size:
    """How big an export is: its records (what a workbook threshold counts) and the rows of
    its file or files (what the row threshold and the progress count)."""

    records: int
    rows: int

    def needs_job(self, fmt: str) -> bool:
        """Past the thresholds, an export is built in the background."""
        if self.rows > settings.EXPORT_JOB_MIN_ROWS:
            return True
        return fmt in WORKBOOK_FORMATS and self.records > settings.EXPORT_JOB_MIN_WORKBOOK_RECORDS


class TooLargeForARequest(Exception):
    """Raised while an export is written during a request, as soon as its size is known to
    be past the thresholds: it is then made a job instead."""

    def __init__(self, size: Size):
        super().__init__(f"{size.records} records, {size.rows} rows")
        self.size = size


# Called with the size as soon as the writer knows it (before it writes much).
SizeCheck = Callable[[Size], None]
# Called with the number of rows just written.
Progress = Callable[[int], None]


class Export(abc.ABC):
    """One export as asked for: `params` (JSON-serialisable, they identify the request)
    read with the rights of `user` (None: anonymous)."""

    kind: ClassVar[str]
    # What `Size.rows` and the progress count: "rows" of the file, or "responses" read.
    unit: ClassVar[str] = "rows"

    def __init__(self, *, params: dict, user=None):
        self.params = params
        self.user = user

    @property
    @abc.abstractmethod
    def fmt(self) -> str:
        """csv, zip, json, xlsx or ods."""

    @property
    @abc.abstractmethod
    def filename(self) -> str:
        """The name the file is downloaded under."""

    @property
    @abc.abstractmethod
    def content_type(self) -> str: ...

    @property
    @abc.abstractmethod
    def label(self) -> str:
        """What the file holds, for a person (« Coopérations, CSV »)."""

    @abc.abstractmethod
    def errors(self) -> list[str]:
        """What is wrong with the parameters, one message each ([] when valid)."""

    @abc.abstractmethod
    def size(self) -> Size:
        """Counted in the database."""

    @abc.abstractmethod
    def write(
        self, target: BinaryIO, *, check_size: SizeCheck | None, progress: Progress | None
    ) -> None:
        """Write the file into `target`; call `check_size` once the size is known, before
        writing most of it."""

    def check(self) -> None:
        """Raise ValidationError when the parameters are invalid."""
        if errors := self.errors():
            raise ValidationError(errors)


def peeked(rows: Iterable) -> Iterable:
    """`rows` with its first item already read: a workbook's first rows are asked for
    before the workbook is started, so that a size check (which runs with the first chunk)
    stops the export before the workbook writer has anything to abandon."""
    iterator = iter(rows)
    first = list(islice(iterator, 1))
    return chain(first, iterator)


_KINDS: dict[str, type[Export]] = {}


def register(export_class: type[Export]) -> None:
    """Make `export_class` buildable from a job (call it from AppConfig.ready)."""
    _KINDS[export_class.kind] = export_class


def build(kind: str, *, params: dict, user=None) -> Export:
    """The export a job stored as `kind` and `params`."""
    try:
        export_class = _KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown export kind {kind!r}; registered: {sorted(_KINDS)}.") from None
    return export_class(params=params, user=user)
