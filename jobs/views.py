"""The page of an export job (progress, then the file), its download and its retry.

Only the person who asked sees a job: the signed-in user, or the anonymous visitor's
browser session (ExportJob.objects.owned_by); anyone else gets a 404.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View

from .downloads import file_response
from .models import ExportJob, ExportStatus
from .progress import rows_written
from .services import export_job_retry, export_storage

REFRESH_SECONDS = 3


def owned_job(request, pk) -> ExportJob:
    """The job `pk` if it is the requester's, else 404."""
    jobs = ExportJob.objects.owned_by(user=request.user, session_key=request.session.session_key)
    return get_object_or_404(jobs, pk=pk)


def is_downloadable(job: ExportJob) -> bool:
    """Ready, and not yet past its retention (the clean-up may not have run yet)."""
    return (
        job.status == ExportStatus.READY
        and bool(job.file)
        and (job.expires_at is None or job.expires_at > timezone.now())
    )


class ExportJobView(View):
    """Where the file is being prepared: state, rows written out of the total, then the
    download link; refreshed by export-job.js, or by the page itself without JavaScript."""

    def get(self, request, pk):
        job = owned_job(request, pk)
        if job.status == ExportStatus.READY and not is_downloadable(job):
            job.status = ExportStatus.EXPIRED
        written = rows_written(job)
        total = job.rows_total
        context = {
            "job": job,
            "rows_written": written,
            "percent": min(100, written * 100 // total) if total else None,
            "refresh_seconds": REFRESH_SECONDS,
        }
        response = render(request, "jobs/export_job.html", context)
        add_never_cache_headers(response)
        return response


class ExportJobFileView(View):
    """The file of a ready job, with its length."""

    def get(self, request, pk):
        job = owned_job(request, pk)
        if not is_downloadable(job):
            return redirect(job)
        try:
            file = export_storage().open(job.file, "rb")
        except FileNotFoundError:
            raise Http404(job.file) from None
        return file_response(file, filename=job.filename, content_type=job.content_type)


class ExportJobRetryView(View):
    """Prepare the file again, after a failure or once it has been removed."""

    def post(self, request, pk):
        job = owned_job(request, pk)
        with contextlib.suppress(ValidationError):  # ready after all: its page offers it
            job = export_job_retry(job=job)
        return redirect(job)
