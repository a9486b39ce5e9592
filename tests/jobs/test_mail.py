"""E-mails leave through the task queue and are retried (jobs/mail.py)."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.mail import email_enqueue, email_send


class FlakyBackend(LocmemBackend):
    """The test outbox behind an SMTP server that refuses the first `failures` messages."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.jobs.test_mail.FlakyBackend"
    settings.EMAIL_RETRY_DELAYS = [60, 300, 1800]
    FlakyBackend.attempts = 0

    def fail(times: int):
        FlakyBackend.failures = times

    return fail


def test_a_queued_message_is_sent(mailoutbox):
    email_enqueue(subject="Objet", body="Texte", recipients=["a@example.org"])

    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [
        ("Objet", "Texte", ["a@example.org"])
    ]


def test_a_refused_message_is_tried_again_until_it_leaves(flaky_smtp, mailoutbox):
    flaky_smtp(2)

    email_enqueue(subject="Objet", body="Texte", recipients=["a@example.org"])

    assert FlakyBackend.attempts == 3
    assert len(mailoutbox) == 1


def test_a_message_is_given_up_after_the_last_delay(flaky_smtp, mailoutbox, caplog):
    flaky_smtp(100)

    email_enqueue(subject="Objet", body="Texte", recipients=["a@example.org"])

    assert FlakyBackend.attempts == 4  # the first attempt, then one after each delay
    assert mailoutbox == []
    assert "failed after 4 attempts; giving up" in caplog.text


def test_a_bad_message_is_not_retried(settings, mailoutbox):
    # Not an SMTP or network error: trying again would fail the same way.
    result = email_send.enqueue(subject="Objet", body="Texte", recipients="a@example.org")

    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.TypeError"
    assert mailoutbox == []


# A real transaction: the worker closes and reopens its connection between tasks.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_retry_waits_for_its_delay(settings, flaky_smtp):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    flaky_smtp(1)
    before = timezone.now()

    email_enqueue(subject="Objet", body="Texte", recipients=["a@example.org"])
    assert mail.outbox == []  # queued: nothing happens until a worker runs
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    first, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == "FAILED"
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + datetime.timedelta(seconds=60)
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
