"""A real worker (the database queue's `db_worker` command) runs the queued export job,
and the job's progress reaches the shared cache while it runs."""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jobs.models import ExportJob, ExportStatus
from jobs.progress import ProgressReporter, progress_key, rows_written
from tests.cooperation.export_fixtures import bulk_cooperations

# A real transaction: the worker closes and reopens its connection between tasks.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.EXPORT_JOB_MIN_WORKBOOK_RECORDS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_the_database_worker_runs_a_queued_export_job(client, brittany, database_queue):
    bulk_cooperations(3, metropolis=brittany["brest_metropole"], partners=[brittany["29019"]])

    response = client.get("/cooperations/export/ods/")

    job = ExportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    task = DBTaskResult.objects.get()
    assert (task.status, task.queue_name) == ("READY", "exports")
    assert job.status == ExportStatus.QUEUED

    call_command("db_worker", batch=True, queue_name="*", reload=False, verbosity=0)

    job.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert (job.status, job.rows_written, job.rows_total) == (ExportStatus.READY, 9, 9)
    download = client.get(f"{job.get_absolute_url()}fichier/")
    assert download["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert int(download["Content-Length"]) == job.size


def test_progress_reaches_the_cache_and_the_heartbeat_while_the_job_runs(brittany):
    job = ExportJob.objects.create(
        kind="registry",
        params={},
        fingerprint="x",
        label="Essai",
        session_key="s",
        filename="f.csv",
        content_type="text/csv",
        status=ExportStatus.RUNNING,
    )
    reporter = ProgressReporter(job, interval=0.05)
    reporter.start()
    reporter.add(1200)
    deadline = time.monotonic() + 10
    while cache.get(progress_key(job.pk)) != 1200 and time.monotonic() < deadline:
        time.sleep(0.05)
    reporter.stop()

    assert cache.get(progress_key(job.pk)) == 1200
    job.refresh_from_db()
    assert job.rows_written == 1200
    assert job.heartbeat_at is not None
    assert rows_written(job) == 1200
