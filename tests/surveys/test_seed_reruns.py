"""What a validated survey changed in the registry is never undone by a command that runs
again: a new load of the seed (as `make demo` does) keeps the record and says so; a new
promotion of the same response keeps what staff changed since."""

import pytest

from cooperation.models import Cooperation, Origin
from cooperation.seed import seed_cooperations_load
from cooperation.services import cooperation_update
from surveys.services.promotion import response_promote
from surveys.services.responses import (
    response_open,
    response_save,
    response_submit,
    response_validate,
)
from tests.fixtures.surveys import complete_answers

SLUG = "brest-quimper-seed"


@pytest.fixture
def validated(small_seed, campaign, brittany, brest_officer, reviewer):
    """The reported case up to the validation: Brest's officer adds a theme to the record
    the seed loaded and the pre-fill put in the answers; the reviewer validates."""
    seed_cooperations_load(path=small_seed)
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    answers = {**complete_answers(), "cooperations": response.answers["cooperations"]}
    entry = next(e for e in answers["cooperations"] if e["_registry_slug"] == SLUG)
    entry["coop_themes"] = [*entry["coop_themes"], "tourism"]
    response = response_save(
        response=response, answers=answers, version=response.version, user=brest_officer
    )
    response = response_submit(response=response, user=brest_officer)
    response_validate(response=response, reviewer=reviewer)
    record = Cooperation.objects.get(slug=SLUG)
    assert set(record.themes.values_list("code", flat=True)) == {"mobility", "tourism"}
    return response


def test_a_new_seed_load_keeps_what_a_validated_survey_changed(small_seed, validated):
    report = seed_cooperations_load(path=small_seed)

    record = Cooperation.objects.get(slug=SLUG)
    assert set(record.themes.values_list("code", flat=True)) == {"mobility", "tourism"}
    assert record.origin == Origin.IMPORT
    assert report.updated == 0
    assert len(report.kept) == 1
    assert report.kept[0].startswith(f"record {SLUG} — changed by reviewer on ")
    assert f"réponse {validated.pk}" in report.kept[0]


def test_a_new_promotion_keeps_what_staff_changed_since(validated, reviewer, make_user):
    staff = make_user("curator", staff=True)
    record = Cooperation.objects.get(slug=SLUG)
    cooperation_update(cooperation=record, user=staff, summary="Relu par l’équipe.")

    report = response_promote(response=validated, reviewer=reviewer)

    record.refresh_from_db()
    assert record.summary == "Relu par l’équipe."
    assert [entry.cooperation for entry in report.kept] == [record]
    assert report.kept[0].kept_because.startswith("changed by curator on ")


def test_a_new_promotion_still_applies_when_nothing_changed_since(validated, reviewer):
    report = response_promote(response=validated, reviewer=reviewer)

    assert report.kept == []
    assert [entry.changed for entry in report.entries] == [False]
