from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from portal.backups import BackupError, restore_database


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file (.dump or .sqlite3).")
        parser.add_argument("--noinput", action="store_true", help="Do not ask for a confirmation.")

    def handle(self, *args, path, noinput, **options):
        database = settings.DATABASES["default"]
        if not noinput:
            answer = input(
                f"Replace everything in the database {database['NAME']} with {path}? [y/N] "
            )
            if answer.strip().lower() not in {"y", "yes", "o", "oui"}:
                raise CommandError("Restore cancelled, database unchanged.")
        connections.close_all()
        try:
            restore_database(database, path=path)
        except BackupError as error:
            raise CommandError(f"{error} Database unchanged.") from error
        self.stdout.write(f"Database {database['NAME']} restored from {path}.")
