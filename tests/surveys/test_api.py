"""Campaigns and responses through the API: /api/v1/campaigns/ and /api/v1/responses/ —
who sees and writes what, the save contract of the answer page's autosave (PATCH with a
version, 409 on a stale one), submission, filters, bounded queries, the schema."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from surveys.models import Response, ResponseStatus
from surveys.services.responses import (
    response_open,
    response_return,
    response_save,
    response_submit,
)
from tests.fixtures.surveys import complete_answers, make_campaign, make_responses

RESPONSES_URL = "/api/v1/responses/"
CAMPAIGNS_URL = "/api/v1/campaigns/"
RESPONSE_FIELDS = {
    "id",
    "campaign",
    "territory",
    "questionnaire",
    "status",
    "status_label",
    "is_editable",
    "version",
    "answers",
    "updated_at",
    "last_saved_by",
    "saved_at_display",
    "created_at",
    "submitted_at",
    "reviewer_notes",
    "validated_at",
    "url",
    "web_url",
}
CLOCK = re.compile(r"^\d{1,2}\u00a0h\u00a0\d{2}$")


def response_url(response: Response) -> str:
    return reverse("response-detail", kwargs={"pk": response.pk})


def submit_url(response: Response) -> str:
    return reverse("response-submit", kwargs={"pk": response.pk})


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def patch(client, response, body, **extra):
    return client.patch(
        response_url(response), json.dumps(body), content_type="application/json", **extra
    )


@pytest.fixture
def saint_etienne_officer(make_user, brittany):
    return make_user("saint-etienne", territories=[brittany["saint_etienne_metropole"]])


@pytest.fixture
def brest_response(campaign, brittany, brest_officer):
    return response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )


@pytest.fixture
def saint_etienne_response(campaign, brittany, saint_etienne_officer):
    return response_open(
        campaign=campaign,
        territory=brittany["saint_etienne_metropole"],
        user=saint_etienne_officer,
    )


@pytest.fixture
def clients(brest_officer, saint_etienne_officer, reviewer):
    return {
        "anonymous": APIClient(),
        "brest": token_client(brest_officer),
        "saint_etienne": token_client(saint_etienne_officer),
        "staff": token_client(reviewer),
    }


@pytest.fixture
def both_responses(brest_response, saint_etienne_response):
    return {"brest": brest_response, "saint_etienne": saint_etienne_response}


# URLs --------------------------------------------------------------------------------------


def test_url_names_are_stable():
    assert reverse("campaign-list") == CAMPAIGNS_URL
    assert reverse("campaign-detail", kwargs={"pk": 3}) == "/api/v1/campaigns/3/"
    assert reverse("response-list") == RESPONSES_URL
    assert reverse("response-detail", kwargs={"pk": 7}) == "/api/v1/responses/7/"
    assert reverse("response-submit", kwargs={"pk": 7}) == "/api/v1/responses/7/submit/"


# Who sees what -----------------------------------------------------------------------------

LIST_VISIBILITY = [
    ("brest", {"brest"}),
    ("saint_etienne", {"saint_etienne"}),
    ("staff", {"brest", "saint_etienne"}),
]


@pytest.mark.parametrize(("who", "expected"), LIST_VISIBILITY)
def test_response_list_is_scoped_to_the_requester(clients, both_responses, who, expected):
    body = clients[who].get(RESPONSES_URL).json()

    ids = {item["id"] for item in body["results"]}
    assert ids == {both_responses[name].pk for name in expected}
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    "request_",
    [
        ("get", RESPONSES_URL),
        ("get", "detail"),
        ("patch", "detail"),
        ("post", "submit"),
        ("get", CAMPAIGNS_URL),
        ("get", "campaign"),
    ],
)
def test_anonymous_clients_get_a_json_401_and_no_data(clients, brest_response, request_):
    method, target = request_
    url = {
        "detail": response_url(brest_response),
        "submit": submit_url(brest_response),
        "campaign": reverse("campaign-detail", kwargs={"pk": brest_response.campaign_id}),
    }.get(target, target)

    answer = getattr(clients["anonymous"], method)(url, {}, format="json")

    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/json")
    assert answer["WWW-Authenticate"] == "Token"
    assert set(answer.json()) == {"detail"}


@pytest.mark.parametrize(
    ("who", "owner", "status"),
    [
        ("brest", "brest", 200),
        ("brest", "saint_etienne", 404),
        ("saint_etienne", "saint_etienne", 200),
        ("saint_etienne", "brest", 404),
        ("staff", "brest", 200),
        ("staff", "saint_etienne", 200),
    ],
)
def test_response_detail_is_scoped_to_the_requester(clients, both_responses, who, owner, status):
    answer = clients[who].get(response_url(both_responses[owner]))

    assert answer.status_code == status
    if status == 404:
        assert set(answer.json()) == {"detail"}


def test_officer_cannot_save_or_submit_another_territorys_response(
    clients, brest_response, saint_etienne_officer
):
    client = clients["saint_etienne"]

    saved = patch(client, brest_response, {"version": 1, "answers": complete_answers()})
    submitted = client.post(submit_url(brest_response))

    assert saved.status_code == 404
    assert submitted.status_code == 404
    brest_response.refresh_from_db()
    assert brest_response.version == 1
    assert brest_response.status == ResponseStatus.DRAFT


def test_staff_may_save_any_response(clients, saint_etienne_response, reviewer):
    answer = patch(clients["staff"], saint_etienne_response, {"version": 1, "answers": {}})

    assert answer.status_code == 200, answer.content
    saint_etienne_response.refresh_from_db()
    assert saint_etienne_response.last_saved_by == reviewer


def test_an_unknown_response_is_a_404(clients, db):
    assert clients["staff"].get("/api/v1/responses/999999/").status_code == 404


def test_methods_other_than_reading_saving_and_submitting_are_refused(clients, brest_response):
    client = clients["brest"]

    assert client.put(response_url(brest_response), {}, format="json").status_code == 405
    assert client.delete(response_url(brest_response)).status_code == 405
    assert client.post(RESPONSES_URL, {}, format="json").status_code == 405
    assert client.get(submit_url(brest_response)).status_code == 405
    Response.objects.get(pk=brest_response.pk)


# Campaigns ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["brest", "saint_etienne", "staff"])
def test_campaign_list_shows_campaigns_targeting_the_requester(clients, campaign, who):
    body = clients[who].get(CAMPAIGNS_URL).json()

    assert [item["id"] for item in body["results"]] == [campaign.pk]
    item = body["results"][0]
    assert item["title"] == "Recensement"
    assert item["organisers"] == "France urbaine"
    assert item["opening_date"] == campaign.opening_date.isoformat()
    assert item["closing_date"] == campaign.closing_date.isoformat()
    assert item["is_open"] is True
    assert item["target_count"] == 2
    assert item["questionnaire"] == {
        "slug": "recensement-cooperations-interterritoriales",
        "version": 1,
        "title": "Recensement des coopérations interterritoriales",
    }
    assert item["url"].endswith(f"/api/v1/campaigns/{campaign.pk}/")
    assert item["responses_url"].endswith(f"/api/v1/responses/?campaign={campaign.pk}")


def test_an_officer_does_not_see_campaigns_that_do_not_target_them(make_user, brittany, campaign):
    quimper = token_client(make_user("quimper", territories=[brittany["quimper_agglo"]]))

    assert quimper.get(CAMPAIGNS_URL).json()["count"] == 0
    assert quimper.get(reverse("campaign-detail", kwargs={"pk": campaign.pk})).status_code == 404


def test_staff_see_every_campaign(clients, census, brittany, campaign):
    other = make_campaign(census, [brittany["quimper_agglo"]], title="Autre vague")

    body = clients["staff"].get(CAMPAIGNS_URL).json()

    assert {item["id"] for item in body["results"]} == {campaign.pk, other.pk}
    assert clients["brest"].get(CAMPAIGNS_URL).json()["count"] == 1


def test_campaign_detail_gives_the_questionnaire_definition(clients, campaign, census):
    body = clients["brest"].get(reverse("campaign-detail", kwargs={"pk": campaign.pk})).json()

    assert body["questionnaire"]["definition"] == census.definition
    assert body["target_count"] == 2


def test_a_closed_campaign_is_not_open(clients, census, brittany):
    closed = make_campaign(
        census,
        [brittany["brest_metropole"]],
        opening=datetime.date(2019, 1, 1),
        closing=datetime.date(2019, 3, 1),
        title="Vague 2019",
    )

    body = clients["brest"].get(reverse("campaign-detail", kwargs={"pk": closed.pk})).json()

    assert body["is_open"] is False


def test_campaigns_are_read_only(clients, campaign):
    assert clients["staff"].post(CAMPAIGNS_URL, {}, format="json").status_code == 405
    url = reverse("campaign-detail", kwargs={"pk": campaign.pk})
    assert clients["staff"].patch(url, {}, format="json").status_code == 405


# Fields ------------------------------------------------------------------------------------


def test_response_representation(clients, brest_response, brest_officer, campaign):
    brest_officer.first_name, brest_officer.last_name = "Anne", "Le Gall"
    brest_officer.save()

    body = clients["brest"].get(response_url(brest_response)).json()

    assert set(body) == RESPONSE_FIELDS
    assert body["id"] == brest_response.pk
    assert body["campaign"] == campaign.pk
    assert body["territory"]["kind"] == "epci"
    assert body["territory"]["code"] == "242900314"
    assert body["territory"]["name"] == "Brest Métropole"
    assert body["questionnaire"] == {
        "slug": "recensement-cooperations-interterritoriales",
        "version": 1,
    }
    assert body["status"] == "draft"
    assert body["status_label"] == "Brouillon"
    assert body["is_editable"] is True
    assert body["version"] == 1
    assert body["answers"] == brest_response.answers
    assert body["last_saved_by"] == "Anne Le Gall"
    assert CLOCK.match(body["saved_at_display"])
    assert body["submitted_at"] is None
    assert body["validated_at"] is None
    assert body["reviewer_notes"] is None
    assert body["url"] == f"http://testserver/api/v1/responses/{brest_response.pk}/"
    assert body["web_url"] == f"http://testserver/enquetes/reponses/{brest_response.pk}/"


def test_officers_read_the_reviewer_notes_of_a_returned_response(
    clients, brest_response, brest_officer, reviewer
):
    brest_response = response_save(
        response=brest_response, answers=complete_answers(), version=1, user=brest_officer
    )
    response_submit(response=brest_response, user=brest_officer)
    response_return(response=brest_response, reviewer=reviewer, notes="Précisez le financement.")

    body = clients["brest"].get(response_url(brest_response)).json()

    assert body["status"] == "returned"
    assert body["status_label"] == "Renvoyée pour corrections"
    assert body["reviewer_notes"] == "Précisez le financement."
    assert body["is_editable"] is True
    assert body["submitted_at"] is not None


def test_last_saved_by_falls_back_to_the_username(clients, brest_response):
    assert clients["brest"].get(response_url(brest_response)).json()["last_saved_by"] == "brest"


# Saving (the autosave contract) ------------------------------------------------------------


def test_save_writes_the_answers_and_returns_the_new_version(
    clients, brest_response, brest_officer
):
    answers = complete_answers()

    answer = patch(clients["brest"], brest_response, {"version": 1, "answers": answers})

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body) == RESPONSE_FIELDS
    assert body["version"] == 2
    assert body["answers"] == answers
    assert body["last_saved_by"] == "brest"
    local = timezone.localtime(datetime.datetime.fromisoformat(body["updated_at"]))
    assert body["saved_at_display"] == f"{local.hour}\u00a0h\u00a0{local.minute:02d}"
    brest_response.refresh_from_db()
    assert (brest_response.version, brest_response.answers) == (2, answers)
    assert brest_response.last_saved_by == brest_officer


def test_a_stale_version_is_a_409_with_the_current_answers_and_nothing_written(
    clients, brest_response, brest_officer
):
    first = {"respondent": {"respondent_name": "Anne Le Gall"}}
    brest_response = response_save(
        response=brest_response, answers=first, version=1, user=brest_officer
    )
    stored_at = brest_response.updated_at

    answer = patch(
        clients["staff"],
        brest_response,
        {"version": 1, "answers": {"respondent": {"respondent_name": "Écrasé"}}},
    )

    assert answer.status_code == 409
    body = answer.json()
    assert set(body) == {"code", "detail", "current"}
    assert body["code"] == "stale"
    assert "brest" in body["detail"]
    assert "version 2" in body["detail"]
    assert "\u00a0: vos modifications n’ont pas été enregistrées" in body["detail"]
    assert body["current"]["version"] == 2
    assert body["current"]["answers"] == first
    assert body["current"]["last_saved_by"] == "brest"
    assert datetime.datetime.fromisoformat(body["current"]["updated_at"]) == stored_at
    assert CLOCK.match(body["current"]["saved_at_display"])
    brest_response.refresh_from_db()
    assert brest_response.version == 2
    assert brest_response.answers == first
    assert brest_response.updated_at == stored_at


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {}}, "version"),
        ({"version": None, "answers": {}}, "version"),
        ({"version": "deux", "answers": {}}, "version"),
        ({"version": 1.5, "answers": {}}, "version"),
        ({"version": 0, "answers": {}}, "version"),
        ({"version": 1}, "answers"),
        ({"version": 1, "answers": None}, "answers"),
    ],
)
def test_a_missing_or_malformed_field_is_a_400_naming_it(clients, brest_response, body, field):
    answer = patch(clients["brest"], brest_response, body)

    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {field}
    assert isinstance(errors[field], list)
    assert errors[field]
    brest_response.refresh_from_db()
    assert brest_response.version == 1


@pytest.mark.parametrize("answers", [[], "réponses", 3])
def test_answers_that_are_not_an_object_are_a_400(clients, brest_response, answers):
    answer = patch(clients["brest"], brest_response, {"version": 1, "answers": answers})

    assert answer.status_code == 400
    assert answer.json() == {"answers": ["Les réponses doivent former un objet JSON."]}


def test_invalid_answers_are_a_400_keyed_by_path_and_nothing_is_written(clients, brest_response):
    answers = complete_answers()
    answers["cooperations"][0]["coop_start_year"] = 1492
    answers["cooperations"][0]["coop_partners"] = ["epci:000000000"]
    answers["approach"]["approach_strategy"] = "peut-être"

    answer = patch(clients["brest"], brest_response, {"version": 1, "answers": answers})

    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"answers"}
    assert set(errors["answers"]) == {
        "cooperations.0.coop_start_year",
        "cooperations.0.coop_partners",
        "approach.approach_strategy",
    }
    assert errors["answers"]["cooperations.0.coop_start_year"] == [
        "Une année entre 1900 et 2100 est attendue."
    ]
    brest_response.refresh_from_db()
    assert brest_response.version == 1


@pytest.mark.parametrize(
    "raw",
    [b'{"version": 1, "answers": {', b"not json at all", b"\xff\xfe", b""],
)
def test_an_unreadable_body_is_a_400_never_a_500(clients, brest_response, raw):
    answer = clients["brest"].generic(
        "PATCH", response_url(brest_response), raw, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json")
    brest_response.refresh_from_db()
    assert brest_response.version == 1


def test_a_json_body_that_is_not_an_object_is_a_400(clients, brest_response):
    answer = clients["brest"].generic(
        "PATCH", response_url(brest_response), b"[1, 2]", content_type="application/json"
    )

    assert answer.status_code == 400
    assert "non_field_errors" in answer.json()


def test_a_submitted_response_cannot_be_saved(clients, brest_response, brest_officer):
    brest_response = response_save(
        response=brest_response, answers=complete_answers(), version=1, user=brest_officer
    )
    response_submit(response=brest_response, user=brest_officer)

    answer = patch(clients["brest"], brest_response, {"version": 2, "answers": {}})

    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "not_editable"
    assert body["detail"] == (
        "Cette réponse est «\u00a0Transmise\u00a0»\u00a0: elle ne peut plus être modifiée."
    )
    assert body["current"]["answers"] == complete_answers()
    brest_response.refresh_from_db()
    assert brest_response.answers == complete_answers()


def test_a_stale_save_of_a_submitted_response_says_it_is_no_longer_editable(
    clients, brest_response, brest_officer
):
    brest_response = response_save(
        response=brest_response, answers=complete_answers(), version=1, user=brest_officer
    )
    response_submit(response=brest_response, user=brest_officer)

    answer = patch(clients["brest"], brest_response, {"version": 1, "answers": {}})

    assert answer.status_code == 409
    assert answer.json()["code"] == "not_editable"


# The answer page's session: CSRF and expiry ------------------------------------------------


def test_a_signed_in_session_saves_with_its_csrf_token(brest_response, brest_officer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(brest_officer)
    client.cookies.load({"csrftoken": "A" * 32})

    answer = patch(client, brest_response, {"version": 1, "answers": {}}, HTTP_X_CSRFTOKEN="A" * 32)

    assert answer.status_code == 200, answer.content
    assert answer.json()["version"] == 2


def test_a_session_save_without_the_csrf_header_is_a_json_403(brest_response, brest_officer):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(brest_officer)

    answer = patch(client, brest_response, {"version": 1, "answers": {}})

    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("application/json")
    assert "CSRF" in answer.json()["detail"]
    brest_response.refresh_from_db()
    assert brest_response.version == 1


@pytest.mark.parametrize("accept", ["application/json", "*/*", None])
def test_an_expired_session_gets_a_json_401_not_a_redirect(brest_response, brest_officer, accept):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(brest_officer)
    client.logout()  # what an expired session looks like to the server: no user
    client.cookies.load({"csrftoken": "A" * 32})
    headers = {"HTTP_X_CSRFTOKEN": "A" * 32}
    if accept:
        headers["HTTP_ACCEPT"] = accept

    answer = patch(client, brest_response, {"version": 1, "answers": {}}, **headers)

    assert answer.status_code == 401
    assert answer["Content-Type"].startswith("application/json")
    assert "detail" in answer.json()
    brest_response.refresh_from_db()
    assert brest_response.version == 1


# Submitting --------------------------------------------------------------------------------


def test_an_incomplete_response_cannot_be_submitted(clients, brest_response):
    answer = clients["brest"].post(submit_url(brest_response))

    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) == {"answers"}
    assert errors["answers"]["respondent.respondent_name"] == ["Cette question est obligatoire."]
    assert "approach.approach_strategy" in errors["answers"]
    brest_response.refresh_from_db()
    assert brest_response.status == ResponseStatus.DRAFT


def test_a_complete_response_is_submitted(
    clients, brest_response, brest_officer, mailoutbox, django_capture_on_commit_callbacks
):
    patch(clients["brest"], brest_response, {"version": 1, "answers": complete_answers()})

    with django_capture_on_commit_callbacks(execute=True):
        answer = clients["brest"].post(submit_url(brest_response))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "submitted"
    assert body["status_label"] == "Transmise"
    assert body["is_editable"] is False
    assert body["submitted_at"] is not None
    brest_response.refresh_from_db()
    assert brest_response.status == ResponseStatus.SUBMITTED
    assert brest_response.submitted_by == brest_officer
    assert len(mailoutbox) == 1


def test_submitting_twice_returns_the_submitted_response(clients, brest_response):
    patch(clients["brest"], brest_response, {"version": 1, "answers": complete_answers()})
    first = clients["brest"].post(submit_url(brest_response)).json()

    again = clients["brest"].post(submit_url(brest_response))

    assert again.status_code == 200
    assert again.json()["submitted_at"] == first["submitted_at"]


def test_a_validated_response_cannot_be_submitted_again(
    clients, brest_response, brest_officer, reviewer
):
    brest_response.status = ResponseStatus.VALIDATED
    brest_response.validated_at = timezone.now()
    brest_response.validated_by = reviewer
    brest_response.save()

    answer = clients["brest"].post(submit_url(brest_response))

    assert answer.status_code == 409
    assert answer.json()["code"] == "not_editable"
    assert "Validée" in answer.json()["detail"]


# Filters -----------------------------------------------------------------------------------


def ids(client, params) -> set[int]:
    answer = client.get(RESPONSES_URL, params)
    assert answer.status_code == 200, answer.content
    return {item["id"] for item in answer.json()["results"]}


def test_filters(clients, both_responses, brest_officer, census, brittany, campaign):
    brest = both_responses["brest"]
    saint_etienne = both_responses["saint_etienne"]
    response_save(response=brest, answers=complete_answers(), version=1, user=brest_officer)
    response_submit(response=brest, user=brest_officer)
    staff = clients["staff"]
    everyone = {brest.pk, saint_etienne.pk}

    assert ids(staff, {"campaign": campaign.pk}) == everyone
    assert ids(staff, {"status": "submitted"}) == {brest.pk}
    assert ids(staff, {"status": ["draft", "submitted"]}) == everyone
    assert ids(staff, {"territory": "epci:242900314"}) == {brest.pk}
    assert ids(staff, {"territory": " EPCI:242900314 "}) == {brest.pk}
    assert ids(staff, {"territory": "saint etienne"}) == {saint_etienne.pk}
    assert ids(staff, {"territory": "SAINT-ÉTIENNE métropole"}) == {saint_etienne.pk}
    assert ids(staff, {"territory": "brest"}) == {brest.pk}
    assert ids(staff, {"territory": "2442"}) == {saint_etienne.pk}  # a SIREN prefix
    assert ids(staff, {"territory": "epci:999999999"}) == set()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert ids(staff, {"updated_since": tomorrow}) == set()
    assert ids(staff, {"updated_since": "2020-01-01"}) == everyone
    assert ids(staff, {"updated_since": "2020-01-01T10:00:00+01:00"}) == everyone


def test_filters_never_widen_the_scope(clients, both_responses):
    brest = clients["brest"]

    assert ids(brest, {"territory": "epci:244200770"}) == set()
    assert ids(brest, {"status": "draft"}) == {both_responses["brest"].pk}


def test_ordering(clients, both_responses):
    by_name = clients["staff"].get(RESPONSES_URL, {"ordering": "territory"}).json()["results"]
    reverse_name = clients["staff"].get(RESPONSES_URL, {"ordering": "-territory"}).json()

    assert [item["territory"]["name"] for item in by_name] == [
        "Brest Métropole",
        "Saint-Étienne Métropole",
    ]
    assert [item["territory"]["name"] for item in reverse_name["results"]] == [
        "Saint-Étienne Métropole",
        "Brest Métropole",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"campaign": "999999"}, "campaign"),
        ({"campaign": "abc"}, "campaign"),
        ({"updated_since": "hier"}, "updated_since"),
        ({"ordering": "answers"}, "ordering"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_it(clients, both_responses, params, field):
    answer = clients["staff"].get(RESPONSES_URL, params)

    assert answer.status_code == 400
    assert set(answer.json()) == {field}


def test_filters_work_with_a_plain_query_dict(both_responses, reviewer):
    """The reviewers' queue page hands request.GET to the same FilterSet."""
    from django.http import QueryDict

    from surveys.filters import ResponseFilterSet

    filterset = ResponseFilterSet(
        QueryDict("territory=saint+etienne&status=draft&ordering=-updated"),
        queryset=Response.objects.visible_to(reviewer),
    )

    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [both_responses["saint_etienne"]]
    assert filterset.form.fields["territory"].label == "Territoire"
    assert filterset.form.fields["status"].label == "Statut"


# Bounded queries ---------------------------------------------------------------------------


def many_responses(census, count: int):
    return make_responses(census, count, complete_answers())


@pytest.mark.parametrize("count", [2, 12])
def test_response_list_takes_a_constant_number_of_queries(
    clients, census, count, django_assert_max_num_queries
):
    many_responses(census, count)
    client = clients["staff"]

    with django_assert_max_num_queries(3):  # token, count, page
        answer = client.get(RESPONSES_URL)

    assert answer.json()["count"] == count


@pytest.mark.parametrize("count", [2, 12])
def test_campaign_list_takes_a_constant_number_of_queries(
    clients, census, brittany, count, django_assert_max_num_queries
):
    targets = [brittany["brest_metropole"], brittany["quimper_agglo"]]
    for index in range(count):
        make_campaign(census, targets, title=f"Vague {index}")

    with django_assert_max_num_queries(3):  # token, count, page
        answer = clients["staff"].get(CAMPAIGNS_URL)

    assert answer.json()["count"] == count
    assert {item["target_count"] for item in answer.json()["results"]} == {2}


def answers_with_entries(count: int) -> dict:
    answers = complete_answers()
    entry = answers["cooperations"][0]
    answers["cooperations"] = [
        {**entry, "_entry": f"c{index}", "coop_title": f"Coopération {index}"}
        for index in range(count)
    ]
    return answers


@pytest.mark.parametrize("entries", [1, 12])
def test_a_save_takes_a_constant_number_of_queries(
    clients, brest_response, entries, django_assert_max_num_queries
):
    answers = answers_with_entries(entries)

    # token, response, [savepoint], officer, locked response with its campaign, territory
    # and questionnaire, territory references, promotions, pre-filled entries, history,
    # update, [release savepoint], stored answers
    with django_assert_max_num_queries(12):
        answer = patch(clients["brest"], brest_response, {"version": 1, "answers": answers})

    assert answer.status_code == 200, answer.content
    assert answer.json()["answers"] == answers
    assert answer.json()["version"] == 2


def test_the_answer_to_a_save_is_the_response_as_read_afterwards(clients, brest_response):
    # Keys in an order the database may not keep (PostgreSQL's jsonb sorts them): the
    # answer shows the answers as stored, exactly as a read does.
    answers = answers_with_entries(2)
    answers["respondent"] = {"respondent_role": "Chargée de mission", "respondent_name": "Anne"}
    answers = {"cooperations": answers.pop("cooperations"), **answers}

    saved = patch(clients["brest"], brest_response, {"version": 1, "answers": answers})
    read = clients["brest"].get(response_url(brest_response))

    assert saved.status_code == 200, saved.content
    assert saved.content == read.content
    assert saved.json()["answers"] == answers


# Schema ------------------------------------------------------------------------------------


def test_schema_documents_the_save_contract(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()

    patch_operation = schema["paths"]["/api/v1/responses/{id}/"]["patch"]
    assert set(patch_operation["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    body = patch_operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ResponseSaveRequest")
    assert set(schema["components"]["schemas"]["ResponseSaveRequest"]["required"]) == {
        "version",
        "answers",
    }
    conflict = patch_operation["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict["$ref"].endswith("/ResponseConflict")
    properties = schema["components"]["schemas"]["ResponseConflict"]["properties"]
    assert set(properties) == {"code", "detail", "current"}
    current = schema["components"]["schemas"]["SavedState"]["properties"]
    assert {"version", "answers", "updated_at", "last_saved_by"} <= set(current)
    submit = schema["paths"]["/api/v1/responses/{id}/submit/"]["post"]
    assert set(submit["responses"]) >= {"200", "400", "404", "409"}
    listing = schema["paths"]["/api/v1/responses/"]["get"]
    parameters = {p["name"] for p in listing["parameters"]}
    assert {"campaign", "status", "territory", "updated_since", "ordering"} <= parameters
    assert "put" not in schema["paths"]["/api/v1/responses/{id}/"]
    assert "/api/v1/campaigns/{id}/" in schema["paths"]
