"""/api/v1/cooperations/<slug>/citation/ and /api/v1/cooperations/citations/: the registry's
citations (cooperation.citations) in the style asked, CSL-JSON by default."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from config.api.schema import (
    THROTTLED,
    error_response,
    field_errors_serializer,
    invalid_parameters,
)

from ..citations import FORMATS, STYLES, citations_for, render_citations
from ..filters import CooperationFilterSet

CITED_FIELDS = ("slug", "title", "summary", "updated_at")


class CitationStyleSerializer(serializers.Serializer):
    style = serializers.ChoiceField(choices=list(STYLES), default="csl-json")


STYLE = OpenApiParameter(
    "style",
    str,
    OpenApiParameter.QUERY,
    enum=list(STYLES),
    description=_("csl-json (par défaut), bibtex ou ris."),
)
CITATION_RESPONSES = {
    (200, FORMATS["json"].content_type): OpenApiResponse(
        {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
        description=_("Liste d’entrées CSL-JSON (type webpage)."),
    ),
    (200, FORMATS["bib"].content_type.split(";")[0]): OpenApiResponse(
        OpenApiTypes.STR, description=_("Entrées BibTeX (@misc).")
    ),
    (200, FORMATS["ris"].content_type.split(";")[0]): OpenApiResponse(
        OpenApiTypes.STR, description=_("Références RIS (TY  - ELEC).")
    ),
    429: THROTTLED,
}


def _citations(request, cooperations) -> HttpResponse:
    options = CitationStyleSerializer(data=request.query_params)
    options.is_valid(raise_exception=True)
    fmt = STYLES[options.validated_data["style"]]
    text = render_citations(fmt, citations_for(cooperations, request.build_absolute_uri("/")))
    return HttpResponse(text.encode(), content_type=FORMATS[fmt].content_type)


class CitationActionsMixin:
    """The citation routes of CooperationViewSet."""

    @extend_schema(
        summary=_("Citer une coopération"),
        description=_(
            "La référence de la fiche (titre, portail, date de mise à jour, adresse, date de "
            "consultation) en CSL-JSON, BibTeX ou RIS, selon style."
        ),
        parameters=[STYLE],
        responses={
            **CITATION_RESPONSES,
            400: error_response(_("Style inconnu.")),
            404: error_response(_("Coopération inexistante ou non publiée.")),
        },
    )
    @action(detail=True, methods=["get"], url_path="citation", filter_backends=[])
    def citation(self, request, slug=None):
        return _citations(request, [self.get_object()])

    @extend_schema(
        summary=_("Citer une sélection de coopérations"),
        description=_(
            "Une référence par coopération de la sélection, avec les mêmes filtres et le même "
            "tri que la liste, sans pagination."
        ),
        parameters=[STYLE],
        responses={
            **CITATION_RESPONSES,
            400: invalid_parameters(
                field_errors_serializer(
                    "CitationFilterErrors", [*CooperationFilterSet.base_filters, "style"]
                )
            ),
        },
    )
    @action(detail=False, methods=["get"], url_path="citations", pagination_class=None)
    def citations(self, request):
        cooperations = self.filter_queryset(self.get_queryset())
        return _citations(request, cooperations.with_stable_order().only(*CITED_FIELDS))
