"""Validating a response promotes its cooperation entries into the registry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cooperation.dates import DatePrecision
from cooperation.models import Cooperation, Origin, PartnerRole, Source
from surveys.answering.mapping import entry_from_cooperation
from surveys.models import Promotion, Response, ResponseStatus
from surveys.services.promotion import SURVEY_GROUPING_SOURCE, promotions_of, response_promote
from surveys.services.responses import (
    response_open,
    response_save,
    response_submit,
    response_validate,
)
from territories.models import Territory, TerritoryCategory, TerritoryKind
from tests.fixtures.surveys import complete_answers, make_campaign

NBSP = "\u00a0"


def new_entry(**overrides):
    entry = {
        "_entry": "c1",
        "coop_title": "Contrat de réciprocité Brest - Quimper, volet mobilités",
        "coop_partners": ["epci:242900694"],
        "coop_instrument": "reciprocity_contract",
        "coop_themes": ["mobility", "tourism"],
        "coop_status": "active",
        "coop_start_year": 2021,
        "coop_summary": "Des lignes de car express entre les deux agglomérations.",
        "coop_documents": "Délibération du conseil — https://example.org/deliberation\n"
        "Compte rendu sans lien",
    }
    entry.update(overrides)
    return entry


def submit(campaign, territory, officer, entries):
    """A response of `territory` holding `entries`, submitted through the services."""
    response = response_open(campaign=campaign, territory=territory, user=officer)
    answers = complete_answers()
    answers["cooperations"] = entries
    response = response_save(
        response=response, answers=answers, version=response.version, user=officer
    )
    return response_submit(response=response, user=officer)


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


@pytest.fixture
def submit_brest(campaign, brest, brest_officer, registry):
    def build(entries):
        return submit(campaign, brest, brest_officer, entries)

    return build


# Creation


def test_validation_creates_a_published_record_from_a_new_entry(
    submit_brest, reviewer, brittany, campaign
):
    response = submit_brest([new_entry()])

    response_validate(response=response, reviewer=reviewer)

    record = Cooperation.objects.get(title__startswith="Contrat de réciprocité Brest - Quimper")
    assert record.instrument == "reciprocity_contract"
    assert record.status == "active"
    assert record.summary == "Des lignes de car express entre les deux agglomérations."
    assert record.is_published
    assert (record.start_date, record.start_precision) == (
        datetime.date(2021, 1, 1),
        DatePrecision.YEAR,
    )
    assert sorted(record.themes.values_list("code", flat=True)) == ["mobility", "tourism"]
    partners = [(p.territory, p.role) for p in record.partnerships.order_by("position")]
    assert partners == [
        (brittany["brest_metropole"], PartnerRole.LEAD),
        (brittany["quimper_agglo"], PartnerRole.PARTNER),
    ]
    assert record.metropolis == brittany["brest_metropole"]


def test_created_record_carries_the_survey_provenance(submit_brest, reviewer, campaign):
    response = submit_brest([new_entry()])

    response_validate(response=response, reviewer=reviewer)

    record = Promotion.objects.get(response=response, entry="c1").cooperation
    assert record.origin == Origin.SURVEY
    assert record.origin_label == "Recensement — réponse de Brest Métropole, fiche 1"
    history = record.history.order_by("history_date", "history_id")
    assert {row.history_user for row in history} == {reviewer}
    assert {row.history_change_reason for row in history} == {
        f"Enquête{NBSP}: campagne {campaign.pk}, réponse {response.pk}, fiche 1 (c1)"
    }
    promotion = Promotion.objects.get(response=response)
    assert promotion.created is True
    assert promotion.cooperation == record


def test_each_document_line_becomes_a_source(submit_brest, reviewer):
    response = submit_brest([new_entry()])

    response_validate(response=response, reviewer=reviewer)

    record = Promotion.objects.get(response=response).cooperation
    assert list(record.sources.values_list("title", "url")) == [
        ("Délibération du conseil", "https://example.org/deliberation"),
        ("Compte rendu sans lien", ""),
    ]
    assert "Brest Métropole" in record.sources.first().note


def test_ended_entry_gets_its_end_year(submit_brest, reviewer):
    entry = new_entry(coop_status="ended", coop_start_year=2015, coop_end_year=2019)
    response = submit_brest([entry])

    response_validate(response=response, reviewer=reviewer)

    record = Promotion.objects.get(response=response).cooperation
    assert (record.start, record.end, record.status) == ("2015", "2019", "ended")


def test_hidden_answer_is_not_promoted(submit_brest, reviewer):
    # The end year only shows for an ended cooperation: kept in the answers, not promoted.
    response = submit_brest([new_entry(coop_status="active", coop_end_year=2030)])

    response_validate(response=response, reviewer=reviewer)

    assert Promotion.objects.get(response=response).cooperation.end_date is None


# Update of the record the entry was pre-filled from


def prefilled(record, territory, **changes):
    entry = entry_from_cooperation(record, territory=territory)
    entry.update(changes)
    return entry


def test_entry_prefilled_from_a_record_updates_that_record(submit_brest, reviewer, registry, brest):
    record = registry["brest_quimper"]
    entry = prefilled(
        record,
        brest,
        coop_summary="Mobilités, tourisme et désormais alimentation.",
        coop_themes=["mobility", "tourism", "economic-development"],
        coop_documents="Signature du contrat\nBilan — https://example.org/bilan\n"
        "Avenant 2024 https://example.org/avenant",
    )
    response = submit_brest([entry])
    count = Cooperation.objects.count()

    response_validate(response=response, reviewer=reviewer)

    assert Cooperation.objects.count() == count
    record.refresh_from_db()
    assert record.summary == "Mobilités, tourisme et désormais alimentation."
    assert sorted(record.themes.values_list("code", flat=True)) == [
        "economic-development",
        "mobility",
        "tourism",
    ]
    # The same year as declared: the registry's day precision is kept.
    assert record.start == "2016-11-04"
    # Existing sources kept, the new URL added.
    assert list(record.sources.values_list("title", "url")) == [
        ("Signature du contrat", ""),
        ("Bilan", "https://example.org/bilan"),
        ("Avenant 2024", "https://example.org/avenant"),
    ]
    # The origin of a record that did not come from the survey is left as it was.
    assert record.origin == Origin.MANUAL
    latest = record.history.latest("history_date")
    assert latest.history_user == reviewer
    assert f"réponse {response.pk}, fiche 1" in latest.history_change_reason
    promotion = Promotion.objects.get(response=response)
    assert (promotion.cooperation, promotion.created) == (record, False)


def test_update_keeps_roles_and_replaces_the_declared_partners(
    submit_brest, reviewer, registry, brest, brittany, pays_cob
):
    record = registry["brest_quimper"]
    # Pays COB dropped, Guipavas added.
    entry = prefilled(record, brest, coop_partners=["epci:242900694", "commune:29075"])
    response_validate(response=submit_brest([entry]), reviewer=reviewer)

    partners = [(p.territory, p.role) for p in record.partnerships.order_by("position")]
    assert partners == [
        (brest, PartnerRole.LEAD),
        (brittany["quimper_agglo"], PartnerRole.PARTNER),
        (brittany["29075"], PartnerRole.PARTNER),
    ]


def test_unchanged_prefilled_entry_writes_nothing_to_its_record(
    submit_brest, reviewer, registry, brest
):
    record = registry["brest_quimper"]
    response = submit_brest([prefilled(record, brest)])
    rows = record.history.count()
    sources = list(Source.objects.filter(cooperation=record).values_list("pk", flat=True))

    response_validate(response=response, reviewer=reviewer)

    assert record.history.count() == rows
    assert list(Source.objects.filter(cooperation=record).values_list("pk", flat=True)) == sources
    assert Promotion.objects.get(response=response).cooperation == record


def test_unanswered_question_leaves_the_registry_field_alone(
    submit_brest, reviewer, registry, brest
):
    record = registry["brest_quimper"]
    entry = prefilled(record, brest)
    del entry["coop_summary"]
    response_validate(response=submit_brest([entry]), reviewer=reviewer)

    record.refresh_from_db()
    assert record.summary == "Coopération ville-campagne."


# Idempotence


def test_validating_twice_creates_nothing_twice(submit_brest, reviewer):
    response = submit_brest([new_entry()])
    response_validate(response=response, reviewer=reviewer)
    counts = (Cooperation.objects.count(), Promotion.objects.count(), Territory.objects.count())
    rows = Cooperation.history.count()

    again = response_validate(response=response, reviewer=reviewer)

    assert again.status == ResponseStatus.VALIDATED
    assert (Cooperation.objects.count(), Promotion.objects.count()) == counts[:2]
    assert Territory.objects.count() == counts[2]
    assert Cooperation.history.count() == rows


def test_promoting_twice_writes_nothing_the_second_time(submit_brest, reviewer):
    partner = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}
    response = submit_brest([new_entry(coop_partners=["epci:242900694", partner])])
    response_validate(response=response, reviewer=reviewer)
    counts = (
        Cooperation.objects.count(),
        Promotion.objects.count(),
        Territory.objects.count(),
        Source.objects.count(),
        Cooperation.history.count(),
    )

    report = response_promote(response=response, reviewer=reviewer)

    assert [entry.changed for entry in report.entries] == [False]
    assert (
        Cooperation.objects.count(),
        Promotion.objects.count(),
        Territory.objects.count(),
        Source.objects.count(),
        Cooperation.history.count(),
    ) == counts


def test_repromotion_updates_only_what_changed(submit_brest, reviewer):
    response = submit_brest([new_entry()])
    response_validate(response=response, reviewer=reviewer)
    record = Promotion.objects.get(response=response).cooperation
    sources = list(record.sources.values_list("pk", flat=True))
    rows = record.history.count()
    # The answers as a reviewer's correction in the admin would leave them.
    answers = {**response.answers, "cooperations": [new_entry(coop_summary="Corrigé.")]}
    Response.objects.filter(pk=response.pk).update(answers=answers)

    report = response_promote(response=response, reviewer=reviewer)

    record.refresh_from_db()
    assert record.summary == "Corrigé."
    assert record.history.count() == rows + 1
    assert list(record.sources.values_list("pk", flat=True)) == sources
    assert [(e.created, e.changed) for e in report.entries] == [(False, True)]
    assert Promotion.objects.get(response=response).created is True


# Partners declared outside the list


def test_partner_not_in_the_list_becomes_a_grouping_to_check(submit_brest, reviewer):
    partner = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}
    response = submit_brest([new_entry(coop_partners=["epci:242900694", partner])])

    response_validate(response=response, reviewer=reviewer)

    grouping = Territory.objects.get(name="PETR du Pays de Retz")
    assert (grouping.kind, grouping.category) == (TerritoryKind.GROUPING, TerritoryCategory.PETR)
    assert grouping.source == SURVEY_GROUPING_SOURCE
    record = Promotion.objects.get(response=response).cooperation
    assert grouping in [p.territory for p in record.partnerships.all()]
    assert "à vérifier" in record.uncertainty_notes
    assert "PETR du Pays de Retz" in record.uncertainty_notes
    assert promotions_of(response)[0]["groupings"] == [grouping]


def test_foreign_partner_not_in_the_list_becomes_a_foreign_territory(submit_brest, reviewer):
    partner = {"other_name": "Comté de Cornouailles", "other_category": "FOREIGN"}
    response_validate(
        response=submit_brest([new_entry(coop_partners=[partner])]), reviewer=reviewer
    )

    territory = Territory.objects.get(name="Comté de Cornouailles")
    assert territory.kind == TerritoryKind.FOREIGN


def test_partner_named_like_an_existing_grouping_reuses_it(submit_brest, reviewer, pays_cob):
    partner = {"other_name": "Pays du centre-ouest Bretagne", "other_category": "PAYS"}
    response = submit_brest([new_entry(coop_partners=[partner])])
    count = Territory.objects.count()

    response_validate(response=response, reviewer=reviewer)

    assert Territory.objects.count() == count
    record = Promotion.objects.get(response=response).cooperation
    assert pays_cob in [p.territory for p in record.partnerships.all()]
    assert record.uncertainty_notes == ""


# Refusals


def test_invalid_entry_refuses_the_whole_validation_and_writes_nothing(submit_brest, reviewer):
    partner = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}
    entries = [
        new_entry(coop_partners=["epci:242900694", partner]),
        new_entry(
            _entry="c2",
            coop_title="Entente terminée avant d’avoir commencé",
            coop_status="ended",
            coop_start_year=2020,
            coop_end_year=2018,
        ),
    ]
    response = submit_brest(entries)
    counts = (Cooperation.objects.count(), Territory.objects.count(), Source.objects.count())

    with pytest.raises(ValidationError) as raised:
        response_validate(response=response, reviewer=reviewer)

    assert raised.value.messages == [
        f"Fiche 2 «{NBSP}Entente terminée avant d’avoir commencé{NBSP}»{NBSP}: "
        f"Année de fin{NBSP}: La fin précède le début."
    ]
    assert (Cooperation.objects.count(), Territory.objects.count(), Source.objects.count()) == (
        counts
    )
    assert not Promotion.objects.exists()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.validated_at is None


def test_entry_without_a_metropolis_is_refused(census, brittany, make_user, reviewer, registry):
    quimper = brittany["quimper_agglo"]
    campaign = make_campaign(census, [quimper], title="Recensement des agglomérations")
    officer = make_user("quimper", territories=[quimper])
    entries = [new_entry(coop_partners=["commune:29232"])]
    response = submit(campaign, quimper, officer, entries)

    with pytest.raises(ValidationError) as raised:
        response_validate(response=response, reviewer=reviewer)

    (message,) = raised.value.messages
    assert message.startswith(f"Fiche 1 «{NBSP}Contrat de réciprocité Brest - Quimper")
    assert "au moins une métropole" in message
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_every_faulty_entry_is_reported(submit_brest, reviewer):
    entries = [
        new_entry(coop_status="ended", coop_start_year=2020, coop_end_year=2018),
        new_entry(_entry="c2", coop_status="ended", coop_start_year=2021, coop_end_year=2019),
    ]
    with pytest.raises(ValidationError) as raised:
        response_validate(response=submit_brest(entries), reviewer=reviewer)

    assert [m.split(" ")[:2] for m in raised.value.messages] == [["Fiche", "1"], ["Fiche", "2"]]


def test_two_entries_describing_the_same_record_are_refused(
    submit_brest, reviewer, registry, brest
):
    response = submit_brest([new_entry()])
    record = registry["brest_quimper"]
    # Stored as an earlier check would have let them through: the save now refuses them.
    entries = [prefilled(record, brest), prefilled(record, brest, _entry="copy")]
    Response.objects.filter(pk=response.pk).update(
        answers={**response.answers, "cooperations": entries}
    )

    with pytest.raises(ValidationError, match="décrit déjà cette coopération"):
        response_validate(response=response, reviewer=reviewer)
    assert not Promotion.objects.exists()


def test_only_staff_may_promote(submit_brest, reviewer, brest_officer):
    response = submit_brest([new_entry()])
    response_validate(response=response, reviewer=reviewer)

    with pytest.raises(ValidationError):
        response_promote(response=response, reviewer=brest_officer)


def test_a_response_that_is_not_validated_is_not_promoted(submit_brest, reviewer):
    response = submit_brest([new_entry()])
    with pytest.raises(ValidationError, match="validée"):
        response_promote(response=response, reviewer=reviewer)
    assert not Cooperation.objects.filter(origin=Origin.SURVEY).exists()
