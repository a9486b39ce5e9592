import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from surveys.models import Campaign
from surveys.services.demo import DEMO_PASSWORD, OFFICER_EMAIL, REVIEWER_EMAIL, demo_survey_setup


def test_demo_survey_opens_a_campaign_to_the_metropolises_with_two_accounts(
    census, brittany, settings
):
    settings.DEBUG = True

    demo = demo_survey_setup(questionnaire=census)

    assert set(demo.campaign.targets.all()) == {
        brittany["brest_metropole"],
        brittany["saint_etienne_metropole"],
    }
    users = get_user_model().objects
    officer, reviewer = users.get(email=OFFICER_EMAIL), users.get(email=REVIEWER_EMAIL)
    assert officer.check_password(DEMO_PASSWORD) and not officer.is_staff
    assert [m.territory for m in officer.officer_memberships.all()] == [brittany["brest_metropole"]]
    assert reviewer.is_staff


def test_demo_survey_twice_changes_nothing(census, brittany, settings):
    settings.DEBUG = True

    demo_survey_setup(questionnaire=census)
    demo_survey_setup(questionnaire=census)

    assert Campaign.objects.count() == 1
    assert get_user_model().objects.filter(email=OFFICER_EMAIL).count() == 1


def test_demo_survey_refused_with_debug_off(census, brittany, settings):
    settings.DEBUG = False

    with pytest.raises(ValidationError):
        demo_survey_setup(questionnaire=census)

    assert not Campaign.objects.exists()


def test_demo_command_needs_a_questionnaire(db, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="questionnaire"):
        call_command("setup_demo_survey")


def test_demo_survey_again_keeps_what_users_did(census, brittany, settings, reviewer):
    """`make demo` runs the set-up each time: answers, changed passwords, campaign dates
    and targets that someone changed since stay as they are."""
    import datetime

    from surveys.services.responses import response_open, response_save

    settings.DEBUG = True
    demo = demo_survey_setup(questionnaire=census)
    officer = get_user_model().objects.get(email=OFFICER_EMAIL)
    officer.set_password("Mot-de-passe-choisi-2026")
    officer.save()
    campaign = demo.campaign
    campaign.closing_date += datetime.timedelta(days=30)
    campaign.save()
    campaign.targets.remove(brittany["saint_etienne_metropole"])
    response = response_open(campaign=campaign, territory=brittany["brest_metropole"], user=officer)
    answers = {"respondent": {"respondent_name": "Anne Le Gall"}}
    response_save(response=response, answers=answers, version=response.version, user=officer)

    again = demo_survey_setup(questionnaire=census)

    officer.refresh_from_db()
    assert officer.check_password("Mot-de-passe-choisi-2026")
    campaign.refresh_from_db()
    assert campaign.closing_date == demo.campaign.closing_date
    assert list(campaign.targets.all()) == [brittany["brest_metropole"]]
    assert campaign.responses.get().answers == answers
    assert any(item.startswith("campaign ") for item in again.kept)
    assert f"account {OFFICER_EMAIL}" in again.kept
