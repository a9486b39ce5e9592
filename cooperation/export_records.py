"""The registry's records as the exports read them: each record with its partners,
themes and sources as plain tuples, read a chunk at a time in the selection's order, and
what every row needs computed once per export (`RowContext`). The files are written by
cooperation/exports.py (portable), cooperation/export_copy.py (PostgreSQL's COPY) and
cooperation/geojson_export.py."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation

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

CHUNK_SIZE = 500  # records per fetch: about 3 MiB of Python objects, 4 queries


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
    territory_id: int
    is_contiguous: bool | None
    distance_km: Decimal | None


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


# Called with each chunk of records as soon as it is loaded, before its rows are written.
ChunkHook = Callable[[list["ExportRecord"]], None]


def iter_records(
    queryset: QuerySet, *, chunk_size: int = CHUNK_SIZE, on_chunk: ChunkHook | None = None
) -> Iterator[ExportRecord]:
    """The records of `queryset`, in its order, read `chunk_size` at a time with their
    métropole; partners, themes and sources are loaded for each chunk as plain tuples:
    1 + 3 queries per chunk, whatever the number of rows. `on_chunk` sees each chunk
    before its records are yielded.

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
        partners, themes, sources = _partners(ids), _themes(ids), _sources(ids)
        loaded = [ExportRecord(c, partners[c.pk], themes[c.pk], sources[c.pk]) for c in chunk]
        if on_chunk is not None:
            on_chunk(loaded)
        yield from loaded


def _partners(ids: list[int]) -> dict[int, list[PartnerRow]]:
    """The partners of the records `ids`, by record, in each record's order."""
    partners = defaultdict(list)
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
            "territory_id",
            "is_contiguous",
            "distance_km",
        )
    ):
        partners[cooperation_id].append(PartnerRow(*values))
    return partners


def _themes(ids: list[int]) -> dict[int, list[ThemeRow]]:
    """The themes of the records `ids`, by record, in the taxonomy's order."""
    themes = defaultdict(list)
    for cooperation_id, *values in (
        Cooperation.themes.through.objects.filter(cooperation_id__in=ids)
        .order_by("theme__position", "theme__code")
        .values_list("cooperation_id", "theme__code", "theme__label_fr")
    ):
        themes[cooperation_id].append(ThemeRow(*values))
    return themes


def _sources(ids: list[int]) -> dict[int, list[SourceRow]]:
    """The sources of the records `ids`, by record, in each record's order."""
    sources = defaultdict(list)
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
    return sources
