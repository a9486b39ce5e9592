import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from surveys.models import Response, ResponseStatus
from surveys.services.responses import (
    StaleResponse,
    officer_add,
    response_open,
    response_return,
    response_save,
    response_submit,
    response_validate,
)
from tests.fixtures.surveys import complete_answers, make_campaign

# What a new draft of the Brest officer holds: who is answering, from the account (which
# has no name).
PREFILLED = {"respondent": {"respondent_email": "brest@example.org"}}


@pytest.fixture
def draft(campaign, brittany, brest_officer):
    return response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )


def submitted(draft, user):
    saved = response_save(response=draft, answers=complete_answers(), version=1, user=user)
    return response_submit(response=saved, user=user)


# Opening


def test_open_creates_a_draft_with_the_campaign_questionnaire(draft, campaign, brest_officer):
    assert draft.status == ResponseStatus.DRAFT
    assert draft.version == 1
    assert draft.answers == PREFILLED
    assert draft.questionnaire == campaign.questionnaire


def test_open_resumes_the_existing_draft(draft, campaign, brittany, brest_officer):
    again = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    assert again.pk == draft.pk
    assert Response.objects.count() == 1


def test_staff_may_open_a_response_for_any_target(campaign, brittany, reviewer):
    response = response_open(
        campaign=campaign, territory=brittany["saint_etienne_metropole"], user=reviewer
    )
    assert response.territory == brittany["saint_etienne_metropole"]


def test_officer_cannot_open_a_response_for_another_territory(campaign, brittany, brest_officer):
    with pytest.raises(ValidationError):
        response_open(
            campaign=campaign, territory=brittany["saint_etienne_metropole"], user=brest_officer
        )
    assert not Response.objects.exists()


def test_open_refuses_a_territory_the_campaign_does_not_target(campaign, brittany, make_user):
    officer = make_user("quimper", territories=[brittany["quimper_agglo"]])
    with pytest.raises(ValidationError, match="pas interrogé"):
        response_open(campaign=campaign, territory=brittany["quimper_agglo"], user=officer)


@pytest.mark.parametrize("days", [(1, 10), (-10, -1)])
def test_open_refuses_a_campaign_that_is_not_open(census, brittany, brest_officer, days):
    today = timezone.localdate()
    campaign = make_campaign(
        census,
        [brittany["brest_metropole"]],
        opening=today + datetime.timedelta(days=days[0]),
        closing=today + datetime.timedelta(days=days[1]),
    )
    with pytest.raises(ValidationError, match="pas ouverte"):
        response_open(campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer)


# Saving


def test_save_stores_answers_increments_version_and_records_the_author(draft, brest_officer):
    answers = {"respondent": {"respondent_name": "Anne Le Gall"}}
    saved = response_save(response=draft, answers=answers, version=1, user=brest_officer)
    assert saved.version == 2
    saved.refresh_from_db()
    assert saved.answers == answers
    assert saved.version == 2
    assert saved.last_saved_by == brest_officer


def test_stale_version_raises_stale_response_and_writes_nothing(draft, brest_officer):
    first = {"respondent": {"respondent_name": "Première"}}
    response_save(response=draft, answers=first, version=1, user=brest_officer)
    with pytest.raises(StaleResponse) as error:
        response_save(
            response=draft,
            answers={"respondent": {"respondent_name": "Écrasée"}},
            version=1,
            user=brest_officer,
        )
    assert error.value.current.version == 2
    assert error.value.current.answers == first
    assert not isinstance(error.value, ValidationError)
    draft.refresh_from_db()
    assert draft.answers == first
    assert draft.version == 2


def test_save_refuses_bad_types_with_the_path_in_the_errors(draft, brest_officer):
    answers = {
        "respondent": {"respondent_name": 42},
        "cooperations": [{"_entry": "c1", "coop_start_year": "2019"}],
    }
    with pytest.raises(ValidationError) as error:
        response_save(response=draft, answers=answers, version=1, user=brest_officer)
    assert set(error.value.message_dict) == {
        "respondent.respondent_name",
        "cooperations.0.coop_start_year",
    }
    draft.refresh_from_db()
    assert draft.answers == PREFILLED
    assert draft.version == 1


def test_save_refuses_an_unknown_territory_reference(draft, brest_officer):
    answers = {"cooperations": [{"_entry": "c1", "coop_partners": ["epci:200000000"]}]}
    with pytest.raises(ValidationError) as error:
        response_save(response=draft, answers=answers, version=1, user=brest_officer)
    assert "epci:200000000" in error.value.message_dict["cooperations.0.coop_partners"][0]


def test_save_accepts_known_territory_references_and_other_partners(draft, brest_officer):
    answers = {
        "cooperations": [
            {
                "_entry": "c1",
                "coop_partners": [
                    "epci:242900694",
                    "commune:29232",
                    {"other_name": "PETR du Pays de Retz", "other_category": "PETR"},
                ],
            }
        ]
    }
    saved = response_save(response=draft, answers=answers, version=1, user=brest_officer)
    assert saved.version == 2


def test_save_allows_missing_required_answers_in_a_draft(draft, brest_officer):
    saved = response_save(response=draft, answers={}, version=1, user=brest_officer)
    assert saved.version == 2


def test_officer_of_another_territory_cannot_save(draft, brittany, make_user):
    other = make_user("loire", territories=[brittany["saint_etienne_metropole"]])
    with pytest.raises(ValidationError):
        response_save(response=draft, answers={}, version=1, user=other)


# Submitting


def test_submit_requires_the_required_answers_and_lists_them(draft, brest_officer):
    answers = {"respondent": {"respondent_name": "Anne"}, "cooperations": [{"_entry": "c1"}]}
    saved = response_save(response=draft, answers=answers, version=1, user=brest_officer)
    with pytest.raises(ValidationError) as error:
        response_submit(response=saved, user=brest_officer)
    missing = set(error.value.message_dict)
    assert {
        "respondent.respondent_role",
        "cooperations.0.coop_title",
        "cooperations.0.coop_partners",
        "approach.approach_strategy",
    } <= missing
    assert "respondent.respondent_name" not in missing
    saved.refresh_from_db()
    assert saved.status == ResponseStatus.DRAFT


def test_submit_marks_the_response_submitted(draft, brest_officer):
    response = submitted(draft, brest_officer)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_by == brest_officer
    assert response.submitted_at is not None


def test_submit_is_idempotent(draft, brest_officer):
    response = submitted(draft, brest_officer)
    again = response_submit(response=response, user=brest_officer)
    assert again.status == ResponseStatus.SUBMITTED
    assert again.submitted_at == response.submitted_at
    assert again.version == response.version


def test_submit_sends_a_receipt_in_french_after_commit(
    draft, brest_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submitted(draft, brest_officer)
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["brest@example.org"]
    assert "Accusé de réception" in message.subject
    assert "Campagne\u00a0: Recensement" in message.body
    assert "Territoire\u00a0: Brest Métropole" in message.body
    assert "Nombre de coopérations décrites\u00a0: 1" in message.body


def test_refused_submit_sends_no_receipt(
    draft, brest_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        response_submit(response=draft, user=brest_officer)
    assert mailoutbox == []


def test_submitted_response_cannot_be_saved_by_officer(draft, brest_officer):
    response = submitted(draft, brest_officer)
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        response_save(response=response, answers={}, version=response.version, user=brest_officer)
    response.refresh_from_db()
    assert response.answers == complete_answers()


# Review


def test_return_requires_notes(draft, brest_officer, reviewer):
    response = submitted(draft, brest_officer)
    with pytest.raises(ValidationError) as error:
        response_return(response=response, reviewer=reviewer, notes="   ")
    assert "notes" in error.value.message_dict
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_return_makes_the_response_editable_again(draft, brest_officer, reviewer):
    response = submitted(draft, brest_officer)
    returned = response_return(response=response, reviewer=reviewer, notes="Ajoutez l’année.")
    assert returned.status == ResponseStatus.RETURNED
    assert returned.reviewer_notes == "Ajoutez l’année."
    answers = complete_answers()
    answers["cooperations"][0]["coop_start_year"] = 2019
    saved = response_save(
        response=returned, answers=answers, version=returned.version, user=brest_officer
    )
    assert saved.status == ResponseStatus.RETURNED
    resubmitted = response_submit(response=saved, user=brest_officer)
    assert resubmitted.status == ResponseStatus.SUBMITTED


def test_officer_cannot_return_or_validate(draft, brest_officer):
    response = submitted(draft, brest_officer)
    with pytest.raises(ValidationError):
        response_return(response=response, reviewer=brest_officer, notes="non")
    with pytest.raises(ValidationError):
        response_validate(response=response, reviewer=brest_officer)


def test_only_a_submitted_response_can_be_returned_or_validated(draft, reviewer):
    with pytest.raises(ValidationError):
        response_return(response=draft, reviewer=reviewer, notes="Trop tôt")
    with pytest.raises(ValidationError):
        response_validate(response=draft, reviewer=reviewer)


def test_validate_marks_the_response_validated_and_is_idempotent(
    draft, brest_officer, reviewer, themes
):
    response = submitted(draft, brest_officer)
    validated = response_validate(response=response, reviewer=reviewer)
    assert validated.status == ResponseStatus.VALIDATED
    assert validated.validated_by == reviewer
    again = response_validate(response=validated, reviewer=reviewer)
    assert again.validated_at == validated.validated_at


def test_validated_response_can_be_neither_saved_nor_submitted(
    draft, brest_officer, reviewer, themes
):
    response = response_validate(response=submitted(draft, brest_officer), reviewer=reviewer)
    with pytest.raises(ValidationError):
        response_save(response=response, answers={}, version=response.version, user=brest_officer)
    with pytest.raises(ValidationError):
        response_submit(response=response, user=brest_officer)


def test_officer_add_is_idempotent(brittany, make_user):
    user = make_user("new")
    first = officer_add(user=user, territory=brittany["brest_metropole"])
    assert officer_add(user=user, territory=brittany["brest_metropole"]).pk == first.pk


# Concurrency


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_with_the_same_version_let_exactly_one_win(
    campaign, brittany, brest_officer
):
    draft = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    candidates = [{"respondent": {"respondent_name": name}} for name in ("Anne", "Yann")]
    outcomes: list = []

    def save(answers, ready: threading.Barrier | None):
        try:
            if ready is not None:
                ready.wait(timeout=10)
            response_save(
                response=Response.objects.get(pk=draft.pk),
                answers=answers,
                version=1,
                user=brest_officer,
            )
            outcomes.append(("saved", answers))
        except StaleResponse as error:
            outcomes.append(("stale", error.current))
        finally:
            if ready is not None:
                connection.close()

    if connection.vendor == "postgresql":
        # Row locks are real here: both threads race for the same row.
        ready = threading.Barrier(2)
        threads = [threading.Thread(target=save, args=(a, ready)) for a in candidates]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        # SQLite serialises writers (and ignores select_for_update): the sequential case.
        for answers in candidates:
            save(answers, None)

    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["saved", "stale"]
    winner = next(value for kind, value in outcomes if kind == "saved")
    final = Response.objects.get(pk=draft.pk)
    assert final.answers == winner
    assert final.version == 2


def test_closed_campaign_refuses_saves_and_submissions(draft, brest_officer):
    campaign = draft.campaign
    campaign.opening_date = timezone.localdate() - datetime.timedelta(days=30)
    campaign.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    with pytest.raises(ValidationError, match="close"):
        response_save(
            response=draft, answers=complete_answers(), version=draft.version, user=brest_officer
        )
    with pytest.raises(ValidationError, match="close"):
        response_submit(response=draft, user=brest_officer)

    draft.refresh_from_db()
    assert draft.answers == PREFILLED and draft.status == ResponseStatus.DRAFT


def test_returned_response_may_be_corrected_after_the_closing_date(draft, brest_officer, reviewer):
    response = response_return(
        response=submitted(draft, brest_officer), reviewer=reviewer, notes="Précisez l’année."
    )
    campaign = response.campaign
    campaign.opening_date = timezone.localdate() - datetime.timedelta(days=30)
    campaign.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()
    answers = complete_answers()
    answers["cooperations"][0]["coop_start_year"] = 2017

    saved = response_save(
        response=response, answers=answers, version=response.version, user=brest_officer
    )
    resubmitted = response_submit(response=saved, user=brest_officer)

    assert resubmitted.status == ResponseStatus.SUBMITTED
    assert resubmitted.answers["cooperations"][0]["coop_start_year"] == 2017
