"""The open-data package, for people (/cooperations/paquet-de-donnees.zip) and for the API
(/api/v1/datapackage/): the same zip, throttled like the other downloads."""

from django.http import HttpResponse
from django.views import View
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.schema import THROTTLED

from .datapackage import registry_datapackage
from .export_views import CooperationExportView, throttled


def datapackage_response(request) -> HttpResponse:
    """The zip of the published registry, named after its date."""
    base_url = request.build_absolute_uri("/").rstrip("/")
    package = registry_datapackage(base_url=base_url)
    response = HttpResponse(package.to_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    return response


class DataPackageView(View):
    """/cooperations/paquet-de-donnees.zip"""

    def get(self, request):
        wait = CooperationExportView().throttle_wait(request)
        if wait is not None:
            return throttled(request, wait)
        return datapackage_response(request)


class ZipRenderer(BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class DataPackageAPIView(APIView):
    renderer_classes = [ZipRenderer]

    @extend_schema(
        operation_id="datapackage_retrieve",
        tags=["cooperations"],
        summary="Télécharger le registre publié en paquet de données ouvertes",
        description=(
            "Tout le registre publié (coopérations, thèmes, partenaires, sources et les "
            "territoires qu’ils citent) en Frictionless Data Package : un zip de fichiers CSV "
            "et un datapackage.json dont le Table Schema décrit chaque colonne (type, "
            "description, contraintes) et les clés étrangères entre les tables. Daté "
            "(`created`) et versionné (`version` : celle de la structure). Voir "
            "docs/open-data.md."
        ),
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Le paquet (zip)."
            ),
            429: THROTTLED,
        },
    )
    def get(self, request):
        return datapackage_response(request._request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # an error (429…): JSON, like the rest of the API
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
