"""Answers no database can store, or of a shape no question has, are refused with a field
error — through the autosave API and the answer form alike — and nothing is written."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys.models import Response
from surveys.services.responses import response_open
from tests.surveys.test_answering import answer_url, post_step, text_of


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


@pytest.fixture
def draft(campaign, brest, brest_officer):
    return response_open(campaign=campaign, territory=brest, user=brest_officer)


@pytest.fixture
def api(brest_officer):
    client = APIClient()
    client.force_authenticate(brest_officer)
    return client


def patch(api, draft, answers):
    return api.patch(
        reverse("response-detail", kwargs={"pk": draft.pk}),
        json.dumps({"version": draft.version, "answers": answers}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"respondent": {"respondent_name": "Anne\x00"}}, "respondent.respondent_name"),
        ({"respondent": {"respondent_name": "Anne\ud800"}}, "respondent.respondent_name"),
        (
            {"cooperations": [{"_entry": "c1", "coop_summary": "a\x00b"}]},
            "cooperations.0.coop_summary",
        ),
        (
            {
                "cooperations": [
                    {
                        "_entry": "c1",
                        "coop_partners": [{"other_name": "PETR\x00", "other_category": "PETR"}],
                    }
                ]
            },
            "cooperations.0.coop_partners",
        ),
        ({"cooperations": [{"_entry": "c1\ud800"}]}, "cooperations.0._entry"),
        (
            {"cooperations": [{"_entry": "c1", "coop_instrument": {"a": 1}}]},
            "cooperations.0.coop_instrument",
        ),
        (
            {"cooperations": [{"_entry": "c1", "coop_instrument": ["charter"]}]},
            "cooperations.0.coop_instrument",
        ),
        (
            {"cooperations": [{"_entry": "c1", "coop_status": 3}]},
            "cooperations.0.coop_status",
        ),
    ],
    ids=[
        "nul",
        "lone-surrogate",
        "nul-in-an-entry",
        "nul-in-an-unlisted-partner",
        "surrogate-in-an-identifier",
        "choice-as-object",
        "choice-as-list",
        "choice-as-number",
    ],
)
def test_api_refuses_what_cannot_be_stored_with_a_field_error(api, draft, answers, path):
    answer = patch(api, draft, answers)

    assert answer.status_code == 400, answer.content
    assert path in answer.json()["answers"]
    assert Response.objects.get(pk=draft.pk).version == draft.version


def test_api_refuses_a_key_holding_a_nul_character(api, draft):
    answer = patch(api, draft, {"respondent": {"respondent_name\x00": "Anne"}})

    assert answer.status_code == 400
    assert "respondent.respondent_name\ufffd" in answer.json()["answers"]


def test_api_refuses_answers_nested_deeper_than_any_questionnaire(api, draft):
    deep: object = "x"
    for _level in range(12):
        deep = [deep]

    answer = patch(api, draft, {"cooperations": [{"_entry": "c1", "coop_partners": deep}]})

    assert answer.status_code == 400
    assert "answers" in answer.json()["answers"]


def test_answer_form_refuses_a_nul_character_and_keeps_the_text(
    client, draft, campaign, brest, brest_officer
):
    client.force_login(brest_officer)
    page = post_step(
        client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Anne\x00", "respondent.respondent_role": "Cheffe"},
        version=draft.version,
    )

    assert page.status_code == 400
    assert "caractère non autorisé" in text_of(page)
    # What could be saved is saved; the refused answer waits in the form.
    assert Response.objects.get(pk=draft.pk).answers == {
        "respondent": {"respondent_role": "Cheffe"}
    }
