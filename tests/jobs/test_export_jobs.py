"""Exports past the thresholds become background jobs: the page says the file is being
prepared and shows progress, then offers it; the same request reuses the running job; a
failed job says why and can be retried; only who asked sees the job; files expire."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Theme
from jobs.models import ExportFailure, ExportJob, ExportStatus
from jobs.progress import progress_key
from jobs.services import export_jobs_fail_stalled, export_jobs_purge, export_storage
from tests.cooperation.export_fixtures import bulk_cooperations


@pytest.fixture(autouse=True)
def export_files(settings, tmp_path):
    """Job files in a directory of the test's own; low thresholds, so that a few records
    make a job."""
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports")},
        },
    }
    settings.EXPORT_JOB_MIN_WORKBOOK_RECORDS = 2
    settings.EXPORT_JOB_MIN_ROWS = 5


@pytest.fixture
def records(brittany, themes):
    """Three published records, three partners each (9 partnership rows)."""
    return bulk_cooperations(
        3,
        metropolis=brittany["brest_metropole"],
        partners=[brittany["quimper_agglo"], brittany["29019"]],
        themes=[themes["mobility"]],
    )


def export_url(fmt: str, query: str = "") -> str:
    return reverse("cooperation:export", kwargs={"fmt": fmt}) + (f"?{query}" if query else "")


def ask(client, url: str, *, run: bool, capture):
    """Request an export; with `run`, let the queued task run when the request commits
    (the immediate backend: the job is built before the redirect is followed)."""
    if run:
        with capture(execute=True):
            return client.get(url)
    return client.get(url)


def job_of(response) -> ExportJob:
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/telechargements/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return ExportJob.objects.get(pk=match.group(1))


def page_text(response) -> str:
    # Only ASCII white space: the no-break spaces of French typography are kept.
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


# Thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "query", "is_job"),
    [
        ("xlsx", "", True),  # 3 records > 2
        ("ods", "", True),
        ("xlsx", "q=n°+0+", False),  # 1 record
        ("csv", "", False),  # 3 rows ≤ 5
        ("csv", "table=partnerships", True),  # 9 rows > 5
        ("zip", "", True),  # 3 + 9 rows
        ("json", "", False),
    ],
)
def test_an_export_past_a_threshold_becomes_a_job(client, records, fmt, query, is_job):
    response = client.get(export_url(fmt, query))

    if is_job:
        job = job_of(response)
        assert job.status == ExportStatus.QUEUED
        assert job.params["fmt"] == fmt
    else:
        assert response.status_code == 200
        assert ExportJob.objects.count() == 0


def test_a_download_made_at_once_has_its_length(client, records):
    response = client.get(export_url("csv"))

    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body) > 0


# The job's page ----------------------------------------------------------------------------


def test_the_page_says_the_file_is_being_prepared_and_refreshes_without_javascript(client, records):
    job = job_of(client.get(export_url("xlsx")))

    response = client.get(job.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "Votre fichier est en attente de préparation" in text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in text
    assert f'href="{job.get_absolute_url()}"' in text  # the reload link
    assert 'role="status" aria-live="polite"' in text
    assert "js/export-job.js" in text
    assert "no-cache" in response["Cache-Control"]


def test_the_page_shows_the_rows_written_out_of_the_total(client, records):
    job = job_of(client.get(export_url("xlsx")))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, rows_total=12_000)
    cache.set(progress_key(job.pk), 4_500)

    text = page_text(client.get(job.get_absolute_url()))

    assert "Votre fichier est en cours de préparation" in text
    assert "4\u00a0500 lignes écrites sur 12\u00a0000 (37\u00a0%)" in text
    assert (
        '<progress id="export-job-progress" class="portal-progress" max="12000" value="4500">'
        in (text)
    )
    assert '<label class="fr-label" for="export-job-progress">Avancement</label>' in text


def test_the_finished_job_offers_the_file_which_opens(
    client, records, django_capture_on_commit_callbacks
):
    response = ask(client, export_url("xlsx"), run=True, capture=django_capture_on_commit_callbacks)
    job = job_of(response)
    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    assert (job.rows_written, job.rows_total) == (12, 12)  # 3 records + 9 partnerships

    text = page_text(client.get(job.get_absolute_url()))
    assert "Votre fichier est prêt" in text
    assert "12 lignes. Disponible jusqu’au" in text
    assert "<noscript>" not in text  # nothing left to wait for
    download = client.get(reverse("jobs:export_file", kwargs={"pk": job.pk}))
    body = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(body) == job.size
    assert download["Content-Disposition"].startswith('attachment; filename="cooperations-')
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["cooperations", "partnerships"]
    assert workbook["cooperations"].max_row == 1 + 3
    assert workbook["partnerships"].max_row == 1 + 9


def test_the_same_request_made_twice_while_the_job_runs_reuses_it(client, records):
    first = job_of(client.get(export_url("xlsx", "ordering=title&page=2")))
    again = job_of(client.get(export_url("xlsx", "page=5&ordering=title")))  # page is ignored
    other = job_of(client.get(export_url("xlsx", "ordering=-title")))

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert ExportJob.objects.count() == 2


# Failures and retries ----------------------------------------------------------------------


def test_a_failed_job_says_why_and_can_be_retried(
    client, records, django_capture_on_commit_callbacks
):
    job = job_of(client.get(export_url("xlsx", "theme=mobility")))
    Theme.objects.filter(code="mobility").update(code="mobilites")  # gone before the job runs
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:export_retry", kwargs={"pk": job.pk}))  # still queued: no-op
        from jobs.tasks import export_job_task

        export_job_task.enqueue(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.failure) == (ExportStatus.FAILED, ExportFailure.INVALID)
    assert "mobility" in job.error

    text = page_text(client.get(job.get_absolute_url()))
    assert "La préparation du fichier a échoué" in text
    assert "La demande n’est plus valable" in text
    assert "Relancer la préparation" in text

    Theme.objects.filter(code="mobilites").update(code="mobility")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:export_retry", kwargs={"pk": job.pk}))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.failure, job.error) == (ExportStatus.READY, "", "")
    assert job.attempts == 2


def test_an_unexpected_error_fails_the_job_and_the_task(
    client, records, monkeypatch, django_capture_on_commit_callbacks
):
    from cooperation.export_requests import RegistryExport

    original = RegistryExport.write

    def broken(self, target, *, check_size, progress):
        if check_size is None:  # in the worker, not in the request that sizes it
            raise RuntimeError("disque plein")
        return original(self, target, check_size=check_size, progress=progress)

    monkeypatch.setattr(RegistryExport, "write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(export_url("xlsx")))

    job.refresh_from_db()
    assert (job.status, job.failure) == (ExportStatus.FAILED, ExportFailure.ERROR)
    assert job.error == "RuntimeError: disque plein"
    assert "Une erreur inattendue a interrompu la préparation" in page_text(
        client.get(job.get_absolute_url())
    )


def test_a_job_whose_worker_died_is_marked_failed_and_a_new_request_starts_afresh(
    client, records, settings
):
    job = job_of(client.get(export_url("xlsx")))
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.EXPORT_JOB_STALL_SECONDS + 1)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, heartbeat_at=long_ago)

    fresh = job_of(client.get(export_url("xlsx")))

    job.refresh_from_db()
    assert (job.status, job.failure) == (ExportStatus.FAILED, ExportFailure.STALLED)
    assert fresh.pk != job.pk and fresh.status == ExportStatus.QUEUED
    assert export_jobs_fail_stalled() == 0


# Who may see a job -------------------------------------------------------------------------


def test_an_anonymous_visitors_job_is_tied_to_their_session(
    client, records, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(export_url("xlsx")))
    assert job.user is None and job.session_key == client.session.session_key

    stranger = Client()
    stranger.get("/")  # a session of its own
    for name in ("jobs:export_job", "jobs:export_file"):
        assert stranger.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404
    assert stranger.post(reverse("jobs:export_retry", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("jobs:export_file", kwargs={"pk": job.pk})).status_code == 200


def test_a_signed_in_users_job_is_theirs_only(client, records, django_user_model):
    owner = django_user_model.objects.create_user(username="owner", is_staff=True)
    other = django_user_model.objects.create_user(username="other", is_staff=True)
    client.force_login(owner)
    job = job_of(client.get(export_url("xlsx")))
    assert (job.user, job.session_key) == (owner, "")

    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert ExportJob.objects.owned_by(user=other, session_key=None).count() == 0


def test_a_job_runs_with_the_rights_of_who_asked(
    client, brittany, themes, django_user_model, django_capture_on_commit_callbacks
):
    bulk_cooperations(2, metropolis=brittany["brest_metropole"], partners=[], published=False)
    bulk_cooperations(3, metropolis=brittany["brest_metropole"], partners=[], prefix="pub")
    staff = django_user_model.objects.create_user(username="curator", is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        public = job_of(client.get(export_url("xlsx")))
        client.force_login(staff)
        everything = job_of(client.get(export_url("xlsx")))

    public.refresh_from_db()
    everything.refresh_from_db()
    assert public.rows_total == 3 + 3  # published records and their lead partner
    assert everything.rows_total == 5 + 5


# Retention ---------------------------------------------------------------------------------


def test_files_are_removed_after_their_retention(
    client, records, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(export_url("xlsx")))
    job.refresh_from_db()
    assert export_storage().exists(job.file)
    file_url = reverse("jobs:export_file", kwargs={"pk": job.pk})

    later = job.expires_at + datetime.timedelta(seconds=1)
    assert export_jobs_purge(now=job.expires_at - datetime.timedelta(seconds=1)) == (0, 0)
    assert export_jobs_purge(now=later) == (1, 0)

    assert not export_storage().exists(job.file)
    job.refresh_from_db()
    assert (job.status, job.file) == (ExportStatus.EXPIRED, "")
    assert client.get(file_url)["Location"] == job.get_absolute_url()
    assert "Ce fichier n’est plus disponible" in page_text(client.get(job.get_absolute_url()))
    much_later = later + datetime.timedelta(days=settings.EXPORT_JOB_HISTORY_DAYS + 1)
    assert export_jobs_purge(now=much_later) == (0, 1)


def test_purge_exports_command_says_what_it_removed(capsys, db):
    call_command("purge_exports")

    assert capsys.readouterr().out == "0 export files removed, 0 expired jobs forgotten.\n"


# The survey's exports ----------------------------------------------------------------------


def test_a_large_survey_workbook_is_a_job_too(
    client, census, django_user_model, django_capture_on_commit_callbacks
):
    from tests.fixtures.surveys import make_responses

    campaign = make_responses(census, 3, {"respondent": {"respondent_name": "Anne"}})
    client.force_login(django_user_model.objects.create_user(username="r", is_staff=True))
    url = reverse("surveys:review_export", kwargs={"campaign_id": campaign.pk, "fmt": "xlsx"})

    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(url))

    job.refresh_from_db()
    assert (job.status, job.unit, job.rows_total) == (ExportStatus.READY, "responses", 3)
    body = b"".join(
        client.get(reverse("jobs:export_file", kwargs={"pk": job.pk})).streaming_content
    )
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["responses", "cooperations", "codebook"]
    assert workbook["responses"].max_row == 1 + 3
    assert "3 réponses. Disponible jusqu’au" in page_text(client.get(job.get_absolute_url()))
