import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from surveys.models import Campaign, Response
from surveys.services import officer_add, questionnaire_load
from territories.models import TerritoryCategory, TerritoryKind
from tests.cooperation.conftest import cork, pays_cob, registry, themes  # noqa: F401
from tests.factories import TerritoryFactory

CENSUS = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires" / "census-v1.json"


@pytest.fixture
def census(db):
    questionnaire, _created = questionnaire_load(path=CENSUS)
    return questionnaire


def make_campaign(questionnaire, targets, *, opening=None, closing=None, title="Recensement"):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title=title,
        questionnaire=questionnaire,
        organisers="France urbaine",
        opening_date=opening or today - datetime.timedelta(days=1),
        closing_date=closing or today + datetime.timedelta(days=30),
    )
    campaign.targets.set(targets)
    return campaign


@pytest.fixture
def campaign(census, brittany):
    return make_campaign(census, [brittany["brest_metropole"], brittany["saint_etienne_metropole"]])


@pytest.fixture
def make_user(db):
    def make(username, *, staff=False, territories=()):
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password="x", is_staff=staff
        )
        for territory in territories:
            officer_add(user=user, territory=territory)
        return user

    return make


@pytest.fixture
def brest_officer(make_user, brittany):
    return make_user("brest", territories=[brittany["brest_metropole"]])


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", staff=True)


def complete_answers():
    return {
        "respondent": {"respondent_name": "Anne Le Gall", "respondent_role": "Chargée de mission"},
        "cooperations": [
            {
                "_entry": "c1",
                "coop_title": "Contrat de réciprocité Brest - Centre Ouest Bretagne",
                "coop_partners": ["epci:242900694"],
                "coop_instrument": "reciprocity_contract",
                "coop_themes": ["mobility"],
                "coop_status": "active",
            }
        ],
        "approach": {"approach_strategy": False},
    }


def make_responses(questionnaire, count: int, answers: dict):
    """A campaign to `count` new communautés d’agglomération, each with a response holding
    `answers` (for the bounded-queries tests)."""
    territories = [
        TerritoryFactory(
            kind=TerritoryKind.EPCI,
            code=f"2000000{index:02d}",
            name=f"Communauté {index}",
            category=TerritoryCategory.CA,
        )
        for index in range(count)
    ]
    campaign = make_campaign(questionnaire, territories, title=f"Vague de {count}")
    for territory in territories:
        Response.objects.create(
            campaign=campaign, territory=territory, questionnaire=questionnaire, answers=answers
        )
    return campaign
