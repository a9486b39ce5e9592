from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from territories.services import reference_data_import


class Command(BaseCommand):
    help = (
        "Import the official reference geography (régions, départements, communes, EPCI, EPT) "
        "from the shipped @etalab/decoupage-administratif snapshot or another release."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            help="Folder holding regions, departements, communes, epci and ept .json[.gz] files "
            "(an npm 'package/' folder works too). Default: the shipped 6.0.0 snapshot.",
        )
        parser.add_argument(
            "--departments",
            help="Comma-separated département codes: import only what touches them (e.g. 29,35).",
        )

    def handle(self, *args, source=None, departments=None, **options):
        scope = None
        if departments is not None:
            scope = {code.strip().upper() for code in departments.split(",") if code.strip()}
            if not scope:
                # An empty list (e.g. an unset shell variable) must not turn into a full
                # import, which would mark territories obsolete.
                raise CommandError("--departments: give at least one département code.")
        try:
            report = reference_data_import(source=source, departments=scope)
        except ValidationError as error:
            raise CommandError(
                f"Import aborted, database unchanged: {'; '.join(error.messages)}"
            ) from error
        except KeyboardInterrupt:
            # Ctrl-C: the import's transaction was rolled back. Exit like a shell does on
            # SIGINT (130), with the same one-line message as any other abort.
            raise CommandError("Import interrupted, database unchanged.", returncode=130) from None
        self.stdout.write(report.summary())
