from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys.models import Questionnaire
from surveys.services.demo import demo_survey_setup


class Command(BaseCommand):
    help = "Open the demonstration census campaign with a demo officer and reviewer."

    def handle(self, *args, **options):
        questionnaire = Questionnaire.objects.order_by("slug", "-version").first()
        if questionnaire is None:
            raise CommandError("Load a questionnaire first (load_questionnaire).")
        try:
            demo = demo_survey_setup(questionnaire=questionnaire)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for item in demo.kept:
            self.stdout.write(f"  kept as it was: {item}")
        self.stdout.write(
            f"Campaign “{demo.campaign.title}” asks {demo.campaign.targets.count()} "
            f"métropoles. Sign in at /compte/connexion/ as {demo.officer_email} (officer of "
            f"Brest Métropole) or {demo.reviewer_email} (reviewer), password {demo.password} "
            "(unless changed since)."
        )
