"""A FilterSet whose result with no parameter is written once: what it does when a
parameter is absent (a default order, hiding obsolete rows) lives in `apply_defaults()`,
which both `qs` and `without_parameters()` read."""

import django_filters


class FilterSetWithDefaults(django_filters.FilterSet):
    """A FilterSet that applies `apply_defaults()` after its filters.

    `without_parameters(queryset)` is what `qs` gives for no parameter at all, without
    building and cleaning the form: the API's filter backend takes it for a request that
    only pages through a list (`config.api.filters`)."""

    @classmethod
    def apply_defaults(cls, queryset, cleaned_data: dict):
        """`queryset` with what the absent parameters imply; `cleaned_data` holds the
        parameters given (empty for none)."""
        return queryset

    @property
    def qs(self):
        queryset = super().qs  # cleans the form first when bound
        cleaned_data = (self.form.cleaned_data or {}) if self.is_bound else {}
        return self.apply_defaults(queryset, cleaned_data)

    @classmethod
    def without_parameters(cls, queryset):
        return cls.apply_defaults(queryset, {})
