import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from surveys.models import Questionnaire
from surveys.services.responses import questionnaire_load
from tests.fixtures.surveys import CENSUS, make_campaign


def changed_copy(tmp_path, **changes):
    definition = json.loads(CENSUS.read_text(encoding="utf-8"))
    definition.update(changes)
    definition["sections"][0]["questions"][0]["label"]["fr"] = "Nom complet"
    path = tmp_path / "census.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_loads_the_shipped_census_questionnaire():
    questionnaire, created = questionnaire_load(path=CENSUS)
    assert created
    assert questionnaire.slug == "recensement-cooperations-interterritoriales"
    assert questionnaire.version == 1
    assert questionnaire.title_fr == "Recensement des coopérations interterritoriales"
    assert len(questionnaire.checksum) == 64


@pytest.mark.django_db
def test_second_load_of_the_same_file_changes_nothing():
    first, _ = questionnaire_load(path=CENSUS)
    second, created = questionnaire_load(path=CENSUS)
    assert not created
    assert second.pk == first.pk
    assert second.loaded_at == first.loaded_at
    assert Questionnaire.objects.count() == 1


def test_changed_file_with_same_version_is_refused_once_a_campaign_has_opened(
    census, brittany, tmp_path
):
    make_campaign(census, [brittany["brest_metropole"]])
    with pytest.raises(ValidationError) as error:
        questionnaire_load(path=changed_copy(tmp_path))
    assert "version" in error.value.messages[0]
    census.refresh_from_db()
    assert census.questions[0].label["fr"] == "Nom et prénom"


def test_changed_file_with_same_version_replaces_it_before_any_campaign_opens(
    census, brittany, tmp_path
):
    make_campaign(
        census,
        [brittany["brest_metropole"]],
        opening=timezone.localdate() + datetime.timedelta(days=7),
        closing=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert census.questions[0].label["fr"] == "Nom et prénom"  # parsed, and kept
    questionnaire, created = questionnaire_load(path=changed_copy(tmp_path))
    assert not created
    assert questionnaire.pk == census.pk
    census.refresh_from_db()
    assert census.questions[0].label["fr"] == "Nom complet"


def test_the_parsed_questions_are_kept_per_version_without_reading_the_definition_again(
    census, django_assert_num_queries
):
    first = census.questions
    first.pop()  # each caller gets its own list

    with django_assert_num_queries(1):  # the questionnaire, without its definition
        again = Questionnaire.objects.defer("definition").get(pk=census.pk).questions

    assert again == census.questions
    assert len(again) == len(first) + 1
    assert again[0] is census.questions[0]


def test_changed_file_with_a_new_version_creates_it_beside_the_locked_one(
    census, brittany, tmp_path
):
    make_campaign(census, [brittany["brest_metropole"]])
    questionnaire, created = questionnaire_load(path=changed_copy(tmp_path, version=2))
    assert created
    assert questionnaire.version == 2
    assert Questionnaire.objects.count() == 2


@pytest.mark.django_db
def test_bad_file_is_refused_with_every_message_and_nothing_written(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"slug": "Bad Slug", "version": 0, "sections": []}))
    with pytest.raises(ValidationError) as error:
        questionnaire_load(path=path)
    messages = error.value.messages
    assert any(message.startswith("slug:") for message in messages)
    assert any(message.startswith("version:") for message in messages)
    assert any(message.startswith("sections:") for message in messages)
    assert not Questionnaire.objects.exists()


@pytest.mark.django_db
def test_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="JSON"):
        questionnaire_load(path=path)


@pytest.mark.django_db
def test_command_prints_a_one_line_summary(capsys):
    call_command("load_questionnaire", str(CENSUS))
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "recensement-cooperations-interterritoriales v1: created" in out


@pytest.mark.django_db
def test_command_reports_bad_input_as_a_command_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"slug": "x", "version": 1}))
    with pytest.raises(CommandError, match="database unchanged"):
        call_command("load_questionnaire", str(path))
    assert not Questionnaire.objects.exists()


@pytest.mark.django_db
def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="illisible"):
        call_command("load_questionnaire", str(tmp_path / "missing.json"))
