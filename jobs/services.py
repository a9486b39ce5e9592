"""Export jobs: asking for one, running it (in a worker), retrying it, removing old files."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import exporters
from .models import ExportFailure, ExportJob, ExportStatus
from .progress import ProgressReporter

logger = logging.getLogger(__name__)


def export_storage():
    """Where the files of finished jobs are kept (STORAGES["exports"]): a directory that
    every worker and web server shares, or an object store."""
    return storages["exports"]


def _fingerprint(export: exporters.Export, *, user, session_key: str) -> str:
    owner = f"user:{user.pk}" if user is not None and user.is_authenticated else session_key
    text = json.dumps([export.kind, export.params, owner], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def export_job_request(
    *, export: exporters.Export, user, session_key: str = "", size: exporters.Size | None = None
) -> tuple[ExportJob, bool]:
    """The job that builds `export` for `user` (or, anonymous, the session `session_key`):
    the one already queued or running for the same request, or a new one, queued once
    the transaction commits. Returns (job, created)."""
    export.check()
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        raise ValidationError(_("Une session est nécessaire pour suivre un export."))
    fingerprint = _fingerprint(export, user=user, session_key=session_key)
    export_jobs_fail_stalled()
    if existing := ExportJob.objects.active().filter(fingerprint=fingerprint).first():
        return existing, False
    job = ExportJob(
        kind=export.kind,
        params=export.params,
        fingerprint=fingerprint,
        label=export.label,
        unit=export.unit,
        user=user if signed_in else None,
        session_key="" if signed_in else session_key,
        filename=export.filename,
        content_type=export.content_type,
        rows_total=size.rows if size else None,
    )
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        # The same request, made at the same moment: its job wins.
        return ExportJob.objects.active().get(fingerprint=fingerprint), False
    _enqueue(job)
    return job, True


@transaction.atomic
def export_job_retry(*, job: ExportJob) -> ExportJob:
    """Queue a failed or expired job again (its file is built anew). If the same request
    is already being built, that job is returned instead."""
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.is_active:
        return job
    if job.status == ExportStatus.READY:
        raise ValidationError(_("Ce fichier est prêt : il n’y a rien à relancer."))
    if running := ExportJob.objects.active().filter(fingerprint=job.fingerprint).first():
        return running
    _remove_file(job)
    job.status = ExportStatus.QUEUED
    job.failure = job.error = ""
    job.rows_written = 0
    job.created_at = timezone.now()
    job.started_at = job.finished_at = job.expires_at = job.heartbeat_at = None
    job.save()
    _enqueue(job)
    return job


def _enqueue(job: ExportJob) -> None:
    from .tasks import export_job_task

    job_id = str(job.pk)
    transaction.on_commit(lambda: export_job_task.enqueue(job_id))


def export_job_run(*, job_id: str) -> ExportJob | None:
    """Build the file of a queued job (called by the worker). A job that is no longer
    queued (already run, retried elsewhere) is left alone: returns None."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportStatus.QUEUED:
            return None
        job.status = ExportStatus.RUNNING
        job.started_at = job.heartbeat_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    reporter = ProgressReporter(job)
    try:
        export = exporters.build(job.kind, params=job.params, user=job.user)
        export.check()
        size = export.size()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=size.rows)
        reporter.start()
        # On disk, never in memory: memory stays flat whatever the size of the file.
        with tempfile.TemporaryFile() as output:
            export.write(output, check_size=None, progress=reporter.add)
            reporter.stop()
            output.seek(0)
            name = export_storage().save(f"{job.pk}-{job.filename}", File(output))
    except ValidationError as error:
        reporter.stop()
        _fail(job, ExportFailure.INVALID, " ".join(error.messages))
    except Exception as error:
        reporter.stop()
        logger.exception("Export job %s failed", job.pk)
        _fail(job, ExportFailure.ERROR, f"{type(error).__name__}: {error}")
        raise
    except BaseException:
        # The worker is being stopped (SIGTERM, Ctrl-C): say so, then let it stop.
        reporter.stop()
        _fail(job, ExportFailure.INTERRUPTED, "")
        raise
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.READY,
        file=name,
        size=export_storage().size(name),
        rows_written=reporter.rows,
        rows_total=size.rows,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + _retention(),
    )
    return ExportJob.objects.get(pk=job.pk)


def _retention() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.EXPORT_FILE_TTL_HOURS)


def _fail(job: ExportJob, failure: str, error: str) -> None:
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED,
        failure=failure,
        error=error[:2000],
        finished_at=now,
        expires_at=now + _retention(),
    )


def export_jobs_fail_stalled() -> int:
    """Mark as failed the running jobs whose worker stopped giving news (killed, machine
    lost): they can then be retried, and a new request does not wait for them."""
    return ExportJob.objects.stalled().update(
        status=ExportStatus.FAILED,
        failure=ExportFailure.STALLED,
        finished_at=timezone.now(),
        expires_at=timezone.now() + _retention(),
    )


def export_jobs_purge(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remove the files of jobs past their retention (the jobs stay, marked expired, so a
    link to them says so), and forget jobs expired for EXPORT_JOB_HISTORY_DAYS. Returns
    (files removed, jobs deleted)."""
    now = now or timezone.now()
    export_jobs_fail_stalled()
    removed = 0
    for job in ExportJob.objects.expired(now):
        removed += _remove_file(job)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
    forgotten = now - datetime.timedelta(days=settings.EXPORT_JOB_HISTORY_DAYS)
    deleted, _by_model = ExportJob.objects.filter(
        status=ExportStatus.EXPIRED, expires_at__lt=forgotten
    ).delete()
    return removed, deleted


def _remove_file(job: ExportJob) -> int:
    if not job.file:
        return 0
    storage = export_storage()
    storage.delete(job.file)
    return 1
