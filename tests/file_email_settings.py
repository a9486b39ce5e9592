"""config.settings with e-mails written as files into $TEST_EMAIL_DIR: what a test reads
when the mail is sent by another process (a task worker)."""

import os

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_EMAIL_DIR"]
