"""One exception handler for the whole API."""

import re

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus: a `django.core.exceptions.ValidationError` raised by a service
    becomes a 400 with field errors, in the same shape as a serializer's
    (`{"field": ["message", …], "non_field_errors": [...]}`), instead of a 500; and a 404
    says what was not found in the request's language."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(not_found_message(exc))
    if isinstance(exc, DjangoValidationError):
        errors = as_serializer_error(exc)
        if "__all__" in errors:  # Django's NON_FIELD_ERRORS key
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop("__all__")
        exc = exceptions.ValidationError(errors)
    return drf_exception_handler(exc, context)


# get_object_or_404's message, in English whatever the language: "No Territory matches the
# given query." (Django does not translate it, and names the model's class).
UNTRANSLATED_NOT_FOUND = re.compile(r"^No (\w+) matches the given query\.$")


def not_found_message(exc: Http404) -> str:
    """The message of a 404: its own when it has one, « Territoire introuvable. » /
    "Territory not found." for get_object_or_404's, DRF's « Pas trouvé. » otherwise."""
    message = str(exc.args[0]) if exc.args else ""
    match = UNTRANSLATED_NOT_FOUND.match(message)
    if match:
        models = {model._meta.object_name: model for model in apps.get_models()}
        model = models.get(match.group(1))
        if model is None:
            return str(exceptions.NotFound.default_detail)
        return _("%(name)s introuvable.") % {"name": capfirst(model._meta.verbose_name)}
    return message or str(exceptions.NotFound.default_detail)
