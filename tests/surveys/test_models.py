import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.models import Campaign, Response
from surveys.services.responses import response_open
from tests.fixtures.surveys import make_campaign


def test_one_response_per_territory_is_a_database_constraint(campaign, brittany):
    brest = brittany["brest_metropole"]
    Response.objects.create(
        campaign=campaign, territory=brest, questionnaire=campaign.questionnaire
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            campaign=campaign, territory=brest, questionnaire=campaign.questionnaire
        )


def test_campaign_cannot_close_before_it_opens(census):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            title="À l’envers",
            questionnaire=census,
            opening_date=today,
            closing_date=today - datetime.timedelta(days=1),
        )


def test_open_on_includes_first_and_last_day(census, brittany):
    campaign = make_campaign(
        census,
        [],
        opening=datetime.date(2026, 3, 1),
        closing=datetime.date(2026, 3, 31),
    )
    assert list(Campaign.objects.open_on(datetime.date(2026, 3, 1))) == [campaign]
    assert list(Campaign.objects.open_on(datetime.date(2026, 3, 31))) == [campaign]
    assert not Campaign.objects.open_on(datetime.date(2026, 4, 1)).exists()
    assert not Campaign.objects.open_on(datetime.date(2026, 2, 28)).exists()


def test_questionnaire_is_locked_once_a_campaign_using_it_has_opened(census, brittany):
    today = timezone.localdate()
    make_campaign(census, [], opening=today + datetime.timedelta(days=3))
    assert not census.is_locked
    make_campaign(census, [], opening=today)
    assert census.is_locked


def test_questionnaire_questions_come_from_its_definition(census):
    codes = [question.code for question in census.questions]
    assert codes[0] == "respondent_name"
    assert "coop_partners" in codes
    assert str(census).endswith("(v1)")


@pytest.fixture
def two_responses(campaign, brittany, make_user):
    brest_officer = make_user("brest", territories=[brittany["brest_metropole"]])
    loire_officer = make_user("loire", territories=[brittany["saint_etienne_metropole"]])
    brest = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    saint_etienne = response_open(
        campaign=campaign, territory=brittany["saint_etienne_metropole"], user=loire_officer
    )
    return brest, saint_etienne, brest_officer, loire_officer


def test_staff_see_every_response(two_responses, make_user):
    brest, saint_etienne, *_ = two_responses
    staff = make_user("staff", staff=True)
    assert set(Response.objects.visible_to(staff)) == {brest, saint_etienne}


def test_officer_sees_only_responses_of_own_territory(two_responses):
    brest, saint_etienne, brest_officer, loire_officer = two_responses
    assert list(Response.objects.visible_to(brest_officer)) == [brest]
    assert list(Response.objects.visible_to(loire_officer)) == [saint_etienne]


def test_user_without_membership_sees_no_response(two_responses, make_user):
    assert not Response.objects.visible_to(make_user("nobody")).exists()


def test_anonymous_user_sees_no_response(two_responses):
    assert not Response.objects.visible_to(AnonymousUser()).exists()
    assert not Response.objects.visible_to(None).exists()


def test_officer_sees_campaigns_targeting_own_territory_only(campaign, census, brittany, make_user):
    other = make_campaign(census, [brittany["quimper_agglo"]], title="Autre")
    officer = make_user("brest", territories=[brittany["brest_metropole"]])
    assert list(Campaign.objects.visible_to(officer)) == [campaign]
    assert set(Campaign.objects.visible_to(make_user("s", staff=True))) == {campaign, other}
    assert not Campaign.objects.visible_to(AnonymousUser()).exists()


def test_response_changes_are_kept_in_history(campaign, brittany, brest_officer):
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    response.reviewer_notes = "vu"
    response.save()
    assert response.history.count() == 2
