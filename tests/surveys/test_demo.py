import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from surveys.demo import DEMO_PASSWORD, OFFICER_EMAIL, REVIEWER_EMAIL, demo_survey_setup
from surveys.models import Campaign


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
