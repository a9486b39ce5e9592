"""The demonstration survey of `make demo`: an open campaign of the census to the 22
métropoles, one officer (Brest Métropole) and one reviewer with known passwords.

Known passwords are only acceptable on a local demonstration, hence the refusal to run
with DEBUG off."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from territories.models import Territory

from .models import Campaign, Questionnaire
from .services import officer_add

CAMPAIGN_TITLE = "Recensement des coopérations interterritoriales (démonstration)"
BREST_METROPOLE_SIREN = "242900314"
OFFICER_EMAIL = "referente.brest@example.org"
REVIEWER_EMAIL = "relecture@example.org"
DEMO_PASSWORD = "demo-cooperations-2026"


@dataclass(frozen=True)
class DemoSurvey:
    campaign: Campaign
    officer_email: str
    reviewer_email: str
    password: str


@transaction.atomic
def demo_survey_setup(*, questionnaire: Questionnaire) -> DemoSurvey:
    """Create (or bring up to date) the demonstration campaign and accounts."""
    if not settings.DEBUG:
        raise ValidationError("The demonstration accounts are refused when DEBUG is off.")
    metropolises = Territory.objects.current().metropolises()
    brest = metropolises.filter(code=BREST_METROPOLE_SIREN).first()
    if brest is None:
        raise ValidationError("Import the reference data first (import_territories).")
    today = timezone.localdate()
    campaign, _created = Campaign.objects.update_or_create(
        title=CAMPAIGN_TITLE,
        defaults={
            "questionnaire": questionnaire,
            "organisers": "ANCT, France urbaine, Intercommunalités de France",
            "opening_date": today - datetime.timedelta(days=7),
            "closing_date": today + datetime.timedelta(days=90),
        },
    )
    campaign.targets.set(metropolises)
    officer = _demo_user(OFFICER_EMAIL, first_name="Anne", last_name="Le Gall")
    officer_add(user=officer, territory=brest)
    _demo_user(REVIEWER_EMAIL, first_name="Paul", last_name="Martin", is_staff=True)
    return DemoSurvey(campaign, OFFICER_EMAIL, REVIEWER_EMAIL, DEMO_PASSWORD)


def _demo_user(email: str, **fields):
    user, _created = get_user_model().objects.update_or_create(
        username=email, defaults={"email": email, **fields}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
