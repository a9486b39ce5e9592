"""/api/v1/exports/<id>/: an export an API client asked for and that is built in the
background. The request that started it answered 202 Accepted with this address in
`Location`; polling it gives the job while it runs, then redirects (303) to the file.

Only who asked sees a job: the token's (or session's) user, or, for an anonymous client,
the session whose cookie came back with the 202."""

import contextlib

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.schema import THROTTLED, error_response

from ..downloads import file_response
from ..models import ExportJob
from ..services import export_job_retry, export_storage
from ..views import is_downloadable
from .serializers import ExportJobSerializer

POLL_SECONDS = 2
NOT_FOUND = error_response(_("Export inconnu, ou demandé par quelqu’un d’autre."))


def accepted(request, job: ExportJob) -> Response:
    """202 Accepted: the job's address in `Location`, the job in the body."""
    data = ExportJobSerializer(job, context={"request": request}).data
    return Response(
        data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": data["url"], "Retry-After": str(POLL_SECONDS)},
    )


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("Suivre un export en arrière-plan"),
        description=_(
            "Tant que le fichier se prépare : 200 avec l’état et l’avancement (en-tête "
            "Retry-After : délai conseillé avant la prochaine interrogation). Une fois prêt : "
            "303 See Other vers le fichier (curl -L le suit). En échec ou expiré : 200, avec "
            "la cause et l’adresse où relancer."
        ),
        responses={
            200: ExportJobSerializer,
            303: OpenApiResponse(ExportJobSerializer, description=_("Prêt : voir Location.")),
            404: NOT_FOUND,
            429: THROTTLED,
        },
    ),
)
class ExportJobViewSet(viewsets.GenericViewSet):
    """Export jobs of the requester."""

    serializer_class = ExportJobSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []
    # Only a UUID names a job: anything else is an unknown address (404), never a 400.
    lookup_value_regex = (
        "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    )

    def get_queryset(self):
        session_key = self.request.session.session_key if hasattr(self.request, "session") else None
        return ExportJob.objects.owned_by(user=self.request.user, session_key=session_key)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        job = self.get_object()
        data = self.get_serializer(job).data
        if data["file_url"]:
            return Response(
                data, status=status.HTTP_303_SEE_OTHER, headers={"Location": data["file_url"]}
            )
        headers = {"Retry-After": str(POLL_SECONDS)} if job.is_active else {}
        return Response(data, headers=headers)

    @extend_schema(
        summary=_("Télécharger le fichier d’un export prêt"),
        description=_(
            "Le fichier, avec son Content-Length (un téléchargement interrompu se voit). "
            "404 tant qu’il n’est pas prêt, ou une fois supprimé."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("Le fichier (CSV, zip, JSON, XLSX ou ODS).")
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request, pk=None):
        job = self.get_object()
        if not is_downloadable(job):
            return Response(
                {
                    "detail": _(
                        "Le fichier n’est pas (ou plus) disponible : voir l’état de l’export."
                    )
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        try:
            content = export_storage().open(job.file, "rb")
        except FileNotFoundError:
            return Response({"detail": _("Fichier introuvable.")}, status=404)
        return file_response(content, filename=job.filename, content_type=job.content_type)

    @extend_schema(
        summary=_("Relancer un export en échec ou expiré"),
        request=None,
        responses={202: ExportJobSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    @action(detail=True, methods=["post"], url_path="retry")
    def retry(self, request, pk=None):
        job = self.get_object()
        with contextlib.suppress(ValidationError):  # ready after all: nothing to retry
            job = export_job_retry(job=job)
        return accepted(request, job)
