"""Officers are told of the reviewers' decisions (e-mail through the task queue and
/enquetes/), and the last-save line credits who saved, apart from who returned."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cooperation.models import Cooperation, Origin
from portal.datetimes import date_and_time
from surveys.services.responses import response_return, response_save, response_validate
from tests.surveys.test_review import submit, submitted  # noqa: F401

NBSP = "\u00a0"


@pytest.fixture
def officer_colleague(make_user, brittany):
    return make_user("colleague", territories=[brittany["brest_metropole"]])


def test_return_emails_the_officers_with_the_notes_and_the_link(
    submitted,  # noqa: F811
    reviewer,
    officer_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response_return(
            response=submitted,
            reviewer=reviewer,
            notes="Précisez le financement.",
            base_url="https://portail.example.org/",
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["brest@example.org", "colleague@example.org"]
    assert "renvoyée pour corrections" in message.subject
    assert "Précisez le financement." in message.body
    answer_url = submitted.campaign.answer_url(submitted.territory)
    assert f"https://portail.example.org{answer_url}" in message.body


def test_validation_emails_the_links_to_the_records(
    submitted,  # noqa: F811
    reviewer,
    registry,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response_validate(
            response=submitted, reviewer=reviewer, base_url="https://portail.example.org"
        )
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Réponse validée" in mailoutbox[0].subject
    created = Cooperation.objects.get(origin=Origin.SURVEY)
    for record in (created, registry["brest_quimper"]):
        assert f"https://portail.example.org{record.get_absolute_url()}" in body


def test_no_email_when_the_decision_is_refused(
    submitted,  # noqa: F811
    reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        response_return(response=submitted, reviewer=reviewer, notes=" ")
    assert mailoutbox == []


def test_officer_home_shows_the_notes_then_the_records(
    client,
    submitted,  # noqa: F811
    reviewer,
    brest_officer,
    registry,
    django_assert_max_num_queries,
):
    response_return(response=submitted, reviewer=reviewer, notes="Précisez le financement.")
    client.force_login(brest_officer)
    html = client.get(reverse("surveys:home")).content.decode()
    assert "Précisez le financement." in html
    assert "Renvoyée par reviewer le" in html

    submitted.refresh_from_db()
    response = response_save(
        response=submitted,
        answers=submitted.answers,
        version=submitted.version,
        user=brest_officer,
    )
    from surveys.services.responses import response_submit

    response_submit(response=response, user=brest_officer)
    response_validate(response=response, reviewer=reviewer)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("surveys:home")).content.decode()
    created = Cooperation.objects.get(origin=Origin.SURVEY)
    assert f'href="{created.get_absolute_url()}"' in html
    assert f'href="{registry["brest_quimper"].get_absolute_url()}"' in html


def test_last_save_credits_the_saver_and_the_return_is_apart(
    client,
    submitted,  # noqa: F811
    reviewer,
    brest_officer,
):
    brest_officer.first_name, brest_officer.last_name = "Anne", "Le Gall"
    brest_officer.save()
    reviewer.first_name, reviewer.last_name = "Paul", "Martin"
    reviewer.save()
    submitted.refresh_from_db()
    saved_at = submitted.saved_at
    assert saved_at is not None
    returned = response_return(response=submitted, reviewer=reviewer, notes="À revoir.")
    returned.refresh_from_db()
    assert returned.saved_at == saved_at
    assert returned.last_saved_by == brest_officer
    assert returned.returned_by == reviewer and returned.returned_at > saved_at

    client.force_login(brest_officer)
    html = client.get(returned.campaign.answer_url(returned.territory)).content.decode()
    assert f"Dernier enregistrement le {date_and_time(saved_at)} par Anne Le Gall." in html
    assert f"Renvoyée par Paul Martin le {date_and_time(returned.returned_at)}." in html


# The reviewer's summary counts only real changes.


def test_an_entry_identical_to_its_record_is_identical_before_and_after_validation(
    client, campaign, brittany, brest_officer, reviewer, registry
):
    from surveys.answering.mapping import entry_from_cooperation
    from surveys.models import Promotion

    same = entry_from_cooperation(registry["brest_quimper"], territory=brittany["brest_metropole"])
    response = submit(campaign, brittany["brest_metropole"], brest_officer, [same])
    client.force_login(reviewer)
    url = reverse("surveys:review_response", args=[response.pk])
    html = client.get(url).content.decode()
    assert "et 0 fiches existantes mises à jour." in html
    assert "1 fiche identique au registre restera telle quelle." in html

    html = client.post(url, {"action": "validate"}, follow=True).content.decode()
    promotion = Promotion.objects.get(response=response)
    assert (promotion.created, promotion.changed) == (False, False)
    section = html[html.index('id="promotions-title"') :]
    section = section[: section.index("</section>")]
    assert "Identique" in section
    assert "Mise à jour" not in section
