"""Schema-driven fuzzing of /api/v1/ (schemathesis): anonymous, with a staff token and with
an officer's session.

Every operation of the OpenAPI schema gets a few hundred generated requests, valid and
invalid (schemathesis's boundary cases, then `FUZZ_EXAMPLES` random ones), sent in-process
to the WSGI application over the test database, writes included. Each response must be no
server error, have a status that the schema documents for the operation, with its
headers, content type and body schema, and be JSON (or the documented CSV). See
docs/testing.md to run it longer.
"""

import json
import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from surveys.models import Response
from surveys.services.responses import officer_add
from tests.fixtures.surveys import complete_answers

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# Unset: the same requests on every run (CI never fails by chance). Set: other requests.
FUZZ_SEED = int(os.environ["FUZZ_SEED"]) if os.environ.get("FUZZ_SEED") else None


def served_schema() -> dict:
    """The OpenAPI document /api/schema/ serves, built the same way but without a request
    (no database, no cache, no throttle at collection time)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(
    served_schema(),
    # Credentials are the identities' own (below), never generated ones.
    config=schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}}),
)
schema.app = get_wsgi_application()
schema.location = "/api/schema/"

# Path parameters that name existing resources, by path, set by the `world` fixture for
# each test: random slugs and ids would almost never get past the 404.
KNOWN_PATH_PARAMETERS: dict[str, list[dict]] = {}


@schema.hook
def before_generate_path_parameters(context, strategy):
    known = KNOWN_PATH_PARAMETERS.get(context.operation.path)
    return st.one_of(st.sampled_from(known), strategy) if known else strategy


def known_path_parameters(*, registry, territories, campaign, response) -> dict[str, list]:
    records = [{"slug": record.slug} for record in registry.values()]
    parents = [{"cooperation_slug": record.slug} for record in registry.values()]
    cooperations = "/api/v1/cooperations/{cooperation_slug}"
    return {
        "/api/v1/cooperations/{slug}/": records,
        f"{cooperations}/partners/": parents,
        f"{cooperations}/sources/": parents,
        f"{cooperations}/partners/{{id}}/": [
            {"cooperation_slug": record.slug, "id": partnership.pk}
            for record in registry.values()
            for partnership in record.partnerships.all()
        ],
        f"{cooperations}/sources/{{id}}/": [
            {"cooperation_slug": record.slug, "id": source.pk}
            for record in registry.values()
            for source in record.sources.all()
        ],
        "/api/v1/territories/{kind}/{code}/": [
            {"kind": territory.kind, "code": territory.code} for territory in territories
        ],
        "/api/v1/campaigns/{id}/": [{"id": campaign.pk}],
        "/api/v1/responses/{id}/": [{"id": response.pk}],
        "/api/v1/responses/{id}/submit/": [{"id": response.pk}],
    }


@schemathesis.check
def json_body_under_api(ctx, response, case):
    """Every body under /api/ is JSON, except the CSV that the lists document, the
    open-data package's zip (/api/v1/datapackage/) and the BibTeX and RIS of the citations."""
    if not response.content:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.startswith(
        ("text/csv", "application/zip", "application/x-bibtex", "application/x-research")
    ):
        return None
    assert content_type.startswith(("application/json", "application/vnd.citationstyles")), (
        f"{response.status_code} with a {content_type or 'typeless'} body"
    )
    response.json()
    return None


SURVEY_PATHS = ("/api/v1/campaigns/", "/api/v1/responses/")


def reaches(identity: str, operation) -> bool:
    """Whether the operation lets `identity` through authentication and permissions, so
    that the answer depends on the request. Elsewhere it is refused (401, 403) before the
    request is read, and a sample of the cases is enough to check the refusal."""
    survey = operation.path.startswith(SURVEY_PATHS)
    if identity == "anonymous":
        return operation.method.upper() == "GET" and not survey
    if identity == "officer":
        return survey
    return True


def sampled(case) -> bool:
    """One case in ten, always the same ones."""
    content = repr((case.path_parameters, case.query, case.body)).encode()
    return zlib.crc32(content) % 10 == 0


# What the API promises (docs/api.md): no server error, a documented status, headers and
# content type for it, a body that matches its schema, and JSON under /api/. Not checked:
# schemathesis's opinions beyond the schema, such as rejecting any value outside the
# documented type (`page_size=abc` is documented as ignored).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    json_body_under_api,
]


@pytest.fixture
def in_process_requests():
    """Requests served by the WSGI application inside the test's transaction: Django closes
    a connection outside autocommit at the end of each request, unless, as its own test
    client does, these signals are disconnected."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    in_process_requests, registry, campaign, brittany, django_user_model, client, monkeypatch
):
    """The registry's four records, a census campaign with Brest's draft response, a
    staff member's token and a Brest officer's signed-in session; the anonymous quota
    raised so that throttling does not hide everything else."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/hour", raising=False)
    cache.clear()
    staff = django_user_model.objects.create_user(username="fuzz-staff", is_staff=True)
    officer = django_user_model.objects.create_user(username="fuzz-officer")
    officer_add(user=officer, territory=brittany["brest_metropole"])
    response = Response.objects.create(
        campaign=campaign,
        territory=brittany["brest_metropole"],
        questionnaire=campaign.questionnaire,
        answers=complete_answers(),
    )
    client.force_login(officer)
    csrf_token = "fuzz" * 8
    KNOWN_PATH_PARAMETERS.update(
        known_path_parameters(
            registry=registry,
            territories=brittany.values(),
            campaign=campaign,
            response=response,
        )
    )
    yield {
        "anonymous": ({}, {}),
        "officer": (
            {"X-CSRFToken": csrf_token},
            {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf_token},
        ),
        "staff": ({"Authorization": f"Token {Token.objects.create(user=staff).key}"}, {}),
    }
    KNOWN_PATH_PARAMETERS.clear()


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=FUZZ_SEED is None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, world):
    # Each case is sent as every identity that its operation lets through, the staff's
    # writes last, so that the others meet the resources before they change or go.
    for identity, (headers, cookies) in world.items():
        if not (reaches(identity, case.operation) or sampled(case)):
            continue
        response = case.call(headers=headers, cookies=cookies)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:
            failure.add_note(f"Sent as: {identity}")
            raise


if FUZZ_SEED is not None:
    test_api_answers_as_its_schema_says = seed(FUZZ_SEED)(test_api_answers_as_its_schema_says)
