from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..models import ExportJob
from ..progress import rows_written
from ..views import is_downloadable


# Never a list, even as the 202 answer of a list route (?format=csv).
@extend_schema_serializer(many=False)
class ExportJobSerializer(serializers.ModelSerializer):
    """An export being built in the background, as an API client polls it."""

    url = serializers.SerializerMethodField(help_text=_("Adresse de ce suivi (à interroger)."))
    status = serializers.SerializerMethodField(
        help_text=_(
            "queued (en attente), running (en préparation), ready (prêt : voir file_url), "
            "failed (échec : voir failure et error ; POST retry_url pour relancer) ou "
            "expired (fichier supprimé : POST retry_url pour le préparer à nouveau)."
        )
    )
    rows_written = serializers.SerializerMethodField(
        help_text=_("Avancement : lignes (ou réponses) déjà écrites.")
    )
    file_url = serializers.SerializerMethodField(
        help_text=_("Adresse du fichier, une fois prêt ; null avant.")
    )
    retry_url = serializers.SerializerMethodField(
        help_text=_("Adresse où relancer (POST) un export en échec ou expiré ; null sinon.")
    )

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "url",
            "label",
            "status",
            "unit",
            "rows_written",
            "rows_total",
            "filename",
            "content_type",
            "size",
            "failure",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "file_url",
            "retry_url",
        ]
        read_only_fields = fields

    def _absolute(self, name: str, job: ExportJob) -> str:
        path = reverse(name, kwargs={"pk": job.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, job: ExportJob) -> str:
        return self._absolute("export-job-detail", job)

    def get_status(self, job: ExportJob) -> str:
        if job.status == "ready" and not is_downloadable(job):
            return "expired"
        return job.status

    def get_rows_written(self, job: ExportJob) -> int:
        return rows_written(job)

    def get_file_url(self, job: ExportJob) -> str | None:
        return self._absolute("export-job-file", job) if is_downloadable(job) else None

    def get_retry_url(self, job: ExportJob) -> str | None:
        if self.get_status(job) in ("failed", "expired"):
            return self._absolute("export-job-retry", job)
        return None
