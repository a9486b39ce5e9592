import json
from pathlib import Path

import pytest

from surveys.answering.answers import answer_errors, visible
from surveys.definition import parse_definition

CENSUS = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires" / "census-v1.json"


@pytest.fixture(scope="module")
def questions():
    return parse_definition(json.loads(CENSUS.read_text(encoding="utf-8")))


def complete_answers():
    return {
        "respondent": {"respondent_name": "Anne Le Gall", "respondent_role": "Chargée de mission"},
        "cooperations": [
            {
                "_entry": "c1",
                "coop_title": "Contrat de réciprocité",
                "coop_partners": [
                    "epci:242900314",
                    {"other_name": "Pays du Centre Ouest Bretagne", "other_category": "PAYS"},
                ],
                "coop_instrument": "reciprocity_contract",
                "coop_themes": ["mobility", "health"],
                "coop_status": "active",
                "coop_start_year": 2016,
            }
        ],
        "approach": {"approach_strategy": False},
    }


def test_complete_answers_pass_the_submission_check(questions):
    assert answer_errors(questions, complete_answers(), complete=True) == {}


def test_a_draft_may_leave_required_questions_empty(questions):
    assert answer_errors(questions, {"respondent": {"respondent_name": "A"}}, complete=False) == {}


def test_submission_names_every_missing_required_question(questions):
    errors = answer_errors(questions, {"cooperations": [{"_entry": "c1"}]}, complete=True)
    assert "respondent.respondent_name" in errors
    assert "cooperations.0.coop_title" in errors
    assert "cooperations.0.coop_partners" in errors
    assert "approach.approach_strategy" in errors


def test_hidden_required_questions_are_not_required(questions):
    answers = complete_answers()
    answers["cooperations"][0]["coop_status"] = "active"
    assert "cooperations.0.coop_end_year" not in answer_errors(questions, answers, complete=True)


def test_conditional_question_is_visible_only_for_its_answer(questions):
    end_year = next(q for q in questions if q.code == "coop_end_year")
    assert visible(end_year, {"coop_status": "ended"})
    assert not visible(end_year, {"coop_status": "active"})


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("cooperations", 0, "coop_start_year"), "2016"),
        (("cooperations", 0, "coop_start_year"), 1850),
        (("cooperations", 0, "coop_instrument"), "treaty"),
        (("cooperations", 0, "coop_themes"), ["mobility", "space"]),
        (("cooperations", 0, "coop_partners"), ["Brest"]),
        (("cooperations", 0, "coop_partners"), [{"other_name": "", "other_category": "PAYS"}]),
        (("cooperations", 0, "coop_partners"), [{"other_name": "X", "other_category": "CITY"}]),
        (("cooperations", 0, "coop_has_engineering"), "yes"),
        (("respondent", "respondent_name"), "x" * 501),
        (("respondent", "respondent_name"), 12),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_even_in_a_draft(questions, path, value):
    answers = complete_answers()
    target = answers
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = answer_errors(questions, answers, complete=False)
    assert ".".join(str(p) for p in path) in errors


def test_unknown_sections_and_questions_are_reported(questions):
    answers = complete_answers()
    answers["extra"] = {}
    answers["respondent"]["shoe_size"] = 42
    errors = answer_errors(questions, answers, complete=False)
    assert "extra" in errors
    assert "respondent.shoe_size" in errors


def test_unknown_territories_are_reported_where_they_were_given(questions):
    answers = complete_answers()
    answers["cooperations"][0]["coop_partners"] = ["epci:242900314", "epci:999999999"]
    errors = answer_errors(
        questions, answers, complete=False, known_territories=lambda refs: {"epci:242900314"}
    )
    assert errors == {
        "cooperations.0.coop_partners": ["Territoire inconnu\u00a0: «\u00a0epci:999999999\u00a0»."]
    }


def test_answers_that_are_not_an_object_are_refused(questions):
    assert "answers" in answer_errors(questions, [], complete=False)


@pytest.mark.parametrize("entry_id", [None, "", 7, "with space", "x" * 65])
def test_an_entry_without_a_valid_identifier_is_refused(questions, entry_id):
    answers = complete_answers()
    answers["cooperations"][0]["_entry"] = entry_id

    errors = answer_errors(questions, answers, complete=False)

    assert errors == {"cooperations.0._entry": ["Identifiant de fiche manquant ou invalide."]}


def test_two_entries_with_the_same_identifier_are_refused(questions):
    answers = complete_answers()
    answers["cooperations"].append(dict(answers["cooperations"][0]))

    errors = answer_errors(questions, answers, complete=False)

    assert errors == {
        "cooperations.1._entry": ["Identifiant de fiche en double\u00a0: «\u00a0c1\u00a0»."]
    }
