"""The step-save service behind the answer page: the outcome of a step's save, the
merge after someone else saved in between, and the merge rule's shared cases (the
browser's copy of the rule runs the same cases in `tests/e2e/test_merge_rule.py`)."""

import json
from pathlib import Path

import pytest
from django.http import QueryDict

from surveys.answering.form import sections_of
from surveys.models import Response
from surveys.services.responses import response_open, response_save
from surveys.services.step_save import UNREADABLE, StepDraft, StepStatus, may_merge, step_save

MERGE_CASES = json.loads((Path(__file__).parent / "merge_rule_cases.json").read_text())


@pytest.mark.parametrize("case", MERGE_CASES, ids=[case["case"] for case in MERGE_CASES])
def test_merge_rule_cases(case):
    assert may_merge(theirs=case["theirs"], base=case["base"], mine=case["mine"]) is case["merges"]


def test_an_unreadable_base_never_merges():
    assert may_merge(theirs=None, base=UNREADABLE, mine=None) is False


def test_draft_reads_version_and_base_once_with_fallbacks():
    draft = StepDraft.from_post(QueryDict("_version=4&_base=%7B%22a%22%3A1%7D"), default_version=9)
    assert draft == StepDraft(version=4, base={"a": 1})
    draft = StepDraft.from_post(QueryDict("_version=x&_base=%7B"), default_version=9)
    assert draft.version == 9 and draft.base is UNREADABLE


@pytest.fixture
def draft(campaign, brittany, brest_officer):
    return response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )


def section(response, code):
    questionnaire = response.questionnaire
    return next(
        s for s in sections_of(questionnaire.definition, questionnaire.questions) if s.code == code
    )


def test_a_step_at_the_current_version_is_saved(draft, brest_officer):
    outcome = step_save(
        response=draft,
        section=section(draft, "respondent"),
        value={"respondent_name": "Anne"},
        draft=StepDraft(version=draft.version, base=None),
        user=brest_officer,
    )
    assert outcome.status is StepStatus.SAVED
    assert outcome.response.answers == {"respondent": {"respondent_name": "Anne"}}
    assert Response.objects.get().version == 2


def test_a_stale_step_goes_onto_the_newer_version_when_the_rule_allows(
    draft, brest_officer, make_user, brittany
):
    colleague = make_user("colleague", territories=[brittany["brest_metropole"]])
    response_save(
        response=draft, answers={"approach": {"approach_strategy": True}}, version=1, user=colleague
    )
    outcome = step_save(
        response=draft,
        section=section(draft, "respondent"),
        value={"respondent_name": "Anne"},
        draft=StepDraft(version=1, base=None),
        user=brest_officer,
    )
    assert outcome.status is StepStatus.SAVED
    assert Response.objects.get().answers == {
        "approach": {"approach_strategy": True},
        "respondent": {"respondent_name": "Anne"},
    }


def test_a_stale_step_changed_on_both_sides_is_a_conflict_and_writes_nothing(
    draft, brest_officer, make_user, brittany
):
    colleague = make_user("colleague", territories=[brittany["brest_metropole"]])
    response_save(
        response=draft,
        answers={"respondent": {"respondent_name": "Yann"}},
        version=1,
        user=colleague,
    )
    outcome = step_save(
        response=draft,
        section=section(draft, "respondent"),
        value={"respondent_name": "Anne"},
        draft=StepDraft(version=1, base=None),
        user=brest_officer,
    )
    assert outcome.status is StepStatus.CONFLICT
    assert outcome.response.version == 2
    assert outcome.response.answers == {"respondent": {"respondent_name": "Yann"}}
    assert Response.objects.get().version == 2


def test_a_refused_step_saves_what_it_can(draft, brest_officer):
    outcome = step_save(
        response=draft,
        section=section(draft, "cooperations"),
        value=[{"_entry": "c1", "coop_title": "Contrat", "coop_start_year": "deux mille"}],
        draft=StepDraft(version=1, base=None),
        user=brest_officer,
    )
    assert outcome.status is StepStatus.INVALID
    assert outcome.partly_saved
    assert list(outcome.errors) == ["cooperations.0.coop_start_year"]
    assert outcome.response.answers["cooperations"] == [{"_entry": "c1", "coop_title": "Contrat"}]
