"""The API's filter backend: django-filter's, reporting every invalid parameter at once."""

from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend as BaseDjangoFilterBackend
from rest_framework.exceptions import ValidationError


class DjangoFilterBackend(BaseDjangoFilterBackend):
    """django-filter's backend; when filters are invalid, an invalid `page_size` is reported
    in the same 400 (the list's pagination only runs after the filters)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            errors = dict(utils.translate_validation(filterset.errors).detail)
            paginator = getattr(view, "paginator", None)
            if paginator is not None and hasattr(paginator, "page_size_errors"):
                errors.update(paginator.page_size_errors(request))
            raise ValidationError(errors)
        return filterset.qs
