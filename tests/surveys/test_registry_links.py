"""Which registry record a cooperation entry may update: never the one the client names
on its own word. An entry updates a record only when the server pre-filled that record
into that entry, or when the record is published and counts the responding territory
among its partners; promotion never publishes a record that was not."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cooperation.models import Cooperation, CooperationStatus, Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create, cooperation_update
from surveys.answering.mapping import entry_from_cooperation
from surveys.models import PrefilledEntry, Promotion, Response, ResponseStatus
from surveys.services.promotion import response_promote
from surveys.services.responses import (
    response_open,
    response_save,
    response_submit,
    response_validate,
)
from tests.fixtures.surveys import complete_answers


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def hijacking_entry(entry_id: str, slug: str) -> dict:
    """The entry of the reported attack: another record's slug with the attacker's answers."""
    return {
        "_entry": entry_id,
        "_registry_slug": slug,
        "coop_title": "HIJACKED",
        "coop_partners": ["epci:242900314"],
        "coop_instrument": "charter",
        "coop_themes": ["mobility"],
        "coop_status": "ended",
        "coop_end_year": 2021,
    }


@pytest.fixture
def saint_etienne(brittany):
    return brittany["saint_etienne_metropole"]


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


@pytest.fixture
def saint_etienne_officer(make_user, saint_etienne):
    return make_user("saint-etienne", territories=[saint_etienne])


@pytest.fixture
def saint_etienne_response(campaign, saint_etienne, saint_etienne_officer, registry):
    return response_open(campaign=campaign, territory=saint_etienne, user=saint_etienne_officer)


@pytest.fixture
def brest_response(campaign, brest, brest_officer, registry):
    return response_open(campaign=campaign, territory=brest, user=brest_officer)


def snapshot(record: Cooperation) -> tuple:
    record = Cooperation.objects.get(pk=record.pk)
    partners = list(record.partnerships.order_by("position").values_list("territory_id", "role"))
    return (record.title, record.instrument, record.status, record.is_published, partners)


def answers_with(*entries) -> dict:
    answers = complete_answers()
    answers["cooperations"] = list(entries)
    return answers


# The reported attack


def test_the_reported_hijacking_request_is_refused_and_writes_nothing(
    saint_etienne_response, saint_etienne_officer, registry
):
    published_elsewhere = registry["brest_quimper"]
    unpublished = registry["guipavas_draft"]
    before = (snapshot(published_elsewhere), snapshot(unpublished))
    body = {
        "version": saint_etienne_response.version,
        "answers": answers_with(
            hijacking_entry("h1", published_elsewhere.slug),
            hijacking_entry("h2", unpublished.slug),
        ),
    }

    answer = token_client(saint_etienne_officer).patch(
        reverse("response-detail", kwargs={"pk": saint_etienne_response.pk}),
        json.dumps(body),
        content_type="application/json",
    )

    assert answer.status_code == 400
    errors = answer.json()["answers"]
    assert "Saint-Étienne Métropole" in errors["cooperations.0._registry_slug"][0]
    assert "cooperations.1._registry_slug" in errors
    stored = Response.objects.get(pk=saint_etienne_response.pk)
    assert stored.version == saint_etienne_response.version
    assert (snapshot(published_elsewhere), snapshot(unpublished)) == before


def test_a_forged_link_to_another_territorys_published_record_is_refused(
    saint_etienne_response, saint_etienne_officer, registry
):
    with pytest.raises(ValidationError) as caught:
        response_save(
            response=saint_etienne_response,
            answers=answers_with(hijacking_entry("h1", registry["brest_quimper"].slug)),
            version=saint_etienne_response.version,
            user=saint_etienne_officer,
        )
    assert list(caught.value.message_dict) == ["cooperations.0._registry_slug"]


def test_a_link_to_an_unpublished_record_of_the_territory_is_refused(
    brest_response, brest_officer, registry
):
    # Brest is a partner of the unpublished record, but it was never pre-filled.
    with pytest.raises(ValidationError) as caught:
        response_save(
            response=brest_response,
            answers=answers_with(hijacking_entry("h1", registry["guipavas_draft"].slug)),
            version=brest_response.version,
            user=brest_officer,
        )
    assert list(caught.value.message_dict) == ["cooperations.0._registry_slug"]
    assert not Cooperation.objects.get(pk=registry["guipavas_draft"].pk).is_published


def test_a_link_to_a_record_that_does_not_exist_is_refused(brest_response, brest_officer):
    with pytest.raises(ValidationError) as caught:
        response_save(
            response=brest_response,
            answers=answers_with(hijacking_entry("h1", "no-such-record")),
            version=brest_response.version,
            user=brest_officer,
        )
    assert "no-such-record" in caught.value.message_dict["cooperations.0._registry_slug"][0]


@pytest.mark.parametrize("slug", ['a b/"<x>', {"a": 1}, ["x"], 3, "é" * 5, "x" * 201])
def test_a_malformed_link_is_refused_at_save(brest_response, brest_officer, slug):
    entry = {"_entry": "c1", "_registry_slug": slug, "coop_title": "Titre"}
    with pytest.raises(ValidationError) as caught:
        response_save(
            response=brest_response,
            answers=answers_with(entry),
            version=brest_response.version,
            user=brest_officer,
        )
    assert list(caught.value.message_dict) == ["cooperations.0._registry_slug"]


def test_two_entries_may_not_name_the_same_record(brest_response, brest_officer, registry):
    record = registry["brest_quimper"]
    first = entry_from_cooperation(record, territory=brest_response.territory)
    second = {**first, "_entry": "copy"}
    with pytest.raises(ValidationError) as caught:
        response_save(
            response=brest_response,
            answers=answers_with(first, second),
            version=brest_response.version,
            user=brest_officer,
        )
    assert list(caught.value.message_dict) == ["cooperations.1._registry_slug"]


# What is allowed


def test_prefill_records_which_record_went_into_which_entry(brest_response, registry):
    links = set(
        PrefilledEntry.objects.filter(response=brest_response).values_list(
            "entry", "cooperation__slug"
        )
    )
    entries = brest_response.answers["cooperations"]
    assert links == {(entry["_entry"], entry["_registry_slug"]) for entry in entries}
    assert registry["guipavas_draft"].slug not in {slug for _entry, slug in links}


def test_the_prefilled_update_still_works(brest_response, brest_officer, reviewer, registry):
    record = registry["brest_quimper"]
    answers = brest_response.answers
    entry = next(e for e in answers["cooperations"] if e["_registry_slug"] == record.slug)
    entry["coop_summary"] = "Mis à jour par le territoire."
    answers.update({k: v for k, v in complete_answers().items() if k != "cooperations"})
    saved = response_save(
        response=brest_response, answers=answers, version=brest_response.version, user=brest_officer
    )
    response_validate(
        response=response_submit(response=saved, user=brest_officer), reviewer=reviewer
    )

    record.refresh_from_db()
    assert record.summary == "Mis à jour par le territoire."
    assert Promotion.objects.get(response=saved, entry=entry["_entry"]).cooperation == record


def test_a_published_record_of_the_territory_may_be_linked_without_prefill(
    brest_response, brest_officer, reviewer, brest, brittany, themes
):
    # Published after the response was opened, so never pre-filled into it.
    record = cooperation_create(
        title="Charte Brest - Guipavas",
        instrument=Instrument.CHARTER,
        status=CooperationStatus.ACTIVE,
        partners=[PartnerInput(brest, PartnerRole.LEAD), PartnerInput(brittany["29075"])],
        themes=[themes["mobility"]],
        is_published=True,
    )
    entry = {**entry_from_cooperation(record, territory=brest), "_entry": "later"}
    entry["coop_summary"] = "Déclarée par Brest."
    saved = response_save(
        response=brest_response,
        answers=answers_with(entry),
        version=brest_response.version,
        user=brest_officer,
    )
    response_validate(
        response=response_submit(response=saved, user=brest_officer), reviewer=reviewer
    )

    record.refresh_from_db()
    assert record.summary == "Déclarée par Brest."


# Promotion checks again


def test_promotion_refuses_a_forged_link_stored_before_the_check_existed(
    saint_etienne_response, reviewer, registry
):
    record = registry["brest_quimper"]
    before = snapshot(record)
    Response.objects.filter(pk=saint_etienne_response.pk).update(
        answers=answers_with(hijacking_entry("h1", record.slug)),
        status=ResponseStatus.VALIDATED,
    )

    with pytest.raises(ValidationError) as caught:
        response_promote(response=saint_etienne_response, reviewer=reviewer)

    assert "Saint-Étienne Métropole" in " ".join(caught.value.messages)
    assert snapshot(record) == before
    assert not Promotion.objects.exists()


def test_promotion_never_publishes_a_record_unpublished_since_prefill(
    brest_response, brest_officer, reviewer, registry
):
    record = registry["brest_quimper"]
    cooperation_update(cooperation=record, user=reviewer, is_published=False)
    answers = brest_response.answers
    entry = next(e for e in answers["cooperations"] if e["_registry_slug"] == record.slug)
    entry["coop_summary"] = "Toujours en cours."
    answers.update({k: v for k, v in complete_answers().items() if k != "cooperations"})
    saved = response_save(
        response=brest_response, answers=answers, version=brest_response.version, user=brest_officer
    )

    response_validate(
        response=response_submit(response=saved, user=brest_officer), reviewer=reviewer
    )

    record.refresh_from_db()
    assert record.summary == "Toujours en cours."
    assert record.is_published is False


# The reviewer sees what an update would do


def review_text(client, reviewer, response) -> str:
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_response", kwargs={"response_id": response.pk}))
    assert page.status_code == 200
    # ASCII white space only: no-break spaces are part of what the page says.
    return re.sub(r"[ \t\r\n]+", " ", page.content.decode())


def submit_prefilled(response, officer, slug, **changes):
    answers = response.answers
    entry = next(e for e in answers["cooperations"] if e["_registry_slug"] == slug)
    entry.update(changes)
    answers.update({k: v for k, v in complete_answers().items() if k != "cooperations"})
    saved = response_save(
        response=response, answers=answers, version=response.version, user=officer
    )
    return response_submit(response=saved, user=officer)


def test_review_page_names_the_partners_an_update_would_remove(
    client, brest_response, brest_officer, reviewer, registry
):
    record = registry["brest_quimper"]
    # Pays du Centre Ouest Bretagne left out of the declared partners.
    submitted = submit_prefilled(
        brest_response, brest_officer, record.slug, coop_partners=["epci:242900694"]
    )

    text = review_text(client, reviewer, submitted)

    assert "À vérifier avant de valider" in text
    assert (
        "La validation retirera de la fiche du registre ces partenaires\u00a0: "
        "Pays du Centre Ouest Bretagne." in text
    )


def test_review_page_warns_when_the_record_is_no_longer_the_territorys(
    client, brest_response, brest_officer, reviewer, registry, brittany, cork
):
    record = registry["ocean_network"]
    submitted = submit_prefilled(brest_response, brest_officer, record.slug)
    cooperation_update(
        cooperation=record,
        user=reviewer,
        partners=[
            PartnerInput(brittany["saint_etienne_metropole"], PartnerRole.LEAD),
            PartnerInput(cork),
        ],
    )

    text = review_text(client, reviewer, submitted)

    assert "ne compte pas Brest Métropole parmi ses partenaires" in text


def test_review_page_of_an_untouched_prefill_has_no_warning(
    client, brest_response, brest_officer, reviewer, registry
):
    submitted = submit_prefilled(brest_response, brest_officer, registry["brest_quimper"].slug)

    assert "À vérifier avant de valider" not in review_text(client, reviewer, submitted)
