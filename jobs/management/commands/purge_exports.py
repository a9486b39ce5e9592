from django.core.management.base import BaseCommand

from jobs.services import export_jobs_purge


class Command(BaseCommand):
    help = (
        "Remove the files of export jobs past their retention (EXPORT_FILE_TTL_HOURS), mark "
        "stalled jobs as failed, and forget jobs expired for EXPORT_JOB_HISTORY_DAYS. "
        "Run it periodically (cron, systemd timer): see docs/deployment.md."
    )

    def handle(self, *args, **options):
        removed, deleted = export_jobs_purge()
        self.stdout.write(f"{removed} export files removed, {deleted} expired jobs forgotten.")
