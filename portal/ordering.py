"""The sort of the browsable lists (registry, reviewers' queue), shared by their pages,
exports and API: an `ordering` filter with null values last whatever the direction, text
in French alphabetical order, and ties broken so that pages never repeat or skip a row."""

import django_filters
from django.db.models import F

from .collation import french


def sort_keys(value) -> list[str]:
    """The keys of an `ordering` parameter, without the empty ones that `?ordering=,` gives
    (django-filter's own OrderingFilter drops them too)."""
    return [param for param in value or [] if param]


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter, with empty (null) values last in both directions and
    the ties broken by `tie_breakers()`, which ends with the primary key.

    `collated_fields` are text fields, never null, sorted by French collation ("Pôle"
    before "Protocole") and without NULLS LAST (the order their index serves on SQLite).
    `prepare()` adds to the queryset what a sort key needs (an annotation, say)."""

    collated_fields: tuple[str, ...] = ()

    def filter(self, qs, value):
        params = sort_keys(value)
        if not params:
            return qs
        names = [self.param_map[param.lstrip("-")] for param in params]
        qs = self.prepare(qs, names)
        keys = [
            self.sort_key(name, descending=param.startswith("-"))
            for name, param in zip(names, params, strict=True)
        ]
        return qs.order_by(*keys, *self.tie_breakers())

    def prepare(self, qs, names: list[str]):
        """The queryset, with what sorting by the model fields `names` needs."""
        return qs

    def sort_key(self, name: str, *, descending: bool):
        if name in self.collated_fields:
            field, nulls = french(name), {}
        else:
            field, nulls = F(name), {"nulls_last": True}
        return field.desc(**nulls) if descending else field.asc(**nulls)

    def tie_breakers(self) -> tuple:
        return ("id",)
