"""The production queue: TASKS_URL=redis://… puts tasks on RQ, and RQ's worker (with
django-tasks-rq's job class, as docs/deployment.md starts it) runs them."""

import subprocess
import sys

from tests.processes import ROOT, process_environment

# A database of the local Redis of its own, emptied before and after.
TASKS_URL = "redis://127.0.0.1:6379/13"


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_task_queued_on_redis_is_run_by_an_rq_worker(tmp_path):
    import redis

    connection = redis.Redis.from_url(TASKS_URL)
    connection.flushdb()
    outbox = tmp_path / "outbox"
    env = process_environment(
        f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        TASKS_URL=TASKS_URL,
        DJANGO_SETTINGS_MODULE="tests.file_email_settings",
        TEST_EMAIL_DIR=str(outbox),
    )
    enqueue = (
        "import django; django.setup(); "
        "from django.conf import settings; "
        "assert settings.TASKS['default']['BACKEND'] == 'django_tasks_rq.RQBackend'; "
        "from jobs.mail import email_enqueue; "
        "email_enqueue(subject='Relance', body='Texte', recipients=['a@example.org'])"
    )
    try:
        queued = run([sys.executable, "-c", enqueue], env)
        assert queued.returncode == 0, queued.stderr
        assert not outbox.exists()  # queued, not sent
        assert connection.llen("rq:queue:default") == 1

        worker = [sys.executable, "manage.py", "rqworker", "default", "--burst"]
        worked = run([*worker, "--with-scheduler", "--job-class", "django_tasks_rq.Job"], env)
        assert worked.returncode == 0, worked.stderr

        (message,) = outbox.iterdir()
        text = message.read_text()
        assert "Subject: Relance" in text and "To: a@example.org" in text
        assert connection.llen("rq:queue:default") == 0
    finally:
        connection.flushdb()
