import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from surveys.definition import check_definition, parse_definition

CENSUS = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires" / "census-v1.json"


@pytest.fixture
def census():
    return json.loads(CENSUS.read_text(encoding="utf-8"))


def test_shipped_census_questionnaire_is_sound(census):
    assert check_definition(census) == []
    questions = parse_definition(census)
    codes = [q.code for q in questions]
    assert len(codes) == len(set(codes))
    assert {"respondent_name", "coop_title", "coop_partners", "approach_expectations"} <= set(codes)


def test_census_has_one_repeatable_cooperation_group(census):
    repeatable = [s["code"] for s in census["sections"] if s.get("repeatable")]
    assert repeatable == ["cooperations"]


def test_census_choices_match_the_registry_vocabulary(census):
    from cooperation.models import CooperationStatus, Instrument

    questions = {q.code: q for q in parse_definition(census)}
    assert questions["coop_instrument"].choice_values() == set(Instrument.values)
    assert questions["coop_status"].choice_values() == set(CooperationStatus.values)


def test_every_label_exists_in_french_and_english(census):
    for question in parse_definition(census):
        assert question.label["fr"].strip() and question.label["en"].strip()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=0), "version: a positive integer is expected"),
        (lambda d: d.update(slug="Bad Slug"), "slug:"),
        (lambda d: d["title"].pop("en"), "title.en: missing"),
        (lambda d: d["sections"][0]["questions"][0].update(type="essay"), ".type: one of"),
        (
            lambda d: d["sections"][0]["questions"].append(
                copy.deepcopy(d["sections"][0]["questions"][0])
            ),
            "is used twice",
        ),
        (
            lambda d: d["sections"][1]["questions"][2].update(choices=[]),
            "question 'coop_instrument'.choices: a non-empty list is expected",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(choices=[]),
            "only for single_choice and multiple_choice",
        ),
        (
            lambda d: d["sections"][1]["questions"][6].update(
                show_if={"question": "coop_status", "in": ["finished"]}
            ),
            "'finished' is not a value of 'coop_status'",
        ),
        (
            lambda d: d["sections"][1]["questions"][6].update(
                show_if={"question": "nowhere", "in": [1]}
            ),
            "unknown question 'nowhere'",
        ),
        (
            lambda d: d["sections"][2]["questions"][0].update(
                show_if={"question": "coop_status", "in": ["ended"]}
            ),
            "cannot depend on a question inside a repeatable group",
        ),
        (lambda d: d["sections"][0]["questions"][0].update(colour="red"), "unknown key(s) colour"),
        (
            lambda d: d["sections"][0]["questions"][0].update(allow_other=True),
            "allow_other: only for territory questions",
        ),
        (lambda d: d["sections"][1].pop("item_label"), "item_label: a text"),
    ],
)
def test_a_faulty_definition_is_refused_with_a_message_naming_the_place(census, change, message):
    change(census)
    errors = check_definition(census)
    assert any(message in error for error in errors), errors
    with pytest.raises(ValidationError):
        parse_definition(census)


def test_a_definition_that_is_not_an_object_is_refused():
    assert check_definition([]) == ["the definition must be a JSON object"]
