"""The states of a survey response, read by the models, their QuerySets and the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmise")
    RETURNED = "returned", _("Renvoyée pour corrections")
    VALIDATED = "validated", _("Validée")


EDITABLE_STATUSES = (ResponseStatus.DRAFT, ResponseStatus.RETURNED)
