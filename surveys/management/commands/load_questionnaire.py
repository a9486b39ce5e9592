from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys.services.responses import questionnaire_load


class Command(BaseCommand):
    help = "Load a questionnaire file (idempotent; an opened version never changes)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Questionnaire JSON file.")

    def handle(self, *args, path, **options):
        try:
            questionnaire, created = questionnaire_load(path=path)
        except ValidationError as error:
            raise CommandError(
                f"Questionnaire not loaded, database unchanged: {'; '.join(error.messages)}"
            ) from error
        action = "created" if created else "up to date"
        self.stdout.write(
            f"Questionnaire {questionnaire.slug} v{questionnaire.version}: {action} "
            f"({len(questionnaire.questions)} questions)."
        )
