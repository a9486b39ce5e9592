"""Pages never crash on stored answers. Whatever a response's answers hold — written before
a check existed, by a data migration or by hand in the database — every page, export and
API view that reads them renders what it can and answers below 500; a save of the same
document is refused with field errors."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from surveys.models import Promotion, Response, ResponseStatus
from surveys.services.responses import response_open
from tests.fixtures.surveys import complete_answers

MALFORMED = {
    "internal keys of the wrong type": {
        "cooperations": [
            {
                "_entry": {"a": 1},
                "_registry_slug": {"a": 1},
                "coop_title": ["x"],
                "coop_partners": 5,
                "coop_themes": "mobility",
                "coop_instrument": {"x": 1},
                "coop_status": ["active"],
            }
        ]
    },
    "a slug that is no slug": {
        "cooperations": [
            {
                "_entry": "c1",
                "_registry_slug": 'a b/"<x>',
                "coop_title": "Titre",
                "coop_partners": [{"other_name": {"x": 1}, "other_category": []}, 7, None],
            }
        ]
    },
    "sections of the wrong shape": {"cooperations": "pas une liste", "respondent": ["x"]},
    "entries of every kind": {
        "cooperations": [1, "x", None, [], {"_entry": "c1"}, {"_entry": "c1"}]
    },
    "values of the wrong type": {
        "respondent": {"respondent_name": 12, "respondent_email": {"a": 1}},
        "approach": {"approach_strategy": "yes", "approach_main_barriers": {"x": 1}},
        "cooperations": [
            {
                "_entry": "c1",
                "coop_start_year": "abc",
                "coop_end_year": 10**30,
                "coop_documents": ["x"],
                "coop_has_engineering": "peut-être",
            }
        ],
    },
    "an unknown section": {"inconnue": {"x": 1}, **complete_answers()},
    "a list instead of an object": ["x"],
    "a bare string": "texte",
}


@pytest.fixture(params=sorted(MALFORMED), ids=lambda name: name.replace(" ", "-"))
def stored(request, campaign, brittany, brest_officer, registry):
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    Response.objects.filter(pk=response.pk).update(answers=MALFORMED[request.param])
    return Response.objects.get(pk=response.pk)


def answer_url(response, **query) -> str:
    url = response.campaign.answer_url(response.territory)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_officer_pages_render_malformed_answers(client, stored, brest_officer):
    client.force_login(brest_officer)
    for step in ("respondent", "cooperations", "approach", "verifier"):
        page = client.get(answer_url(stored, etape=step))
        assert page.status_code == 200, (step, page.status_code)
        flagged = "Une partie des réponses enregistrées est illisible" in page.content.decode()
        # Values of the wrong type in well-shaped sections show as typed, in their fields.
        assert flagged == (stored.answers != MALFORMED["values of the wrong type"])
    assert client.get(reverse("surveys:home")).status_code == 200


def test_a_readable_document_is_not_flagged(client, campaign, brittany, brest_officer):
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    Response.objects.filter(pk=response.pk).update(answers=complete_answers())
    client.force_login(brest_officer)

    page = client.get(answer_url(response, etape="cooperations"))

    assert "illisible" not in page.content.decode()


def test_read_only_pages_render_malformed_answers(client, stored, brest_officer, reviewer):
    Response.objects.filter(pk=stored.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(brest_officer)
    assert client.get(answer_url(stored)).status_code == 200
    receipt = reverse(
        "surveys:receipt",
        kwargs={
            "campaign_id": stored.campaign_id,
            "kind": stored.territory.kind,
            "code": stored.territory.code,
        },
    )
    assert client.get(receipt).status_code == 200

    client.force_login(reviewer)
    review = client.get(reverse("surveys:review_response", kwargs={"response_id": stored.pk}))
    assert review.status_code == 200
    assert client.get(reverse("surveys:review_queue")).status_code == 200
    for fmt in ("csv", "xlsx", "ods"):
        export = client.get(
            reverse("surveys:review_export", kwargs={"campaign_id": stored.campaign_id, "fmt": fmt})
        )
        assert export.status_code == 200, fmt
        body = b"".join(export.streaming_content) if export.streaming else export.content
        assert body


def test_validating_malformed_answers_writes_all_or_nothing(client, stored, reviewer):
    Response.objects.filter(pk=stored.pk).update(status=ResponseStatus.SUBMITTED)
    client.force_login(reviewer)
    page = client.post(
        reverse("surveys:review_response", kwargs={"response_id": stored.pk}),
        {"action": "validate"},
    )
    assert page.status_code < 500
    if Response.objects.get(pk=stored.pk).status == ResponseStatus.SUBMITTED:
        assert not Promotion.objects.filter(response=stored).exists()


def test_api_reads_malformed_answers_and_refuses_to_save_them(stored, brest_officer):
    client = APIClient()
    client.force_authenticate(brest_officer)
    url = reverse("response-detail", kwargs={"pk": stored.pk})
    assert client.get(url).status_code == 200

    saved = client.patch(
        url,
        json.dumps({"version": stored.version, "answers": stored.answers}),
        content_type="application/json",
    )

    assert saved.status_code == 400, saved.content
    assert Response.objects.get(pk=stored.pk).version == stored.version
