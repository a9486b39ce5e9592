import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")
    EXPIRED = "expired", _("Expiré")


ACTIVE_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ExportUnit(models.TextChoices):
    """What the progress of a job counts."""

    ROWS = "rows", _("lignes")
    RESPONSES = "responses", _("réponses")


class ExportFailure(models.TextChoices):
    """Why a job failed: what the page tells the person who asked."""

    INVALID = "invalid", _("La demande n’est plus valable")
    ERROR = "error", _("Une erreur inattendue a interrompu la préparation")
    INTERRUPTED = "interrupted", _("Le serveur de tâches s’est arrêté pendant la préparation")
    STALLED = "stalled", _("La préparation ne donnait plus signe de vie")


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, *, user, session_key: str | None):
        """The jobs of `user` when signed in, otherwise those of the browser session
        `session_key` (an anonymous visitor's jobs are tied to their session)."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if not session_key:
            return self.none()
        return self.filter(user__isnull=True, session_key=session_key)

    def active(self):
        """Queued or running."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def stalled(self, now=None):
        """Running jobs whose worker has given no sign of life for EXPORT_JOB_STALL_SECONDS
        (a worker killed in the middle of a job leaves it running for ever otherwise)."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(seconds=settings.EXPORT_JOB_STALL_SECONDS)
        return self.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=limit)

    def expired(self, now=None):
        """Finished jobs older than their retention: their file (if any) is to be removed."""
        return self.filter(expires_at__lte=now or timezone.now()).exclude(
            status__in=(*ACTIVE_STATUSES, ExportStatus.EXPIRED)
        )


class ExportJob(models.Model):
    """An export built in the background: what was asked (`kind` and `params`, see
    jobs.exporters), for whom, how far it got, and the file once ready."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type d’export"), max_length=32)
    params = models.JSONField(_("paramètres"))
    # Hash of (kind, params, owner): the same request made again while the job runs gets
    # this job back (see the constraint).
    fingerprint = models.CharField(max_length=64, editable=False)
    label = models.CharField(_("contenu"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="export_jobs",
    )
    session_key = models.CharField(_("session"), max_length=40, blank=True, editable=False)
    status = models.CharField(
        _("état"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    unit = models.CharField(
        _("unité d’avancement"), max_length=16, choices=ExportUnit.choices, default=ExportUnit.ROWS
    )
    rows_total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    rows_written = models.PositiveBigIntegerField(_("avancement"), default=0)
    file = models.CharField(_("fichier"), max_length=200, blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"), null=True, blank=True)
    failure = models.CharField(
        _("cause de l’échec"), max_length=16, choices=ExportFailure.choices, blank=True
    )
    error = models.TextField(_("détail de l’erreur"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("supprimé après"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export en arrière-plan")
        verbose_name_plural = _("exports en arrière-plan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_export_job_per_request",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="export_job_has_an_owner",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="export_job_expiry")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:export_job", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
