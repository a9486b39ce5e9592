"""How far a running export job has got, for every process to see.

The worker counts the rows as the export writes them; a small thread publishes the count
to the shared cache (what the pages and the API read) and a heartbeat to the database
(what tells a job that is still running from one whose worker was killed) once a second.
A thread, because the job's own database connection may be busy streaming a COPY, and
Django gives each thread its own connection.
"""

from __future__ import annotations

import logging
import threading

from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

PUBLISH_INTERVAL = 1.0  # seconds
CACHE_TIMEOUT = 24 * 3600


def progress_key(job_id) -> str:
    return f"export-job:{job_id}:rows-written"


def rows_written(job: ExportJob) -> int:
    """The rows written so far: live from the shared cache while the job runs."""
    if job.status == ExportStatus.RUNNING:
        return max(job.rows_written, cache.get(progress_key(job.pk), 0))
    return job.rows_written


class ProgressReporter:
    """Counts the rows of `job` (`add`), and publishes the count while started."""

    def __init__(self, job: ExportJob, *, interval: float = PUBLISH_INTERVAL):
        self.job_id = job.pk
        self.rows = 0
        self.interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"export-progress-{job.pk}", daemon=True
        )

    def add(self, rows: int) -> None:
        self.rows += rows

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop publishing (idempotent); the final count is the caller's to store."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stopping.wait(self.interval):
                self._publish()
        finally:
            connections.close_all()  # this thread's own connections

    def _publish(self) -> None:
        try:
            cache.set(progress_key(self.job_id), self.rows, timeout=CACHE_TIMEOUT)
            ExportJob.objects.filter(pk=self.job_id, status=ExportStatus.RUNNING).update(
                rows_written=self.rows, heartbeat_at=timezone.now()
            )
        except Exception:
            # Progress is news, not data: a missed update must not fail the export.
            logger.warning("Could not publish the progress of export job %s", self.job_id)
