from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, backup_database


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or SQLite's online backup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", type=Path, default=Path("backups"), help="Where to write it."
        )

    def handle(self, *args, directory, **options):
        try:
            path = backup_database(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes).")
