"""E-mail delivery through the task queue, with retries.

A service hands a message to `email_enqueue` from `transaction.on_commit`: the request
answers at once, and an SMTP server that is slow or down delays the message instead of
failing the request or losing the mail. A failed attempt is recorded as a failed task
(what monitoring counts) and the message is queued again after `EMAIL_RETRY_DELAYS`
seconds; after the last delay, the failure is final and logged as an error.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Errors worth another attempt: the server refused or was unreachable. Anything else (a
# bad address format, a bug) would fail again the same way.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


@task(queue_name="default")
def email_send(*, subject: str, body: str, recipients: list[str], attempt: int = 1) -> int:
    """Send one message to `recipients`; on a transient error, queue the next attempt
    (see EMAIL_RETRY_DELAYS), then fail this one. Returns the number of messages sent."""
    try:
        return EmailMessage(subject, body, None, recipients).send()
    except TRANSIENT_ERRORS:
        delays = settings.EMAIL_RETRY_DELAYS
        if attempt > len(delays):
            logger.error(
                "E-mail %r to %s failed after %d attempts; giving up.",
                subject,
                recipients,
                attempt,
            )
        else:
            logger.warning(
                "E-mail %r to %s failed (attempt %d); retrying in %d s.",
                subject,
                recipients,
                attempt,
                delays[attempt - 1],
            )
            _enqueue(subject, body, recipients, attempt + 1, delays[attempt - 1])
        raise


def email_enqueue(*, subject: str, body: str, recipients: Sequence[str]) -> None:
    """Queue a message for delivery (call it from `transaction.on_commit`)."""
    _enqueue(subject, body, list(recipients), 1, 0)


def _enqueue(subject: str, body: str, recipients: list[str], attempt: int, delay: int) -> None:
    sender = email_send
    # A backend that cannot defer (the immediate one, in tests) retries at once.
    if delay and sender.get_backend().supports_defer:
        sender = sender.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    sender.enqueue(subject=subject, body=body, recipients=recipients, attempt=attempt)
