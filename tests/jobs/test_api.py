"""/api/v1/cooperations/?format=csv past the row threshold: 202 Accepted with a Location
to poll (/api/v1/exports/<id>/), which redirects to the file once it is ready."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jobs.models import ExportJob, ExportStatus
from tests.cooperation.export_fixtures import bulk_cooperations

LIST_URL = "/api/v1/cooperations/"


@pytest.fixture(autouse=True)
def low_threshold(settings, tmp_path):
    settings.EXPORT_JOB_MIN_ROWS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.fixture
def records(brittany):
    return bulk_cooperations(3, metropolis=brittany["brest_metropole"], partners=[])


def test_a_large_csv_is_accepted_then_polled_then_downloaded(
    records, django_capture_on_commit_callbacks
):
    api = APIClient()
    response = api.get(LIST_URL, {"format": "csv", "sep": "semicolon"})
    assert response.status_code == 202
    job = ExportJob.objects.get()
    location = f"http://testserver/api/v1/exports/{job.pk}/"
    assert response["Location"] == location
    assert response["Retry-After"] == "2"
    body = response.json()
    assert (body["status"], body["rows_total"], body["file_url"]) == ("queued", 3, None)

    polled = api.get(location)
    assert polled.status_code == 200
    assert polled.json()["status"] == "queued"

    with django_capture_on_commit_callbacks(execute=True):
        from jobs.tasks import export_job_task

        export_job_task.enqueue(str(job.pk))
    ready = api.get(location)
    assert ready.status_code == 303
    assert ready["Location"] == f"{location}file/"
    assert ready.json()["status"] == "ready"

    download = api.get(ready["Location"])
    content = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(content)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3


def test_asking_again_while_it_runs_gives_the_same_job(records):
    api = APIClient()
    first = api.get(LIST_URL, {"format": "csv", "page": 2})
    second = api.get(LIST_URL, {"format": "csv", "page_size": 10})

    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1


@pytest.mark.slow
def test_another_client_cannot_poll_or_fetch_the_job(records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        location = APIClient().get(LIST_URL, {"format": "csv"})["Location"]

    stranger = APIClient()
    assert stranger.get(location).status_code == 404
    assert stranger.get(f"{location}file/").status_code == 404
    assert stranger.post(f"{location}retry/").status_code == 404


def test_a_token_users_job_is_theirs_whatever_the_session(records, django_user_model):
    from rest_framework.authtoken.models import Token

    staff = django_user_model.objects.create_user(username="analyst", is_staff=True)
    token = Token.objects.create(user=staff)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    location = api.get(LIST_URL, {"format": "csv"})["Location"]

    other = APIClient()  # same token, no cookie
    other.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert other.get(location).status_code == 200
    assert ExportJob.objects.get().user == staff


@pytest.mark.slow
def test_a_failed_job_gives_its_cause_and_can_be_retried(
    records, monkeypatch, django_capture_on_commit_callbacks
):
    api = APIClient()
    location = api.get(LIST_URL, {"format": "csv"})["Location"]
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, failure="error", error="OSError: disque plein"
    )

    failed = api.get(location).json()
    assert (failed["status"], failed["failure"]) == ("failed", "error")
    assert failed["retry_url"] == f"{location}retry/"
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.post(failed["retry_url"])
    assert retried.status_code == 202
    assert api.get(location).status_code == 303


def test_a_small_csv_is_sent_at_once_with_its_length(records, settings):
    settings.EXPORT_JOB_MIN_ROWS = 200_000

    response = APIClient().get(LIST_URL, {"format": "csv"})

    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


def test_the_schema_documents_the_202_and_the_export_job(db):
    schema = APIClient().get(reverse("api-schema"), {"format": "json"}).json()

    listing = schema["paths"]["/api/v1/cooperations/"]["get"]["responses"]
    assert listing["202"]["content"]["application/json"]["schema"]["$ref"].endswith("ExportJob")
    job = schema["paths"]["/api/v1/exports/{id}/"]["get"]["responses"]
    assert {"200", "303", "404"} <= set(job)
    assert "/api/v1/exports/{id}/file/" in schema["paths"]
    assert "/api/v1/exports/{id}/retry/" in schema["paths"]


def test_an_address_that_names_no_job_is_a_json_404(client, db):
    for address in ("/api/v1/exports/null,null/", "/api/v1/exports/123/file/"):
        answer = client.get(address)
        assert answer.status_code == 404, address
        assert answer["Content-Type"].startswith("application/json")
