"""`/api/v1/territories/?format=csv` (or `Accept: text/csv`): the whole filtered list as
the CSV of /territoires/ (territories.exports), unpaginated."""

import tempfile

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer

from jobs.downloads import file_response
from portal.tabular import DELIMITERS

from ..exports import FORMATS, territory_table, write_table


class CSVRenderer(BaseRenderer):
    """Selects the CSV: the list answers with the file itself and never hands data to this
    renderer; anything else that reaches it (an error) is JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)


class CSVOptionsSerializer(serializers.Serializer):
    sep = serializers.ChoiceField(choices=list(DELIMITERS), default="comma")


CSV_PARAMETERS = [
    OpenApiParameter(
        "format",
        str,
        OpenApiParameter.QUERY,
        enum=["json", "csv"],
        description=_(
            "json (par défaut) : liste paginée ; csv : toute la sélection filtrée, comme "
            "l’export de la page /territoires/ (page et page_size sont alors ignorés)."
        ),
    ),
    OpenApiParameter(
        "sep",
        str,
        OpenApiParameter.QUERY,
        enum=list(DELIMITERS),
        description=_(
            "Avec format=csv : séparateur, comma (par défaut) ou semicolon (Excel en français)."
        ),
    ),
]
CSV_RESPONSE = OpenApiResponse(
    OpenApiTypes.STR,
    description=_(
        "CSV UTF-8 avec BOM, une ligne par territoire (colonnes : docs/api.md), envoyé avec "
        "sa longueur."
    ),
)


def csv_response(request, queryset):
    """The CSV of `queryset` (filtered and ordered; départements prefetched here)."""
    options = CSVOptionsSerializer(data=request.query_params)
    options.is_valid(raise_exception=True)
    table = territory_table(queryset.with_departments(), request.build_absolute_uri("/"))
    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
    try:
        write_table(output, "csv", table, delimiter=DELIMITERS[options.validated_data["sep"]])
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return file_response(
        output, filename="territoires.csv", content_type=FORMATS["csv"].content_type
    )
