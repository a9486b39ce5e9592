"""A reviewers' export of a campaign's responses as asked for: the review queue's query
string (filters, order, `sep`, `table`), a format, the reviewer's rights.

Like the registry's (cooperation/export_requests.py), it is built at once or, past the
thresholds, as a job (jobs.exporters). A workbook holds every table. Size and progress
count responses (entries are only known once read): the progress follows the first table
that reads them, the others take little time after it.
"""

from __future__ import annotations

from typing import BinaryIO

from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from cooperation.export_requests import canonical_query, filter_errors
from cooperation.exports import write_workbook
from jobs.exporters import Export, Progress, Size, SizeCheck, peeked
from portal.tabular import DELIMITERS, csv_blocks

from .exports import (
    CHUNK_SIZE,
    FORMATS,
    TABLES,
    column_width,
    export_filename,
    layout_for,
    table_rows,
)
from .filters import ResponseFilterSet
from .models import Campaign, Response

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# The tables whose rows come from the responses (the codebook does not).
RESPONSE_TABLES = ("responses", "cooperations")


class CampaignExport(Export):
    """params: `campaign` (id), `fmt` (csv, xlsx, ods), `query` (see canonical_query)."""

    kind = "survey"
    unit = "responses"

    def __init__(self, *, params: dict, user=None, campaign: Campaign | None = None):
        super().__init__(params=params, user=user)
        if campaign is not None:
            self.__dict__["campaign"] = campaign

    @classmethod
    def for_request(cls, request, campaign: Campaign, fmt: str) -> CampaignExport:
        params = {"campaign": campaign.pk, "fmt": fmt, "query": canonical_query(request.GET)}
        return cls(params=params, user=request.user, campaign=campaign)

    @cached_property
    def campaign(self) -> Campaign | None:
        campaigns = Campaign.objects.visible_to(self.user).select_related("questionnaire")
        return campaigns.filter(pk=self.params["campaign"]).first()

    @cached_property
    def _query(self) -> QueryDict:
        return QueryDict(self.params["query"])

    @cached_property
    def filterset(self) -> ResponseFilterSet:
        responses = Response.objects.visible_to(self.user).for_campaign(self.campaign)
        return ResponseFilterSet(self._query, queryset=responses, request=None)

    @property
    def fmt(self) -> str:
        return self.params["fmt"]

    @property
    def table(self) -> str:
        return self._query.get("table", "responses")

    @property
    def filename(self) -> str:
        return export_filename(
            self.campaign, self.fmt, table=self.table, sep=self._query.get("sep", "comma")
        )

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]

    @property
    def label(self) -> str:
        return _("Réponses à « %(campaign)s », %(format)s") % {
            "campaign": self.campaign.title,
            "format": self.fmt.upper(),
        }

    def errors(self) -> list[str]:
        if self.campaign is None:
            return [_("Cette campagne n’existe pas, ou vous n’y avez pas accès.")]
        errors = [] if self.filterset.is_valid() else filter_errors(self.filterset)
        sep = self._query.get("sep", "comma")
        if sep not in DELIMITERS:
            errors.append(_("Séparateur inconnu : « %s » (comma ou semicolon).") % sep)
        if self.table not in TABLES:
            errors.append(
                _("Table inconnue : « %s » (responses, cooperations ou codebook).") % self.table
            )
        if self.fmt not in FORMATS:
            errors.append(_("Format d’export inconnu : « %s ».") % self.fmt)
        return errors

    def size(self) -> Size:
        responses = self.filterset.qs.count()
        return Size(records=responses, rows=responses)

    def write(
        self, target: BinaryIO, *, check_size: SizeCheck | None, progress: Progress | None
    ) -> None:
        layout = layout_for(self.campaign)
        queryset = self.filterset.qs
        tables = (self.table,) if self.fmt == "csv" else TABLES
        counted = next((table for table in tables if table in RESPONSE_TABLES), None)
        first = True

        def hook(table: str):
            def on_chunk(chunk: list) -> None:
                nonlocal first
                if first and check_size is not None:
                    small = len(chunk) < CHUNK_SIZE
                    check_size(Size(len(chunk), len(chunk)) if small else self.size())
                first = False
                if progress is not None and table == counted:
                    progress(len(chunk))

            return on_chunk

        if self.fmt == "csv":
            rows = table_rows(queryset, layout, self.table, on_chunk=hook(self.table))
            delimiter = DELIMITERS[self._query.get("sep", "comma")]
            for block in csv_blocks(layout.columns(self.table), rows, delimiter=delimiter):
                target.write(block)
            return
        sheets = [
            (name, layout.columns(name), table_rows(queryset, layout, name, on_chunk=hook(name)))
            for name in TABLES
        ]
        name, columns, rows = sheets[0]
        sheets[0] = (name, columns, peeked(rows))
        write_workbook(target, self.fmt, sheets, column_width=column_width)
