from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background work on the task queue: large exports as jobs, e-mail delivery.

    Shared plumbing that knows no other app: the registry and the survey register their
    export kinds here (see jobs.exporters), and hand their e-mails to jobs.mail."""

    name = "jobs"
    verbose_name = _("Tâches en arrière-plan")
