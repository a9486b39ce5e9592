"""An export that becomes a background job, in a real browser: the page says the file is
being prepared, shows the progress, then offers the file, which opens."""

import re

import openpyxl
import pytest
from django.core.cache import cache
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from jobs.models import ExportJob, ExportStatus
from jobs.progress import progress_key
from tests.cooperation.export_fixtures import bulk_cooperations

from .accessibility import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def queued_exports(settings, tmp_path, brittany):
    """The database queue (jobs wait for a worker, as in the demo), a low workbook threshold,
    and 40 published records."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.EXPORT_JOB_MIN_WORKBOOK_RECORDS = 10
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }
    bulk_cooperations(40, metropolis=brittany["brest_metropole"], partners=[brittany["29019"]])


def run_worker() -> None:
    """What `manage.py db_worker` does, once through the queue, in this thread."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()


def test_a_large_workbook_is_prepared_with_progress_then_downloaded(
    page, live_server, queued_exports, tmp_path
):
    page.goto(live_server.url + "/cooperations/")
    page.get_by_role("link", name="Excel (XLSX)").click()

    expect(page).to_have_url(re.compile(r"/telechargements/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Préparation d’un export")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Votre fichier est en attente de préparation")
    assert_accessible(page)
    job = ExportJob.objects.get()

    # Half-way through, as a worker reports it: the page follows without being reloaded.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_total=120)
    cache.set(progress_key(job.pk), 60)
    expect(status).to_contain_text("60 lignes écrites sur 120 (50\u00a0%)", timeout=15_000)
    expect(page.get_by_role("progressbar", name="Avancement")).to_have_attribute("value", "60")

    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED)
    run_worker()
    expect(status).to_contain_text("Votre fichier est prêt", timeout=15_000)
    expect(status).to_contain_text("120 lignes")  # 40 records and their 80 partners

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Télécharger cooperations-.*\.xlsx")).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["cooperations", "partnerships"]
    assert sum(1 for _row in workbook["cooperations"].iter_rows()) == 1 + 40
    assert sum(1 for _row in workbook["partnerships"].iter_rows()) == 1 + 80


def test_without_javascript_the_page_reloads_itself_until_the_file_is_ready(
    browser, live_server, queued_exports
):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/cooperations/export/ods/")
    expect(page.get_by_role("status")).to_contain_text("en attente de préparation")

    run_worker()

    expect(page.get_by_role("status")).to_contain_text("Votre fichier est prêt", timeout=15_000)
    expect(page.get_by_role("link", name=re.compile(r"^Télécharger .*\.ods"))).to_be_visible()
    context.close()
