"""The reviewers' pages: queue, response review (return, validate), campaigns, coverage
and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Cooperation, Origin
from portal.datetimes import long_date
from surveys.answering.mapping import entry_from_cooperation
from surveys.models import Promotion, Reminder, Response, ResponseStatus
from surveys.services.reminders import campaign_remind
from surveys.services.responses import (
    response_open,
    response_return,
    response_save,
    response_submit,
    response_validate,
)
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory
from tests.fixtures.surveys import complete_answers, make_campaign
from tests.surveys.test_promotion import new_entry

NBSP = "\u00a0"


def submit(campaign, territory, officer, entries=None, *, submit=True):
    response = response_open(campaign=campaign, territory=territory, user=officer)
    answers = complete_answers()
    if entries is not None:
        answers["cooperations"] = entries
    response = response_save(
        response=response, answers=answers, version=response.version, user=officer
    )
    if submit:
        response = response_submit(response=response, user=officer)
    return response


@pytest.fixture
def saint_etienne_officer(make_user, brittany):
    return make_user("saint-etienne", territories=[brittany["saint_etienne_metropole"]])


@pytest.fixture
def submitted(campaign, brittany, brest_officer, registry):
    """Brest's submitted response: the Brest-Quimper record with a new summary, and a
    new cooperation."""
    record = entry_from_cooperation(
        registry["brest_quimper"], territory=brittany["brest_metropole"]
    )
    record["coop_summary"] = "Un résumé revu par la métropole."
    record["coop_governance"] = "Un comité de pilotage annuel."
    return submit(
        campaign, brittany["brest_metropole"], brest_officer, [record, new_entry(_entry="new")]
    )


def review_url(response):
    return reverse("surveys:review_response", args=[response.pk])


# Access


def review_urls(response):
    return [
        reverse("surveys:review_queue"),
        reverse("surveys:review_campaigns"),
        reverse("surveys:review_response", args=[response.pk]),
        reverse("surveys:coverage", args=[response.campaign_id]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    for url in review_urls(submitted):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith("/compte/connexion/?next=")


def test_officers_may_not_open_review_pages(client, submitted, brest_officer):
    client.force_login(brest_officer)
    for url in review_urls(submitted):
        assert client.get(url).status_code == 403, url


def test_officers_may_not_post_review_actions(client, submitted, brest_officer):
    client.force_login(brest_officer)
    page = client.post(review_url(submitted), {"action": "validate"})
    assert page.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


def test_staff_may_open_review_pages(client, submitted, reviewer):
    client.force_login(reviewer)
    for url in review_urls(submitted):
        assert client.get(url).status_code == 200, url


# Queue


@pytest.fixture
def queue(campaign, brittany, brest_officer, saint_etienne_officer, registry):
    """Saint-Étienne's draft and Brest's submitted response."""
    draft = submit(
        campaign, brittany["saint_etienne_metropole"], saint_etienne_officer, submit=False
    )
    sent = submit(campaign, brittany["brest_metropole"], brest_officer)
    return {"draft": draft, "submitted": sent}


def rows(page):
    return [response.pk for response in page.context["page_obj"].object_list]


def test_queue_lists_submitted_responses_first(client, reviewer, queue):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue"))
    assert rows(page) == [queue["submitted"].pk, queue["draft"].pk]
    assert "2 réponses" in page.content.decode()


def test_queue_filters_by_status_campaign_and_territory(client, reviewer, queue, census, brittany):
    other = make_campaign(census, [brittany["quimper_agglo"]], title="Autre campagne")
    client.force_login(reviewer)
    url = reverse("surveys:review_queue")
    assert rows(client.get(url, {"status": "draft"})) == [queue["draft"].pk]
    assert rows(client.get(url, {"campaign": other.pk})) == []
    assert rows(client.get(url, {"territory": "saint etienne"})) == [queue["draft"].pk]
    assert rows(client.get(url, {"territory": "epci:242900314"})) == [queue["submitted"].pk]


def test_queue_sorts_by_a_chosen_column(client, reviewer, queue):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue"), {"ordering": "-territory"})
    assert rows(page) == [queue["draft"].pk, queue["submitted"].pk]


def test_queue_with_a_campaign_links_to_its_coverage_and_exports(client, reviewer, queue, campaign):
    client.force_login(reviewer)
    page = client.get(
        reverse("surveys:review_queue"), {"campaign": campaign.pk, "status": "submitted"}
    )
    html = page.content.decode()
    assert reverse("surveys:coverage", args=[campaign.pk]) in html
    export = reverse("surveys:review_export", args=[campaign.pk, "csv"])
    assert f"{export}?campaign={campaign.pk}&amp;status=submitted" in html


def test_queue_empty_state(client, reviewer, queue):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue"), {"status": "validated"})
    assert "Aucune réponse ne correspond à ces filtres." in page.content.decode()


def test_queue_invalid_filter_shows_the_error_and_no_rows(client, reviewer, queue):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_queue"), {"status": "lost"})
    assert page.status_code == 200
    assert rows(page) == []
    assert "Certains filtres ne sont pas valides" in page.content.decode()


def test_queue_queries_do_not_grow_with_the_responses(
    client, reviewer, census, django_assert_max_num_queries
):
    territories = [
        TerritoryFactory(
            kind=TerritoryKind.EPCI, code=f"2000000{n:02d}", category=TerritoryCategory.CA
        )
        for n in range(30)
    ]
    campaign = make_campaign(census, territories)
    for territory in territories:
        Response.objects.create(
            campaign=campaign,
            territory=territory,
            questionnaire=census,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=reviewer,
        )
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("surveys:review_queue"))
    assert len(rows(page)) == 30


# Response page


def test_response_page_shows_answers_in_words(client, reviewer, submitted):
    client.force_login(reviewer)
    html = client.get(review_url(submitted)).content.decode()
    assert "Anne Le Gall" in html
    assert "Chargée de mission" in html
    # Yes/no, choice labels and partner names, not codes.
    assert "Non" in html
    assert "Contrat de réciprocité" in html
    assert "CA Quimper Bretagne Occidentale" in html
    assert "epci:242900694" not in html


def test_each_cooperation_is_compared_with_its_registry_record(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.get(review_url(submitted))
    first, second = page.context["comparisons"]
    states = {question.code: question.state for question in first.questions}
    assert first.record.slug == "contrat-de-reciprocite-entre-brest-et-quimper"
    assert states["coop_summary"] == "changed"
    assert states["coop_governance"] == "added"
    assert states["coop_title"] == "same"
    assert second.is_new
    html = page.content.decode()
    assert "Modifié" in html
    assert "Nouveau" in html
    assert "Nouvelle coopération" in html
    assert "2 écarts avec le registre" in html


def test_response_page_shows_the_status_history(client, reviewer, submitted):
    client.force_login(reviewer)
    history = client.get(review_url(submitted)).context["history"]
    assert [change["status"] for change in history] == ["draft", "submitted"]


def test_response_page_queries_are_bounded(
    client, reviewer, campaign, brittany, brest_officer, registry, django_assert_max_num_queries
):
    entries = [new_entry(_entry=f"c{n}", coop_title=f"Coopération {n}") for n in range(12)]
    response = submit(campaign, brittany["brest_metropole"], brest_officer, entries)
    client.force_login(reviewer)
    with django_assert_max_num_queries(20):
        client.get(review_url(response))


def test_return_without_notes_keeps_the_page_with_a_field_error(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.post(review_url(submitted), {"action": "return", "notes": "   "})
    assert page.status_code == 200
    assert page.context["return_form"].errors["notes"] == ["Expliquez ce qui doit être corrigé."]
    assert 'id="id_notes-errors"' in page.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


def test_refused_return_keeps_the_reviewer_text(client, reviewer, submitted):
    response_return(response=submitted, reviewer=reviewer, notes="Déjà renvoyée.")
    client.force_login(reviewer)
    page = client.post(
        review_url(submitted), {"action": "return", "notes": "Précisez les partenaires."}
    )
    html = page.content.decode()
    assert "Seule une réponse transmise peut être renvoyée." in html
    assert "Précisez les partenaires." in html


def test_return_with_notes_sends_the_response_back(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.post(
        review_url(submitted), {"action": "return", "notes": "Ajoutez les dates."}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.RETURNED
    assert submitted.reviewer_notes == "Ajoutez les dates."
    assert "renvoyée à Brest Métropole" in page.content.decode()


def test_validation_asks_for_a_confirmation_first(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.get(review_url(submitted), {"confirmer": "valider"})
    html = page.content.decode()
    assert "Confirmer la validation" in html
    assert "1 coopération sera créée dans le registre" in html
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


def test_validate_promotes_and_lists_the_records(client, reviewer, submitted, registry):
    client.force_login(reviewer)
    page = client.post(review_url(submitted), {"action": "validate"}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.VALIDATED
    html = page.content.decode()
    created = Cooperation.objects.get(origin=Origin.SURVEY)
    assert created.get_absolute_url() in html
    assert registry["brest_quimper"].get_absolute_url() in html
    assert "Créée" in html
    assert "Mise à jour" in html
    assert "Décision" not in html


def test_validate_lists_the_groupings_to_check(
    client, reviewer, campaign, brittany, brest_officer, registry
):
    partner = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}
    response = submit(
        campaign,
        brittany["brest_metropole"],
        brest_officer,
        [new_entry(coop_partners=["epci:242900694", partner])],
    )
    client.force_login(reviewer)
    html = client.post(review_url(response), {"action": "validate"}, follow=True).content.decode()
    assert "à vérifier" in html
    assert "PETR du Pays de Retz" in html


def test_promoted_entry_with_a_grouping_compares_as_identical(
    client, reviewer, campaign, brittany, brest_officer, registry
):
    partner = {"other_name": "PETR du Pays de Retz", "other_category": "PETR"}
    response = submit(
        campaign,
        brittany["brest_metropole"],
        brest_officer,
        [new_entry(coop_partners=["epci:242900694", partner])],
    )
    client.force_login(reviewer)
    client.post(review_url(response), {"action": "validate"})

    (entry,) = client.get(review_url(response)).context["comparisons"]
    assert entry.record is not None
    assert entry.difference_count == 0


def test_refused_validation_shows_why_and_writes_nothing(
    client, reviewer, campaign, brittany, brest_officer, registry
):
    entry = new_entry(coop_status="ended", coop_start_year=2020, coop_end_year=2018)
    response = submit(campaign, brittany["brest_metropole"], brest_officer, [entry])
    count = Cooperation.objects.count()
    client.force_login(reviewer)

    page = client.post(review_url(response), {"action": "validate"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "La validation a été refusée" in html
    assert "La fin précède le début." in html
    # Offered as the notes of a return.
    assert "La fin précède le début." in page.context["return_form"].initial["notes"]
    assert Cooperation.objects.count() == count
    assert not Promotion.objects.exists()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_unknown_action_is_a_bad_request(client, reviewer, submitted):
    client.force_login(reviewer)
    assert client.post(review_url(submitted), {"action": "delete"}).status_code == 400


# Campaigns and coverage


@pytest.fixture
def coverage_campaign(census, brittany, brest_officer, saint_etienne_officer, registry):
    """Brest submitted, Saint-Étienne a draft, Quimper (no officer) nothing."""
    campaign = make_campaign(
        census,
        [
            brittany["brest_metropole"],
            brittany["saint_etienne_metropole"],
            brittany["quimper_agglo"],
        ],
    )
    submit(campaign, brittany["brest_metropole"], brest_officer)
    submit(campaign, brittany["saint_etienne_metropole"], saint_etienne_officer, submit=False)
    return campaign


def coverage_url(campaign):
    return reverse("surveys:coverage", args=[campaign.pk])


def test_coverage_shows_each_target_status_and_activity(
    client, reviewer, coverage_campaign, brittany
):
    client.force_login(reviewer)
    page = client.get(coverage_url(coverage_campaign))
    coverage = page.context["coverage"]
    by_name = {row.territory.name: row for row in coverage.rows}
    assert {name: row.status for name, row in by_name.items()} == {
        "Brest Métropole": "submitted",
        "Saint-Étienne Métropole": "draft",
        "CA Quimper Bretagne Occidentale": "none",
    }
    brest = by_name["Brest Métropole"]
    assert brest.last_activity == brest.response.updated_at
    assert by_name["CA Quimper Bretagne Occidentale"].last_activity is None
    assert {name: row.officer_count for name, row in by_name.items()} == {
        "Brest Métropole": 1,
        "Saint-Étienne Métropole": 1,
        "CA Quimper Bretagne Occidentale": 0,
    }
    totals = {total["status"]: total["count"] for total in coverage.totals}
    assert totals == {"none": 1, "draft": 1, "submitted": 1, "returned": 0, "validated": 0}
    assert "Aucun référent" in page.content.decode()
    # The reviewers' menu marks the campaigns section as the current one.
    assert 'href="/enquetes/revue/campagnes/" aria-current="true"' in page.content.decode()


def test_coverage_queries_do_not_grow_with_the_targets(
    client, reviewer, census, django_assert_max_num_queries
):
    territories = [
        TerritoryFactory(kind=TerritoryKind.EPCI, code=f"2100000{n:02d}") for n in range(25)
    ]
    campaign = make_campaign(census, territories)
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        page = client.get(coverage_url(campaign))
    assert len(page.context["coverage"].rows) == 25


def test_campaign_list_counts_responses_per_status(client, reviewer, coverage_campaign):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:review_campaigns"))
    (row,) = page.context["rows"]
    assert {t["status"]: t["count"] for t in row["totals"]} == {
        "none": 1,
        "draft": 1,
        "submitted": 1,
        "returned": 0,
        "validated": 0,
    }
    assert coverage_url(coverage_campaign) in page.content.decode()


def test_reminder_asks_for_a_confirmation_first(client, reviewer, coverage_campaign):
    client.force_login(reviewer)
    page = client.get(coverage_url(coverage_campaign), {"confirmer": "relancer"})
    assert "Envoyer les relances" in page.content.decode()
    assert not Reminder.objects.exists()


def test_reminders_go_only_to_territories_that_have_not_submitted(
    client, reviewer, coverage_campaign, brittany, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(coverage_url(coverage_campaign), follow=True)

    (message,) = mail.outbox
    assert message.to == ["saint-etienne@example.org"]
    assert message.subject == (
        f"Relance{NBSP}: {coverage_campaign.title} — Saint-Étienne Métropole"
    )
    answer = reverse(
        "surveys:answer",
        kwargs={"campaign_id": coverage_campaign.pk, "kind": "epci", "code": "244200770"},
    )
    assert f"http://testserver{answer}" in message.body
    assert long_date(coverage_campaign.closing_date) in message.body
    assert "pas encore transmise" in message.body
    (reminder,) = Reminder.objects.all()
    assert reminder.territory == brittany["saint_etienne_metropole"]
    assert reminder.recipients == "saint-etienne@example.org"
    assert reminder.sent_by == reviewer
    html = page.content.decode()
    assert "1 territoire relancé." in html
    assert f"non relancés{NBSP}: CA Quimper Bretagne Occidentale" in html
    row = {r.territory.name: r for r in page.context["coverage"].rows}["Saint-Étienne Métropole"]
    assert row.last_reminder == reminder.sent_at


def test_returned_response_reminder_quotes_the_reviewer_notes(
    coverage_campaign, brittany, reviewer, django_capture_on_commit_callbacks
):
    brest = Response.objects.get(territory=brittany["brest_metropole"])
    response_return(response=brest, reviewer=reviewer, notes="Ajoutez les dates.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_remind(campaign=coverage_campaign, sender=reviewer, base_url="https://x.test/")
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Ajoutez les dates." in bodies["brest@example.org"]
    assert "renvoyée pour corrections" in bodies["brest@example.org"]


def test_reminders_are_refused_for_a_closed_campaign(census, brittany, reviewer, brest_officer):
    today = timezone.localdate()
    campaign = make_campaign(
        census,
        [brittany["brest_metropole"]],
        opening=today - datetime.timedelta(days=30),
        closing=today - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="pas ouverte"):
        campaign_remind(campaign=campaign, sender=reviewer, base_url="https://x.test")
    assert not Reminder.objects.exists()


def test_only_staff_may_send_reminders(coverage_campaign, brest_officer):
    with pytest.raises(ValidationError):
        campaign_remind(campaign=coverage_campaign, sender=brest_officer, base_url="https://x")
    assert not Reminder.objects.exists()


def test_admin_lists_promotions_and_reminders_read_only(admin_client, submitted, reviewer):
    response_validate(response=submitted, reviewer=reviewer)
    for model in ("promotion", "reminder"):
        assert admin_client.get(reverse(f"admin:surveys_{model}_changelist")).status_code == 200
    promotion = Promotion.objects.first()
    page = admin_client.get(reverse("admin:surveys_promotion_change", args=[promotion.pk]))
    assert page.status_code == 200
    assert admin_client.get(reverse("admin:surveys_promotion_add")).status_code == 403
