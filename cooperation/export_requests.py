"""An export of the registry as a visitor or a client asks for it: the list page's query
string (filters, order, `sep`, `table`), a format, the rights of who asks.

The same object serves a download made at once and a background job (jobs.exporters): its
parameters are plain JSON, so a worker rebuilds the very same selection. On PostgreSQL the
CSV (alone or zipped) and the JSON come from COPY (export_copy); the workbooks and the
SQLite path go through the rows of `exports`.
"""

from __future__ import annotations

from typing import BinaryIO

from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from jobs.exporters import Export, Progress, Size, SizeCheck, peeked
from portal.typography import labelled

from . import export_copy
from .export_records import CHUNK_SIZE, ExportRecord
from .exports import (
    DELIMITERS,
    FORMATS,
    TABLES,
    registry_sheets,
    stream_csv,
    stream_json,
    write_workbook,
    write_zip,
)
from .filters import CooperationFilterSet
from .geojson_export import stream_geojson
from .models import Cooperation, Partnership

# Parameters of the list page that do not change the file.
IGNORED_PARAMETERS = ("page", "page_size", "format")


def canonical_query(query: QueryDict) -> str:
    """The query string without what does not change the file, its keys sorted: two requests
    for the same file have the same one."""
    kept = QueryDict(mutable=True)
    for key in sorted(query):
        if key not in IGNORED_PARAMETERS:
            kept.setlist(key, query.getlist(key))
    return kept.urlencode()


class RegistryExport(Export):
    """params: `fmt` (csv, zip, json, geojson, xlsx, ods), `query` (see `canonical_query`),
    `base_url` (makes the `url` column absolute)."""

    kind = "registry"

    @classmethod
    def for_request(cls, request, fmt: str, *, query: QueryDict | None = None) -> RegistryExport:
        """The export of the list page's selection that `request` asks for."""
        params = {
            "fmt": fmt,
            "query": canonical_query(request.GET if query is None else query),
            "base_url": request.build_absolute_uri("/"),
        }
        return cls(params=params, user=request.user)

    @cached_property
    def _query(self) -> QueryDict:
        return QueryDict(self.params["query"])

    @cached_property
    def filterset(self) -> CooperationFilterSet:
        return CooperationFilterSet(
            self._query, queryset=Cooperation.objects.visible_to(self.user), request=None
        )

    @property
    def fmt(self) -> str:
        return self.params["fmt"]

    @property
    def table(self) -> str:
        return self._query.get("table", "cooperations")

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self._query.get("sep", "comma")]

    @property
    def filename(self) -> str:
        """`cooperations-2026-11-26.csv`; a single-table CSV of partners is `partnerships-…`;
        the `;` CSV is `cooperations-semicolon-…`, never the name of the `,` one."""
        stem = self.table if self.fmt == "csv" else "cooperations"
        if self.fmt == "csv" and self._query.get("sep") == "semicolon":
            stem += "-semicolon"
        return f"{stem}-{timezone.localdate():%Y-%m-%d}.{FORMATS[self.fmt].extension}"

    @property
    def content_type(self) -> str:
        return FORMATS[self.fmt].content_type

    @property
    def label(self) -> str:
        what = _("Partenaires des coopérations") if self._tables == ("partnerships",) else None
        return f"{what or _('Coopérations')}, {self.fmt.upper()}"

    def errors(self) -> list[str]:
        errors = [] if self.filterset.is_valid() else filter_errors(self.filterset)
        sep = self._query.get("sep", "comma")
        if sep not in DELIMITERS:
            errors.append(_("Séparateur inconnu : « %s » (comma ou semicolon).") % sep)
        if self.table not in TABLES:
            errors.append(_("Table inconnue : « %s » (cooperations ou partnerships).") % self.table)
        if self.fmt not in FORMATS:
            errors.append(_("Format d’export inconnu : « %s ».") % self.fmt)
        return errors

    @property
    def queryset(self):
        """The selection: scoped, filtered and ordered like the list page."""
        return self.filterset.qs

    @property
    def _tables(self) -> tuple[str, ...]:
        """The tables the file holds."""
        if self.fmt == "csv":
            return (self.table,)
        if self.fmt == "geojson":  # one feature per partner
            return ("partnerships",)
        return ("cooperations",) if self.fmt == "json" else tuple(TABLES)

    def _size(self, records: int, partnerships: int) -> Size:
        rows = {"cooperations": records, "partnerships": partnerships}
        return Size(records=records, rows=sum(rows[table] for table in self._tables))

    def size(self) -> Size:
        selection = self.queryset.order_by().values("pk")
        partnerships = 0
        if "partnerships" in self._tables:
            partnerships = Partnership.objects.filter(cooperation_id__in=selection).count()
        return self._size(self.queryset.count(), partnerships)

    # Writing ---------------------------------------------------------------------------------

    def write(
        self, target: BinaryIO, *, check_size: SizeCheck | None, progress: Progress | None
    ) -> None:
        copy = export_copy.supported() and self.fmt in ("csv", "zip", "json")
        if copy:
            if check_size is not None:
                check_size(self.size())
            hooks = None
        else:
            hooks = _ChunkHooks(self, check_size, progress)
        base_url = self.params["base_url"]
        if self.fmt in ("csv", "zip"):

            def write_table(output: BinaryIO, table: str) -> None:
                options = {"table": table, "delimiter": self.delimiter, "base_url": base_url}
                if copy:
                    export_copy.copy_csv(self.queryset, output, progress=progress, **options)
                    return
                for block in stream_csv(self.queryset, on_chunk=hooks.on(table), **options):
                    output.write(block)

            if self.fmt == "csv":
                write_table(target, self.table)
            else:
                write_zip(target, write_table)
        elif self.fmt == "geojson":
            hook = hooks.on("partnerships")
            for block in stream_geojson(self.queryset, base_url=base_url, on_chunk=hook):
                target.write(block)
        elif self.fmt == "json":
            if copy:
                export_copy.copy_json(self.queryset, target, base_url=base_url, progress=progress)
                return
            for block in stream_json(self.queryset, base_url=base_url, on_chunk=hooks.on(None)):
                target.write(block)
        else:
            sheets = registry_sheets(self.queryset, base_url=base_url, on_chunk=hooks.on)
            name, columns, rows = sheets[0]
            sheets[0] = (name, columns, peeked(rows))
            write_workbook(target, self.fmt, sheets)


class _ChunkHooks:
    """Size and progress from the chunks of records, as the Python path loads them.

    The first chunk tells the size for free when it is the only one (a selection smaller
    than a chunk: the common case, no query added); otherwise the size is counted."""

    def __init__(self, export: RegistryExport, check_size: SizeCheck | None, progress):
        self.export, self.check_size, self.progress = export, check_size, progress
        self.first = True

    def on(self, table: str | None):
        """The hook for the rows of `table` (None: one row per record, as in JSON)."""

        def hook(chunk: list[ExportRecord]) -> None:
            if self.first:
                self.first = False
                if self.check_size is not None:
                    if len(chunk) < CHUNK_SIZE:
                        partners = sum(len(record.partners) for record in chunk)
                        self.check_size(self.export._size(len(chunk), partners))
                    else:
                        self.check_size(self.export.size())
            if self.progress is not None:
                if table == "partnerships":
                    self.progress(sum(len(record.partners) for record in chunk))
                else:
                    self.progress(len(chunk))

        return hook


def filter_errors(filterset) -> list[str]:
    """The errors of an invalid FilterSet, one line each, named by the field's label."""
    form = filterset.form
    return [
        labelled(form.fields[name].label if name in form.fields else name, message)
        for name, messages in filterset.errors.items()
        for message in messages
    ]
