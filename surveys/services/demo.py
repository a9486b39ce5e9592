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

from ..models import Campaign, Questionnaire
from .responses import officer_add

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
    # What existed already and was left as it is (a campaign, accounts).
    kept: tuple[str, ...] = ()


@transaction.atomic
def demo_survey_setup(*, questionnaire: Questionnaire) -> DemoSurvey:
    """Create what the demonstration needs and is missing: the campaign, the two accounts.
    What exists already is left as it is — dates, targets, passwords, answers — so that
    `make demo` can run again without undoing anything a user did."""
    if not settings.DEBUG:
        raise ValidationError("The demonstration accounts are refused when DEBUG is off.")
    metropolises = Territory.objects.current().metropolises()
    brest = metropolises.filter(code=BREST_METROPOLE_SIREN).first()
    if brest is None:
        raise ValidationError("Import the reference data first (import_territories).")
    kept = []
    campaign = Campaign.objects.filter(title=CAMPAIGN_TITLE).order_by("pk").first()
    if campaign is None:
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            title=CAMPAIGN_TITLE,
            questionnaire=questionnaire,
            organisers="ANCT, France urbaine, Intercommunalités de France",
            opening_date=today - datetime.timedelta(days=7),
            closing_date=today + datetime.timedelta(days=90),
        )
        campaign.targets.set(metropolises)
    else:
        kept.append(
            f"campaign “{campaign.title}” ({campaign.opening_date} to {campaign.closing_date}, "
            f"{campaign.responses.count()} responses)"
        )
    officer, created = _demo_user(OFFICER_EMAIL, first_name="Anne", last_name="Le Gall")
    if created:
        officer_add(user=officer, territory=brest)
    else:
        kept.append(f"account {OFFICER_EMAIL}")
    _reviewer, created = _demo_user(
        REVIEWER_EMAIL, first_name="Paul", last_name="Martin", is_staff=True
    )
    if not created:
        kept.append(f"account {REVIEWER_EMAIL}")
    return DemoSurvey(campaign, OFFICER_EMAIL, REVIEWER_EMAIL, DEMO_PASSWORD, tuple(kept))


def _demo_user(email: str, **fields):
    """The demonstration account of `email`, created with the demo password if missing;
    an existing one is left as it is (its password may have changed)."""
    user, created = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email, **fields}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created
