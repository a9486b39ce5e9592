"""One exception handler for the whole API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, plus: a `django.core.exceptions.ValidationError` raised by a service
    becomes a 400 with field errors, in the same shape as a serializer's
    (`{"field": ["message", …], "non_field_errors": [...]}`), instead of a 500."""
    if isinstance(exc, DjangoValidationError):
        errors = as_serializer_error(exc)
        if "__all__" in errors:  # Django's NON_FIELD_ERRORS key
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop("__all__")
        exc = exceptions.ValidationError(errors)
    return drf_exception_handler(exc, context)
