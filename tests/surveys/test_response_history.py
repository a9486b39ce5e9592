"""A response's history grows with decisions, not keystrokes: every change of status is
kept, and autosaves of a draft write at most one snapshot per `SURVEY_HISTORY_INTERVAL`."""

import datetime

import pytest

from surveys.models import Response, ResponseStatus
from surveys.services.responses import (
    response_open,
    response_return,
    response_save,
    response_submit,
    response_validate,
)
from tests.fixtures.surveys import complete_answers


@pytest.fixture
def draft(campaign, brittany, brest_officer):
    return response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )


def save_many(response, user, count: int) -> Response:
    for index in range(count):
        answers = {"respondent": {"respondent_name": f"Anne {index}"}}
        response = response_save(
            response=response, answers=answers, version=response.version, user=user
        )
    return response


def age_history(response: Response, minutes: int) -> None:
    """As if the snapshots had been taken `minutes` earlier."""
    for row in response.history.all():
        row.history_date -= datetime.timedelta(minutes=minutes)
        row.save()


def test_fifty_quick_autosaves_keep_one_snapshot(draft, brest_officer):
    saved = save_many(draft, brest_officer, 50)

    assert saved.version == 51
    assert saved.history.count() == 1  # the opening of the response
    assert Response.objects.get(pk=draft.pk).answers == {
        "respondent": {"respondent_name": "Anne 49"}
    }


def test_a_save_after_the_interval_takes_a_new_snapshot(draft, brest_officer, settings):
    settings.SURVEY_HISTORY_INTERVAL_MINUTES = 10
    saved = save_many(draft, brest_officer, 3)
    age_history(saved, 11)

    saved = save_many(saved, brest_officer, 3)

    assert saved.history.count() == 2
    latest = saved.history.order_by("-history_date").first()
    assert latest.answers == {"respondent": {"respondent_name": "Anne 0"}}


def test_every_change_of_status_is_kept(draft, brest_officer, reviewer, themes):
    saved = response_save(
        response=draft, answers=complete_answers(), version=draft.version, user=brest_officer
    )
    submitted = response_submit(response=saved, user=brest_officer)
    returned = response_return(response=submitted, reviewer=reviewer, notes="Précisez.")
    saved = save_many(returned, brest_officer, 1)
    saved = response_save(
        response=saved, answers=complete_answers(), version=saved.version, user=brest_officer
    )
    validated = response_validate(
        response=response_submit(response=saved, user=brest_officer), reviewer=reviewer
    )

    statuses = list(validated.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [
        ResponseStatus.DRAFT,  # opened
        ResponseStatus.SUBMITTED,
        ResponseStatus.RETURNED,
        ResponseStatus.SUBMITTED,
        ResponseStatus.VALIDATED,
    ]


def test_an_interval_of_zero_keeps_every_save(draft, brest_officer, settings):
    settings.SURVEY_HISTORY_INTERVAL_MINUTES = 0

    saved = save_many(draft, brest_officer, 5)

    assert saved.history.count() == 6
