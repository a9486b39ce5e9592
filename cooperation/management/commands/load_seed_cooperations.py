from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperation.seed import DEFAULT_SEED, seed_cooperations_load


class Command(BaseCommand):
    help = (
        "Load the documented cooperation examples (idempotent). Import territories first. "
        "A record or grouping changed since by someone else is kept as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=DEFAULT_SEED, help="Seed JSON file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite records and groupings changed since by someone else (listed).",
        )

    def handle(self, *args, path, force, **options):
        try:
            report = seed_cooperations_load(path=path, force=force)
        except ValidationError as error:
            raise CommandError(
                f"Seed aborted, database unchanged: {'; '.join(error.messages)}"
            ) from error
        self.stdout.write(report.summary())
