"""Tasks of the export jobs (e-mails: jobs.mail)."""

from django_tasks import task

from .services import export_job_run, export_jobs_purge


@task(queue_name="exports")
def export_job_task(job_id: str) -> str | None:
    """Build the file of export job `job_id`, then remove the files past their retention
    (so that even a deployment without the periodic clean-up keeps its disk in check)."""
    job = export_job_run(job_id=job_id)
    export_jobs_purge()
    return job.status if job else None
